import Dexie, { type EntityTable } from 'dexie';
import type { Dossier } from '../../shared/dossier/dossier';

export const DB_NAME = 'dvc-kiosk';

/**
 * The kiosk's only IndexedDB database. Strict durability: a transaction completes only after the
 * data is flushed to disk, so "Đã lưu" never shows for a dossier a power cut could lose
 * (https://dexie.org/docs/Dexie/Dexie#options, Chromium's `durability: 'strict'`).
 * Each new version gets an upgrade and a migration test.
 */
export class KioskDb extends Dexie {
  dossiers!: EntityTable<Dossier, 'id'>;

  constructor(name = DB_NAME) {
    super(name, { chromeTransactionDurability: 'strict' });
    // Only non-personal fields are indexed.
    this.version(1).stores({ dossiers: 'id, status, createdAt' });
  }
}

export const db = new KioskDb();
