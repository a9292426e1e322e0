import { randomUUID } from 'node:crypto';
import { tmpdir } from 'node:os';
import sharp from 'sharp';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { DocumentScannerConfig, KioskConfig, type DocumentScannerConfigInput } from '../../shared/config';
import { createHost } from '../../electron/host/createHost';
import { dispatch } from '../../electron/host/dispatch';
import { createDocumentScanner, type ScannedPage } from '../../electron/host/devices/scanner/index';
import { createOutlineFont } from '../../electron/host/devices/scanner/outlineText';
import { renderScannedPage, SIMULATED_DOCUMENTS } from '../../electron/host/devices/scanner/simulatedPage';
import { createSimulatedScanner, type SimulatedScanner, type SimulatedScannerConfig } from '../../electron/host/devices/scanner/simulator';
import { loadFonts } from '../../electron/host/fonts';
import { kioskErrorOf } from '../support/errors';
import { assetsDir, memoryLogger } from '../support/kiosk';

const fonts = loadFonts(assetsDir);
const scanners: SimulatedScanner[] = [];
afterEach(async () => {
  await Promise.all(scanners.splice(0).map((scanner) => scanner.close()));
});

async function simulator(overrides: Partial<DocumentScannerConfigInput & { driver: 'simulator' }> = {}) {
  const config = DocumentScannerConfig.parse({ driver: 'simulator', connectDelayMs: 0, pageDelayMs: 0, ...overrides }) as SimulatedScannerConfig;
  const scanner = createSimulatedScanner(config, fonts);
  scanners.push(scanner);
  await expect.poll(() => scanner.status().state).toBe('ready');
  return scanner;
}

const pixels = async (page: ScannedPage) => sharp(page.bytes).raw().toBuffer({ resolveWithObject: true });
/** Dark pixels (ink) in a band of rows, as a share of the band. */
function inkShare(data: Buffer, width: number, channels: number, fromRow: number, toRow: number) {
  let ink = 0;
  for (let i = fromRow * width * channels; i < toRow * width * channels; i += channels) if (data[i]! < 100) ink++;
  return ink / ((toRow - fromRow) * width);
}

describe('the outline text renderer', () => {
  test('draws every letter of the documents, tone marks included, as one glyph outline each', async () => {
    const regular = createOutlineFont(fonts.regular);
    for (const line of SIMULATED_DOCUMENTS.flatMap((document) => [document.title, ...document.lines])) {
      const letters = [...line].filter((char) => char !== ' ').length;
      expect(regular.svg(line, 0, 0, 40).match(/<path /g)?.length, line).toBe(letters);
    }
  });

  test('decomposed text (NFD) draws the same precomposed glyphs as NFC', async () => {
    const regular = createOutlineFont(fonts.regular);
    const text = 'Nguyễn Thị Thủy, Đắk Lắk, Hòa';
    expect(regular.svg(text.normalize('NFD'), 10, 50, 32)).toBe(regular.svg(text, 10, 50, 32));
    expect(regular.width(text.normalize('NFD'), 32)).toBe(regular.width(text, 32));
  });
});

