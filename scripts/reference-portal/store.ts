import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { LookupCode } from '../../shared/contract';

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
  // Protocol v1: enrolment, signatures, announce/submit, uploads, status changes, telemetry.
  // received_at (migration 1) is when the dossier was first announced; submitted_at is when the
  // portal assigned its MaHoSo.
  `CREATE TABLE portal_key (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     private_key_pem TEXT NOT NULL,
     created_at TEXT NOT NULL
   ) STRICT;
   CREATE TABLE enrolment_codes (
     code TEXT PRIMARY KEY NOT NULL,
     commune_code TEXT NOT NULL,
     commune_name TEXT NOT NULL,
     created_at TEXT NOT NULL,
     expires_at TEXT NOT NULL,
     used_at TEXT,
     kiosk_id TEXT
   ) STRICT;
   CREATE TABLE kiosks (
     kiosk_id TEXT PRIMARY KEY NOT NULL,
     public_key_jwk TEXT NOT NULL,
     name TEXT NOT NULL,
     version TEXT NOT NULL,
     commune_code TEXT NOT NULL,
     commune_name TEXT NOT NULL,
     enrolled_at TEXT NOT NULL
   ) STRICT;
   CREATE TABLE nonces (
     nonce TEXT PRIMARY KEY NOT NULL,
     keyid TEXT NOT NULL,
     seen_at INTEGER NOT NULL
   ) STRICT;
   CREATE INDEX nonces_by_age ON nonces (seen_at);
   ALTER TABLE dossiers ADD COLUMN kiosk_id TEXT;
   ALTER TABLE dossiers ADD COLUMN announcement TEXT;
   ALTER TABLE dossiers ADD COLUMN submitted_at TEXT;
   ALTER TABLE dossiers ADD COLUMN status INTEGER;
   CREATE TABLE attachments (
     dossier_uuid TEXT NOT NULL REFERENCES dossiers (uuid),
     attachment_id TEXT NOT NULL,
     document_type TEXT NOT NULL,
     sha256 TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded_at TEXT,
     PRIMARY KEY (dossier_uuid, attachment_id)
   ) STRICT;
   CREATE TABLE uploads (
     upload_id TEXT PRIMARY KEY NOT NULL,
     dossier_uuid TEXT NOT NULL,
     attachment_id TEXT NOT NULL,
     kiosk_id TEXT NOT NULL,
     created_at TEXT NOT NULL,
     FOREIGN KEY (dossier_uuid, attachment_id) REFERENCES attachments (dossier_uuid, attachment_id)
   ) STRICT;
   CREATE TABLE daily_sequences (
     unit_code TEXT NOT NULL,
     day TEXT NOT NULL,
     last INTEGER NOT NULL,
     PRIMARY KEY (unit_code, day)
   ) STRICT;
   CREATE TABLE status_changes (
     seq INTEGER PRIMARY KEY AUTOINCREMENT,
     dossier_uuid TEXT NOT NULL REFERENCES dossiers (uuid),
     kiosk_id TEXT NOT NULL,
     status INTEGER NOT NULL CHECK (status BETWEEN 1 AND 10),
     at TEXT NOT NULL
   ) STRICT;
   CREATE INDEX status_changes_by_kiosk ON status_changes (kiosk_id, seq);
   CREATE TABLE heartbeats (
     kiosk_id TEXT NOT NULL,
     at TEXT NOT NULL,
     report TEXT NOT NULL
   ) STRICT;
   CREATE TABLE ratings (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     kiosk_id TEXT NOT NULL,
     dossier_uuid TEXT,
     score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
     at TEXT NOT NULL,
     received_at TEXT NOT NULL
   ) STRICT;
   CREATE UNIQUE INDEX ratings_once ON ratings (kiosk_id, at, coalesce(dossier_uuid, ''), score)`,
  // Repairs: the revision of the announcement held, 0 as first sent (docs/portal-protocol.md).
  `ALTER TABLE dossiers ADD COLUMN revision INTEGER NOT NULL DEFAULT 0`,
];

/** The schema version a store has after opening (the number of migrations). */
export const SCHEMA_VERSION = migrations.length;

export interface Commune {
  code: string;
  name: string;
}

export interface AttachmentDeclaration {
  id: string;
  documentType: string;
  sha256: string;
  size: number;
}

