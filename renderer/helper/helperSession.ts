import type { HelperAction } from '../../shared/contract';
import { KioskError, toKioskError } from '../../shared/errors';
import { host } from '../host';
import { useStore, type Store } from '../store';

/** Signs a helper in; the session's token stays in memory only, so a reloaded page has none. */
export async function signInHelper(helperId: string, pin: string): Promise<void> {
  const { token, helper } = await host().call('helper.signIn', { helperId, pin });
  useStore.getState().signedIn({ token, ...helper });
}

/** Signs the helper out, if one is in: the screen forgets them now, the host's log records it. */
export function signOutHelper(): void {
  const { helper, signedOut } = useStore.getState();
  if (!helper) return;
  signedOut();
  // The host forgets an unused session by itself: a failed sign-out leaves nothing open for long.
  void host().call('helper.signOut', { token: helper.token }).catch(() => undefined);
}

/**
 * Runs a call only a signed-in helper may make, with their session's token. A session the host has
 * closed signs the helper out here too; the call's failure comes back as a KioskError.
 */
export async function asHelper<T>(call: (token: string) => Promise<T>): Promise<T> {
  const { helper } = useStore.getState();
  if (!helper) throw new KioskError('helper.signedOut');
  try {
    return await call(helper.token);
  } catch (error) {
    const failure = toKioskError(error);
    if (failure.code === 'helper.signedOut') signOutHelper();
    throw failure;
  }
}

/** The screen the citizen's session is on, by id: the route, or the catalogue step being asked. */
const screenOf = (state: Store) => (state.route === 'step' ? (state.progress?.current ?? state.route) : state.route);
// A repair's screens are about the dossier repaired, not the copy they edit.
const dossierOf = (state: Store) => state.repair?.dossierId ?? state.saved?.id ?? state.draftId ?? undefined;

/**
 * Records what the signed-in helper did, in the host's audit log under their id. Never fails the
 * helper's work: a session the host has closed signs the helper out here too.
 */
export async function recordHelperAction(action: HelperAction, about: { step?: string; dossier?: string }): Promise<void> {
  const { helper } = useStore.getState();
  if (!helper) return;
  try {
    await host().call('helper.record', { token: helper.token, action, ...about });
  } catch (error) {
    if (toKioskError(error).code === 'helper.signedOut') useStore.getState().signedOut();
    else console.warn('helper action not recorded', action, error);
  }
}

const recordStep = (action: HelperAction, state: Store) => void recordHelperAction(action, { step: screenOf(state), dossier: dossierOf(state) });

/** The helper takes over the citizen's session from the screen it is on (or goes back to it). */
export function startAssisting(): void {
  const { assisting } = useStore.getState();
  useStore.getState().startAssisting();
  if (assisting) return;
  recordStep('assist.start', useStore.getState());
}

/** While a helper assists, each new screen of the citizen's session goes to the audit log under the helper's id. */
export function auditAssistedSteps(): () => void {
  return useStore.subscribe((state, before) => {
    if (state.assisting && before.assisting && screenOf(state) !== screenOf(before)) recordStep('assist.step', state);
  });
}
