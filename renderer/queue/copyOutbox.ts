import type { Outbox } from '../../shared/sync';
import { KioskError } from '../../shared/errors';
import { host } from '../host';
import { readCopy, writeCopy } from './copies';
import type { StoredDossier } from './db';
import { openAttachments } from './dossiers';
import { isPending, queuedDossier, rowOutbox, type QueuedDossier } from './outbox';

/**
 * Each copy's row as last read or written. While IndexedDB is down nothing else writes the copies,
 * so each is read once, not on every run (a copy holds its pages).
 */
const rows = new Map<string, StoredDossier>();
const listeners = new Set<(rows: StoredDossier[]) => void>();
const publish = () => listeners.forEach((listener) => listener([...rows.values()]));

/** The rows of the host's copies, each read once. */
export async function copyRows(): Promise<StoredDossier[]> {
  const ids = new Set(await host().call('queue.copies'));
  for (const id of rows.keys()) if (!ids.has(id)) rows.delete(id);
  for (const id of ids) {
    if (rows.has(id)) continue;
    const copy = await readCopy(id);
    // A mark may have written it meanwhile; that row is newer.
    if (copy && !rows.has(id)) rows.set(id, copy.row);
  }
  publish();
  return [...rows.values()];
}

/** The copy's pages, opened, in the order asked for. */
async function openCopyPages(id: string, attachmentIds: readonly string[]): Promise<Uint8Array<ArrayBuffer>[]> {
  const copy = await readCopy(id);
  if (!copy) throw new KioskError('queue.copyDamaged', { id });
  const pages = attachmentIds.map((attachmentId) => {
    const page = copy.attachments.find((attachment) => attachment.id === attachmentId);
    if (!page) throw new KioskError('queue.attachmentMissing', { attachmentId });
    return page;
  });
  return openAttachments(copy.row, pages);
}

/**
 * The host's sealed copies as the sync engine's Outbox, for when IndexedDB will not open (R6).
 * Each mark rewrites the copy (fsync + rename): that is the dossier's durable progress. A copy the
 * host cannot read stops the run instead of being passed over, so no step is taken unrecorded.
 * An accepted dossier keeps its copy: with IndexedDB down it is the kiosk's only record of the
 * receipt (reconcileCopies drops it once IndexedDB holds the row as accepted).
 */
export function createCopyOutbox(): Outbox<QueuedDossier> {
  return rowOutbox(
    async () => {
      const pending = (await copyRows()).filter(isPending).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
      return Promise.all(pending.map((row) => queuedDossier(row, (attachmentIds) => openCopyPages(row.id, attachmentIds))));
    },
    async (id, apply) => {
      const copy = await readCopy(id);
      if (!copy) throw new KioskError('queue.copyDamaged', { id });
      apply(copy.row);
      await writeCopy(copy.row, copy.attachments);
      rows.set(id, copy.row);
      publish();
    },
  );
}

/** The copies' rows now and after every change; returns the unsubscribe. */
export function watchCopies(listener: (rows: StoredDossier[]) => void): () => void {
  listeners.add(listener);
  void copyRows().catch(() => undefined);
  return () => listeners.delete(listener);
}
