import { Attachment, Dossier, newSyncState } from '../../shared/dossier/dossier';
import { KioskError } from '../../shared/errors';
import { openDossierKey, seal, sealAnswers, sealAttachment, sha256Hex } from './crypto';
import { db, type KioskDb, type StoredDossier } from './db';
import { deviceKeys, keyFor, withCurrentKey } from './deviceKeys';
import { confirmSaved, type NewAttachment } from './dossiers';

/**
 * A citizen's dossier while they answer and scan (states draft → ready → queued): kept in
 * IndexedDB, sealed like any dossier, so a reload or a renderer crash loses no scanned page. The
 * UUID is made with the draft and stays its idempotency key once queued. Nothing is synced or
 * copied to the host before `submitDraft`. Edits are allowed while draft or ready; an edit after
 * the citizen checked the answers takes the dossier back to draft. A session that ends without a
 * submit discards its draft (crypto-shred with a deletion record); drafts left behind by a crash
 * go after DRAFT_TTL_MS.
 */
export type DraftStart = Pick<Dossier, 'procedureCode' | 'catalogueVersion' | 'feeVnd'>;

/** No session lasts this long: the idle timeout ends one within minutes. */
export const DRAFT_TTL_MS = 60 * 60 * 1000;

const editable = (row: StoredDossier | undefined, id: string) => {
  if (!row?.sealed || (row.status !== 'draft' && row.status !== 'ready')) throw new KioskError('queue.draftGone', { id });
  return { ...row, sealed: row.sealed, status: 'draft' as const };
};

/** Starts a draft: its UUID, its own dossier key and empty answers, in one transaction. */
export async function startDraft(start: DraftStart, database: KioskDb = db): Promise<string> {
  const id = crypto.randomUUID();
  const { answers, ...fields } = Dossier.parse({ ...start, id, status: 'draft', createdAt: new Date().toISOString(), answers: {}, attachments: [], sync: newSyncState(), portal: null, portalStatus: null });
  await withCurrentKey(async (current) => {
    const { sealed } = await seal(answers, id, current);
    await database.dossiers.add({ ...fields, sealed });
  });
  return id;
}

/**
 * Seals with the draft's own key outside a transaction (WebCrypto would let one commit early), then
 * `commit` writes inside one, against the row read again there: a wipe or a submit may have come
 * first. Counted as a save, so a key rotation waits for it.
 */
function editDraft<T>(id: string, database: KioskDb, edit: (dossierKey: CryptoKey) => Promise<T>): Promise<T> {
  return withCurrentKey(async () => {
    const { sealed } = editable(await database.dossiers.get(id), id);
    return edit(await openDossierKey(sealed.wrappedKey, keyFor(await deviceKeys(), sealed)));
  });
}

/** Replaces the draft's answers. */
export function saveDraftAnswers(id: string, answers: Dossier['answers'], database: KioskDb = db): Promise<void> {
  return editDraft(id, database, async (dossierKey) => {
    const sealedAnswers = await sealAnswers(dossierKey, Dossier.shape.answers.parse(answers), id);
    await database.transaction('rw', database.dossiers, async () => {
      const row = editable(await database.dossiers.get(id), id);
      await database.dossiers.put({ ...row, sealed: { ...row.sealed, ...sealedAnswers } });
    });
  });
}

/** Adds a scanned page or a generated form at the end; returns how the dossier lists it. */
export function addDraftPage(id: string, file: NewAttachment, database: KioskDb = db): Promise<Attachment> {
  return putDraftFile(id, file, database, (attachments, attachment) => [...attachments, attachment]);
}

/**
 * Replaces all of one document's pages by one file, in their place: the document's scans by its
 * searchable PDF once they have been read (electron/host/documents.ts). Returns how it is listed.
 */
export function replaceDocumentPages(id: string, file: NewAttachment, database: KioskDb = db): Promise<Attachment> {
  return putDraftFile(id, file, database, (attachments, attachment) => {
    const at = attachments.findIndex((page) => page.documentType === file.documentType);
    const others = attachments.filter((page) => page.documentType !== file.documentType);
    return at < 0 ? [...others, attachment] : [...others.slice(0, at), attachment, ...others.slice(at)];
  });
}

/**
 * Seals a file into the draft and lists it where `place` puts it; attachments `place` leaves out
 * are deleted with it, in the same transaction.
 */
function putDraftFile(id: string, file: NewAttachment, database: KioskDb, place: (attachments: readonly Attachment[], attachment: Attachment) => Attachment[]): Promise<Attachment> {
  return editDraft(id, database, async (dossierKey) => {
    const attachment = Attachment.parse({ id: crypto.randomUUID(), documentType: file.documentType, mediaType: file.mediaType, sha256: await sha256Hex(file.bytes), size: file.bytes.length });
    const sealed = await sealAttachment(dossierKey, { id: attachment.id, bytes: file.bytes }, id);
    await database.transaction('rw', database.dossiers, database.attachments, async () => {
      const row = editable(await database.dossiers.get(id), id);
      const attachments = place(row.attachments, attachment);
      const kept = new Set(attachments.map((each) => each.id));
      await database.attachments.bulkDelete(row.attachments.filter((each) => !kept.has(each.id)).map((each) => each.id));
      await database.attachments.add({ ...sealed, dossierId: id });
      await database.dossiers.put({ ...row, attachments });
    });
    return attachment;
  });
}

