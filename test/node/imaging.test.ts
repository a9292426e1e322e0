import sharp from 'sharp';
import { beforeAll, describe, expect, test } from 'vitest';
import { cleanScan, parsePnm } from '../../electron/host/imaging';
import { createOutlineFont } from '../../electron/host/devices/scanner/outlineText';
import { renderScannedPage, SIMULATED_DOCUMENTS } from '../../electron/host/devices/scanner/simulatedPage';
import { loadFonts } from '../../electron/host/fonts';
import { KioskError } from '../../shared/errors';
import { ASSETS_DIR, BIRTH_CERTIFICATE_LINES, blankPage, imitateScan, renderTextPage } from '../support/testPages';

const DPI = 200;
/** A5 keeps the suite fast; the size limit is checked on A4, where it is set. */
const A5 = { widthPt: 420, heightPt: 595 };
let certificate: Uint8Array;

beforeAll(async () => {
  certificate = await renderTextPage({ lines: BIRTH_CERTIFICATE_LINES, dpi: DPI, ...A5, fontSize: 12 });
});

/** Mean absolute difference of two grey images after shrinking both to the same small size, 0–255. */
async function difference(a: Uint8Array, b: Uint8Array): Promise<number> {
  const small = (image: Uint8Array) => sharp(image).greyscale().resize(200, 283, { fit: 'fill' }).extractChannel(0).raw().toBuffer();
  const [x, y] = await Promise.all([small(a), small(b)]);
  return x.reduce((sum, value, i) => sum + Math.abs(value - y[i]!), 0) / x.length;
}

describe('deskew', () => {
  test.each([2.3, -3.7, 0.6])('a page fed %s° crooked is measured within 0.3° and turned back upright', async (degrees) => {
    const scan = await imitateScan(certificate, { degrees, noise: 8, specks: 100, seed: Math.round(degrees * 10) });
    const page = await cleanScan(scan, { dpi: DPI });
    expect(Math.abs(page.skewDegrees - degrees)).toBeLessThanOrEqual(0.3);
    const straightened = await cleanScan(page.jpeg, { dpi: DPI });
    expect(Math.abs(straightened.skewDegrees)).toBeLessThanOrEqual(0.3);
  });

  test('a straight page is left alone', async () => {
    const page = await cleanScan(certificate, { dpi: DPI });
    expect(Math.abs(page.skewDegrees)).toBeLessThanOrEqual(0.1);
    expect(await difference(page.jpeg, certificate)).toBeLessThan(2);
  });
});

describe('orientation', () => {
  const turned = async (image: Uint8Array, degrees: number) => new Uint8Array(await sharp(image).rotate(degrees).png().toBuffer());

  test.each([
    [90, 270],
    [180, 180],
    [270, 90],
  ])('a page fed turned %i° is turned %i° back, and then reads like the upright page', async (fed, back) => {
    const scan = await imitateScan(await turned(certificate, fed), { degrees: 1.2, noise: 8, seed: fed });
    const page = await cleanScan(scan, { dpi: DPI });
    expect(page.rotation).toBe(back);
    expect(Math.abs(page.skewDegrees)).toBeLessThan(2);
    expect(await difference(page.jpeg, certificate)).toBeLessThan(12);
  });

  test('an upright page, a page of capitals and a blank page stay as they are', async () => {
    const capitals = await renderTextPage({ lines: BIRTH_CERTIFICATE_LINES.map((line) => line.toUpperCase()), dpi: DPI, ...A5, fontSize: 12 });
    for (const image of [certificate, capitals, await blankPage(DPI, A5)]) expect((await cleanScan(image, { dpi: DPI })).rotation).toBe(0);
  });

  test("the simulated scanner's papers, fed upside down, are turned back", async () => {
    const { regular, bold } = loadFonts(ASSETS_DIR);
    const fonts = { regular: createOutlineFont(regular), bold: createOutlineFont(bold) };
    const dpi = 150;
    for (const [index, document] of SIMULATED_DOCUMENTS.entries()) {
      const { bytes } = await renderScannedPage(fonts, { document, dpi, colourMode: 'grey', format: 'png', seed: index + 1 });
      const upsideDown = await turned(bytes, 180);
      expect((await cleanScan(bytes, { dpi })).rotation).toBe(0);
      expect((await cleanScan(upsideDown, { dpi })).rotation).toBe(180);
    }
  });
});

test('the dark scanner bed around a crooked page is cropped away, leaving the page at its size', async () => {
  const scan = await imitateScan(certificate, { degrees: -2, noise: 6, bed: { border: 60, level: 70 } });
  const { width, height } = await sharp(certificate).metadata();
  const page = await cleanScan(scan, { dpi: DPI });
  expect(page.width).toBeGreaterThan(width * 0.97);
  expect(page.width).toBeLessThan(width * 1.02);
  expect(page.height).toBeGreaterThan(height * 0.97);
  expect(page.height).toBeLessThan(height * 1.02);
  // No dark band is left at any edge.
  const { data, info } = await sharp(page.jpeg).raw().toBuffer({ resolveWithObject: true });
  const edgeMeans = [0, info.width - 1].map((x) => {
    let sum = 0;
    for (let y = 0; y < info.height; y += 1) sum += data[y * info.width + x]!;
    return sum / info.height;
  });
  for (const mean of edgeMeans) expect(mean).toBeGreaterThan(200);
});

