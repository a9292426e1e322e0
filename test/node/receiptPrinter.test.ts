import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { receiptMarkup, receiptQrText, type ReceiptData } from '../../shared/receipt';
import { ReceiptPrinterConfig } from '../../shared/config';
import { encodeCp1258, rasteriseReceipt, renderReceipt, type ReceiptFonts } from '../../electron/host/devices/printer/escpos';
import { createReceiptPrinter, printerOn } from '../../electron/host/devices/printer/index';
import { createSimulatedPrinterLine } from '../../electron/host/devices/printer/simulator';
import { tmpdir } from 'node:os';
import { KioskConfig } from '../../shared/config';
import { createHost } from '../../electron/host/createHost';
import { dispatch } from '../../electron/host/dispatch';
import { cupsUnavailable, withRawCupsQueue } from '../support/cups';
import { kioskErrorOf } from '../support/errors';
import { assetsDir, memoryLogger } from '../support/kiosk';
import { decodeEscPos, inkBands, readQrFromRaster, SAMPLE_RECEIPT, STAGE_ACCEPTED, startRawPortListener, type RawPortListener } from '../support/escpos';

let fonts: ReceiptFonts;
beforeAll(async () => {
  fonts = { regular: new Uint8Array(await readFile('assets/fonts/NotoSans-Regular.ttf')) };
});

const STAGE_2: ReceiptData = { ...SAMPLE_RECEIPT, portal: { maHoSo: 'H37.22-261124-0001', receivedAt: '2026-11-24T05:00:00Z' } };
const textProfile = (paper: '58mm' | '80mm') => ({ paper, codePage: { encoding: 'cp1258' as const, table: 52 }, upsideDown: false });
const rasterProfile = (paper: '58mm' | '80mm') => ({ paper, codePage: null, upsideDown: false });
/** Printable dots at 203 dpi: 48 mm of 58 mm paper, 72 mm of 80 mm paper (Epson TM-T20 / TM-T82 specs). */
const PAPER_DOTS = { '58mm': 384, '80mm': 576 } as const;
const STATUS_QUERIES = [0x10, 0x04, 1, 0x10, 0x04, 2, 0x10, 0x04, 4];

const codeOf = async (promise: Promise<unknown>): Promise<string> => (await kioskErrorOf(promise)).code;

describe('text mode (printer with Windows-1258)', () => {
  test.each(['58mm', '80mm'] as const)('%s: the Vietnamese text, the native QR and the cut read back', async (paper) => {
    const job = decodeEscPos(await renderReceipt(receiptMarkup(SAMPLE_RECEIPT), textProfile(paper), fonts));
    const text = job.lines.join('\n');
    for (const expected of ['GIẤY BIÊN NHẬN HỒ SƠ', 'UBND xã Diên Khánh', 'Lệ phí:', '50.000 đồng', 'Đã tiếp nhận tại ki-ốt', 'Giấy tờ tùy thân']) {
      expect(text).toContain(expected);
    }
    expect(job.qrCodes).toEqual([receiptQrText(SAMPLE_RECEIPT.dossierId)]);
    expect(job.codePages).toContain(52);
    expect(job.rasters).toHaveLength(0);
    expect(job.cuts).toBeGreaterThanOrEqual(1);
    expect(job.unknown).toEqual([]);
    // One printed character per column: no line overflows the paper's characters per line.
    for (const line of job.lines) expect([...line].length).toBeLessThanOrEqual(PAPER_DOTS[paper] / 12);
  });

  test('every Vietnamese letter survives Windows-1258 (toneless letter + tone mark)', () => {
    const alphabet = 'aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ';
    const all = alphabet + alphabet.toUpperCase();
    const stream = Uint8Array.from(encodeCp1258(all) + '\n', (char) => char.charCodeAt(0));
    expect(decodeEscPos(stream).lines[0]).toBe(all);
  });
});

