import type { ScannedPage } from '../../shared/contract';
import { KioskError } from '../../shared/errors';
import { host } from '../host';
import { addDraftPage, keepDocumentPages, orderDraftPages, removeDraftPage, replaceDocumentPages, startDraft } from '../queue/drafts';
import { useStore } from '../store';

/**
 * The citizen's scanned documents during a session. Each page is sealed into the session's draft
 * (renderer/queue/drafts.ts) the moment it arrives, so a page is never only on screen. The screen
 * keeps the pages in memory too, for previews and for the document's searchable PDF, which the host
 * starts reading as soon as the citizen moves on.
 */

/** A page of a document as the scan screen shows it: its place in the draft and the cleaned scan. */
export interface DraftPage extends Omit<ScannedPage, 'number'> {
  attachmentId: string;
}

/** Below this the screen asks for a rescan (imaging.ts: a sharp page scores 0.8–0.9, a blurred one 0.2). */
export const LEGIBLE = 0.5;

const SCAN = { source: 'adf', resolution: 200, colourMode: 'grey' } as const;

let drafting: Promise<string> | undefined;

/**
 * The session's draft, made on first need (the first scanned page, the fee's reference, or the
 * submit); one even when two pages arrive at once.
 */
export function sessionDraft(): Promise<string> {
  const { draftId: existing, procedure, catalogueVersion } = useStore.getState();
  if (existing) return Promise.resolve(existing);
  if (!procedure || !catalogueVersion) return Promise.reject(new KioskError('queue.draftGone', { id: '' }));
  drafting ??= startDraft({ procedureCode: procedure.code, catalogueVersion, feeVnd: null }).then(
    (id) => {
      useStore.getState().setDraft(id);
      return id;
    },
    (error: unknown) => {
      drafting = undefined;
      throw error;
    },
  );
  return drafting;
}

const pagesOf = (document: string) => useStore.getState().pages[document] ?? [];

/**
 * Scans into one document: each page as it comes is sealed into the draft and shown. Resolves once
 * the feeder is empty (or `maxPages` came); rejects with scanner.* (a page already shown stays).
 * `scanId` names the scan for `cancelScan`.
 */
export async function scanDocument(document: string, scanId: string, options: { maxPages?: number } = {}): Promise<DraftPage[]> {
  const id = await sessionDraft();
  const added: DraftPage[] = [];
  const seen = new Set<number>();
  let saving = Promise.resolve();
  const keep = ({ number, ...page }: ScannedPage) => {
    seen.add(number);
    saving = saving.then(async () => {
      const { id: attachmentId } = await addDraftPage(id, { documentType: document, mediaType: 'image/jpeg', bytes: page.jpeg });
      const draftPage = { ...page, attachmentId };
      added.push(draftPage);
      useStore.getState().setPages(document, [...pagesOf(document), draftPage]);
    });
  };
  const stop = host().on('scanner.page', (event) => {
    if (event.scanId === scanId) keep(event.page);
  });
  try {
    const pages = await host().call('scanner.scan', { scanId, ...SCAN, ...options });
    // The scan's answer has every page: one whose event was lost (a WebSocket reconnecting) is kept now.
    for (const page of pages) if (!seen.has(page.number)) keep(page);
  } finally {
    stop();
    await saving;
  }
  return added;
}

export const cancelScan = (scanId: string) => host().call('scanner.cancel', { scanId });

export async function removePage(document: string, attachmentId: string): Promise<void> {
  await removeDraftPage(await sessionDraft(), attachmentId);
  useStore.getState().setPages(document, pagesOf(document).filter((page) => page.attachmentId !== attachmentId));
}

/** Moves a page one place up (-1) or down (+1) within its document. */
export async function movePage(document: string, attachmentId: string, by: -1 | 1): Promise<void> {
  const pages = [...pagesOf(document)];
  const from = pages.findIndex((page) => page.attachmentId === attachmentId);
  const to = from + by;
  if (from < 0 || to < 0 || to >= pages.length) return;
  [pages[from], pages[to]] = [pages[to]!, pages[from]!];
  await saveOrder(document, pages);
}

