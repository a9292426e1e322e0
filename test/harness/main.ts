import { catalogue } from '../../renderer/catalogue';
import { fromBase64 } from '../../renderer/queue/crypto';
import { db } from '../../renderer/queue/db';
import { rotateKeysIfDue } from '../../renderer/queue/deviceKeys';
import { readAttachments, saveDossier } from '../../renderer/queue/dossiers';
import { recordRating } from '../../renderer/queue/ratings';
import { shredExpired } from '../../renderer/queue/retention';
import { startQueue, syncNow } from '../../renderer/queue/syncLoop';

/**
 * The kiosk's real queue (renderer/queue/) in a page of its own, for tests and benchmarks that need
 * what the citizen screens cannot give yet, such as scanned pages: served by the real web host, in
 * Chromium's real IndexedDB, syncing to the real reference portal. It replaces the screens, never
 * the queue, the host or the portal.
 */
const procedure = catalogue.procedures.find((candidate) => candidate.code === '2.000815')!;
const scannedDocument = procedure.documents.find((document) => document.scannable)!.id;

const harness = {
  /** Saves a certified-copy dossier with these pages (base64) and starts a sync run; returns its id and the save time. */
  async save(pages: readonly string[]): Promise<{ id: string; ms: number }> {
    const files = pages.map((page) => ({ documentType: scannedDocument, mediaType: 'image/jpeg' as const, bytes: fromBase64(page) }));
    const started = performance.now();
    const dossier = await saveDossier({
      procedureCode: procedure.code,
      catalogueVersion: catalogue.version,
      answers: { applicantName: 'Nguyễn Văn An', applicantNumber: '056090001234', applicantPhone: '0912345678' },
      feeVnd: 2000,
      files,
    });
    const ms = performance.now() - started;
    syncNow();
    return { id: dossier.id, ms };
  },
  status: async (id: string) => (await db.dossiers.get(id))?.status ?? null,
  /** How many dossiers have a status from the portal's changes feed. */
  withPortalStatus: async () => (await db.dossiers.toArray()).filter((row) => row.portalStatus).length,
  /** How long reading every row takes now (ms): how busy IndexedDB is. */
  async timeFullRead(): Promise<number> {
    const started = performance.now();
    await db.dossiers.toArray();
    return performance.now() - started;
  },
  /** A page as the queue gives it back to the upload: decrypted from IndexedDB. */
  async page(id: string, index: number): Promise<string> {
    const row = (await db.dossiers.get(id))!;
    const [bytes] = await readAttachments(row, [row.attachments[index]!.id]);
    // Chromium's native base64, not yet in TypeScript's lib.
    return (bytes as Uint8Array & { toBase64(): string }).toBase64();
  },
  shredExpired,
  recordRating,
  unsentRatings: async () => (await db.ratings.toArray()).filter((rating) => !rating.sentAt).length,
  /** `now` in ms: tests move the clock a day on to make a rotation due. */
  rotateKeysIfDue: (now: number) => rotateKeysIfDue(now),
  syncNow,
};

declare global {
  interface Window {
    queueHarness: typeof harness;
  }
}
window.queueHarness = harness;
startQueue();