describe('raster mode (printer without a Vietnamese code page)', () => {
  test.each(['58mm', '80mm'] as const)('%s: one picture as wide as the paper, a QR that scans, a cut', async (paper) => {
    const job = decodeEscPos(await renderReceipt(receiptMarkup(SAMPLE_RECEIPT), rasterProfile(paper), fonts));
    expect(job.rasters).toHaveLength(1);
    expect(job.rasters[0]!.width).toBe(PAPER_DOTS[paper]);
    expect(job.lines.join('')).toBe('');
    expect(readQrFromRaster(job.rasters[0]!)).toBe(receiptQrText(SAMPLE_RECEIPT.dossierId));
    expect(job.cuts).toBe(1);
    expect(job.unknown).toEqual([]);
  });

  test('each line of text is a band of ink, and stage 2 adds its lines', async () => {
    const stage1 = inkBands(await rasteriseReceipt(receiptMarkup(SAMPLE_RECEIPT), rasterProfile('80mm'), fonts));
    const stage2 = inkBands(await rasteriseReceipt(receiptMarkup(STAGE_2), rasterProfile('80mm'), fonts));
    const textLines = (receipt: ReceiptData) => receiptMarkup(receipt).split('\n').filter((line) => line && !line.startsWith('{width') && line !== '=').length;
    // Every non-empty markup line (rules and the QR included) leaves at least one band of ink.
    expect(stage1.length).toBeGreaterThanOrEqual(textLines(SAMPLE_RECEIPT));
    expect(stage2.length).toBeGreaterThan(stage1.length);
  });

  test('diacritics are drawn: the same line with and without marks gives different ink', async () => {
    const render = (commune: string) => rasteriseReceipt(receiptMarkup({ ...SAMPLE_RECEIPT, kiosk: { ...SAMPLE_RECEIPT.kiosk, commune } }), rasterProfile('58mm'), fonts);
    const [marked, plain] = await Promise.all([render('Xã Diên Khánh Ệ Ữ'), render('Xa Dien Khanh E U')]);
    const [top, bottom] = inkBands(marked)[0]!;
    const rowBytes = marked.width / 8;
    const firstLine = (bitmap: typeof marked) => bitmap.bits.subarray(0, bottom * rowBytes);
    expect(bottom - top).toBeGreaterThan(inkBands(plain)[0]![1] - inkBands(plain)[0]![0]);
    expect(Buffer.from(firstLine(marked)).equals(Buffer.from(firstLine(plain)))).toBe(false);
  });

  test('upside-down printers get the picture turned, QR still readable', async () => {
    const upright = await rasteriseReceipt(receiptMarkup(SAMPLE_RECEIPT), rasterProfile('58mm'), fonts);
    const turned = await rasteriseReceipt(receiptMarkup(SAMPLE_RECEIPT), { ...rasterProfile('58mm'), upsideDown: true }, fonts);
    expect(turned.height).toBe(upright.height);
    const firstInk = (bitmap: typeof upright) => inkBands(bitmap)[0]![0];
    const lastInk = (bitmap: typeof upright) => bitmap.height - inkBands(bitmap).at(-1)![1];
    expect(firstInk(turned)).toBe(lastInk(upright));
    expect(readQrFromRaster(turned)).toBe(receiptQrText(SAMPLE_RECEIPT.dossierId));
  });
});

describe('TCP 9100 transport', () => {
  let listener: RawPortListener;
  beforeAll(async () => {
    listener = await startRawPortListener();
  });
  afterAll(() => listener.close());

  const tcpPrinter = (port = listener.port) =>
    createReceiptPrinter(ReceiptPrinterConfig.parse({ driver: 'tcp', host: '127.0.0.1', port, paper: '58mm', statusTimeoutMs: 300 }), fonts);

  test('asks for status, then sends the job byte for byte', async () => {
    listener.setFault(null);
    const printer = tcpPrinter();
    const received = listener.nextJob();
    await printer.print(SAMPLE_RECEIPT);
    const expected = await renderReceipt(receiptMarkup(SAMPLE_RECEIPT), rasterProfile('58mm'), fonts);
    const bytes = await received;
    expect([...bytes.subarray(0, 9)]).toEqual(STATUS_QUERIES);
    expect(Buffer.from(bytes.subarray(9)).equals(Buffer.from(expected))).toBe(true);
    expect(printer.status().state).toBe('ready');
  });

  test.each([
    ['paperOut', 'printer.paperOut'],
    ['coverOpen', 'printer.coverOpen'],
  ] as const)('a printer reporting %s gets no job and the citizen sees %s', async (fault, code) => {
    listener.setFault(fault);
    const printer = tcpPrinter();
    const received = listener.nextJob();
    expect(await codeOf(printer.print(SAMPLE_RECEIPT))).toBe(code);
    expect([...(await received)]).toEqual(STATUS_QUERIES.slice(0, 9));
    expect(printer.status().state).toBe('error');
    listener.setFault(null);
  });

  test('a printer that does not answer status is offline', async () => {
    listener.setMute(true);
    const printer = tcpPrinter();
    expect(await codeOf(printer.print(SAMPLE_RECEIPT))).toBe('printer.offline');
    expect(printer.status().state).toBe('offline');
    listener.setMute(false);
  });

  test("the host's printer.print sends the receipt to the configured printer; without one it is printer.notFound", async () => {
    listener.setFault(null);
    const hostWith = (devices: object) => createHost({ config: KioskConfig.parse({ devices }), kind: 'web', version: '1.0.0', dataDir: tmpdir(), assetsDir });
    const { log } = memoryLogger();
    const host = hostWith({ printer: { driver: 'tcp', host: '127.0.0.1', port: listener.port, paper: '80mm' } });
    const received = listener.nextJob();
    expect(await dispatch(host, 'printer.print', STAGE_2, log)).toEqual({ ok: true, value: undefined });
    const expected = await renderReceipt(receiptMarkup(STAGE_2), rasterProfile('80mm'), fonts);
    expect(Buffer.from((await received).subarray(STATUS_QUERIES.length)).equals(Buffer.from(expected))).toBe(true);
    expect(await dispatch(host, 'printer.print', { ...STAGE_2, dossierId: 'not-a-uuid' }, log)).toMatchObject({ ok: false, error: { code: 'host.badInput' } });
    expect(await dispatch(hostWith({}), 'printer.print', STAGE_2, log)).toMatchObject({ ok: false, error: { code: 'printer.notFound' } });
    await host.close();
  });

  test('nothing listening is printer.notFound', async () => {
    const closed = await startRawPortListener();
    const port = closed.port;
    await closed.close();
    expect(await codeOf(tcpPrinter(port).print(SAMPLE_RECEIPT))).toBe('printer.notFound');
  });
});

