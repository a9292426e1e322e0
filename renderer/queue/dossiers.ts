import { liveQuery } from 'dexie';
import { Dossier, newSyncState, type Attachment } from '../../shared/dossier/dossier';
import { KioskError } from '../../shared/errors';
import { keepCopy, readCopy } from './copies';
import { seal, sha256Hex, unseal, unsealAttachments } from './crypto';
import { deviceKeys, keyFor, withCurrentKey } from './deviceKeys';
import { db, type KioskDb, type StoredAttachment, type StoredDossier } from './db';

/** A scanned page or a generated form, as the citizen's session hands it to the queue. */
export interface NewAttachment {
  documentType: string;
  mediaType: Attachment['mediaType'];
  bytes: Uint8Array<ArrayBuffer>;
}

export type DossierDraft = Pick<Dossier, 'procedureCode' | 'catalogueVersion' | 'answers' | 'feeVnd'> & { files?: readonly NewAttachment[] };

/** The dossier with its answers, opened from the stored row. */
export async function openDossier(row: StoredDossier): Promise<Dossier> {
  const { sealed, ...rest } = row;
  return sealed ? { ...rest, answers: await unseal<Dossier['answers']>(sealed, row.id, keyFor(await deviceKeys(), sealed)) } : (row as Dossier);
}

/** The plain bytes of a row's sealed attachments, in order (wherever they were read from). */
export async function openAttachments(row: StoredDossier, attachments: readonly StoredAttachment[]): Promise<Uint8Array<ArrayBuffer>[]> {
  if (!row.sealed) throw new KioskError('queue.attachmentMissing', { attachmentId: attachments[0]?.id ?? '' });
  return unsealAttachments(row.sealed.wrappedKey, attachments, row.id, keyFor(await deviceKeys(), row.sealed));
}

/** Attachments' plain bytes from IndexedDB, in order; queue.attachmentMissing when one is not on this kiosk. */
export async function readAttachments(row: StoredDossier, attachmentIds: readonly string[], database: KioskDb = db): Promise<Uint8Array<ArrayBuffer>[]> {
  const stored = await database.attachments.bulkGet([...attachmentIds]);
  const missing = attachmentIds.find((id, i) => stored[i]?.dossierId !== row.id);
  if (missing !== undefined) throw new KioskError('queue.attachmentMissing', { attachmentId: missing });
  return openAttachments(row, stored as StoredAttachment[]);
}

/**
 * Pages IndexedDB lost, put back from the host's sealed copy of the dossier: each is opened with
 * the row's own key and checked against the row's sha-256 before it is stored, so a copy of
 * another revision brings nothing back. Answers the pages' plain bytes, in order, or null when the
 * copy does not hold every one.
 */
export async function restorePagesFromCopy(row: StoredDossier, attachmentIds: readonly string[], database: KioskDb = db): Promise<Uint8Array<ArrayBuffer>[] | null> {
  const copy = await readCopy(row.id);
  const listed = attachmentIds.map((id) => row.attachments.find((attachment) => attachment.id === id));
  const sealed = attachmentIds.map((id) => copy?.attachments.find((attachment) => attachment.id === id));
  if (listed.some((attachment) => !attachment) || sealed.some((attachment) => !attachment)) return null;
  const pages = await openAttachments(row, sealed as StoredAttachment[]).catch(() => null);
  if (!pages) return null;
  const hashes = await Promise.all(pages.map(sha256Hex));
  if (hashes.some((hash, i) => hash !== listed[i]!.sha256)) return null;
  await database.attachments.bulkPut(sealed as StoredAttachment[]);
  return pages;
}

/**
 * Saves a dossier and its attachments in one transaction and returns it only after the commit and
 * a read-back that decrypts the answers and every page and checks each page's sha-256: the caller
 * may then say "Đã lưu". The host writes the sealed copy meanwhile, from the same sealed values.
 * The UUID, the dossier's idempotency key forever, is made for this save and sealed into its
 * ciphertext; encryption happens before the transaction (an await on WebCrypto inside a Dexie
 * transaction would let it commit early).
 */
