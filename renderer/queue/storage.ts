import { KioskError } from '../../shared/errors';
import { host } from '../host';

/**
 * The storage guard (quality target R5). Persistence is asked for once, so that Chromium does not
 * evict the queue under disk pressure; free space is checked before a citizen starts, so nobody
 * fills in a form the kiosk could not save.
 */
export async function requestPersistentStorage(): Promise<boolean> {
  return (await navigator.storage?.persist?.()) ?? false;
}

/** Rejects with queue.storageFull when the browser's free quota is under the kiosk's floor. */
export async function ensureRoomForNewDossier(): Promise<void> {
  const [{ minFreeStorageBytes }, estimate] = await Promise.all([host().call('app.info'), navigator.storage.estimate()]);
  const free = (estimate.quota ?? 0) - (estimate.usage ?? 0);
  if (free < minFreeStorageBytes) throw new KioskError('queue.storageFull', { freeBytes: free });
}
