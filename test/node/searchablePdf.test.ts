import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { digitise } from '../../electron/host/documents';
import { loadFonts } from '../../electron/host/fonts';
import { cleanScan, type CleanPage } from '../../electron/host/imaging';
import { createOcrEngine, tessdataDir, type OcrPage } from '../../electron/host/ocr';
import { buildSearchablePdf, PDF_PRODUCER, type PdfMetadata, type PdfPageInput } from '../../shared/dossier/pdf';
import { KioskError } from '../../shared/errors';
import { ASSETS_DIR, BIRTH_CERTIFICATE_LINES, characterErrorRate, imitateScan, poppler, rasterise, renderTextPage } from '../support/testPages';

const run = promisify(execFile);
const DPI = 200;
const metadata: PdfMetadata = {
  title: 'Giấy khai sinh',
  documentType: 'giayKhaiSinh',
  procedureCode: '1.001193',
  dossierId: '5f0c8a4e-2b7d-4c1e-9a53-0d6b7e2f9c11',
  kioskId: 'kiosk-22651-01',
  createdAt: new Date('2025-07-01T08:30:00+07:00'),
};

let font: Uint8Array;
let scanned: CleanPage;
let ocr: OcrPage;
let pageInput: PdfPageInput;
let pdf: Uint8Array;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-pdf-'));
  font = loadFonts(ASSETS_DIR).regular;
  const rendered = await renderTextPage({ lines: BIRTH_CERTIFICATE_LINES, dpi: DPI, widthPt: 420, heightPt: 400, fontSize: 12 });
  scanned = await cleanScan(await imitateScan(rendered, { degrees: 1, noise: 6 }), { dpi: DPI });
  const engine = createOcrEngine({ langPath: tessdataDir(ASSETS_DIR), poolSize: 1 });
  try {
    ocr = await engine.recognize(scanned.jpeg);
  } finally {
    await engine.close();
  }
  pageInput = { jpeg: scanned.jpeg, width: scanned.width, height: scanned.height, dpi: scanned.dpi, lines: ocr.lines };
  pdf = await buildSearchablePdf({ pages: [pageInput], font, metadata });
  await writeFile(path.join(dir, 'document.pdf'), pdf);
}, 30_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('the text layer', () => {
  test('pdftotext extracts the OCR text with its diacritics', async () => {
    const text = await poppler('pdftotext', ['-layout', path.join(dir, 'document.pdf'), '-']);
    expect(text).toContain('Nguyễn Thị Hương');
    expect(text).toContain('Phường Nha Trang, tỉnh Khánh Hòa');
    expect(characterErrorRate(BIRTH_CERTIFICATE_LINES.join('\n'), text)).toBeLessThanOrEqual(0.02);
  });

  test('each word lies over its image, so a search highlights the right place', async () => {
    const html = await poppler('pdftotext', ['-bbox', path.join(dir, 'document.pdf'), '-']);
    const pointsPerPixel = 72 / DPI;
    const words = ocr.words.filter((word) => ['Nguyễn', 'Hương', 'Đức,'].includes(word.text));
    expect(words.length).toBeGreaterThanOrEqual(3);
    for (const word of words) {
      const match = new RegExp(`xMin="([\\d.]+)" yMin="[\\d.]+" xMax="([\\d.]+)" yMax="([\\d.]+)">${word.text}<`).exec(html);
      expect(match, word.text).not.toBeNull();
      const [xMin, xMax, yMax] = match!.slice(1).map(Number);
      expect(Math.abs(xMin! - word.box.x0 * pointsPerPixel)).toBeLessThan(1);
      expect(Math.abs(xMax! - word.box.x1 * pointsPerPixel)).toBeLessThan(1);
      expect(Math.abs(yMax! - word.box.y1 * pointsPerPixel)).toBeLessThan(4);
    }
  });
});

