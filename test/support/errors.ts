import { KioskError } from '../../shared/errors';

/** What a call came to: `resolved`, the KioskError's code, or, for any other failure, its text. */
export const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof KioskError ? error.code : String(error)),
  );

/** The KioskError a call failed with; anything else (a success, another error) fails the test. */
export async function kioskErrorOf(promise: Promise<unknown>): Promise<KioskError> {
  const error = await promise.then(
    () => null,
    (thrown: unknown) => thrown,
  );
  if (!(error instanceof KioskError)) throw new Error(`expected a KioskError, got ${String(error)}`);
  return error;
}
