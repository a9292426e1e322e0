import { z } from 'zod';
import { errorCodes, type ErrorCode } from '../../../shared/errors';

const ErrorBody = z.object({ error: z.string() });

/** A request that never got an answer: the link's failure, never the dossier's. */
export const networkFailure = (error: unknown): ErrorCode =>
  error instanceof DOMException && error.name === 'TimeoutError' ? 'portal.timeout' : 'portal.unreachable';

/** The portal's own refusal code when it is one we know; anything else is not the portal speaking. */
export const refusalCode = (body: unknown): ErrorCode => {
  const code = ErrorBody.safeParse(body).data?.error ?? '';
  return (errorCodes as readonly string[]).includes(code) ? (code as ErrorCode) : 'portal.badResponse';
};
