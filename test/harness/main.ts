import { catalogue, procedureByCode } from '../../renderer/catalogue';
import { attachDeclaration } from '../../renderer/citizen/declaration';
import { host } from '../../renderer/host';
import { fromBase64 } from '../../renderer/queue/crypto';
import { db } from '../../renderer/queue/db';
import { rotateKeysIfDue } from '../../renderer/queue/deviceKeys';
import { readAttachments, saveDossier } from '../../renderer/queue/dossiers';
import {
  addDraftPage,
  discardAbandonedDrafts,
  discardDraft,
  markReady,
  orderDraftPages,
  removeDraftPage,
  saveDraftAnswers,
  startDraft,
  submitDraft,
} from '../../renderer/queue/drafts';
import type { Dossier } from '../../shared/dossier/dossier';
import type { ErrorCode } from '../../shared/errors';
import { KioskError } from '../../shared/errors';
import { resendDossier } from '../../renderer/queue/care';
import { recordRating } from '../../renderer/queue/ratings';
import { commitRepair, startRepair } from '../../renderer/queue/repair';
import { shredExpired } from '../../renderer/queue/retention';
import { startQueue, syncNow } from '../../renderer/queue/syncLoop';

/**
 * The kiosk's real queue (renderer/queue/) in a page of its own, for tests and benchmarks that need
 * what the citizen screens cannot give yet, such as scanned pages: served by the real web host, in
 * Chromium's real IndexedDB, syncing to the real reference portal. It replaces the screens, never
 * the queue, the host or the portal.
 */
const procedureOf = (code: string) => procedureByCode(code)!;
const procedure = procedureOf('2.000815');
const scannedDocument = procedure.documents.find((document) => document.scannable)!.id;

// Chromium's native base64, not yet in TypeScript's lib.
const toBase64 = (bytes: Uint8Array) => (bytes as Uint8Array & { toBase64(): string }).toBase64();

/** What a call came to: its value, or the code of the KioskError it failed with (page.evaluate loses the error's class). */
const codeOf = <T>(promise: Promise<T>): Promise<{ value: T } | { code: string }> =>
  promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ code: error instanceof KioskError ? error.code : String(error) }),
  );