test('an upside-down phone photo is turned by its EXIF orientation before anything else', async () => {
  const upsideDown = await sharp(certificate).rotate(180).withMetadata({ orientation: 3 }).jpeg({ quality: 90 }).toBuffer();
  const page = await cleanScan(upsideDown, { dpi: DPI });
  expect(await difference(page.jpeg, certificate)).toBeLessThan(3);
});

describe('blank pages', () => {
  test('a blank page with scanner noise and dust is blank', async () => {
    const scan = await imitateScan(await blankPage(DPI, A5), { noise: 12, specks: 400, degrees: 1 });
    expect((await cleanScan(scan, { dpi: DPI })).blank).toBe(true);
  });

  test('a page with one short line of text is not blank', async () => {
    const oneLine = await renderTextPage({ lines: ['Nguyễn Thị Hương'], dpi: DPI, ...A5, fontSize: 12, topPt: 300 });
    const scan = await imitateScan(oneLine, { noise: 12, specks: 400, degrees: 1 });
    expect((await cleanScan(scan, { dpi: DPI })).blank).toBe(false);
  });
});

describe('legibility', () => {
  test('a blurred page and an underexposed page score lower than a sharp one', async () => {
    const [sharpPage, blurred, dark] = await Promise.all(
      [{}, { blur: 2.5 }, { brightness: 0.3 }].map(async (look) => (await cleanScan(await imitateScan(certificate, { noise: 6, ...look }), { dpi: DPI })).legibility),
    );
    expect(sharpPage).toBeGreaterThan(0.7);
    expect(blurred).toBeLessThan(0.4);
    expect(dark).toBeLessThan(0.5);
  });
});

describe('output', () => {
  test('a noisy A4 page at 200 dpi is stored as a grey JPEG under 300 KB with its dpi', async () => {
    const a4 = await renderTextPage({ lines: BIRTH_CERTIFICATE_LINES, dpi: DPI });
    const scan = await imitateScan(a4, { degrees: 1.5, noise: 14, specks: 300 });
    const page = await cleanScan(scan, { dpi: DPI });
    expect([...page.jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    expect(page.jpeg.length).toBeLessThanOrEqual(300_000);
    const metadata = await sharp(page.jpeg).metadata();
    expect(metadata).toMatchObject({ format: 'jpeg', channels: 1, density: DPI, width: page.width, height: page.height });
  });

  test('a tight size limit lowers the quality until the page fits', async () => {
    const scan = await imitateScan(certificate, { noise: 14 });
    const roomy = await cleanScan(scan, { dpi: DPI });
    const tight = await cleanScan(scan, { dpi: DPI, maxBytes: roomy.jpeg.length / 2 });
    expect(tight.jpeg.length).toBeLessThanOrEqual(roomy.jpeg.length / 2);
  });

  test('a 300 dpi scan is resampled to 200 dpi', async () => {
    const fine = await renderTextPage({ lines: BIRTH_CERTIFICATE_LINES, dpi: 300, ...A5, fontSize: 12 });
    const page = await cleanScan(fine, { dpi: 300 });
    expect(page.dpi).toBe(200);
    expect(Math.abs(page.width - (A5.widthPt / 72) * 200)).toBeLessThanOrEqual(2);
  });

  test('bilevel pages hold only black and white', async () => {
    const page = await cleanScan(await imitateScan(certificate, { noise: 10 }), { dpi: DPI, colour: 'bilevel' });
    const { data } = await sharp(page.jpeg).raw().toBuffer({ resolveWithObject: true });
    // JPEG rings around edges, so count the levels far from both ends.
    const grey = data.filter((value) => value > 64 && value < 192).length;
    expect(grey / data.length).toBeLessThan(0.01);
    expect(await difference(page.jpeg, certificate)).toBeLessThan(4);
  });
});

describe('scanner formats', () => {
  async function asPnm(magic: 'P5' | 'P6') {
    const { data, info } = await sharp(certificate).greyscale().extractChannel(0).raw().toBuffer({ resolveWithObject: true });
    const samples = magic === 'P5' ? data : Buffer.from([...data].flatMap((value) => [value, value, value]));
    return Buffer.concat([Buffer.from(`${magic}\n# scanimage\n${info.width} ${info.height}\n255\n`), samples]);
  }

  test.each(['P5', 'P6'] as const)('SANE PNM (%s) is read as the same page', async (magic) => {
    const page = await cleanScan(await asPnm(magic), { dpi: DPI });
    expect(await difference(page.jpeg, certificate)).toBeLessThan(2);
  });

  test('P4 line art is unpacked bit by bit, 1 being black', () => {
    // 10 × 2 pixels: rows padded to 2 bytes; first row black at x = 0 and 9, second all white.
    const p4 = new Uint8Array([...new TextEncoder().encode('P4\n10 2\n'), 0b1000_0000, 0b0100_0000, 0, 0]);
    const image = parsePnm(p4)!;
    expect([...image.data]).toEqual([0, 255, 255, 255, 255, 255, 255, 255, 255, 0, ...Array<number>(10).fill(255)]);
  });

  test('bytes that are no image are scan.unreadable', async () => {
    await expect(cleanScan(new TextEncoder().encode('not an image'), { dpi: DPI })).rejects.toSatisfy(
      (error) => error instanceof KioskError && error.code === 'scan.unreadable',
    );
  });
});
