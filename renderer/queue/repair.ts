import { Dossier, newSyncState, type Attachment } from '../../shared/dossier/dossier';
import { KioskError } from '../../shared/errors';
import { seal } from './crypto';
import { db, type KioskDb, type StoredDossier } from './db';
import { withCurrentKey } from './deviceKeys';
import { confirmSaved, openDossier, readAttachments } from './dossiers';

/**
 * Guided repair of a dossier the portal could not take (needsHelp): a helper scans a lost page
 * again or fixes an answer, and the dossier goes again under the same UUID, its revision one higher
 * (docs/portal-protocol.md "Repairs"). The work is done on a draft of its own (drafts.ts), a copy
 * of the dossier: a repair left half-done (the idle timeout, a reload) discards only the copy and
 * leaves the dossier as it was. `commitRepair` puts the copy in the dossier's place in one
 * transaction.
 */

export interface RepairStart {
  draftId: string;
  /** The dossier as it is, opened: its answers start the repair's form. */
  dossier: Dossier;
  /** Documents with a page this kiosk no longer holds: the copy has none of their pages, they must be scanned again. */
  lostDocuments: string[];
}

/** A dossier a helper can repair: waiting for help, with its answers still on the kiosk. */
const repairable = (row: StoredDossier | undefined, id: string): StoredDossier & { sealed: NonNullable<StoredDossier['sealed']> } => {
  if (row?.status !== 'needsHelp' || !row.sealed) throw new KioskError('queue.repairGone', { id });
  return { ...row, sealed: row.sealed };
};

/** Opens a repair of a needsHelp dossier: a draft holding its answers and every page still here. */
export async function startRepair(id: string, database: KioskDb = db): Promise<RepairStart> {
  const row = repairable(await database.dossiers.get(id), id);
  const stored = await database.attachments.bulkGet(row.attachments.map((attachment) => attachment.id));
  const lostDocuments = new Set(row.attachments.filter((_, i) => stored[i]?.dossierId !== id).map((attachment) => attachment.documentType));
  // A document missing a page is scanned again whole: its other pages would be out of place.
  const kept = row.attachments.filter((attachment) => !lostDocuments.has(attachment.documentType));
  const [dossier, bytes] = await Promise.all([openDossier(row), readAttachments(row, kept.map((attachment) => attachment.id), database)]);
  const draftId = crypto.randomUUID();
  // Fresh ids: the attachments table is keyed by id, and the dossier's own pages are still in it.
  const files = kept.map((attachment, i) => ({ ...attachment, id: crypto.randomUUID(), bytes: bytes[i]! }));
  const { answers, ...fields } = Dossier.parse({
    procedureCode: dossier.procedureCode,
    catalogueVersion: dossier.catalogueVersion,
    feeVnd: dossier.feeVnd,
    answers: dossier.answers,
    id: draftId,
    status: 'draft',
    createdAt: new Date().toISOString(),
    attachments: files.map(({ bytes: _bytes, ...attachment }) => attachment),
    sync: newSyncState(),
    portal: null,
    portalStatus: null,
    repairOf: id,
  });
  await withCurrentKey(async (current) => {
    const sealed = await seal(answers, draftId, current, files);
    await database.transaction('rw', database.dossiers, database.attachments, async () => {
      await database.dossiers.add({ ...fields, sealed: sealed.sealed });
      await database.attachments.bulkAdd(sealed.attachments.map((attachment) => ({ ...attachment, dossierId: draftId })));
    });
  });
  return { draftId, dossier, lostDocuments: [...lostDocuments] };
}

/**
 * The checked repair (its draft `ready`) in the dossier's place: same UUID, revision + 1, queued
 * again from the start. A page unchanged keeps the id it had, so the portal keeps the copy it has
 * already verified and it is not sent twice. Resolves after the same read-back and sealed copy as
 * any save; rejects with queue.repairGone when the dossier stopped waiting for help meanwhile (a
 * resend, a cancel).
 */
export async function commitRepair(draftId: string, database: KioskDb = db): Promise<Dossier> {
  const draft = await database.dossiers.get(draftId);
  if (draft?.status !== 'ready' || !draft.sealed || !draft.repairOf) throw new KioskError('queue.notReady', { id: draftId });
  const id = draft.repairOf;
  const original = repairable(await database.dossiers.get(id), id);
  const [opened, pages] = await Promise.all([openDossier(draft), readAttachments(draft, draft.attachments.map((attachment) => attachment.id), database)]);
  const unclaimed = [...original.attachments];
  const attachments = draft.attachments.map((attachment): Attachment => {
    const same = unclaimed.findIndex((old) => old.sha256 === attachment.sha256 && old.documentType === attachment.documentType);
    return same < 0 ? attachment : { ...attachment, id: unclaimed.splice(same, 1)[0]!.id };
  });
  const { row, sealedPages } = await withCurrentKey(async (current) => {
    const sealed = await seal(opened.answers, id, current, attachments.map((attachment, i) => ({ id: attachment.id, bytes: pages[i]! })));
    const sealedPages = sealed.attachments.map((attachment) => ({ ...attachment, dossierId: id }));
    const row: StoredDossier = {
      ...original,
      sealed: sealed.sealed,
      attachments,
      feeVnd: draft.feeVnd,
      revision: (original.revision ?? 0) + 1,
      status: 'queued',
      sync: newSyncState(),
    };
    await database.transaction('rw', database.dossiers, database.attachments, async () => {
      repairable(await database.dossiers.get(id), id);
      await database.attachments.where('dossierId').anyOf(id, draftId).delete();
      await database.dossiers.delete(draftId);
      await database.dossiers.put(row);
      await database.attachments.bulkAdd(sealedPages);
    });
    return { row, sealedPages };
  });
  return confirmSaved(row, database, sealedPages);
}
