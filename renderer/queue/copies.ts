import type { SealedCopy } from '../../shared/contract';
import { Dossier, isUnsent } from '../../shared/dossier/dossier';
import { host } from '../host';
import { db, type KioskDb, type StoredAttachment, type StoredDossier } from './db';

/**
 * Whether a row needs the host's copy: submitted and not yet at the portal. Drafts never have one;
 * once the portal has the dossier (accepted, or rejected after it) the copy goes.
 */
export const needsCopy = (row: StoredDossier): boolean =>
  Boolean(row.sealed) && isUnsent(row.status);

/** The fields of a stored row besides its sealed answers; checked when a copy comes back. */
const RowFields = Dossier.omit({ answers: true });

/** A copy as the queue stores it: the row with its sealed answers, and its sealed pages. */
export function fromCopy(copy: SealedCopy): { row: StoredDossier; attachments: StoredAttachment[] } {
  const { keyId, ...sealed } = copy.sealed;
  return {
    row: { ...RowFields.parse(copy.row), sealed: { ...sealed, ...(keyId ? { keyId } : {}) } },
    attachments: copy.attachments.map(({ id, iv, ciphertext }) => ({ id, dossierId: copy.id, iv, ciphertext })),
  };
}

/** One copy, or null when the host cannot read it: it stays on disk for a technician. */
export const readCopy = (id: string) =>
  host()
    .call('queue.copy', { id })
    .then(fromCopy)
    .catch(() => null);

/** Has the host write a sealed row and its pages as its copy (fsync + rename); IndexedDB is not touched. */
export async function writeCopy(row: StoredDossier, pages: readonly StoredAttachment[]): Promise<void> {
  if (!row.sealed) return;
  const { sealed, ...fields } = row;
  await host().call('queue.keepCopy', {
    id: row.id,
    row: fields,
    sealed,
    attachments: pages.map(({ id, iv, ciphertext }) => ({ id, iv, ciphertext })),
  });
}

/**
 * Asks the host to keep the sealed copy of a queued dossier, pages included, outside IndexedDB
 * (fsync + rename). The pages are read from IndexedDB unless the caller has them at hand.
 */
export async function keepCopy(row: StoredDossier, database: KioskDb = db, pages?: readonly StoredAttachment[]): Promise<void> {
  if (!row.sealed) return;
  await writeCopy(row, pages ?? (await database.attachments.where('dossierId').equals(row.id).toArray()));
  // A sync run may have delivered the dossier, and dropped its copy, while this one was on its way.
  const now = await database.dossiers.get(row.id);
  if (now && !needsCopy(now)) await host().call('queue.dropCopy', { id: row.id });
}

/** The last time reconcileCopies restored dossiers IndexedDB had lost, and how many: the helper's queue says so. */
const RESTORED_AT = 'copiesRestoredAt';
const RESTORED = 'copiesRestored';

export async function lastRestore(database: KioskDb = db): Promise<{ at: number; count: number } | null> {
  const [at, count] = await database.meta.bulkGet([RESTORED_AT, RESTORED]);
  return at && count ? { at: at.value, count: count.value } : null;
}

/**
 * At start: a dossier the host has a copy of but IndexedDB lost is restored with its pages (it then
 * syncs as any other — resending is safe, the portal answers with the original code); a sealed
 * row not yet at the portal without a copy gets one, and one the portal has loses its copy. Either
 * copy alone recovers the queue. A copy the host cannot read is skipped here and stays on disk for
 * a technician.
 */
export async function reconcileCopies(database: KioskDb = db): Promise<{ restored: number; copied: number }> {
  const onHost = new Set(await host().call('queue.copies'));
  const rows = await database.dossiers.toArray();
  const inDatabase = new Set(rows.map((row) => row.id));
  let restored = 0;
  const restoredAt = Date.now();
  for (const id of onHost) {
    if (inDatabase.has(id)) continue;
    const copy = await readCopy(id);
    if (!copy) continue;
    const { row, attachments } = copy;
    await database.transaction('rw', database.dossiers, database.attachments, database.meta, async () => {
      if (await database.dossiers.get(row.id)) return;
      await database.dossiers.add(row);
      await database.attachments.bulkPut(attachments);
      restored += 1;
      // Chromium deletes a corrupt store and opens it empty without a word (db.ts): this is how a
      // helper learns of it, committed with the row so that no restored row shows without it.
      await database.meta.bulkPut([
        { key: RESTORED_AT, value: restoredAt },
        { key: RESTORED, value: restored },
      ]);
    });
  }
  const uncopied = rows.filter((row) => needsCopy(row) && !onHost.has(row.id));
  for (const row of uncopied) await keepCopy(row, database);
  // A copy outliving the portal's receipt (the host was away at the time) goes now.
  const done = rows.filter((row) => !needsCopy(row) && onHost.has(row.id));
  for (const row of done) await host().call('queue.dropCopy', { id: row.id });
  return { restored, copied: uncopied.length };
}