describe('rendered scanned pages', () => {
  test('an A4 page at 150 dpi is 1240 × 1754 pixels, carries its dpi, and has ink where the title is', async () => {
    const scanner = await simulator();
    const [page] = await scanner.scan({ source: 'flatbed', resolution: 150, colourMode: 'grey' });
    expect(page).toMatchObject({ width: 1240, height: 1754, dpi: 150, format: 'png' });
    const metadata = await sharp(page!.bytes).metadata();
    expect(metadata).toMatchObject({ width: 1240, height: 1754, density: 150, channels: 1 });
    const { data, info } = await pixels(page!);
    const titleBand = inkShare(data, 1240, info.channels, 250, 320);
    const emptyBand = inkShare(data, 1240, info.channels, 1600, 1700);
    expect(titleBand).toBeGreaterThan(0.01);
    expect(emptyBand).toBeLessThan(0.001);
  });

  test('the paper has a grey tone and grain, not flat white', async () => {
    const { bytes } = await renderScannedPage(
      { regular: createOutlineFont(fonts.regular), bold: createOutlineFont(fonts.bold) },
      { document: null, dpi: 50, colourMode: 'grey', format: 'png', seed: 7 },
    );
    // A patch in the middle of the sheet, clear of the lid showing at the crooked corners.
    const { channels } = await sharp(await sharp(bytes).extract({ left: 150, top: 250, width: 100, height: 100 }).toBuffer()).stats();
    expect(channels[0]!.mean).toBeGreaterThan(200);
    expect(channels[0]!.mean).toBeLessThan(248);
    expect(channels[0]!.stdev).toBeGreaterThan(1.5);
  });

  test('a page lies 0.5° to 3° crooked, either way, fixed by its seed', async () => {
    const pageFonts = { regular: createOutlineFont(fonts.regular), bold: createOutlineFont(fonts.bold) };
    const skews = await Promise.all(
      [1, 2, 3, 4, 5, 6].map(async (seed) => (await renderScannedPage(pageFonts, { document: null, dpi: 20, colourMode: 'grey', format: 'png', seed })).skewDegrees),
    );
    for (const skew of skews) {
      expect(Math.abs(skew)).toBeGreaterThanOrEqual(0.5);
      expect(Math.abs(skew)).toBeLessThanOrEqual(3);
    }
    expect(new Set(skews.map(Math.sign)).size).toBe(2);
    const again = await renderScannedPage(pageFonts, { document: null, dpi: 20, colourMode: 'grey', format: 'png', seed: 3 });
    expect(again.skewDegrees).toBe(skews[2]);
  });

  test('colour pages have the red seal; lineart pages are only black and white', async () => {
    const scanner = await simulator();
    const [colour] = await scanner.scan({ source: 'flatbed', resolution: 60, colourMode: 'colour' });
    const rgb = await pixels(colour!);
    expect(rgb.info.channels).toBe(3);
    let red = 0;
    for (let i = 0; i < rgb.data.length; i += 3) if (rgb.data[i]! > 150 && rgb.data[i + 1]! < 90 && rgb.data[i + 2]! < 90) red++;
    expect(red).toBeGreaterThan(50);

    const [lineart] = await scanner.scan({ source: 'flatbed', resolution: 60, colourMode: 'lineart' });
    const bw = await pixels(lineart!);
    expect(new Set(bw.data)).toEqual(new Set([0, 255]));
  });

  test('the same seed gives the same pages byte for byte; another seed does not', async () => {
    const options = { source: 'flatbed', resolution: 50, colourMode: 'grey' } as const;
    const [first] = await (await simulator({ seed: 5 })).scan(options);
    const [same] = await (await simulator({ seed: 5 })).scan(options);
    const [other] = await (await simulator({ seed: 6 })).scan(options);
    expect(Buffer.from(same!.bytes).equals(Buffer.from(first!.bytes))).toBe(true);
    expect(Buffer.from(other!.bytes).equals(Buffer.from(first!.bytes))).toBe(false);
  });

  test('JPEG output is a JPEG', async () => {
    const [page] = await (await simulator({ format: 'jpeg' })).scan({ source: 'flatbed', resolution: 50, colourMode: 'colour' });
    expect(page!.format).toBe('jpeg');
    expect((await sharp(page!.bytes).metadata()).format).toBe('jpeg');
  });
});