/** Removes a page (a retake or a delete on the review screen); its sealed bytes go with it. */
export async function removeDraftPage(id: string, attachmentId: string, database: KioskDb = db): Promise<void> {
  await database.transaction('rw', database.dossiers, database.attachments, async () => {
    const row = editable(await database.dossiers.get(id), id);
    await database.attachments.delete(attachmentId);
    await database.dossiers.put({ ...row, attachments: row.attachments.filter((attachment) => attachment.id !== attachmentId) });
  });
}

/**
 * Leaves a document only the pages named, in the draft: its pages on screen once they go as images,
 * none once it is not handed in by scan. Pages a repair's copy held of it go too (repair.ts).
 */
export async function keepDocumentPages(id: string, documentType: string, attachmentIds: readonly string[], database: KioskDb = db): Promise<void> {
  await database.transaction('rw', database.dossiers, database.attachments, async () => {
    const row = editable(await database.dossiers.get(id), id);
    const keep = new Set(attachmentIds);
    const drop = (attachment: Attachment) => attachment.documentType === documentType && !keep.has(attachment.id);
    await database.attachments.bulkDelete(row.attachments.filter(drop).map((attachment) => attachment.id));
    await database.dossiers.put({ ...row, attachments: row.attachments.filter((attachment) => !drop(attachment)) });
  });
}

/**
 * Puts pages in the citizen's order: the pages named take the places they held among the draft's
 * attachments, in the order given (one document's pages, or all of them). Each must be named once.
 */
export async function orderDraftPages(id: string, attachmentIds: readonly string[], database: KioskDb = db): Promise<void> {
  await database.transaction('rw', database.dossiers, async () => {
    const row = editable(await database.dossiers.get(id), id);
    const named = new Set(attachmentIds);
    const places = row.attachments.flatMap((attachment, index) => (named.has(attachment.id) ? [index] : []));
    if (places.length !== attachmentIds.length || named.size !== attachmentIds.length) throw new KioskError('queue.saveFailed');
    const byId = new Map(row.attachments.map((attachment) => [attachment.id, attachment]));
    const attachments = [...row.attachments];
    places.forEach((place, i) => (attachments[place] = byId.get(attachmentIds[i]!)!));
    await database.dossiers.put({ ...row, attachments });
  });
}

/** draft → ready: the citizen has checked every answer and the fee they come to, and given consent. */
export async function markReady(id: string, feeVnd: Dossier['feeVnd'], database: KioskDb = db): Promise<void> {
  await database.transaction('rw', database.dossiers, async () => {
    const row = editable(await database.dossiers.get(id), id);
    await database.dossiers.put({ ...row, feeVnd: Dossier.shape.feeVnd.parse(feeVnd), status: 'ready' });
  });
}

/**
 * ready → queued, then the same confirmation as any save: the committed row and every page read
 * back and checked, and the host's sealed copy. Only then may the screen say "Đã lưu".
 */
export async function submitDraft(id: string, database: KioskDb = db): Promise<Dossier> {
  const row = await database.transaction('rw', database.dossiers, async () => {
    const ready = await database.dossiers.get(id);
    if (ready?.status !== 'ready' || !ready.sealed) throw new KioskError('queue.notReady', { id });
    const queued: StoredDossier = { ...ready, status: 'queued' };
    await database.dossiers.put(queued);
    return queued;
  });
  return confirmSaved(row, database);
}

/**
 * Discards a draft (the session ended, or the citizen gave up): row, key and pages go in one
 * transaction with a deletion record. A dossier already queued is never touched. Returns whether
 * there was a draft.
 */
export async function discardDraft(id: string, database: KioskDb = db): Promise<boolean> {
  return database.transaction('rw', database.dossiers, database.attachments, database.deletions, async () => {
    const row = await database.dossiers.get(id);
    if (row?.status !== 'draft' && row?.status !== 'ready') return false;
    await database.dossiers.delete(id);
    await database.attachments.where('dossierId').equals(id).delete();
    await database.deletions.put({ id, at: new Date().toISOString(), reason: 'abandoned' });
    return true;
  });
}

/** Drafts older than DRAFT_TTL_MS, left by a crash or a page that never came back, are discarded. */
export async function discardAbandonedDrafts(now = Date.now(), database: KioskDb = db): Promise<number> {
  const abandoned = (await database.dossiers.where('status').anyOf('draft', 'ready').toArray()).filter((row) => Date.parse(row.createdAt) + DRAFT_TTL_MS <= now);
  let discarded = 0;
  for (const row of abandoned) if (await discardDraft(row.id, database)) discarded += 1;
  return discarded;
}
