import type { DossierStatus } from '../../shared/dossier/dossier';
import { host } from '../host';
import { db, type KioskDb } from './db';

const DAY_MS = 24 * 60 * 60 * 1000;
/** What the portal has received: accepted, or refused after it (rejected). */
const AT_PORTAL: DossierStatus[] = ['accepted', 'rejected'];

/**
 * Crypto-shredding (quality target D2): once the portal has had a dossier for the retention period,
 * its wrapped key and the ciphertext of its answers and pages are deleted in one transaction with a
 * deletion record, so its
 * personal data can no longer be read on this kiosk; the non-personal row stays for the helper's
 * report. Then the host's sealed copy goes too. Nothing is shredded before the portal has it.
 */
export async function shredExpired(retentionDays: number, now = Date.now(), database: KioskDb = db): Promise<number> {
  const due = (await database.dossiers.where('status').anyOf(AT_PORTAL).toArray()).filter(
    (row) => row.sealed && row.portal && Date.parse(row.portal.receivedAt) + retentionDays * DAY_MS <= now,
  );
  const at = new Date(now).toISOString();
  for (const row of due) {
    await database.transaction('rw', database.dossiers, database.attachments, database.deletions, async () => {
      const current = await database.dossiers.get(row.id);
      if (!current?.sealed || !AT_PORTAL.includes(current.status)) return;
      const { sealed, ...kept } = current;
      await database.dossiers.put({ ...kept, shreddedAt: at });
      await database.attachments.where('dossierId').equals(row.id).delete();
      await database.deletions.put({ id: row.id, at, reason: 'retention' });
    });
    await host().call('queue.dropCopy', { id: row.id });
  }
  return due.length;
}