describe('the simulated scanner', () => {
  test('an ADF scan gives the feeder\'s sheets one by one at the page delay; duplex doubles them', async () => {
    const scanner = await simulator({ adfPages: 3, pageDelayMs: 60 });
    const started = Date.now();
    const arrivals: number[] = [];
    const pages = await scanner.scan({ source: 'adf', resolution: 30, colourMode: 'grey' }, { onPage: () => arrivals.push(Date.now() - started) });
    expect(pages.map((page) => page.number)).toEqual([1, 2, 3]);
    expect(arrivals[0]).toBeGreaterThanOrEqual(55);
    expect(arrivals[2]! - arrivals[0]!).toBeGreaterThanOrEqual(110);
    expect(await scanner.scan({ source: 'adfDuplex', resolution: 30, colourMode: 'grey' })).toHaveLength(6);
    expect(await scanner.scan({ source: 'adf', resolution: 30, colourMode: 'grey', maxPages: 2 })).toHaveLength(2);
  });

  test.each([
    ['jammed', 2, 'scanner.jammed', 1],
    ['noPaper', 1, 'scanner.noPaper', 0],
    ['coverOpen', 1, 'scanner.coverOpen', 0],
  ] as const)('a %s fault at page %i is %s after %i pages', async (kind, atPage, code, before) => {
    const scanner = await simulator({ fault: { kind, atPage } });
    const heard: ScannedPage[] = [];
    const error = await kioskErrorOf(scanner.scan({ source: 'adf', resolution: 30, colourMode: 'grey' }, { onPage: (page) => heard.push(page) }));
    expect(error.code).toBe(code);
    expect(heard).toHaveLength(before);
  });

  test('cancelling while a page is being fed rejects at once as cancelled', async () => {
    const scanner = await simulator({ pageDelayMs: 5_000 });
    const controller = new AbortController();
    const scanning = scanner.scan({ source: 'adf', resolution: 30, colourMode: 'grey' }, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    expect((await kioskErrorOf(scanning)).code).toBe('scanner.cancelled');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(scanner.status().state).toBe('ready');
  });

  test('a scan shows busy; a second scan during one is scanner.busy; an unplugged scanner is scanner.notFound', async () => {
    const scanner = await simulator({ pageDelayMs: 100 });
    const heard: string[] = [];
    scanner.onStatus((status) => heard.push(status.state));
    const first = scanner.scan({ source: 'flatbed', resolution: 30, colourMode: 'grey' });
    expect(scanner.status().state).toBe('busy');
    expect((await kioskErrorOf(scanner.scan({ source: 'flatbed', resolution: 30, colourMode: 'grey' }))).code).toBe('scanner.busy');
    await first;
    scanner.unplug();
    expect(heard).toEqual(['busy', 'ready', 'offline']);
    expect((await kioskErrorOf(scanner.scan({ source: 'flatbed', resolution: 30, colourMode: 'grey' }))).code).toBe('scanner.notFound');
  });

  test('createDocumentScanner picks the driver the config names', async () => {
    const scanner = createDocumentScanner(DocumentScannerConfig.parse({ driver: 'simulator', connectDelayMs: 0, pageDelayMs: 0 }), fonts);
    expect(scanner.status()).toMatchObject({ kind: 'documentScanner', driver: 'simulator' });
    await scanner.close();
    const sane = createDocumentScanner(DocumentScannerConfig.parse({ driver: 'sane', device: 'test' }), fonts);
    expect(sane.status().driver).toBe('sane');
    await sane.close();
  });
});

describe("the host's scanner.scan", () => {
  const host = createHost({
    config: KioskConfig.parse({ devices: { documentScanner: { driver: 'simulator', connectDelayMs: 0, pageDelayMs: 300, adfPages: 2 } } }),
    kind: 'web',
    version: '1.0.0',
    dataDir: tmpdir(),
    assetsDir,
  });
  afterAll(() => host.close());
  const { log } = memoryLogger();
  const request = (scanId: string) => ({ scanId, source: 'adf', resolution: 100, colourMode: 'grey' });

  test('gives every page cleaned (upright JPEG, blank and legibility), each told as a scanner.page event as it comes', async () => {
    const scanId = randomUUID();
    const events: Array<{ scanId: string; page: { number: number } }> = [];
    const off = host.on('scanner.page', (payload) => events.push(payload));
    const reply = await dispatch(host, 'scanner.scan', request(scanId), log);
    off();
    if (!reply.ok) throw new Error(`scan failed: ${reply.error.code}`);
    const pages = reply.value as Array<{ number: number; jpeg: Uint8Array; dpi: number; blank: boolean; legibility: number }>;
    expect(pages.map((page) => page.number)).toEqual([1, 2]);
    for (const page of pages) {
      expect([...page.jpeg.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect(page).toMatchObject({ dpi: 100, blank: false });
      expect(page.legibility).toBeGreaterThan(0.3);
    }
    expect(events.map((event) => [event.scanId, event.page.number])).toEqual([
      [scanId, 1],
      [scanId, 2],
    ]);
  });

  test('scanner.cancel stops a scan under way, which fails with scanner.cancelled', async () => {
    const scanId = randomUUID();
    const scanning = dispatch(host, 'scanner.scan', request(scanId), log);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await dispatch(host, 'scanner.cancel', { scanId }, log)).toEqual({ ok: true, value: undefined });
    expect(await scanning).toMatchObject({ ok: false, error: { code: 'scanner.cancelled' } });
  });
});
