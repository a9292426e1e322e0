import type { DigitisedDocument, DigitiseRequest } from '../../shared/contract';
import { buildSearchablePdf } from '../../shared/dossier/pdf';
import { KioskError } from '../../shared/errors';
import type { OcrEngine } from './ocr';

export interface DigitiseOptions {
  signal: AbortSignal;
  /** 0–1 over the whole document, as its pages are read. */
  onProgress(progress: number): void;
}

export interface DocumentServices {
  /** The OCR engine, started on first use: its workers hold ~400 MB each, and many kiosks never scan. */
  ocr(): OcrEngine;
  /** Noto Sans Regular, for the PDF's text layer. */
  font: Uint8Array;
  /** The kiosk's id once it has enrolled; digitising never waits on the network for it. */
  kioskId(): Promise<string | null>;
}

/**
 * A required document's scanned pages become its searchable PDF: every page read by OCR at once
 * (the engine's pool takes as many as it has workers), then one PDF with the pages in order. A
 * page OCR fails on still goes in, as an image without text, so the citizen's paper is never lost
 * to a recognition error; only a cancel or a PDF failure fails the whole.
 */
export async function digitise(services: DocumentServices, request: DigitiseRequest, { signal, onProgress }: DigitiseOptions): Promise<DigitisedDocument> {
  const progress = request.pages.map(() => 0);
  let reported = 0;
  const pageProgress = (index: number, value: number) => {
    progress[index] = value;
    const overall = progress.reduce((sum, each) => sum + each, 0) / progress.length;
    // Whole percents: tesseract reports hundreds of steps a page, the screen needs a bar.
    if (Math.floor(overall * 100) > Math.floor(reported * 100)) onProgress((reported = overall));
  };
  const engine = services.ocr();
  const read = await Promise.all(
    request.pages.map(async (page, index) => {
      const ocr = await engine.recognize(page.jpeg, { signal, onProgress: (value) => pageProgress(index, value) }).catch((error: unknown) => {
        if (error instanceof KioskError && error.code === 'ocr.failed') return null;
        throw error;
      });
      pageProgress(index, 1);
      return ocr ? { lines: ocr.lines, text: ocr.text, confidence: ocr.confidence } : { lines: [], text: null, confidence: null };
    }),
  );
  if (signal.aborted) throw new KioskError('ocr.cancelled');
  const pdf = await buildSearchablePdf({
    pages: request.pages.map((page, index) => ({ ...page, lines: read[index]!.lines })),
    font: services.font,
    metadata: { ...request.document, kioskId: await services.kioskId(), createdAt: new Date() },
  });
  return { pdf: new Uint8Array(pdf), pages: read.map(({ text, confidence }) => ({ text, confidence })) };
}