export interface Announcement {
  packageSha256: string;
  /** 0 as the citizen submitted it, n after the n-th repair. */
  revision: number;
  metadata: Record<string, unknown>;
  attachments: AttachmentDeclaration[];
}

export type AnnounceOutcome =
  | { kind: 'created' }
  | { kind: 'same'; maHoSo: string | null }
  /** A repair replaced the announcement; the caller deletes these uploads' files once it is committed. */
  | { kind: 'revised'; discardedUploads: string[] }
  | { kind: 'conflict' };

export interface EnrolOutcome {
  kind: 'created' | 'replay';
  kioskId: string;
  commune: Commune;
}

export type SubmitOutcome =
  | { kind: 'created' | 'replay'; maHoSo: string; receivedAt: string }
  | { kind: 'conflict' }
  | { kind: 'notAnnounced' }
  | { kind: 'attachmentsMissing'; missing: string[] };

export interface DossierRow {
  uuid: string;
  kioskId: string | null;
  packageSha256: string;
  revision: number;
  maHoSo: string | null;
  status: number | null;
  receivedAt: string;
  submittedAt: string | null;
  metadata: Record<string, unknown>;
}

export interface StatusChange {
  seq: number;
  uuid: string;
  maHoSo: string;
  status: number;
  at: string;
}

/** What any kiosk may show of a dossier on a public screen (docs/portal-protocol.md, lookup). */
export interface PublicDossierStatus {
  procedureCode: string;
  maHoSo: string;
  status: number;
  statusAt: string;
  receivedAt: string;
}

export interface KioskRow {
  kioskId: string;
  publicKeyJwk: string;
  name: string;
  version: string;
  commune: Commune;
}

export interface EnrolmentCodeRow {
  code: string;
  commune: Commune;
  expiresAt: string;
  usedAt: string | null;
  kioskId: string | null;
}

/** `yyyyMMdd` of an instant in Vietnam (UTC+7, no daylight saving): the day of MaHoSo. */
export function vietnamDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
}

