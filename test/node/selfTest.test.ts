import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import jsQR from 'jsqr';
import sharp from 'sharp';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { createSimulatedCardReader, type SimulatedCardReader } from '../../electron/host/devices/cardReader/simulatedReader';
import type { Devices } from '../../electron/host/devices/index';
import { rasteriseReceipt, type MonoBitmap } from '../../electron/host/devices/printer/escpos';
import { createReceiptPrinter, printerOn } from '../../electron/host/devices/printer/index';
import { createSimulatedPrinterLine, type SimulatedPrinterLine } from '../../electron/host/devices/printer/simulator';
import { createSimulatedQrScanner, type SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';
import { createSimulatedScanner, type SimulatedScanner, type SimulatedScannerConfig } from '../../electron/host/devices/scanner/simulator';
import { printSelfTestReport, runSelfTest, type SelfTestContext } from '../../electron/host/devices/selfTest';
import { loadFonts } from '../../electron/host/fonts';
import { DocumentScannerConfig, QrScannerConfig, ReceiptPrinterConfig, type DocumentScannerConfigInput } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { createT } from '../../shared/i18n/index';
import { SelfTestReport, SelfTestRequest, SelfTestResult, selfTestLines, selfTestReport, testReceiptMarkup } from '../../shared/selfTest';
import { buildSelfTestPdf } from '../../shared/selfTestPdf';
import { kioskErrorOf } from '../support/errors';
import { inkPerRow, readQrFromRaster } from '../support/escpos';
import { assetsDir, tempDir } from '../support/kiosk';

const fonts = loadFonts(assetsDir);
const vietnamese = createT('vi');
const KIOSK = { name: 'Điểm hỗ trợ DVC trực tuyến', commune: 'UBND xã Diên Khánh' };
const context: SelfTestContext = { kiosk: KIOSK, t: vietnamese };
/** A CCCD's QR (the domain notes' fake card): what a wrong scan must never leak into a result. */
const CCCD_QR = '056190012345|201234567|Trần Thị Thử|15031990|Nữ|Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa|01012021';
const TOKEN = 'DVC-TEST:0123456789ABCDEF';
/** The test receipt's lines of marked letters, as a technician checks them on paper. */
const LETTER_LINES = ['ĂÂĐÊÔƠƯ ăâđêôơư', 'Ả Ã Ạ ả ã ạ Ấ Ầ Ẩ Ẫ Ậ', 'Ế Ề Ể Ễ Ệ Ố Ồ Ổ Ỗ Ộ', 'ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ý ỷ ỹ ỵ'];
/** The same letters without any mark, case kept (đ → d). */
const withoutMarks = (text: string) => text.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D');

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(closing.splice(0).map((device) => device.close()));
});

function devicesWith(parts: Partial<Omit<Devices, 'all'>>): Devices {
  const kinds = { qrScanner: null, cardReader: null, printer: null, documentScanner: null, ...parts };
  const all = [kinds.qrScanner, kinds.cardReader, kinds.printer, kinds.documentScanner].filter((device) => device !== null);
  closing.push(...all);
  return { ...kinds, all };
}

const request = <K extends SelfTestRequest['kind']>(kind: K, rest: Omit<Extract<SelfTestRequest, { kind: K }>, 'kind' | 'testId'>) =>
  SelfTestRequest.parse({ kind, testId: randomUUID(), ...rest });

function simulatedPrinter(overrides: Record<string, unknown> = {}): { line: SimulatedPrinterLine; devices: Devices } {
  const config = ReceiptPrinterConfig.parse({ driver: 'simulator', connectDelayMs: 0, ...overrides });
  const line = createSimulatedPrinterLine(config, fonts);
  return { line, devices: devicesWith({ printer: printerOn(config, line, fonts, { statusTimeoutMs: 100 }) }) };
}

async function readyQrScanner(): Promise<SimulatedQrScanner> {
  const config = QrScannerConfig.parse({ driver: 'simulator', connectDelayMs: 0 }) as Extract<QrScannerConfig, { driver: 'simulator' }>;
  const scanner = createSimulatedQrScanner(config, { decodeDelayMs: 5, reportIntervalMs: 1 });
  await expect.poll(() => scanner.status().state).toBe('ready');
  return scanner;
}

