import { db, type KioskDb } from './db';
import { host } from '../host';

const CURSOR = 'portalChangesCursor';
/** TrangThaiHoSo 3, "Không được tiếp nhận": the agency refused the dossier, for good. */
const NOT_RECEIVED = 3;

/**
 * Reads the portal's status changes (accepted, needs more documents, done…) into the queue, batch
 * by batch, each batch and its cursor in one transaction, so a crash re-reads at most one batch
 * and applying a change twice is harmless.
 */
export async function pullStatuses(database: KioskDb = db): Promise<number> {
  let applied = 0;
  for (;;) {
    const cursor = (await database.meta.get(CURSOR))?.value ?? 0;
    const { changes, cursor: next } = await host().call('portal.changes', { cursor });
    if (changes.length === 0) return applied;
    await database.transaction('rw', database.dossiers, database.meta, async () => {
      for (const change of changes) {
        const dossier = await database.dossiers.get(change.uuid);
        if (!dossier) continue;
        dossier.portalStatus = { code: change.status, at: change.at };
        if (change.status === NOT_RECEIVED && dossier.status === 'accepted') dossier.status = 'rejected';
        await database.dossiers.put(dossier);
      }
      await database.meta.put({ key: CURSOR, value: next });
    });
    applied += changes.length;
  }
}
