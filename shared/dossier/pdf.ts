import fontkit from '@pdf-lib/fontkit';
import {
  beginText,
  endText,
  PDFDocument,
  PDFName,
  popGraphicsState,
  pushGraphicsState,
  setCharacterSqueeze,
  setFontAndSize,
  setTextMatrix,
  setTextRenderingMode,
  showText,
  TextRenderingMode,
  type PDFFont,
  type PDFOperator,
} from 'pdf-lib';
import { KioskError } from '../errors';

/** A box in image pixels, origin top left, as OCR reports it. */
export interface PixelBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

export interface OcrWord {
  text: string;
  box: PixelBox;
  /** 0–100, as tesseract reports it. */
  confidence: number;
}

export interface OcrLine {
  box: PixelBox;
  /** Baseline height in pixels at the line's left and right ends, when the OCR engine found one. */
  baseline?: { y0: number; y1: number };
  words: OcrWord[];
}

/** One scanned page: the stored JPEG (embedded as it is) and what OCR read on it. */
export interface PdfPageInput {
  jpeg: Uint8Array;
  width: number;
  height: number;
  dpi: number;
  lines: readonly OcrLine[];
}

export interface PdfMetadata {
  /** The required document's name as the citizen saw it, e.g. "Giấy khai sinh". */
  title: string;
  documentType: string;
  procedureCode: string;
  dossierId: string;
  /** Null while the kiosk has not enrolled with a portal yet. */
  kioskId: string | null;
  createdAt: Date;
}

export interface SearchablePdfInput {
  pages: readonly PdfPageInput[];
  /** Noto Sans Regular (electron/host/fonts.ts): full Vietnamese coverage, so text extracts with its diacritics. */
  font: Uint8Array;
  metadata: PdfMetadata;
}

export const PDF_PRODUCER = 'DVC Kiosk';

/**
 * A fixed subset tag instead of pdf-lib's random one, so the same input gives the same bytes (PDF
 * 32000-1 §9.6.4 only asks that the tag be six capital letters).
 */
const FONT_NAME = 'DVCKIO+NotoSans-Regular';
const POINTS_PER_INCH = 72;
/** Noto Sans: ascender + descender ≈ 1.36 em, so a line box this many em tall holds one line of text. */
const LINE_BOX_EM = 1.36;
const DESCENDER_EM = 0.293;

/**
 * One searchable PDF per required document, the way OCRmyPDF's hOCR renderer builds them: each
 * page is the scan (JPEG, embedded byte for byte) with an invisible text layer (render mode 3)
 * where every OCR word is stretched (Tz) over its box, so selecting and searching match the image.
 * Metadata names the document, the procedure, the dossier and the kiosk (Decree 45/2020 asks for
 * digitised, reusable dossiers).
 */
export async function buildSearchablePdf(input: SearchablePdfInput): Promise<Uint8Array> {
  try {
    const pdf = await PDFDocument.create({ updateMetadata: false });
    pdf.registerFontkit(fontkit);
    const font = await pdf.embedFont(input.font, { subset: true, customName: FONT_NAME });
    for (const pageInput of input.pages) await addPage(pdf, font, pageInput);
    setMetadata(pdf, input.metadata);
    return await pdf.save({ useObjectStreams: true });
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('pdf.failed', {}, { cause: error });
  }
}

async function addPage(pdf: PDFDocument, font: PDFFont, pageInput: PdfPageInput): Promise<void> {
  const scale = POINTS_PER_INCH / pageInput.dpi;
  const widthPt = pageInput.width * scale;
  const heightPt = pageInput.height * scale;
  const image = await pdf.embedJpg(pageInput.jpeg);
  const page = pdf.addPage([widthPt, heightPt]);
  page.drawImage(image, { x: 0, y: 0, width: widthPt, height: heightPt });
  const fontKey = page.node.newFontDictionary(font.name, font.ref);
  const operators = pageInput.lines.flatMap((line) => lineOperators(font, fontKey, line, scale, heightPt));
  if (operators.length) {
    page.pushOperators(pushGraphicsState(), beginText(), setTextRenderingMode(TextRenderingMode.Invisible), ...operators, endText(), popGraphicsState());
  }
}

/** Each word at the line's baseline, its font size from the line height, squeezed to its box width. */
function lineOperators(font: PDFFont, fontKey: PDFName, line: OcrLine, scale: number, pageHeightPt: number): PDFOperator[] {
  const lineHeightPt = (line.box.y1 - line.box.y0) * scale;
  if (lineHeightPt <= 0) return [];
  const size = lineHeightPt / LINE_BOX_EM;
  const operators: PDFOperator[] = [setFontAndSize(fontKey, size)];
  for (const word of line.words) {
    const text = word.text.normalize('NFC').trim();
    const naturalWidth = text ? font.widthOfTextAtSize(text, size) : 0;
    if (naturalWidth <= 0) continue;
    const x = word.box.x0 * scale;
    const baselinePx = baselineAt(line, word.box.x0) ?? line.box.y1 - DESCENDER_EM * (size / scale);
    operators.push(
      setCharacterSqueeze(round((100 * (word.box.x1 - word.box.x0) * scale) / naturalWidth)),
      setTextMatrix(1, 0, 0, 1, round(x), round(pageHeightPt - baselinePx * scale)),
      showText(font.encodeText(text)),
    );
  }
  return operators;
}

/** The baseline's height under pixel column `x`, interpolated between its two ends. */
function baselineAt(line: OcrLine, x: number): number | undefined {
  if (!line.baseline) return undefined;
  const span = line.box.x1 - line.box.x0;
  const t = span > 0 ? (x - line.box.x0) / span : 0;
  return line.baseline.y0 + t * (line.baseline.y1 - line.baseline.y0);
}

/** Two decimals keep the content stream short and the output byte-stable across platforms. */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

function setMetadata(pdf: PDFDocument, metadata: PdfMetadata): void {
  pdf.setTitle(metadata.title, { showInWindowTitleBar: true });
  const kiosk = metadata.kioskId ?? 'unenrolled';
  pdf.setSubject(`procedure=${metadata.procedureCode}; document=${metadata.documentType}; dossier=${metadata.dossierId}; kiosk=${kiosk}`);
  pdf.setKeywords([metadata.procedureCode, metadata.documentType, metadata.dossierId, kiosk]);
  pdf.setProducer(PDF_PRODUCER);
  pdf.setCreator(PDF_PRODUCER);
  pdf.setLanguage('vi-VN');
  pdf.setCreationDate(metadata.createdAt);
  pdf.setModificationDate(metadata.createdAt);
}