async function readyDocumentScanner(overrides: Partial<DocumentScannerConfigInput & { driver: 'simulator' }> = {}): Promise<SimulatedScanner> {
  const config = DocumentScannerConfig.parse({ driver: 'simulator', connectDelayMs: 0, pageDelayMs: 0, ...overrides }) as SimulatedScannerConfig;
  const scanner = createSimulatedScanner(config, fonts);
  await expect.poll(() => scanner.status().state).toBe('ready');
  return scanner;
}

async function readyCardReader(): Promise<SimulatedCardReader> {
  const reader = createSimulatedCardReader({ driver: 'simulator', connectDelayMs: 0 });
  await expect.poll(() => reader.status().state).toBe('ready');
  return reader;
}

/** Reads the QR on a PNG as a phone camera would, with a white quiet zone around the paper. */
async function readQrFromPng(png: Uint8Array): Promise<string | null> {
  const { data, info } = await sharp(png).extend({ top: 16, bottom: 16, left: 16, right: 16, background: '#ffffff' }).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return jsQR(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data ?? null;
}

describe('printer: the test receipt', () => {
  test('a raster printer passes, prints the test receipt as an image whose QR holds the token, and says what it printed', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-24T04:50:00Z'));
    const { line, devices } = simulatedPrinter({ paper: '80mm' });
    const result = await runSelfTest(devices, request('printer', {}), context);
    expect(result).toMatchObject({ kind: 'printer', outcome: 'pass', deviceId: 'printer-simulator', driver: 'simulator', error: null, startedAt: '2026-11-24T04:50:00.000Z' });
    expect(result.facts).toMatchObject({ paper: '80mm', mode: 'raster', qrToken: expect.stringMatching(/^DVC-TEST:[0-9A-F]{16}$/) });
    const qrToken = result.kind === 'printer' ? result.facts!.qrToken : '';

    expect(line.jobs).toHaveLength(1);
    const { decoded } = line.jobs[0]!;
    expect(decoded.rasters).toHaveLength(1);
    expect(decoded.lines.join('')).toBe('');
    expect(readQrFromRaster(decoded.rasters[0]!)).toBe(qrToken);
    // The image is the test receipt drawn by the raster path (the text test below reads its words)…
    const profile = { paper: '80mm', codePage: null, upsideDown: false } as const;
    const markup = testReceiptMarkup({ kiosk: KIOSK, printedAt: '2026-11-24T04:50:00Z', paper: '80mm', mode: 'raster', qrToken }, vietnamese);
    const printed = decoded.rasters[0]!;
    expect(Buffer.from(printed.bits).equals(Buffer.from((await rasteriseReceipt(markup, profile, fonts)).bits))).toBe(true);
    // …and its marks are ink: the same receipt with the letters stripped of them has less.
    const stripped = LETTER_LINES.reduce((text, letters) => text.replace(letters, withoutMarks(letters)), markup);
    const ink = (bitmap: MonoBitmap) => inkPerRow(bitmap).reduce((sum, row) => sum + row, 0);
    expect(ink(printed)).toBeGreaterThan(ink(await rasteriseReceipt(stripped, profile, fonts)));
  });

  test('a Windows-1258 printer prints the title, kiosk, time, every Vietnamese mark, the paper and the token as its own QR', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-11-24T04:50:00Z'));
    const { line, devices } = simulatedPrinter({ paper: '58mm', codePage: { encoding: 'cp1258', table: 52 } });
    const result = await runSelfTest(devices, request('printer', { qrToken: TOKEN }), context);
    expect(result).toMatchObject({ outcome: 'pass', facts: { paper: '58mm', mode: 'text', qrToken: TOKEN } });
    const { decoded } = line.jobs[0]!;
    const text = decoded.lines.join('\n');
    for (const expected of ['PHIẾU IN THỬ', 'UBND xã Diên Khánh', 'Điểm hỗ trợ DVC trực tuyến', '24/11/2026 11:50', ...LETTER_LINES, 'Giấy 58 mm, in chữ Windows-1258']) {
      expect(text).toContain(expected);
    }
    expect(decoded.qrCodes).toEqual([TOKEN]);
    for (const printed of decoded.lines) expect([...printed].length).toBeLessThanOrEqual(32);
  });

  test('the configured simulator renders the test receipt to a PNG in its output folder, QR readable', async () => {
    const output = tempDir('self-test-png-');
    try {
      const printer = createReceiptPrinter(ReceiptPrinterConfig.parse({ driver: 'simulator', connectDelayMs: 0, outputDir: output.dir }), fonts);
      const result = await runSelfTest(devicesWith({ printer }), request('printer', { qrToken: TOKEN }), context);
      expect(result.outcome).toBe('pass');
      await expect.poll(() => readdir(output.dir)).toHaveLength(1);
      const [file] = await readdir(output.dir);
      await expect.poll(async () => readQrFromPng(new Uint8Array(await readFile(path.join(output.dir, file!))))).toBe(TOKEN);
    } finally {
      output.remove();
    }
  });

  test('a printer out of paper fails with printer.paperOut, and nothing is printed', async () => {
    const { line, devices } = simulatedPrinter();
    line.setFault('paperOut');
    const result = await runSelfTest(devices, request('printer', {}), context);
    expect(result).toMatchObject({ outcome: 'fail', error: { code: 'printer.paperOut' }, facts: null });
    expect(line.jobs).toHaveLength(0);
  });
});

