import { execFileSync, spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { afterEach, describe, expect, test } from 'vitest';
import { DocumentScannerConfig, type DocumentScannerConfigInput } from '../../shared/config';
import type { DocumentScanner, ScannedPage } from '../../electron/host/devices/scanner/index';
import { createSaneScanner, saneFailure, type SaneScannerConfig } from '../../electron/host/devices/scanner/sane';
import { kioskErrorOf } from '../support/errors';

/**
 * The SANE driver through the real stack: scanimage → libsane → SANE's `test` backend, which
 * scans a synthetic picture, runs an ADF that empties after 10 sheets, and fails sane_read with
 * any SANE_Status on request (`--read-return-value`).
 */

const hasScanimage = spawnSync('scanimage', ['--version']).status === 0;
if (!hasScanimage) console.warn('saneScanner.test.ts: SKIPPED, scanimage is not installed (apt-get install sane-utils)');

/** The test backend's scan area is 80 × 100 mm unless told otherwise. */
const pixelsAt = (dpi: number, mm: number) => Math.floor((mm / 25.4) * dpi);

const scanners: DocumentScanner[] = [];
function saneScanner(overrides: Partial<DocumentScannerConfigInput & { driver: 'sane' }> = {}) {
  const config = DocumentScannerConfig.parse({
    driver: 'sane',
    device: 'test',
    sources: { adf: 'Automatic Document Feeder', adfDuplex: 'Automatic Document Feeder' },
    ...overrides,
  }) as SaneScannerConfig;
  const scanner = createSaneScanner(config);
  scanners.push(scanner);
  return scanner;
}
afterEach(async () => {
  await Promise.all(scanners.splice(0).map((scanner) => scanner.close()));
});

/** Width, height and PNG colour type (0 grey, 2 RGB) straight from the IHDR chunk. */
function pngHeader(bytes: Uint8Array) {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  expect([...bytes.subarray(1, 4)].map((c) => String.fromCharCode(c)).join('')).toBe('PNG');
  expect(String.fromCharCode(...bytes.subarray(12, 16))).toBe('IHDR');
  return { width: view.getUint32(16), height: view.getUint32(20), colourType: bytes[25] };
}

const scanFolders = () => new Set(readdirSync(tmpdir()).filter((name) => name.startsWith('kiosk-scan-')));

describe.skipIf(!hasScanimage)('the SANE scanner driver against scanimage and the test backend', () => {
  test('a flatbed page at 150 dpi has the pixel size of the scan area at that resolution', async () => {
    const pages = await saneScanner().scan({ source: 'flatbed', resolution: 150, colourMode: 'grey' });
    expect(pages).toHaveLength(1);
    const [page] = pages as [ScannedPage];
    const header = pngHeader(page.bytes);
    expect(header).toEqual({ width: pixelsAt(150, 80), height: pixelsAt(150, 100), colourType: 0 });
    expect(page).toMatchObject({ number: 1, format: 'png', dpi: 150, width: header.width, height: header.height });
  });

  test('a resolution the backend rounds is reported as the page carries it, and the area options set its size', async () => {
    const scanner = saneScanner({ options: { x: '10', y: '20' } });
    const [page] = await scanner.scan({ source: 'flatbed', resolution: 1201, colourMode: 'grey' });
    expect(page).toMatchObject({ dpi: 1200, width: pixelsAt(1200, 10), height: pixelsAt(1200, 20) });
  });

  test('grey and colour modes give grey and RGB images', async () => {
    const scanner = saneScanner({ options: { 'test-picture': 'Color pattern' } });
    const [grey] = await scanner.scan({ source: 'flatbed', resolution: 75, colourMode: 'grey' });
    const [colour] = await scanner.scan({ source: 'flatbed', resolution: 75, colourMode: 'colour' });
    expect(pngHeader(grey!.bytes).colourType).toBe(0);
    expect(pngHeader(colour!.bytes).colourType).toBe(2);
    expect(scanner.status().state).toBe('ready');
  });

  test('an ADF batch reports each page as it arrives, in order, before the scan ends', async () => {
    const scanner = saneScanner({ options: { 'read-delay': 'yes', 'read-delay-duration': '20000' } });
    const arrivals: { number: number; at: number }[] = [];
    const started = Date.now();
    const pages = await scanner.scan(
      { source: 'adf', resolution: 100, colourMode: 'grey', maxPages: 4 },
      { onPage: (page) => arrivals.push({ number: page.number, at: Date.now() - started }) },
    );
    const ended = Date.now() - started;
    expect(pages.map((page) => page.number)).toEqual([1, 2, 3, 4]);
    expect(arrivals.map((arrival) => arrival.number)).toEqual([1, 2, 3, 4]);
    // Each page takes the backend's read delays, so the first is heard well before the scan ends.
    expect(arrivals[0]!.at).toBeLessThan(ended / 2);
    expect(new Set(pages.map((page) => page.bytes.length)).size).toBe(1);
  });

  test('an ADF scan without a page limit runs until the feeder is empty, which is the normal end', async () => {
    const pages = await saneScanner().scan({ source: 'adfDuplex', resolution: 50, colourMode: 'grey' });
    expect(pages).toHaveLength(10);
  });

  test('cancelling in the middle of an ADF scan rejects as cancelled and leaves no scanimage and no temp folder', async () => {
    const marker = 'read-delay-duration=47000';
    const scanner = saneScanner({ options: { 'read-delay': 'yes', 'read-delay-duration': '47000' } });
    const foldersBefore = scanFolders();
    const controller = new AbortController();
    const scanning = scanner.scan(
      { source: 'adf', resolution: 150, colourMode: 'grey' },
      { signal: controller.signal, onPage: () => controller.abort() },
    );
    const started = Date.now();
    expect((await kioskErrorOf(scanning)).code).toBe('scanner.cancelled');
    // The feeder holds 10 sheets of ~0.4 s each: a scan that ran on would take seconds.
    expect(Date.now() - started).toBeLessThan(1_500);
    const left = spawnSync('pgrep', ['-f', marker], { encoding: 'utf8' }).stdout.trim();
    expect(left).toBe('');
    expect([...scanFolders()].filter((name) => !foldersBefore.has(name))).toEqual([]);
    expect(scanner.status().state).toBe('ready');
  });

  test('an aborted signal cancels before anything starts', async () => {
    const error = await kioskErrorOf(saneScanner().scan({ source: 'flatbed', resolution: 75, colourMode: 'grey' }, { signal: AbortSignal.abort() }));
    expect(error.code).toBe('scanner.cancelled');
  });

  test('a second scan while one runs is refused as busy', async () => {
    const scanner = saneScanner({ options: { 'read-delay': 'yes', 'read-delay-duration': '10000' } });
    const first = scanner.scan({ source: 'adf', resolution: 75, colourMode: 'grey', maxPages: 2 });
    expect((await kioskErrorOf(scanner.scan({ source: 'flatbed', resolution: 75, colourMode: 'grey' }))).code).toBe('scanner.busy');
    expect(await first).toHaveLength(2);
  });

  test('a device that does not exist is scanner.notFound, and the scanner shows offline', async () => {
    const scanner = saneScanner({ device: 'pixma:MX920_10.9.9.9' });
    const error = await kioskErrorOf(scanner.scan({ source: 'flatbed', resolution: 150, colourMode: 'grey' }));
    expect(error.code).toBe('scanner.notFound');
    expect(scanner.status().state).toBe('offline');
  });

  test('the driver probes the device when it starts', async () => {
    const present = saneScanner();
    const missing = saneScanner({ device: 'nosuchbackend' });
    await expect.poll(() => present.status().state).toBe('ready');
    await expect.poll(() => missing.status().state).toBe('offline');
  });

  test.each([
    ['SANE_STATUS_JAMMED', 'adf', 'scanner.jammed'],
    ['SANE_STATUS_COVER_OPEN', 'flatbed', 'scanner.coverOpen'],
    ['SANE_STATUS_NO_DOCS', 'adf', 'scanner.noPaper'],
    ['SANE_STATUS_DEVICE_BUSY', 'flatbed', 'scanner.busy'],
    ['SANE_STATUS_IO_ERROR', 'flatbed', 'scanner.failed'],
    ['SANE_STATUS_ACCESS_DENIED', 'flatbed', 'scanner.failed'],
  ] as const)('the backend failing a %s read from the %s is %s', async (status, source, code) => {
    // The test backend sometimes hangs after reporting a fault; the status it printed still counts.
    const scanner = saneScanner({ options: { 'read-return-value': status }, pageTimeoutMs: 1_500 });
    const error = await kioskErrorOf(scanner.scan({ source, resolution: 75, colourMode: 'grey' }));
    expect(error.code).toBe(code);
  });

  test('a scan that gives no page within the page timeout is stopped as failed, leaving no process', async () => {
    // 600 dpi with 0.2 s after each buffer takes minutes a page: a stand-in for a stuck device.
    const scanner = saneScanner({ options: { 'read-delay': 'yes', 'read-delay-duration': '199000' }, pageTimeoutMs: 800 });
    const error = await kioskErrorOf(scanner.scan({ source: 'flatbed', resolution: 600, colourMode: 'grey' }));
    expect(error.toShape()).toEqual({ code: 'scanner.failed', params: { reason: 'timeout' } });
    expect(spawnSync('pgrep', ['-f', 'read-delay-duration=199000']).stdout.toString().trim()).toBe('');
    expect(scanner.status().state).toBe('error');
  });

  test('a mode the backend does not have is failed, naming the option', async () => {
    const error = await kioskErrorOf(saneScanner().scan({ source: 'flatbed', resolution: 75, colourMode: 'lineart' }));
    expect(error.toShape()).toEqual({ code: 'scanner.failed', params: { reason: 'option mode' } });
  });
});

describe('scanimage output the test backend cannot produce, as real backends print it', () => {
  test.each([
    ['scanimage: open of device fujitsu:fi-7160:50123 failed: Device busy\n', 1, 0, 'scanner.busy'],
    ['scanimage: open of device epson2:net:192.0.2.7 failed: Invalid argument\n', 1, 0, 'scanner.notFound'],
    ['scanimage: open of device canon_dr:libusb:001:004 failed: Error during device I/O\n', 1, 0, 'scanner.notFound'],
    ['scanimage: no SANE devices found\n', 1, 0, 'scanner.notFound'],
    ['Scanning page 1\nscanimage: sane_start: Document feeder out of documents\nBatch terminated, 0 pages scanned\n', 7, 0, 'scanner.noPaper'],
    ['scanimage: sane_start: Scanner cover is open\n', 8, 0, 'scanner.coverOpen'],
    ['scanimage: sane_start: Document feeder jammed\n', 6, 2, 'scanner.jammed'],
    ['', 6, 0, 'scanner.jammed'],
    ['', 3, 0, 'scanner.busy'],
    ['scanimage: sane_start: Invalid argument\n', 4, 0, 'scanner.failed'],
  ])('%j with exit %i after %i pages is %s', (stderr, exitCode, pages, code) => {
    expect(saneFailure({ stderr, exitCode, pages })?.code).toBe(code);
  });

  test('a run stopped for silence is failed as a timeout, unless it reported a fault first', () => {
    expect(saneFailure({ stderr: 'Scanning page 1\n', exitCode: null, pages: 0, timedOut: true })?.toShape()).toEqual({ code: 'scanner.failed', params: { reason: 'timeout' } });
    expect(saneFailure({ stderr: 'scanimage: sane_read: Device busy\n', exitCode: null, pages: 0, timedOut: true })?.code).toBe('scanner.busy');
  });

  test('an ADF batch that ends on an empty feeder after pages is no failure', () => {
    const stderr = 'Scanned page 3. (scanner status = 5)\nScanning page 4\nscanimage: sane_start: Document feeder out of documents\nBatch terminated, 3 pages scanned\n';
    expect(saneFailure({ stderr, exitCode: 0, pages: 3 })).toBeNull();
  });

  test('a run that ends well but gives no page is failed', () => {
    expect(saneFailure({ stderr: '', exitCode: 0, pages: 0 })?.toShape()).toEqual({ code: 'scanner.failed', params: { reason: 'noPages' } });
  });
});

describe('the SANE driver config', () => {
  test.each(['batch-count', 'output-file', 'device-name', 'Mode', '--x', 'o', 'd'])('refuses %j as a backend option', (name) => {
    expect(DocumentScannerConfig.safeParse({ driver: 'sane', device: 'test', options: { [name]: '1' } }).success).toBe(false);
  });

  test('scanimage is not run through a shell: a device name with shell syntax is just a missing device', async () => {
    const error = await kioskErrorOf(saneScanner({ device: 'test; touch /tmp/kiosk-scan-injected' }).scan({ source: 'flatbed', resolution: 50, colourMode: 'grey' }));
    expect(error.code).toBe('scanner.notFound');
    expect(execFileSync('ls', [tmpdir()], { encoding: 'utf8' })).not.toContain('kiosk-scan-injected');
  });
});
