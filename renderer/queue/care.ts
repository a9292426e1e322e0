import { isUnsent, newSyncState, type CancelReason } from '../../shared/dossier/dossier';
import { host } from '../host';
import { db, type KioskDb } from './db';
import { syncNow, withSyncHeld } from './syncLoop';

/**
 * Cancels a dossier the portal does not have yet: its key, answers and pages go in one transaction
 * with a deletion record (crypto-shred, as retention does); the row stays, cancelled, with no
 * personal data, for the queue and the reports. Sync is held meanwhile, so the engine is not halfway
 * through sending it: one that reached the portal first is not cancelled (false).
 */
export function cancelDossier(id: string, reason: CancelReason, database: KioskDb = db): Promise<boolean> {
  return withSyncHeld(async () => {
    const at = new Date().toISOString();
    const cancelled = await database.transaction('rw', database.dossiers, database.attachments, database.deletions, async () => {
      const row = await database.dossiers.get(id);
      if (!row || !isUnsent(row.status)) return false;
      const { sealed: _sealed, answers: _answers, ...kept } = row;
      await database.dossiers.put({ ...kept, status: 'cancelled', shreddedAt: at });
      await database.attachments.where('dossierId').equals(id).delete();
      await database.deletions.put({ id, at, reason: 'cancelled', cancelReason: reason });
      return true;
    });
    // If the host is away, the next start's reconcile drops the copy of a row that needs none.
    if (cancelled) await host().call('queue.dropCopy', { id }).catch(() => undefined);
    return cancelled;
  });
}

/**
 * Sends a dossier that needed a helper again from the start, under the same id: announced again
 * (the portal answers the same package as before), and each page the portal has not verified
 * uploaded again (it deletes one that failed its check, so tus starts that one afresh).
 */
export async function resendDossier(id: string, database: KioskDb = db): Promise<boolean> {
  const requeued = await database.transaction('rw', database.dossiers, async () => {
    const row = await database.dossiers.get(id);
    if (row?.status !== 'needsHelp') return false;
    await database.dossiers.put({ ...row, status: 'queued', sync: newSyncState() });
    return true;
  });
  if (requeued) syncNow();
  return requeued;
}

/** Notes that the dossier went on a USB stick (renderer/helper/carryOut.ts), for the helper's queue. */
export async function markCarried(id: string, database: KioskDb = db): Promise<void> {
  await database.transaction('rw', database.dossiers, async () => {
    const row = await database.dossiers.get(id);
    if (row) await database.dossiers.put({ ...row, sync: { ...row.sync, carriedAt: new Date().toISOString() } });
  });
}