export function openPortalStore(file: string) {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  const applied = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    migrations.slice(applied).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${migrations.length}`);
  })();

  const q = {
    count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM dossiers'),
    ratingCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM ratings'),
    kioskCount: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM kiosks'),
    portalKey: db.prepare<[], { pem: string }>('SELECT private_key_pem AS pem FROM portal_key WHERE id = 1'),
    putPortalKey: db.prepare<[string, string]>('INSERT OR IGNORE INTO portal_key (id, private_key_pem, created_at) VALUES (1, ?, ?)'),
    code: db.prepare<[string], { code: string; commune_code: string; commune_name: string; expires_at: string; used_at: string | null; kiosk_id: string | null }>(
      'SELECT * FROM enrolment_codes WHERE code = ?',
    ),
    codes: db.prepare<[], { code: string; commune_code: string; commune_name: string; expires_at: string; used_at: string | null; kiosk_id: string | null }>(
      'SELECT * FROM enrolment_codes ORDER BY created_at DESC LIMIT 50',
    ),
    insertCode: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO enrolment_codes (code, commune_code, commune_name, created_at, expires_at) VALUES (?, ?, ?, ?, ?)',
    ),
    refreshCode: db.prepare<[string, string, string, string]>(
      'UPDATE enrolment_codes SET commune_code = ?, commune_name = ?, expires_at = ? WHERE code = ? AND used_at IS NULL',
    ),
    useCode: db.prepare<[string, string, string]>('UPDATE enrolment_codes SET used_at = ?, kiosk_id = ? WHERE code = ? AND used_at IS NULL'),
    insertKiosk: db.prepare<[string, string, string, string, string, string, string]>(
      'INSERT INTO kiosks (kiosk_id, public_key_jwk, name, version, commune_code, commune_name, enrolled_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    kiosk: db.prepare<[string], { kiosk_id: string; public_key_jwk: string; name: string; version: string; commune_code: string; commune_name: string }>(
      'SELECT * FROM kiosks WHERE kiosk_id = ?',
    ),
    insertNonce: db.prepare<[string, string, number]>('INSERT OR IGNORE INTO nonces (nonce, keyid, seen_at) VALUES (?, ?, ?)'),
    purgeNonces: db.prepare<[number]>('DELETE FROM nonces WHERE seen_at < ?'),
    dossier: db.prepare<[string], { uuid: string; kiosk_id: string | null; package_sha256: string; ma_ho_so: string | null; status: number | null; received_at: string; submitted_at: string | null; announcement: string | null; revision: number }>(
      'SELECT * FROM dossiers WHERE uuid = ?',
    ),
    dossiers: db.prepare<[number], { uuid: string; kiosk_id: string | null; package_sha256: string; ma_ho_so: string | null; status: number | null; received_at: string; submitted_at: string | null; announcement: string | null; revision: number }>(
      'SELECT * FROM dossiers ORDER BY received_at DESC LIMIT ?',
    ),
    insertDossier: db.prepare<[string, string, number, string, string, string]>(
      'INSERT INTO dossiers (uuid, package_sha256, revision, received_at, kiosk_id, announcement) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    reviseDossier: db.prepare<[string, number, string, string]>(
      'UPDATE dossiers SET package_sha256 = ?, revision = ?, announcement = ? WHERE uuid = ? AND ma_ho_so IS NULL',
    ),
    insertAttachment: db.prepare<[string, string, string, string, number]>(
      'INSERT INTO attachments (dossier_uuid, attachment_id, document_type, sha256, size) VALUES (?, ?, ?, ?, ?)',
    ),
    attachment: db.prepare<[string, string], { sha256: string; size: number; uploaded_at: string | null }>(
      'SELECT sha256, size, uploaded_at FROM attachments WHERE dossier_uuid = ? AND attachment_id = ?',
    ),
    attachments: db.prepare<[string], { attachment_id: string; sha256: string; size: number }>(
      'SELECT attachment_id, sha256, size FROM attachments WHERE dossier_uuid = ?',
    ),
    retypeAttachment: db.prepare<[string, string, string]>(
      'UPDATE attachments SET document_type = ? WHERE dossier_uuid = ? AND attachment_id = ?',
    ),
    deleteAttachment: db.prepare<[string, string]>('DELETE FROM attachments WHERE dossier_uuid = ? AND attachment_id = ?'),
    deleteUploads: db.prepare<[string, string], { upload_id: string }>(
      'DELETE FROM uploads WHERE dossier_uuid = ? AND attachment_id = ? RETURNING upload_id',
    ),
    missing: db.prepare<[string], { attachment_id: string }>(
      'SELECT attachment_id FROM attachments WHERE dossier_uuid = ? AND uploaded_at IS NULL ORDER BY attachment_id',
    ),
    // Through the upload's record: a repair that dropped the declaration dropped the record too,
    // so bytes checked against a declaration since replaced mark nothing.
    markUploaded: db.prepare<[string, string]>(
      `UPDATE attachments SET uploaded_at = coalesce(uploaded_at, ?)
       WHERE (dossier_uuid, attachment_id) = (SELECT dossier_uuid, attachment_id FROM uploads WHERE upload_id = ?)`,
    ),
    insertUpload: db.prepare<[string, string, string, string, string]>(
      'INSERT INTO uploads (upload_id, dossier_uuid, attachment_id, kiosk_id, created_at) VALUES (?, ?, ?, ?, ?)',
    ),
    upload: db.prepare<[string], { dossier_uuid: string; attachment_id: string; kiosk_id: string }>(
      'SELECT dossier_uuid, attachment_id, kiosk_id FROM uploads WHERE upload_id = ?',
    ),
    nextSeq: db.prepare<[string, string], { last: number }>(
      `INSERT INTO daily_sequences (unit_code, day, last) VALUES (?, ?, 1)
       ON CONFLICT (unit_code, day) DO UPDATE SET last = last + 1 RETURNING last`,
    ),
    submitDossier: db.prepare<[string, string, string]>(
      'UPDATE dossiers SET ma_ho_so = ?, submitted_at = ?, status = 1 WHERE uuid = ? AND ma_ho_so IS NULL',
    ),
    setStatus: db.prepare<[number, string]>('UPDATE dossiers SET status = ? WHERE uuid = ?'),
    insertChange: db.prepare<[string, string, number, string]>(
      'INSERT INTO status_changes (dossier_uuid, kiosk_id, status, at) VALUES (?, ?, ?, ?)',
    ),
    changes: db.prepare<[string, number, number], { seq: number; uuid: string; ma_ho_so: string; status: number; at: string }>(
      `SELECT c.seq, c.dossier_uuid AS uuid, d.ma_ho_so, c.status, c.at
       FROM status_changes c JOIN dossiers d ON d.uuid = c.dossier_uuid
       WHERE c.kiosk_id = ? AND c.seq > ? ORDER BY c.seq LIMIT ?`,
    ),
    // Submitted dossiers only (an announced one is not received yet), whose announcement the server
    // checked has a MaTTHC; LIMIT 2 is enough to tell "ambiguous".
    lookup: db.prepare<{ kind: string; value: string }, { procedure_code: string; ma_ho_so: string; status: number; status_at: string; submitted_at: string }>(
      `SELECT json_extract(d.announcement, '$.metadata.MaTTHC') AS procedure_code, d.ma_ho_so, d.status, d.submitted_at,
         (SELECT c.at FROM status_changes c WHERE c.dossier_uuid = d.uuid ORDER BY c.seq DESC LIMIT 1) AS status_at
       FROM dossiers d
       WHERE d.ma_ho_so IS NOT NULL AND CASE @kind
         WHEN 'uuid' THEN d.uuid = @value
         WHEN 'reference' THEN substr(d.uuid, 1, 8) = @value
         ELSE d.ma_ho_so = @value END
       LIMIT 2`,
    ),
    insertHeartbeat: db.prepare<[string, string, string]>('INSERT INTO heartbeats (kiosk_id, at, report) VALUES (?, ?, ?)'),
    lastHeartbeats: db.prepare<[], { kiosk_id: string; at: string; report: string }>(
      'SELECT kiosk_id, max(at) AS at, report FROM heartbeats GROUP BY kiosk_id ORDER BY kiosk_id',
    ),
    insertRating: db.prepare<[string, string | null, number, string, string]>(
      'INSERT OR IGNORE INTO ratings (kiosk_id, dossier_uuid, score, at, received_at) VALUES (?, ?, ?, ?, ?)',
    ),
  };

  const toDossier = (row: NonNullable<ReturnType<typeof q.dossier.get>>): DossierRow => ({
    uuid: row.uuid,
    kioskId: row.kiosk_id,
    packageSha256: row.package_sha256,
    revision: row.revision,
    maHoSo: row.ma_ho_so,
    status: row.status,
    receivedAt: row.received_at,
    submittedAt: row.submitted_at,
    metadata: row.announcement ? (JSON.parse(row.announcement) as Announcement).metadata : {},
  });

  /**
   * Replaces a dossier's announcement (inside announce's transaction). An attachment declared again
   * with the same id, sha-256 and size keeps its upload state: its verified bytes need not come
   * again. Every other old declaration goes with its upload records; their ids are returned.
   */
  function revise(uuid: string, announcement: Announcement): string[] {
    const toAdd = new Map(announcement.attachments.map((a) => [a.id, a]));
    const discardedUploads: string[] = [];
    for (const old of q.attachments.all(uuid)) {
      const same = toAdd.get(old.attachment_id);
      if (same && same.sha256 === old.sha256 && same.size === old.size) {
        q.retypeAttachment.run(same.documentType, uuid, old.attachment_id);
        toAdd.delete(old.attachment_id);
      } else {
        discardedUploads.push(...q.deleteUploads.all(uuid, old.attachment_id).map((u) => u.upload_id));
        q.deleteAttachment.run(uuid, old.attachment_id);
      }
    }
    for (const a of toAdd.values()) q.insertAttachment.run(uuid, a.id, a.documentType, a.sha256, a.size);
    q.reviseDossier.run(announcement.packageSha256, announcement.revision, JSON.stringify(announcement), uuid);
    return discardedUploads;
  }

  const toCode = (row: NonNullable<ReturnType<typeof q.code.get>>): EnrolmentCodeRow => ({
    code: row.code,
    commune: { code: row.commune_code, name: row.commune_name },
    expiresAt: row.expires_at,
    usedAt: row.used_at,
    kioskId: row.kiosk_id,
  });

  return {
    dossierCount: () => q.count.get()?.n ?? 0,
    ratingCount: () => q.ratingCount.get()?.n ?? 0,
    kioskCount: () => q.kioskCount.get()?.n ?? 0,

    /** The portal's private key (PKCS#8 PEM), created once by `generate` and kept forever. */
    portalKey(generate: () => string, now: Date): string {
      const existing = q.portalKey.get();
      if (existing) return existing.pem;
      q.putPortalKey.run(generate(), now.toISOString());
      return q.portalKey.get()?.pem ?? '';
    },

    /** Creates a single-use code; an existing unused code is refreshed, a used one stays used. */
    putEnrolmentCode(code: string, commune: Commune, expiresAt: Date, now: Date): EnrolmentCodeRow {
      db.transaction(() => {
        if (q.code.get(code)) q.refreshCode.run(commune.code, commune.name, expiresAt.toISOString(), code);
        else q.insertCode.run(code, commune.code, commune.name, now.toISOString(), expiresAt.toISOString());
      })();
      const row = q.code.get(code);
      if (!row) throw new Error('enrolment code was not stored');
      return toCode(row);
    },

    enrolmentCodes: () => q.codes.all().map(toCode),

    /**
     * Uses a code and records the kiosk as `kioskId`, in one transaction. A code already used by the
     * same public key (`publicKeyJwk` as the server normalises it) gives back that enrolment, even
     * once expired: the kiosk may have lost the answer and asks again with the key it kept. Null when
     * the code is unknown, expired, or used by another key.
     */
    enrol(input: { code: string; kioskId: string; publicKeyJwk: string; name: string; version: string; now: Date }): EnrolOutcome | null {
      return db.transaction((): EnrolOutcome | null => {
        const row = q.code.get(input.code);
        if (!row) return null;
        if (row.used_at !== null) {
          const kiosk = row.kiosk_id === null ? undefined : q.kiosk.get(row.kiosk_id);
          if (kiosk?.public_key_jwk !== input.publicKeyJwk) return null;
          return { kind: 'replay', kioskId: kiosk.kiosk_id, commune: { code: kiosk.commune_code, name: kiosk.commune_name } };
        }
        if (new Date(row.expires_at) <= input.now) return null;
        if (q.useCode.run(input.now.toISOString(), input.kioskId, input.code).changes !== 1) return null;
        q.insertKiosk.run(input.kioskId, input.publicKeyJwk, input.name, input.version, row.commune_code, row.commune_name, input.now.toISOString());
        return { kind: 'created', kioskId: input.kioskId, commune: { code: row.commune_code, name: row.commune_name } };
      })();
    },

    kiosk(kioskId: string): KioskRow | undefined {
      const row = q.kiosk.get(kioskId);
      return row && {
        kioskId: row.kiosk_id,
        publicKeyJwk: row.public_key_jwk,
        name: row.name,
        version: row.version,
        commune: { code: row.commune_code, name: row.commune_name },
      };
    },

    /** Records a nonce; false when it was seen before. Nonces older than `keepSeconds` are forgotten. */
    rememberNonce(nonce: string, keyid: string, nowSeconds: number, keepSeconds: number): boolean {
      return db.transaction(() => {
        q.purgeNonces.run(nowSeconds - keepSeconds);
        return q.insertNonce.run(nonce, keyid, nowSeconds).changes === 1;
      })();
    },

    /**
     * Another package under a known uuid replaces the announcement only as a repair: from the same
     * kiosk, before submit, with a higher revision. A stale copy (a stick written before the repair)
     * never rolls the dossier back, and a received dossier never changes.
     */
    announce(uuid: string, kioskId: string, announcement: Announcement, now: Date): AnnounceOutcome {
      return db.transaction((): AnnounceOutcome => {
        const existing = q.dossier.get(uuid);
        if (!existing) {
          q.insertDossier.run(uuid, announcement.packageSha256, announcement.revision, now.toISOString(), kioskId, JSON.stringify(announcement));
          for (const a of announcement.attachments) q.insertAttachment.run(uuid, a.id, a.documentType, a.sha256, a.size);
          return { kind: 'created' };
        }
        if (existing.kiosk_id !== kioskId) return { kind: 'conflict' };
        if (existing.package_sha256 === announcement.packageSha256) return { kind: 'same', maHoSo: existing.ma_ho_so };
        if (existing.ma_ho_so !== null || announcement.revision <= existing.revision) return { kind: 'conflict' };
        return { kind: 'revised', discardedUploads: revise(uuid, announcement) };
      })();
    },

    /** Assigns MaHoSo `{unit}-{yyyyMMdd}-{7-digit daily sequence}` in the transaction that records the submission. */
    submit(uuid: string, kioskId: string, packageSha256: string, unitCode: string, now: Date): SubmitOutcome {
      return db.transaction((): SubmitOutcome => {
        const row = q.dossier.get(uuid);
        if (!row || row.kiosk_id !== kioskId) return { kind: 'notAnnounced' };
        if (row.package_sha256 !== packageSha256) return { kind: 'conflict' };
        if (row.ma_ho_so !== null && row.submitted_at !== null) return { kind: 'replay', maHoSo: row.ma_ho_so, receivedAt: row.submitted_at };
        const missing = q.missing.all(uuid).map((m) => m.attachment_id);
        if (missing.length > 0) return { kind: 'attachmentsMissing', missing };
        const day = vietnamDay(now);
        const seq = q.nextSeq.get(unitCode, day)?.last ?? 0;
        const maHoSo = `${unitCode}-${day}-${String(seq).padStart(7, '0')}`;
        const receivedAt = now.toISOString();
        q.submitDossier.run(maHoSo, receivedAt, uuid);
        q.insertChange.run(uuid, kioskId, 1, receivedAt);
        return { kind: 'created', maHoSo, receivedAt };
      })();
    },

    dossier(uuid: string): DossierRow | undefined {
      const row = q.dossier.get(uuid);
      return row && toDossier(row);
    },

    dossiers: (limit = 200) => q.dossiers.all(limit).map(toDossier),

    /** Moves a submitted dossier to a TrangThaiHoSo status and records the change for the feed. */
    setStatus(uuid: string, status: number, now: Date): boolean {
      return db.transaction(() => {
        const row = q.dossier.get(uuid);
        if (!row || row.ma_ho_so === null || row.kiosk_id === null) return false;
        q.setStatus.run(status, uuid);
        q.insertChange.run(uuid, row.kiosk_id, status, now.toISOString());
        return true;
      })();
    },

    /**
     * The public face of the submitted dossiers a citizen's code matches (at most two): procedure,
     * MaHoSo, status and times. Nothing personal is selected, so nothing personal can leak.
     */
    lookup(code: LookupCode): PublicDossierStatus[] {
      return q.lookup.all(code).map((r) => ({
        procedureCode: r.procedure_code,
        maHoSo: r.ma_ho_so,
        status: r.status,
        statusAt: r.status_at,
        receivedAt: r.submitted_at,
      }));
    },

    changes(kioskId: string, cursor: number, limit: number): StatusChange[] {
      return q.changes.all(kioskId, cursor, limit).map((r) => ({ seq: r.seq, uuid: r.uuid, maHoSo: r.ma_ho_so, status: r.status, at: r.at }));
    },

    attachment(uuid: string, attachmentId: string) {
      return q.attachment.get(uuid, attachmentId);
    },

    recordUploadStart(uploadId: string, uuid: string, attachmentId: string, kioskId: string, now: Date): void {
      q.insertUpload.run(uploadId, uuid, attachmentId, kioskId, now.toISOString());
    },

    upload(uploadId: string) {
      return q.upload.get(uploadId);
    },

    /** Counts an upload's verified bytes for its attachment; false when a repair dropped the declaration it was for. */
    markUploaded(uploadId: string, now: Date): boolean {
      return q.markUploaded.run(now.toISOString(), uploadId).changes === 1;
    },

    recordHeartbeat(kioskId: string, report: unknown, now: Date): void {
      q.insertHeartbeat.run(kioskId, now.toISOString(), JSON.stringify(report));
    },

    lastHeartbeats: () => q.lastHeartbeats.all().map((r) => ({ kioskId: r.kiosk_id, at: r.at, report: JSON.parse(r.report) as unknown })),

    /** Stores ratings; a resent rating (same kiosk, time, dossier and score) is stored once but still counted. */
    recordRatings(kioskId: string, ratings: Array<{ uuid?: string | undefined; score: number; at: string }>, now: Date): number {
      return db.transaction(() => {
        for (const r of ratings) q.insertRating.run(kioskId, r.uuid ?? null, r.score, r.at, now.toISOString());
        return ratings.length;
      })();
    },

    close(): void {
      db.close();
    },
  };
}

export type PortalStore = ReturnType<typeof openPortalStore>;
