import Dexie, { type EntityTable } from 'dexie';
import { newSyncState, type CancelReason, type Dossier } from '../../shared/dossier/dossier';
import { KioskError } from '../../shared/errors';
import type { Sealed, SealedAttachment } from './crypto';

/**
 * A dossier as stored: the answers (the personal data) only in `sealed`, encrypted with the
 * dossier's own key (./crypto.ts). Rows written before encryption hold plain `answers` until
 * `sealPlainDossiers` has sealed them.
 */
export type StoredDossier = Omit<Dossier, 'answers'> &
  (
    | { sealed: Sealed; answers?: never; shreddedAt?: never }
    | { answers: Dossier['answers']; sealed?: never; shreddedAt?: never }
    /** Crypto-shredded: the key and the ciphertext are gone; only non-personal fields remain. */
    | { shreddedAt: string; sealed?: never; answers?: never }
  );

/** An attachment's sealed bytes, apart from the row so that listing the queue never loads pages. */
export type StoredAttachment = SealedAttachment & { dossierId: string };

/** A citizen's rating as queued: `sentAt` once the portal took it. No personal data. */
export interface StoredRating {
  id: string;
  score: number;
  at: string;
  dossierId?: string;
  sentAt?: string;
}

/** What the kiosk keeps of a destroyed dossier's personal data: that, when and why it was destroyed. */
export interface DeletionRecord {
  id: string;
  at: string;
  /**
   * retention: the portal has had it long enough; abandoned: a draft whose session ended without a
   * submit; cancelled: a helper cancelled it before the portal had it, for `cancelReason`.
   */
  reason: 'retention' | 'abandoned' | 'cancelled';
  cancelReason?: CancelReason;
}

export const DB_NAME = 'dvc-kiosk';

/**
 * The kiosk's only IndexedDB database. Strict durability: a transaction completes only after the
 * data is flushed to disk, so "Đã lưu" never shows for a dossier a power cut could lose
 * (https://dexie.org/docs/Dexie/Dexie#options, Chromium's `durability: 'strict'`).
 * Each new version has an upgrade and a migration test (test/e2e/queueMigration.test.ts).
 * Only non-personal fields are indexed.
 */
export class KioskDb extends Dexie {
  dossiers!: EntityTable<StoredDossier, 'id'>;
  /** Small named values of the queue itself, such as the portal's changes cursor. */
  meta!: EntityTable<{ key: string; value: number }, 'key'>;
  deletions!: EntityTable<DeletionRecord, 'id'>;
  attachments!: EntityTable<StoredAttachment, 'id'>;
  ratings!: EntityTable<StoredRating, 'id'>;

  constructor(name = DB_NAME) {
    super(name, { chromeTransactionDurability: 'strict' });
    this.version(1).stores({ dossiers: 'id, status, createdAt' });
    // v2: the sync engine's progress and the portal's receipt on every dossier.
    this.version(2)
      .stores({ dossiers: 'id, status, createdAt' })
      .upgrade((tx) =>
        tx
          .table('dossiers')
          .toCollection()
          .modify((dossier: Partial<StoredDossier>) => {
            dossier.sync ??= newSyncState();
            dossier.portal ??= null;
          }),
      );
    // v3: the portal's later statuses on each dossier, and where the changes feed was last read.
    this.version(3)
      .stores({ dossiers: 'id, status, createdAt', meta: 'key' })
      .upgrade((tx) =>
        tx
          .table('dossiers')
          .toCollection()
          .modify((dossier: Partial<StoredDossier>) => {
            dossier.portalStatus ??= null;
          }),
      );
    // v4: the record of every crypto-shredded dossier.
    this.version(4).stores({ dossiers: 'id, status, createdAt', meta: 'key', deletions: 'id, at' });
    // v5: attachments (scanned pages), sealed with their dossier's key; the row lists them.
    this.version(5)
      .stores({ dossiers: 'id, status, createdAt', meta: 'key', deletions: 'id, at', attachments: 'id, dossierId' })
      .upgrade((tx) =>
        tx
          .table('dossiers')
          .toCollection()
          .modify((dossier: Partial<StoredDossier>) => {
            dossier.attachments ??= [];
          }),
      );
    // v6: service-quality ratings, kept until the portal has them (and for the helper's reports).
    this.version(6).stores({ dossiers: 'id, status, createdAt', meta: 'key', deletions: 'id, at', attachments: 'id, dossierId', ratings: 'id, at' });
  }
}

export const db = new KioskDb();

/** Leaves time for the page to load, so the recovery screen shows within 10 s of start (R6). */
const OPEN_DEADLINE_MS = 8_000;
let firstOpen: Promise<void> | undefined;

/**
 * The queue's first open, once per page: resolves once IndexedDB is open, rejects with
 * queue.openFailed when it failed or ran past the deadline (an open blocked by another connection
 * never ends). The kiosk never deletes or re-creates the database; its files stay for a technician.
 * What Chromium 156 does with damaged LevelDB files (test/e2e/queueRecovery.test.ts):
 * - an I/O error (CURRENT naming a missing MANIFEST, the folder replaced by a file, a lock held
 *   elsewhere) fails every open and leaves the files as they are;
 * - corruption (garbage in a .log or MANIFEST, a truncated .ldb) makes it delete the store and open
 *   it empty, and a torn .log loses its last writes. That is never "no dossiers": reconcileCopies
 *   restores them from the sealed copies. A corrupt .ldb block shows at the first read instead: the
 *   store is deleted then, and restored at the next start.
 */
export function openQueue(): Promise<void> {
  firstOpen ??= new Promise<void>((resolve, reject) => {
    const fail = (cause: unknown) => reject(new KioskError('queue.openFailed', {}, { cause }));
    const deadline = setTimeout(() => fail(new Error(`no open after ${OPEN_DEADLINE_MS} ms`)), OPEN_DEADLINE_MS);
    db.open().then(() => resolve(), fail).finally(() => clearTimeout(deadline));
  });
  return firstOpen;
}
