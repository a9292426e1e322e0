import type { SealedCopy } from '../../shared/contract';
import { Dossier } from '../../shared/dossier/dossier';
import { host } from '../host';
import { fromBase64, toBase64, type Sealed } from './crypto';
import { db, type KioskDb, type StoredDossier } from './db';

/** The fields of a stored row besides its sealed answers; checked when a copy comes back. */
const RowFields = Dossier.omit({ answers: true });

function toCopy(row: StoredDossier & { sealed: Sealed }): SealedCopy {
  const { sealed, ...fields } = row;
  return {
    id: row.id,
    row: fields,
    sealed: { wrappedKey: toBase64(sealed.wrappedKey), iv: toBase64(sealed.iv), ciphertext: toBase64(sealed.ciphertext) },
  };
}

function fromCopy(copy: SealedCopy): StoredDossier {
  const { wrappedKey, iv, ciphertext } = copy.sealed;
  return { ...RowFields.parse(copy.row), sealed: { wrappedKey: fromBase64(wrappedKey), iv: fromBase64(iv), ciphertext: fromBase64(ciphertext) } };
}

/** Asks the host to keep the sealed copy of a queued dossier outside IndexedDB (fsync + rename). */
export async function keepCopy(row: StoredDossier): Promise<void> {
  if (row.sealed) await host().call('queue.keepCopy', toCopy({ ...row, sealed: row.sealed }));
}

/**
 * At start: a dossier the host has a copy of but IndexedDB lost is restored (it then syncs as any
 * other — resending is safe, the portal answers with the original code); a sealed row without a
 * copy gets one. Either copy alone recovers the queue.
 */
export async function reconcileCopies(database: KioskDb = db): Promise<{ restored: number; copied: number }> {
  const copies = await host().call('queue.copies');
  const rows = await database.dossiers.toArray();
  const inDatabase = new Set(rows.map((row) => row.id));
  const lost = copies.filter((copy) => !inDatabase.has(copy.id)).map(fromCopy);
  if (lost.length) {
    await database.transaction('rw', database.dossiers, async () => {
      for (const row of lost) if (!(await database.dossiers.get(row.id))) await database.dossiers.add(row);
    });
  }
  const onHost = new Set(copies.map((copy) => copy.id));
  const uncopied = rows.filter((row) => row.sealed && !onHost.has(row.id));
  for (const row of uncopied) await keepCopy(row);
  // A copy outliving its shredded row (the host was away at the time) goes now.
  const shredded = rows.filter((row) => row.shreddedAt && onHost.has(row.id));
  for (const row of shredded) await host().call('queue.dropCopy', { id: row.id });
  return { restored: lost.length, copied: uncopied.length };
}