describe('simulated printer', () => {
  test('decodes what it receives and renders it to a PNG; faults refuse the job', async () => {
    const config = ReceiptPrinterConfig.parse({ driver: 'simulator', paper: '80mm', connectDelayMs: 0 });
    const line = createSimulatedPrinterLine(config, fonts);
    const printer = printerOn(config, line, fonts, { statusTimeoutMs: 100 });
    await printer.print(STAGE_2);
    expect(line.jobs).toHaveLength(1);
    const [job] = line.jobs;
    expect(job!.decoded.rasters[0]!.width).toBe(576);
    expect([...job!.png.subarray(1, 4)].map((byte) => String.fromCharCode(byte)).join('')).toBe('PNG');

    line.setFault('paperOut');
    expect(await codeOf(printer.print(STAGE_2))).toBe('printer.paperOut');
    line.setFault('coverOpen');
    expect(await codeOf(printer.print(STAGE_2))).toBe('printer.coverOpen');
    expect(line.jobs).toHaveLength(1);
  });

  test('a text-mode job is shown with its Vietnamese text and QR', async () => {
    const config = ReceiptPrinterConfig.parse({ driver: 'simulator', paper: '58mm', codePage: { encoding: 'cp1258' }, connectDelayMs: 0 });
    const line = createSimulatedPrinterLine(config, fonts);
    await printerOn(config, line, fonts, { statusTimeoutMs: 100 }).print(STAGE_2);
    const { decoded } = line.jobs[0]!;
    expect(decoded.lines.join('\n')).toContain(STAGE_ACCEPTED);
    expect(decoded.qrCodes).toEqual([receiptQrText(STAGE_2.dossierId)]);
  });
});

describe('USB printer class', () => {
  test('a missing /dev/usb/lp device is printer.notFound', async () => {
    const printer = createReceiptPrinter(ReceiptPrinterConfig.parse({ driver: 'usb', devicePath: '/dev/usb/lp-none-here' }), fonts);
    expect(await codeOf(printer.print(SAMPLE_RECEIPT))).toBe('printer.notFound');
  });
});

const cupsSkip = cupsUnavailable();
describe.skipIf(cupsSkip)(`CUPS raw queue${cupsSkip ? ` (skipped: ${cupsSkip})` : ''}`, () => {
  const cups = withRawCupsQueue('kiosk_receipt');

  test('the job passes through cupsd and its socket backend unchanged', async () => {
    const printer = createReceiptPrinter(ReceiptPrinterConfig.parse({ driver: 'cups', queue: 'kiosk_receipt', paper: '80mm' }), fonts);
    const received = cups.printer.nextJob();
    await printer.print(STAGE_2);
    const expected = await renderReceipt(receiptMarkup(STAGE_2), rasterProfile('80mm'), fonts);
    expect(Buffer.from(await received).equals(Buffer.from(expected))).toBe(true);
  }, 20_000);

  test('an unknown queue is printer.notFound', async () => {
    const printer = createReceiptPrinter(ReceiptPrinterConfig.parse({ driver: 'cups', queue: 'no_such_queue' }), fonts);
    expect(await codeOf(printer.print(SAMPLE_RECEIPT))).toBe('printer.notFound');
  });
});