describe('QR scanner: reads back the test receipt', () => {
  test('passes when the scanner reads the QR printed on the test receipt', async () => {
    const { line, devices: withPrinter } = simulatedPrinter();
    const printed = await runSelfTest(withPrinter, request('printer', {}), context);
    const onPaper = readQrFromRaster(line.jobs[0]!.decoded.rasters[0]!)!;
    expect(printed.kind === 'printer' && printed.facts?.qrToken).toBe(onPaper);

    const scanner = await readyQrScanner();
    const testing = runSelfTest(devicesWith({ qrScanner: scanner }), request('qrScanner', { qrToken: onPaper, timeoutMs: 5000 }), context);
    await scanner.scan(onPaper);
    expect(await testing).toMatchObject({ kind: 'qrScanner', outcome: 'pass', deviceId: 'qrScanner-sim', error: null });
  });

  test('a different code fails as qr.wrongCode, and the result holds nothing of what was read', async () => {
    const scanner = await readyQrScanner();
    const testing = runSelfTest(devicesWith({ qrScanner: scanner }), request('qrScanner', { qrToken: TOKEN, timeoutMs: 5000 }), context);
    await scanner.scan(CCCD_QR);
    const result = await testing;
    expect(result).toMatchObject({ outcome: 'fail', error: { code: 'qr.wrongCode', params: {} } });
    const kept = JSON.stringify(result);
    for (const part of CCCD_QR.split('|')) expect(kept).not.toContain(part);
  });

  test('no scan before the timeout fails as qr.noScan; a stop by the technician is skipped', async () => {
    const scanner = await readyQrScanner();
    const devices = devicesWith({ qrScanner: scanner });
    const timedOut = await runSelfTest(devices, request('qrScanner', { qrToken: TOKEN, timeoutMs: 100 }), context);
    expect(timedOut).toMatchObject({ outcome: 'fail', error: { code: 'qr.noScan' } });
    expect(timedOut.durationMs).toBeGreaterThanOrEqual(90);
    expect(timedOut.durationMs).toBeLessThan(1000);

    const stop = new AbortController();
    const stopped = runSelfTest(devices, request('qrScanner', { qrToken: TOKEN }), { ...context, signal: stop.signal });
    stop.abort();
    expect(await stopped).toMatchObject({ outcome: 'skipped', error: null });
  });

  test('the request takes only a test token, never a citizen QR text', () => {
    expect(SelfTestRequest.safeParse({ kind: 'qrScanner', testId: randomUUID(), qrToken: CCCD_QR }).success).toBe(false);
  });
});