test('the page shows the scan unchanged: poppler renders it like the JPEG', async () => {
  const rendered = await rasterise(pdf, DPI);
  const shrink = (image: Uint8Array) => sharp(image).greyscale().resize(160, 150, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
  const [a, b] = await Promise.all([shrink(rendered), shrink(scanned.jpeg)]);
  const meanDifference = a.reduce((sum, value, i) => sum + Math.abs(value - b[i]!), 0) / a.length;
  expect(meanDifference).toBeLessThan(3);
});

test('pdfinfo shows the document, procedure, dossier and kiosk, and the page size from pixels and dpi', async () => {
  const info = await poppler('pdfinfo', ['-isodates', path.join(dir, 'document.pdf')]);
  expect(info).toMatch(/^Title:\s+Giấy khai sinh$/m);
  expect(info).toMatch(/^Subject:\s+procedure=1\.001193; document=giayKhaiSinh; dossier=5f0c8a4e-2b7d-4c1e-9a53-0d6b7e2f9c11; kiosk=kiosk-22651-01$/m);
  expect(info).toMatch(/^Keywords:\s+1\.001193 giayKhaiSinh 5f0c8a4e-2b7d-4c1e-9a53-0d6b7e2f9c11 kiosk-22651-01$/m);
  expect(info).toMatch(new RegExp(`^Producer:\\s+${PDF_PRODUCER}$`, 'm'));
  expect(info).toMatch(/^CreationDate:\s+2025-07-01T08:30:00\+07:?00$|^CreationDate:\s+2025-07-01T01:30:00Z$/m);
  const [, width, height] = /^Page size:\s+([\d.]+) x ([\d.]+) pts/m.exec(info)!;
  expect(Number(width)).toBeCloseTo((scanned.width * 72) / DPI, 1);
  expect(Number(height)).toBeCloseTo((scanned.height * 72) / DPI, 1);
});

test('a three-page document is no bigger than its JPEGs plus 5 %, and the same input gives the same bytes', async () => {
  const pages = [pageInput, pageInput, pageInput];
  const three = await buildSearchablePdf({ pages, font, metadata });
  expect(three.length).toBeLessThanOrEqual(1.05 * 3 * scanned.jpeg.length);
  expect(Buffer.from(await buildSearchablePdf({ pages, font, metadata })).equals(Buffer.from(three))).toBe(true);
  await writeFile(path.join(dir, 'three.pdf'), three);
  expect(await poppler('pdfinfo', [path.join(dir, 'three.pdf')])).toMatch(/^Pages:\s+3$/m);
});

test('the JPEG is embedded byte for byte', async () => {
  expect(Buffer.from(pdf).indexOf(Buffer.from(scanned.jpeg))).toBeGreaterThan(0);
});

test('a page that is not a JPEG fails as pdf.failed', async () => {
  const png = new Uint8Array(await sharp(scanned.jpeg).png().toBuffer());
  await expect(buildSearchablePdf({ pages: [{ ...pageInput, jpeg: png }], font, metadata })).rejects.toSatisfy(
    (error) => error instanceof KioskError && error.code === 'pdf.failed',
  );
});

test('poppler reads the font as embedded', async () => {
  const { stdout } = await run('pdffonts', [path.join(dir, 'document.pdf')], { encoding: 'utf8' });
  expect(stdout).toMatch(/DVCKIO\+NotoSans-Regular\s+CID TrueType\s+Identity-H\s+yes\s+yes\s+yes/);
});

test('a page OCR cannot read (here: the model is missing) still goes into the PDF, as an image without text; an unenrolled kiosk is said so', async () => {
  const engine = createOcrEngine({ langPath: path.join(dir, 'no-model'), poolSize: 1 });
  const progress: number[] = [];
  try {
    const services = { ocr: () => engine, font, kioskId: async () => null };
    const page = { ...scanned, jpeg: new Uint8Array(scanned.jpeg) };
    const request = { jobId: '0b0c0d0e-1f20-4a21-8b22-232425262728', pages: [page, page], document: metadata };
    const digitised = await digitise(services, request, { signal: new AbortController().signal, onProgress: (value) => progress.push(value) });
    expect(digitised.pages).toEqual([{ text: null, confidence: null }, { text: null, confidence: null }]);
    expect(progress.at(-1)).toBe(1);
    await writeFile(path.join(dir, 'unread.pdf'), digitised.pdf);
    expect(await poppler('pdfinfo', [path.join(dir, 'unread.pdf')])).toMatch(/^Subject:.*kiosk=unenrolled$/m);
    expect((await poppler('pdftotext', [path.join(dir, 'unread.pdf'), '-'])).trim()).toBe('');
    expect(Buffer.from(digitised.pdf).indexOf(Buffer.from(scanned.jpeg))).toBeGreaterThan(0);
  } finally {
    await engine.close();
  }
});
