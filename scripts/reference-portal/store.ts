import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

/**
 * The reference portal's SQLite store. Each migration runs once, in order, recorded in
 * `user_version`. The dossier UUID is a permanent primary key, not a 24-hour cache: a replay of
 * a submission years later still finds the original (quality target R4).
 */
const migrations: readonly string[] = [
  `CREATE TABLE dossiers (
     uuid TEXT PRIMARY KEY NOT NULL,
     package_sha256 TEXT NOT NULL,
     ma_ho_so TEXT UNIQUE,
     received_at TEXT NOT NULL
   ) STRICT`,
];

export interface PortalStore {
  dossierCount(): number;
  close(): void;
}

export function openPortalStore(file: string): PortalStore {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const applied = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    migrations.slice(applied).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${migrations.length}`);
  })();

  const count = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dossiers');
  return {
    dossierCount: () => count.get()?.n ?? 0,
    close: () => db.close(),
  };
}
