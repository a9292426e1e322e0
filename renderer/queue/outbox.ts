import { canonicalJson, dossierPackage, type DossierPackage } from '../../shared/dossier/portalPackage';
import type { Outbox, OutboxItem } from '../../shared/sync';
import { catalogue } from '../catalogue';
import { sha256Hex } from './crypto';
import { db, type KioskDb, type StoredDossier } from './db';
import { openDossier } from './dossiers';

/** A dossier to send, with its stored row: its pages are read from IndexedDB only when uploaded. */
export type QueuedDossier = OutboxItem & { package: DossierPackage; row: StoredDossier };

/** sha-256 of the package's canonical JSON: the same bytes, and so the same hash, on every resend. */
export const packageSha256 = (pkg: DossierPackage): Promise<string> => sha256Hex(new TextEncoder().encode(canonicalJson(pkg)));

/**
 * The queue as the sync engine's Outbox: every mark is one strict-durability transaction that has
 * committed when it resolves. Hashes are computed outside transactions (an await on WebCrypto
 * inside a Dexie transaction would let it commit early).
 */
export function createOutbox(database: KioskDb = db): Outbox<QueuedDossier> {
  const change = (id: string, apply: (dossier: StoredDossier) => void) =>
    database.transaction('rw', database.dossiers, async () => {
      const dossier = await database.dossiers.get(id);
      if (!dossier) return;
      apply(dossier);
      await database.dossiers.put(dossier);
    });
  const now = () => new Date().toISOString();

  return {
    async pending() {
      const dossiers = await database.dossiers.where('status').anyOf('queued', 'sending').sortBy('createdAt');
      return Promise.all(
        dossiers.map(async (row) => {
          const dossier = await openDossier(row);
          const pkg = dossierPackage(dossier, catalogue.procedures.find((procedure) => procedure.code === dossier.procedureCode));
          return { id: dossier.id, row, package: pkg, packageSha256: await packageSha256(pkg), attachments: pkg.attachments, progress: dossier.sync };
        }),
      );
    },
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
