import { liveQuery } from 'dexie';
import { Dossier, newSyncState } from '../../shared/dossier/dossier';
import { KioskError } from '../../shared/errors';
import { host } from '../host';
import { keepCopy } from './copies';
import { importDeviceKey, seal, unseal } from './crypto';
import { db, type KioskDb, type StoredDossier } from './db';

export type DossierDraft = Pick<Dossier, 'procedureCode' | 'catalogueVersion' | 'answers' | 'feeVnd'>;

let deviceKey: Promise<CryptoKey> | undefined;
/** The host vault's key, fetched and imported once per page (non-extractable). */
function currentDeviceKey(): Promise<CryptoKey> {
  deviceKey ??= host()
    .call('vault.dataKey')
    .then(importDeviceKey)
    .catch((error: unknown) => {
      deviceKey = undefined;
      throw error;
    });
  return deviceKey;
}

/** The dossier with its answers, opened from the stored row. */
export async function openDossier(row: StoredDossier): Promise<Dossier> {
  const { sealed, ...rest } = row;
  return sealed ? { ...rest, answers: await unseal<Dossier['answers']>(sealed, row.id, await currentDeviceKey()) } : (row as Dossier);
}

/**
 * Saves a dossier in one transaction and returns it only after the commit and a read-back that
 * decrypts: the caller may then say "Đã lưu". The UUID, the dossier's idempotency key forever,
 * is made for this save and sealed into its ciphertext; encryption happens before the transaction
 * (an await on WebCrypto inside a Dexie transaction would let it commit early).
 */
export async function saveDossier(draft: DossierDraft, database: KioskDb = db): Promise<Dossier> {
  try {
    const dossier = Dossier.parse({ ...draft, id: crypto.randomUUID(), status: 'queued', createdAt: new Date().toISOString(), sync: newSyncState(), portal: null, portalStatus: null });
    const { answers, ...rest } = dossier;
    const sealed = await seal(answers, dossier.id, await currentDeviceKey());
    await database.transaction('rw', database.dossiers, () => database.dossiers.add({ ...rest, sealed }));
    const stored = await database.dossiers.get(dossier.id);
    if (!stored) throw new KioskError('queue.saveFailed');
    const opened = await openDossier(stored);
    // The second copy, outside the browser profile. If the host cannot write it now, the dossier is
    // still safe in IndexedDB and the copy is made at the next start (reconcileCopies).
    await keepCopy(stored).catch(() => undefined);
    return opened;
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('queue.saveFailed', {}, { cause: error });
  }
}

/**
 * Seals the answers of rows written before encryption. Each row is sealed outside a transaction,
 * then replaced in one only if nobody changed it meanwhile.
 */
export async function sealPlainDossiers(database: KioskDb = db): Promise<number> {
  const plain = (await database.dossiers.toArray()).filter((row) => row.answers !== undefined);
  const key = await currentDeviceKey();
  for (const row of plain) {
    const { answers, ...rest } = row;
    const sealed = await seal(answers, row.id, key);
    await database.transaction('rw', database.dossiers, async () => {
      const current = await database.dossiers.get(row.id);
      if (current && JSON.stringify(current) === JSON.stringify(row)) await database.dossiers.put({ ...rest, sealed });
    });
  }
  return plain.length;
}

/** Newest first, as stored: listing the queue needs no personal data and decrypts nothing. */
export function listDossiers(database: KioskDb = db): Promise<StoredDossier[]> {
  return database.dossiers.orderBy('createdAt').reverse().toArray();
}

/**
 * The queue, newest first, again after every committed change (Dexie liveQuery); returns the
 * unsubscribe. A database that will not open is reported as queue.openFailed, never shown as an
 * empty queue and never deleted (quality target R6).
 */
export function watchDossiers(onChange: (dossiers: StoredDossier[]) => void, onError: (error: KioskError) => void, database: KioskDb = db): () => void {
  const subscription = liveQuery(() => listDossiers(database)).subscribe({
    next: onChange,
    error: (error: unknown) => onError(new KioskError('queue.openFailed', {}, { cause: error })),
  });
  return () => subscription.unsubscribe();
}