const harness = {
  /** Saves a certified-copy dossier with these pages (base64) and starts a sync run; returns its id and the save time. */
  async save(pages: readonly string[]): Promise<{ id: string; ms: number }> {
    const files = pages.map((page) => ({ documentType: scannedDocument, mediaType: 'image/jpeg' as const, bytes: fromBase64(page) }));
    const started = performance.now();
    const dossier = await saveDossier({
      procedureCode: procedure.code,
      catalogueVersion: catalogue().version,
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
    return toBase64(bytes!);
  },
  shredExpired,
  recordRating,
  unsentRatings: async () => (await db.ratings.toArray()).filter((rating) => !rating.sentAt).length,
  /** The draft API as the citizen journey uses it; pages as base64, failures as their KioskError code. */
  drafts: {
    /** A certified-copy draft, or one of the procedure `code`. */
    start: (code = procedure.code) => startDraft({ procedureCode: code, catalogueVersion: catalogue().version, feeVnd: 2000 }),
    answer: (id: string, answers: Dossier['answers']) => codeOf(saveDraftAnswers(id, answers)),
    addPage: (id: string, page: string) => codeOf(addDraftPage(id, { documentType: scannedDocument, mediaType: 'image/jpeg', bytes: fromBase64(page) }).then(({ id }) => id)),
    removePage: (id: string, attachmentId: string) => codeOf(removeDraftPage(id, attachmentId)),
    attachDeclaration: (id: string, code: string, answers: Dossier['answers']) => codeOf(attachDeclaration(id, procedureOf(code), catalogue().version, answers)),
    orderPages: (id: string, attachmentIds: string[]) => codeOf(orderDraftPages(id, attachmentIds)),
    markReady: (id: string) => codeOf(markReady(id, 2000)),
    /** Submits, then starts a sync run; resolves with the confirmed dossier's answers and page ids. */
    submit: (id: string) =>
      codeOf(
        submitDraft(id).then((dossier) => {
          syncNow();
          return { answers: dossier.answers, attachments: dossier.attachments.map((attachment) => attachment.id) };
        }),
      ),
    discard: (id: string) => discardDraft(id),
    discardAbandoned: (now: number) => discardAbandonedDrafts(now),
  },
  /** Guided repair (renderer/queue/repair.ts): the copy is edited with `drafts`; failures as their code. */
  repair: {
    /** Puts a dossier aside for a helper, as the sync engine's markNeedsHelp leaves it. */
    putAside: (id: string, code: ErrorCode) => db.dossiers.update(id, { status: 'needsHelp', 'sync.lastError': code }),
    start: (id: string) => codeOf(startRepair(id).then(({ draftId, lostDocuments, dossier }) => ({ draftId, lostDocuments, answers: dossier.answers }))),
    /** Commits, then starts a sync run. */
    commit: (draftId: string) =>
      codeOf(
        commitRepair(draftId).then((dossier) => {
          syncNow();
          return { revision: dossier.revision, answers: dossier.answers, attachments: dossier.attachments.map((attachment) => attachment.id) };
        }),
      ),
    resend: (id: string) => resendDossier(id),
  },
  /** The document host calls as the scan screen will make them; bytes as base64, failures as their code. */
  documents: {
    /**
     * Scans the feeder's sheets; answers the pages' JPEGs, the page numbers the preview events told
     * and how many of them came before the scan's answer. The web host's events and answers travel
     * apart (WebSocket, fetch), so the last page's event may trail the answer: it is waited for.
     */
    async scan(maxPages: number) {
      const scanId = crypto.randomUUID();
      const previews: number[] = [];
      const stop = host().on('scanner.page', (event) => void (event.scanId === scanId && previews.push(event.page.number)));
      try {
        const pages = await host().call('scanner.scan', { scanId, source: 'adf', resolution: 200, colourMode: 'grey', maxPages });
        const beforeAnswer = previews.length;
        for (const deadline = Date.now() + 5_000; previews.length < pages.length && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
        return { previews, beforeAnswer, pages: pages.map(({ jpeg, width, height, dpi }) => ({ jpeg: toBase64(jpeg), width, height, dpi })) };
      } finally {
        stop();
      }
    },
    /** Digitises pages from `scan`; `cancelAt` cancels at the first progress report at or past it. */
    async digitise(dossierId: string, pages: Array<{ jpeg: string; width: number; height: number; dpi: number }>, cancelAt?: number) {
      const jobId = crypto.randomUUID();
      const progress: number[] = [];
      const stop = host().on('documents.progress', (event) => {
        if (event.jobId !== jobId) return;
        progress.push(event.progress);
        if (cancelAt !== undefined && event.progress >= cancelAt) void host().call('documents.cancel', { jobId });
      });
      const document = { title: 'Giấy khai sinh', documentType: 'giayKhaiSinh', procedureCode: '1.001193', dossierId };
      const digitised = await codeOf(host().call('documents.digitise', { jobId, document, pages: pages.map((page) => ({ ...page, jpeg: fromBase64(page.jpeg) })) }));
      stop();
      if ('code' in digitised) return { ok: false as const, code: digitised.code, progress };
      return { ok: true as const, pdf: toBase64(digitised.value.pdf), texts: digitised.value.pages.map((page) => page.text), progress };
    },
    /** The filled declaration of procedure `code`: its PDF as base64 and its document type. */
    declaration: async (procedureCode: string, answers: Dossier['answers'], date: string, catalogueVersion = catalogue().version) => {
      const filled = await codeOf(host().call('documents.declaration', { procedureCode, catalogueVersion, answers, date }));
      return 'code' in filled ? filled : { value: { pdf: toBase64(filled.value.pdf), documentType: filled.value.documentType } };
    },
  },
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