/** Scans one sheet again in place of a page (too blurred, or the wrong side). */
export async function retakePage(document: string, attachmentId: string, scanId: string): Promise<void> {
  const at = pagesOf(document).findIndex((page) => page.attachmentId === attachmentId);
  const [fresh] = await scanDocument(document, scanId, { maxPages: 1 });
  if (!fresh || at < 0) return;
  await removePage(document, attachmentId);
  const others = pagesOf(document).filter((page) => page.attachmentId !== fresh.attachmentId);
  await saveOrder(document, [...others.slice(0, at), fresh, ...others.slice(at)]);
}

async function saveOrder(document: string, pages: DraftPage[]): Promise<void> {
  await orderDraftPages(await sessionDraft(), pages.map((page) => page.attachmentId));
  useStore.getState().setPages(document, pages);
}

/** A document's searchable PDF being made, and the pages it is made of. */
interface Digitising {
  jobId: string;
  pages: readonly DraftPage[];
  /** Null when it could not be made: the pages then go as they are, as images. */
  pdf: Promise<Uint8Array<ArrayBuffer> | null>;
}
const digitising = new Map<string, Digitising>();

/**
 * The document's searchable PDF: read by the host while the citizen answers the next questions,
 * begun again if its pages changed since. OCR that fails leaves the pages as images, never lost.
 */
export function digitise(document: string): Promise<Uint8Array<ArrayBuffer> | null> {
  const pages = pagesOf(document);
  const running = digitising.get(document);
  if (running?.pages === pages) return running.pdf;
  if (running) void host().call('documents.cancel', { jobId: running.jobId });
  const { procedure, draftId: dossierId } = useStore.getState();
  if (!pages.length || !procedure || !dossierId) {
    digitising.delete(document);
    return Promise.resolve(null);
  }
  const jobId = crypto.randomUUID();
  const title = procedure.documents.find((each) => each.id === document)?.name.vi ?? document;
  const pdf = host()
    .call('documents.digitise', {
      jobId,
      pages: pages.map(({ jpeg, width, height, dpi }) => ({ jpeg, width, height, dpi })),
      document: { title, documentType: document, procedureCode: procedure.code, dossierId },
    })
    .then(
      (done) => done.pdf,
      () => null,
    );
  digitising.set(document, { jobId, pages, pdf });
  return pdf;
}

/** How far the documents being read have got, 0–1 overall, as the host reports it. */
export function onDigitiseProgress(listener: (progress: number) => void): () => void {
  const progress = new Map<string, number>();
  return host().on('documents.progress', (event) => {
    const jobs = [...digitising.values()].map((job) => job.jobId);
    if (!jobs.includes(event.jobId)) return;
    progress.set(event.jobId, event.progress);
    listener(jobs.reduce((sum, jobId) => sum + (progress.get(jobId) ?? 0), 0) / jobs.length);
  });
}

/** Stops reading every document and forgets them: the session is over. */
export function forgetDocuments(): void {
  for (const { jobId } of digitising.values()) void host().call('documents.cancel', { jobId });
  digitising.clear();
  drafting = undefined;
}

/**
 * Before the submit, the draft holds each document as the citizen hands it in, by document (true:
 * by scan): a document scanned on these screens becomes its searchable PDF (its pages go as
 * images where OCR failed); one not handed in by scan (answered "at the counter", or its question
 * no longer asked) leaves the draft. A document a repair kept from the dossier, not scanned again,
 * stays as it was (renderer/queue/repair.ts).
 */
export async function finishDocuments(draftId: string, documents: ReadonlyMap<string, boolean>): Promise<void> {
  for (const [document, byScan] of documents) {
    const pages = pagesOf(document);
    if (!byScan) await keepDocumentPages(draftId, document, []);
    else if (pages.length) {
      const pdf = await digitise(document);
      if (pdf) await replaceDocumentPages(draftId, { documentType: document, mediaType: 'application/pdf', bytes: pdf });
      else await keepDocumentPages(draftId, document, pages.map((page) => page.attachmentId));
    }
  }
}
