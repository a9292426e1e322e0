import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { loadFonts } from '../../electron/host/fonts';
import { mulberry32 } from '../../shared/random';

/**
 * Test pages made from real rendered Vietnamese text: a PDF drawn with pdf-lib and Noto Sans,
 * rasterised by poppler's `pdftoppm`, then turned and dirtied with sharp to look like a scan.
 * The text is known, so OCR and text extraction can be scored against it.
 */

const run = promisify(execFile);
export const ASSETS_DIR = path.resolve(import.meta.dirname, '../../assets');

/** A birth certificate's header and fields: every tone mark, ơ, ư, đ, and capitals with marks. */
export const BIRTH_CERTIFICATE_LINES = [
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'GIẤY KHAI SINH',
  'Họ, chữ đệm, tên: Nguyễn Thị Hương',
  'Ngày, tháng, năm sinh: 15/03/2024',
  'Nơi sinh: Bệnh viện Đa khoa tỉnh Khánh Hòa',
  'Nơi cư trú: Phường Nha Trang, tỉnh Khánh Hòa',
  'Dân tộc: Kinh. Quốc tịch: Việt Nam',
  'Người đi khai sinh: Trần Văn Đức, quan hệ: cha',
];

export interface TextPageSpec {
  lines: readonly string[];
  dpi: number;
  /** Page size in points; A4 by default. */
  widthPt?: number;
  heightPt?: number;
  fontSize?: number;
  /** Where the first line starts, in points from the top. */
  topPt?: number;
}

export const A4 = { widthPt: 595.28, heightPt: 841.89 };

/** The text drawn in black Noto Sans, left-aligned, rendered by pdftoppm as a grey PNG. */
export async function renderTextPage(spec: TextPageSpec): Promise<Uint8Array> {
  const { widthPt = A4.widthPt, heightPt = A4.heightPt, fontSize = 14, topPt = 72 } = spec;
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(loadFonts(ASSETS_DIR).regular, { subset: true });
  const page = pdf.addPage([widthPt, heightPt]);
  spec.lines.forEach((line, i) => {
    page.drawText(line, { x: 54, y: heightPt - topPt - i * fontSize * 1.8, size: fontSize, font, color: rgb(0, 0, 0) });
  });
  return rasterise(await pdf.save(), spec.dpi);
}

/** Page 1 of a PDF as a grey PNG, through poppler, as a reader would see it. */
export async function rasterise(pdf: Uint8Array, dpi: number): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-page-'));
  try {
    await writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-gray', '-png', '-r', String(dpi), '-singlefile', '-f', '1', '-l', '1', path.join(dir, 'in.pdf'), path.join(dir, 'out')]);
    return new Uint8Array(await readFile(path.join(dir, 'out.png')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A white page of this size at this dpi, as PNG. */
export async function blankPage(dpi: number, { widthPt, heightPt } = A4): Promise<Uint8Array> {
  const width = Math.round((widthPt * dpi) / 72);
  const height = Math.round((heightPt * dpi) / 72);
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).greyscale().png().toBuffer());
}

export interface ScanLook {
  /** Clockwise, as a page fed crooked. */
  degrees?: number;
  /** Standard deviation of the sensor's Gaussian noise, in grey levels. */
  noise?: number;
  /** Dust: this many dark specks of 1–2 pixels. */
  specks?: number;
  /** A border of the scanner's darker lid around the page, in pixels, and its grey level. */
  bed?: { border: number; level: number };
  /** Out of focus, as a Gaussian blur of this sigma in pixels. */
  blur?: number;
  /** Multiplies every level, as an underexposed scan (1 leaves it). */
  brightness?: number;
  seed?: number;
}

/** Makes a clean rendered page look scanned; seeded, so each test sees the same pixels every run. */
export async function imitateScan(png: Uint8Array, look: ScanLook): Promise<Uint8Array> {
  const { degrees = 0, noise = 0, specks = 0, bed, blur, brightness = 1, seed = 1 } = look;
  const bedLevel = bed?.level ?? 255;
  let image = sharp(png).greyscale();
  if (bed) image = sharp(await image.extend({ top: bed.border, bottom: bed.border, left: bed.border, right: bed.border, background: { r: bedLevel, g: bedLevel, b: bedLevel } }).png().toBuffer());
  // The page turns on the bed: the corners uncovered show the bed (or white paper backing).
  if (degrees) image = sharp(await image.rotate(degrees, { background: { r: bedLevel, g: bedLevel, b: bedLevel } }).png().toBuffer());
  if (blur) image = image.blur(blur);
  const { data, info } = await image.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (let i = 0; i < data.length; i += 1) data[i] = clampByte(data[i]! * brightness + noise * gaussian());
  for (let n = 0; n < specks; n += 1) {
    const x = Math.floor(random() * (info.width - 2));
    const y = Math.floor(random() * (info.height - 2));
    const size = 1 + Math.floor(random() * 2);
    for (let dy = 0; dy < size; dy += 1) for (let dx = 0; dx < size; dx += 1) data[(y + dy) * info.width + x + dx] = 40;
  }
  return new Uint8Array(await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).png().toBuffer());
}

function clampByte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}


/** Character error rate: Levenshtein distance over the expected length, on NFC text with spacing collapsed. */
export function characterErrorRate(expected: string, actual: string): number {
  const a = [...normaliseText(expected)];
  const b = [...normaliseText(actual)];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]! / Math.max(1, a.length);
}

function normaliseText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Runs a poppler tool and returns its standard output. */
export async function poppler(tool: 'pdftotext' | 'pdfinfo', args: readonly string[]): Promise<string> {
  return (await run(tool, [...args], { encoding: 'utf8' })).stdout;
}
