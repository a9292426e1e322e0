import { host } from '../host';
import { useStore } from '../store';

/** Signs a helper in; the session's token stays in memory only, so a reloaded page has none. */
export async function signInHelper(helperId: string, pin: string): Promise<void> {
  const { token, helper } = await host().call('helper.signIn', { helperId, pin });
  useStore.getState().setHelper({ token, ...helper });
}

/** Signs the helper out, if one is in: the screen forgets them now, the host's log records it. */
export function signOutHelper(): void {
  const { helper, setHelper } = useStore.getState();
  if (!helper) return;
  setHelper(null);
  // The host forgets an unused session by itself: a failed sign-out leaves nothing open for long.
  void host().call('helper.signOut', { token: helper.token }).catch(() => undefined);
}
