import type { SealedCopy } from '../../shared/contract';
import { Dossier } from '../../shared/dossier/dossier';
import { host } from '../host';
import { fromBase64, toBase64, type SealedBytes } from './crypto';
import { db, type KioskDb, type StoredAttachment, type StoredDossier } from './db';

/** The fields of a stored row besides its sealed answers; checked when a copy comes back. */
const RowFields = Dossier.omit({ answers: true });

const encode = ({ iv, ciphertext }: SealedBytes) => ({ iv: toBase64(iv), ciphertext: toBase64(ciphertext) });
const decode = ({ iv, ciphertext }: { iv: string; ciphertext: string }): SealedBytes => ({ iv: fromBase64(iv), ciphertext: fromBase64(ciphertext) });

function fromCopy(copy: SealedCopy): { row: StoredDossier; attachments: StoredAttachment[] } {
  return {
    row: { ...RowFields.parse(copy.row), sealed: { ...decode(copy.sealed), wrappedKey: fromBase64(copy.sealed.wrappedKey) } },
    attachments: copy.attachments.map(({ id, ...sealed }) => ({ id, dossierId: copy.id, ...decode(sealed) })),
  };
}

/**
 * Asks the host to keep the sealed copy of a queued dossier, pages included, outside IndexedDB
 * (fsync + rename). The pages are read from IndexedDB unless the caller has them at hand.
 */
export async function keepCopy(row: StoredDossier, database: KioskDb = db, pages?: readonly StoredAttachment[]): Promise<void> {
  if (!row.sealed) return;
  const { sealed, ...fields } = row;
  const attachments = pages ?? (await database.attachments.where('dossierId').equals(row.id).toArray());
  await host().call('queue.keepCopy', {
    id: row.id,
    row: fields,
    sealed: { ...encode(sealed), wrappedKey: toBase64(sealed.wrappedKey) },
    attachments: attachments.map((attachment) => ({ id: attachment.id, ...encode(attachment) })),
  });
}

/**
 * At start: a dossier the host has a copy of but IndexedDB lost is restored with its pages (it then
 * syncs as any other — resending is safe, the portal answers with the original code); a sealed
 * row without a copy gets one. Either copy alone recovers the queue. A copy the host cannot read
 * is skipped here and stays on disk for a technician.
 */
export async function reconcileCopies(database: KioskDb = db): Promise<{ restored: number; copied: number }> {
  const onHost = new Set(await host().call('queue.copies'));
  const rows = await database.dossiers.toArray();
  const inDatabase = new Set(rows.map((row) => row.id));
  let restored = 0;
  for (const id of onHost) {
    if (inDatabase.has(id)) continue;
    const copy = await host()
      .call('queue.copy', { id })
      .catch(() => null);
    if (!copy) continue;
    const { row, attachments } = fromCopy(copy);
    await database.transaction('rw', database.dossiers, database.attachments, async () => {
      if (await database.dossiers.get(row.id)) return;
      await database.dossiers.add(row);
      await database.attachments.bulkPut(attachments);
      restored += 1;
    });
  }
  const uncopied = rows.filter((row) => row.sealed && !onHost.has(row.id));
  for (const row of uncopied) await keepCopy(row, database);
  // A copy outliving its shredded row (the host was away at the time) goes now.
  const shredded = rows.filter((row) => row.shreddedAt && onHost.has(row.id));
  for (const row of shredded) await host().call('queue.dropCopy', { id: row.id });
  return { restored, copied: uncopied.length };
}
