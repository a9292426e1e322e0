import { unitByCode } from '../../shared/adminUnits';
import type { AppInfo, DeclarationRequest, DigitisedDocument, DigitiseRequest, FilledDeclaration } from '../../shared/contract';
import { buildDeclarationPdf } from '../../shared/dossier/forms';
import { buildSearchablePdf } from '../../shared/dossier/pdf';
import { declarationDocument, type Catalogue } from '../../shared/dossier/procedures';
import { KioskError } from '../../shared/errors';
import type { KioskFonts } from './fonts';
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

export interface DeclarationServices {
  /** The catalogue of a version the kiosk holds: the one the citizen's dossier was started with. */
  catalogue(version: string): Promise<Catalogue>;
  fonts: KioskFonts;
  /** The commune the kiosk serves, from its config, as app.info gives it to the receipt. */
  commune: AppInfo['commune'];
}

/**
 * The procedure's declaration filled with the citizen's answers, addressed to the procedure's
 * authority in this commune: "Ủy ban nhân dân cấp xã" becomes "Ủy ban nhân dân xã Diên Khánh", and
 * the form is signed at "Diên Khánh", as forms write the place. A kiosk whose commune is not set (or
 * not a current unit) leaves both for the officer: the authority as the catalogue names it, and dots.
 */
export async function fillDeclaration(services: DeclarationServices, request: DeclarationRequest): Promise<FilledDeclaration> {
  const procedure = (await services.catalogue(request.catalogueVersion)).procedures.find((candidate) => candidate.code === request.procedureCode);
  const document = procedure && declarationDocument(procedure);
  if (!procedure || !document) throw new KioskError('declaration.unavailable', { procedure: request.procedureCode });
  const unit = services.commune ? unitByCode(services.commune.code) : undefined;
  const authority = procedure.authority.vi;
  const pdf = await buildDeclarationPdf(
    {
      procedure,
      answers: request.answers,
      addressee: unit ? authority.replace('cấp xã', `${unit.type} ${unit.shortName}`) : authority,
      place: unit?.shortName ?? null,
      date: request.date,
    },
    services.fonts,
  );
  return { pdf: new Uint8Array(pdf), documentType: document.id };
}
