import { canonicalJson, dossierPackage, type DossierPackage } from '../../shared/dossier/portalPackage';
import { toKioskError } from '../../shared/errors';
import type { Outbox, OutboxItem } from '../../shared/sync';
import { procedureOf } from '../catalogue';
import { host } from '../host';
import { sha256Hex } from './crypto';
import { db, type KioskDb, type StoredDossier } from './db';
import { openDossier, readAttachments, restorePagesFromCopy } from './dossiers';

/** A dossier to send, with its stored row; its pages are opened only when uploaded, from wherever the outbox keeps them. */
export type QueuedDossier = OutboxItem & {
  package: DossierPackage;
  row: StoredDossier;
  openPages(attachmentIds: readonly string[]): Promise<Uint8Array<ArrayBuffer>[]>;
};

/** sha-256 of the package's canonical JSON: the same bytes, and so the same hash, on every resend. */
export const packageSha256 = (pkg: DossierPackage): Promise<string> => sha256Hex(new TextEncoder().encode(canonicalJson(pkg)));

/** Still to send: the sync engine's `pending()`. */
export const isPending = (row: StoredDossier): boolean => row.status === 'queued' || row.status === 'sending';

/** A stored row as the engine sends it: the package is built from the opened answers, so its hash is the same from any copy. */
export async function queuedDossier(row: StoredDossier, openPages: QueuedDossier['openPages']): Promise<QueuedDossier> {
  const dossier = await openDossier(row);
  const pkg = dossierPackage(dossier, await procedureOf(dossier));
  return { id: dossier.id, row, package: pkg, packageSha256: await packageSha256(pkg), attachments: pkg.attachments, progress: dossier.sync, openPages };
}

/**
 * The engine's marks as changes to a stored row, wherever rows are kept: `change` applies one and
 * resolves only once it is durable.
 */
export function rowOutbox(
  pending: () => Promise<QueuedDossier[]>,
  change: (id: string, apply: (dossier: StoredDossier) => void) => Promise<void>,
): Outbox<QueuedDossier> {
  const now = () => new Date().toISOString();
  return {
    pending,
    markAnnounced: (id) =>
      change(id, (dossier) => {
        dossier.sync.announced = true;
        dossier.status = 'sending';
      }),
    markUploaded: (id, attachmentId) => change(id, (dossier) => void dossier.sync.uploaded.push(attachmentId)),
    markAccepted: (id, receipt) =>
      change(id, (dossier) => {
        dossier.status = 'accepted';
        dossier.portal = receipt;
        dossier.sync.lastError = null;
      }),
    markRetry: (id, code) =>
      change(id, (dossier) => {
        dossier.sync.attempts += 1;
        dossier.sync.lastError = code;
        dossier.sync.lastAttemptAt = now();
      }),
    markNeedsHelp: (id, code) =>
      change(id, (dossier) => {
        dossier.status = 'needsHelp';
        dossier.sync.lastError = code;
        dossier.sync.lastAttemptAt = now();
      }),
  };
}

/** A dossier's pages to send; those IndexedDB lost come back from the host's sealed copy where it has them. */
async function readOrRestorePages(row: StoredDossier, attachmentIds: readonly string[], database: KioskDb): Promise<Uint8Array<ArrayBuffer>[]> {
  try {
    return await readAttachments(row, attachmentIds, database);
  } catch (error) {
    const restored = toKioskError(error).code === 'queue.attachmentMissing' ? await restorePagesFromCopy(row, attachmentIds, database) : null;
    if (!restored) throw error;
    return restored;
  }
}

/**
 * The queue as the sync engine's Outbox: every mark is one strict-durability transaction that has
 * committed when it resolves. Hashes are computed outside transactions (an await on WebCrypto
 * inside a Dexie transaction would let it commit early).
 */
export function createOutbox(database: KioskDb = db): Outbox<QueuedDossier> {
  const outbox = rowOutbox(
    async () => {
      const rows = await database.dossiers.where('status').anyOf('queued', 'sending').sortBy('createdAt');
      return Promise.all(rows.map((row) => queuedDossier(row, (ids) => readOrRestorePages(row, ids, database))));
    },
    (id, apply) =>
      database.transaction('rw', database.dossiers, async () => {
        const dossier = await database.dossiers.get(id);
        if (!dossier) return;
        apply(dossier);
        await database.dossiers.put(dossier);
      }),
  );
  return {
    ...outbox,
    async markAccepted(id, receipt) {
      await outbox.markAccepted(id, receipt);
      // The portal has it: the copy outside the profile has done its job (the copy outbox keeps
      // its copies, they are its only record). If the host is away, the next start drops it.
      await host()
        .call('queue.dropCopy', { id })
        .catch(() => undefined);
    },
  };
}