export async function saveDossier({ files = [], ...draft }: DossierDraft, database: KioskDb = db): Promise<Dossier> {
  try {
    const id = crypto.randomUUID();
    const withIds = await Promise.all(
      files.map(async (file) => ({ ...file, id: crypto.randomUUID(), sha256: await sha256Hex(file.bytes), size: file.bytes.length })),
    );
    const attachments = withIds.map(({ id: fileId, documentType, mediaType, sha256, size }) => ({ id: fileId, documentType, mediaType, sha256, size }));
    const dossier = Dossier.parse({ ...draft, id, attachments, status: 'queued', createdAt: new Date().toISOString(), sync: newSyncState(), portal: null, portalStatus: null });
    const { answers, ...rest } = dossier;
    const { row, sealedAttachments } = await withCurrentKey(async (current) => {
      const sealed = await seal(answers, id, current, withIds);
      const row: StoredDossier = { ...rest, sealed: sealed.sealed };
      const sealedAttachments = sealed.attachments.map((attachment) => ({ ...attachment, dossierId: id }));
      await database.transaction('rw', database.dossiers, database.attachments, async () => {
        await database.dossiers.add(row);
        await database.attachments.bulkAdd(sealedAttachments);
      });
      return { row, sealedAttachments };
    });
    return await confirmSaved(row, database, sealedAttachments);
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('queue.saveFailed', {}, { cause: error });
  }
}

/**
 * After a queued row committed: the read-back (answers and every page decrypted, each page's
 * sha-256 checked) and the host's sealed copy, from the sealed pages if the caller has them.
 */
export async function confirmSaved(row: StoredDossier, database: KioskDb, sealedAttachments?: readonly StoredAttachment[]): Promise<Dossier> {
  const [opened] = await Promise.all([
    readBack(row.id, row.attachments, database),
    // The second copy, outside the browser profile. If the host cannot write it now, the dossier
    // is still safe in IndexedDB and the copy is made at the next start (reconcileCopies).
    keepCopy(row, database, sealedAttachments).catch(() => undefined),
  ]);
  return opened;
}

/** The committed dossier, opened, after every page decrypted to its sha-256. */
async function readBack(id: string, attachments: readonly Attachment[], database: KioskDb): Promise<Dossier> {
  const stored = await database.dossiers.get(id);
  if (!stored) throw new KioskError('queue.saveFailed');
  const [opened, pages] = await Promise.all([openDossier(stored), readAttachments(stored, attachments.map((attachment) => attachment.id), database)]);
  const hashes = await Promise.all(pages.map(sha256Hex));
  if (hashes.some((hash, i) => hash !== attachments[i]!.sha256)) throw new KioskError('queue.saveFailed');
  return opened;
}

/**
 * Seals the answers of rows written before encryption. Each row is sealed outside a transaction,
 * then replaced in one only if nobody changed it meanwhile.
 */
export async function sealPlainDossiers(database: KioskDb = db): Promise<number> {
  const plain = (await database.dossiers.toArray()).filter((row) => row.answers !== undefined);
  const { current } = await deviceKeys();
  for (const row of plain) {
    const { answers, ...rest } = row;
    const { sealed } = await seal(answers, row.id, current);
    await database.transaction('rw', database.dossiers, async () => {
      const current = await database.dossiers.get(row.id);
      if (current && JSON.stringify(current) === JSON.stringify(row)) await database.dossiers.put({ ...rest, sealed });
    });
  }
  return plain.length;
}

/** The queue, newest first, as stored: no drafts (drafts.ts), no personal data, nothing decrypted. */
export async function listDossiers(database: KioskDb = db): Promise<StoredDossier[]> {
  return (await database.dossiers.orderBy('createdAt').reverse().toArray()).filter((row) => row.status !== 'draft' && row.status !== 'ready');
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