describe('document scanner: one page', () => {
  test('passes with the page it scanned: flatbed, grey, 150 dpi, A4 in pixels', async () => {
    const devices = devicesWith({ documentScanner: await readyDocumentScanner() });
    const result = await runSelfTest(devices, request('documentScanner', {}), context);
    expect(result).toMatchObject({ kind: 'documentScanner', outcome: 'pass', deviceId: 'documentScanner-simulator', error: null, facts: { source: 'flatbed', width: 1240, height: 1754, dpi: 150 } });
  });

  test.each([
    ['jammed', 'scanner.jammed'],
    ['noPaper', 'scanner.noPaper'],
  ] as const)('a scanner that is %s fails with %s', async (kind, code) => {
    const devices = devicesWith({ documentScanner: await readyDocumentScanner({ fault: { kind, atPage: 1 } }) });
    expect(await runSelfTest(devices, request('documentScanner', {}), context)).toMatchObject({ outcome: 'fail', error: { code }, facts: null });
  });

  test('a scanner without a flatbed is tested with one sheet from its feeder', async () => {
    const scanner = await readyDocumentScanner();
    const sources: string[] = [];
    const feederOnly: SimulatedScanner = {
      ...scanner,
      scan(options, control) {
        sources.push(options.source);
        // What the eSCL driver says when the capabilities list no platen.
        return options.source === 'flatbed' ? Promise.reject(new KioskError('scanner.failed', { reason: 'no flatbed' })) : scanner.scan(options, control);
      },
    };
    const result = await runSelfTest(devicesWith({ documentScanner: feederOnly }), request('documentScanner', {}), context);
    expect(result).toMatchObject({ outcome: 'pass', facts: { source: 'adf', dpi: 150 } });
    expect(sources).toEqual(['flatbed', 'adf']);
  });

  test('a stop during the scan is skipped', async () => {
    const devices = devicesWith({ documentScanner: await readyDocumentScanner({ pageDelayMs: 2000 }) });
    const stop = new AbortController();
    const testing = runSelfTest(devices, request('documentScanner', {}), { ...context, signal: stop.signal });
    setTimeout(() => stop.abort(), 20);
    expect(await testing).toMatchObject({ outcome: 'skipped', error: null });
  });
});

describe('card reader: a card is detected', () => {
  /** The reader with every command the test sends recorded. */
  function recording(reader: SimulatedCardReader, onCommand: () => void = () => {}) {
    const commands: string[] = [];
    const spied: SimulatedCardReader = {
      ...reader,
      withCard: (run, options) =>
        reader.withCard(
          (transmit) =>
            run((command) => {
              commands.push(Buffer.from(command).toString('hex'));
              onCommand();
              return transmit(command);
            }),
          options,
        ),
    };
    return { spied, commands };
  }

  test('passes when the chip answers the selection of its application, and nothing else is asked of it', async () => {
    const { spied, commands } = recording(await readyCardReader());
    const result = await runSelfTest(devicesWith({ cardReader: spied }), request('cardReader', { timeoutMs: 1000 }), context);
    expect(result).toMatchObject({ kind: 'cardReader', outcome: 'pass', deviceId: 'cardReader-sim', error: null });
    // SELECT by AID (A0 00 00 02 47 10 01, the eMRTD application): no key, no data group read.
    expect(commands).toEqual(['00a4040c07a0000002471001']);
  });

  test('no card put down fails as card.noCard; a card taken away as card.removed; no reader as card.noReader', async () => {
    const reader = await readyCardReader();
    const devices = devicesWith({ cardReader: reader });
    reader.remove();
    expect(await runSelfTest(devices, request('cardReader', { timeoutMs: 100 }), context)).toMatchObject({ outcome: 'fail', error: { code: 'card.noCard' } });

    reader.insert();
    const { spied } = recording(reader, () => reader.remove());
    expect(await runSelfTest(devicesWith({ cardReader: spied }), request('cardReader', { timeoutMs: 1000 }), context)).toMatchObject({ outcome: 'fail', error: { code: 'card.removed' } });

    reader.unplug();
    expect(await runSelfTest(devices, request('cardReader', { timeoutMs: 1000 }), context)).toMatchObject({ outcome: 'fail', error: { code: 'card.noReader' } });
  });

  test('a stop while waiting for a card is skipped at once', async () => {
    const reader = await readyCardReader();
    reader.remove();
    const stop = new AbortController();
    const testing = runSelfTest(devicesWith({ cardReader: reader }), request('cardReader', { timeoutMs: 400 }), { ...context, signal: stop.signal });
    stop.abort();
    const result = await testing;
    expect(result).toMatchObject({ outcome: 'skipped', error: null });
    expect(result.durationMs).toBeLessThan(250);
    // The reader's own wait still ends by itself, without an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 450));
  });
});

test('a device the config does not name is absent, whatever its kind', async () => {
  const devices = devicesWith({});
  const results = await Promise.all(
    [request('printer', {}), request('qrScanner', { qrToken: TOKEN }), request('documentScanner', {}), request('cardReader', {})].map((each) => runSelfTest(devices, each, context)),
  );
  for (const result of results) expect(result).toMatchObject({ outcome: 'absent', deviceId: null, driver: null, error: null, facts: null });
  expect(results.map((result) => result.kind)).toEqual(['printer', 'qrScanner', 'documentScanner', 'cardReader']);
});

describe('the report', () => {
  const at = '2026-11-24T04:50:00Z';
  const base = { deviceId: 'x', driver: 'simulator', error: null, startedAt: at, finishedAt: at, durationMs: 1234, facts: null };
  const RESULTS: SelfTestResult[] = [
    { ...base, kind: 'documentScanner', deviceId: 'documentScanner-simulator', outcome: 'fail', error: { code: 'scanner.jammed', params: {} } },
    { ...base, kind: 'printer', deviceId: 'printer-simulator', outcome: 'pass', facts: { paper: '80mm', mode: 'raster', qrToken: TOKEN } },
    { ...base, kind: 'documentScanner', deviceId: 'documentScanner-simulator', outcome: 'pass', facts: { source: 'flatbed', width: 1240, height: 1754, dpi: 150 } },
    { ...base, kind: 'cardReader', deviceId: null, driver: null, outcome: 'absent', durationMs: 0 },
  ];
  const report = selfTestReport({ kiosk: KIOSK, version: '1.4.0', generatedAt: at, results: RESULTS });
  /** The scanner jammed, the printer passed, no card reader; the QR scanner never tested. */
  const failed = selfTestReport({ kiosk: KIOSK, version: '1.4.0', generatedAt: at, results: [RESULTS[0]!, RESULTS[1]!, RESULTS[3]!] });

  test('takes the last run of each kind, in test order, and lists a kind never run as not tested', () => {
    expect(SelfTestReport.parse(report)).toEqual(report);
    expect(report.results.map((result) => [result.kind, result.outcome])).toEqual([
      ['printer', 'pass'],
      ['qrScanner', 'skipped'],
      ['documentScanner', 'pass'],
      ['cardReader', 'absent'],
    ]);
    const lines = selfTestLines(report, vietnamese);
    expect(lines.summary).toBe('Có 1 thiết bị chưa được kiểm tra.');
    expect(lines.devices[2]).toMatchObject({ name: 'Máy quét giấy tờ', verdict: 'Đạt', details: ['Trình điều khiển: simulator', 'Trang quét 1240 × 1754 điểm ảnh, 150 dpi, quét trên mặt kính', 'Thời gian: 1,2 giây'] });
    expect(selfTestLines(failed, vietnamese).summary).toBe('Có 1 thiết bị không đạt. Cần sửa trước khi đưa ki-ốt vào sử dụng.');
    expect(selfTestLines(failed, createT('en')).devices[2]).toMatchObject({ name: 'Document scanner', verdict: 'Failed' });
  });

  test('prints as a receipt with every device and verdict; without a printer it is printer.notFound', async () => {
    const { line, devices } = simulatedPrinter({ paper: '80mm', codePage: { encoding: 'cp1258', table: 52 } });
    await printSelfTestReport(devices, failed, vietnamese);
    const text = line.jobs[0]!.decoded.lines.join('\n');
    for (const expected of ['KẾT QUẢ TỰ KIỂM TRA THIẾT BỊ', 'UBND xã Diên Khánh', 'Máy in biên nhận', 'Máy quét giấy tờ', 'Không đạt', 'Lỗi scanner.jammed', 'Giấy 80 mm, in dạng ảnh', 'Có 1 thiết bị không đạt']) {
      expect(text).toContain(expected);
    }
    expect((await kioskErrorOf(printSelfTestReport(devicesWith({}), failed, vietnamese))).code).toBe('printer.notFound');
  });

  test('the A4 PDF carries the report in Vietnamese with its diacritics, as poppler reads it', async () => {
    const pdf = await buildSelfTestPdf(failed, fonts, vietnamese);
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' }).normalize('NFC').replace(/[ \t]+/g, ' ');
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'KẾT QUẢ TỰ KIỂM TRA THIẾT BỊ',
      'Kiểm tra lúc: 24/11/2026 11:50',
      'Máy in biên nhận: Đạt',
      'Trình điều khiển: simulator',
      'Giấy 80 mm, in dạng ảnh',
      'Máy quét giấy tờ: Không đạt',
      'Lỗi scanner.jammed: Giấy bị kẹt trong máy quét.',
      'Đầu đọc chip thẻ căn cước: Chưa cài đặt',
      'Có 1 thiết bị không đạt.',
      'Kỹ thuật viên',
    ]) {
      expect(text).toContain(expected);
    }
  });
});
