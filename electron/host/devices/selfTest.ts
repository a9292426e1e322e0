import { randomBytes } from 'node:crypto';
import { assertNever, KioskError, toKioskError } from '../../../shared/errors';
import type { Translate } from '../../../shared/i18n/index';
import { plainChannel } from '../../../shared/icao9303/apdu';
import { selectEmrtdApplication } from '../../../shared/icao9303/files';
import {
  selfTestReportMarkup,
  TEST_QR_PREFIX,
  testReceiptMarkup,
  type PageFacts,
  type PrinterFacts,
  type SelfTestReport,
  type SelfTestRequest,
  type SelfTestResult,
} from '../../../shared/selfTest';
import type { CardReader } from './cardReader/index';
import type { Device, Devices } from './index';
import { renderModeFor } from './printer/escpos';
import type { ReceiptPrinter } from './printer/index';
import type { QrScanner, ScanOutcome } from './qrScanner/index';
import type { DocumentScanner, ScanSource } from './scanner/index';

/**
 * The technician's self-test (shared/selfTest.ts): one device at a time, for real, through the
 * same driver interface the citizen's journey uses. Every outcome is a result, never a throw, so
 * the report holds the failures as well as the passes.
 */

export interface SelfTestContext {
  /** The support point, as the citizen's receipt names it: the test receipt names it too. */
  kiosk: SelfTestReport['kiosk'];
  /** The technician stopped or skipped the test: it ends at once as `skipped`. */
  signal?: AbortSignal;
  /** The language of the test receipt. */
  t: Translate;
}

/** How long the QR scanner and card reader tests wait for the technician, unless asked otherwise. */
const DEFAULT_WAIT_MS = 60_000;
/** Enough to see the scanner works and small enough to be quick: a 150 dpi grey A4 page is about 2 MP. */
const TEST_SCAN = { resolution: 150, colourMode: 'grey' } as const;
/**
 * How a driver refuses a flatbed the scanner does not have (scanner.failed's `reason`): eSCL's
 * capabilities list no platen; SANE's backend has no source of that name. Such a scanner is
 * tested with one sheet from its feeder instead.
 */
const NO_FLATBED_REASONS = new Set(['no flatbed', 'option source']);

export async function runSelfTest(devices: Devices, request: SelfTestRequest, context: SelfTestContext): Promise<SelfTestResult> {
  const { signal } = context;
  switch (request.kind) {
    case 'printer':
      return timed(request.kind, devices.printer, signal, (printer) => testPrinter(printer, request.qrToken ?? newTestQrToken(), context));
    case 'qrScanner':
      return timed(request.kind, devices.qrScanner, signal, (scanner) => testQrScanner(scanner, request.qrToken, request.timeoutMs ?? DEFAULT_WAIT_MS, signal));
    case 'documentScanner':
      return timed(request.kind, devices.documentScanner, signal, (scanner) => testDocumentScanner(scanner, signal));
    case 'cardReader':
      return timed(request.kind, devices.cardReader, signal, (reader) => testCardReader(reader, request.timeoutMs ?? DEFAULT_WAIT_MS, signal));
    default:
      return assertNever(request);
  }
}

/** Prints the whole report on the receipt printer; printer.notFound without one, printer.* when it fails. */
export async function printSelfTestReport(devices: Devices, report: SelfTestReport, t: Translate): Promise<void> {
  if (!devices.printer) throw new KioskError('printer.notFound');
  await devices.printer.printMarkup(selfTestReportMarkup(report, t), { document: 'selfTest' });
}

const newTestQrToken = (): string => `${TEST_QR_PREFIX}${randomBytes(8).toString('hex').toUpperCase()}`;

/** Runs one test on the device, if there is one, and times it; an abort makes it `skipped`, any error `fail`. */
async function timed<K extends SelfTestResult['kind'], D extends Device, F>(kind: K, device: D | null, signal: AbortSignal | undefined, test: (device: D) => Promise<F>) {
  const started = new Date();
  const result = (outcome: SelfTestResult['outcome'], facts: F | null = null, error: KioskError | null = null) => {
    const finished = new Date();
    const { id, driver } = device?.status() ?? { id: null, driver: null };
    return { kind, deviceId: id, driver, outcome, error: error?.toShape() ?? null, startedAt: started.toISOString(), finishedAt: finished.toISOString(), durationMs: finished.getTime() - started.getTime(), facts };
  };
  if (!device) return result('absent');
  if (signal?.aborted) return result('skipped');
  try {
    return result('pass', await test(device));
  } catch (error) {
    return signal?.aborted ? result('skipped') : result('fail', null, toKioskError(error));
  }
}

/** The test receipt, printed as a citizen's receipt is; its QR holds the token the QR scanner test reads back. */
async function testPrinter(printer: ReceiptPrinter, qrToken: string, { kiosk, t }: SelfTestContext): Promise<PrinterFacts> {
  const facts: PrinterFacts = { paper: printer.profile.paper, mode: renderModeFor(printer.profile), qrToken };
  await printer.printMarkup(testReceiptMarkup({ ...facts, kiosk, printedAt: new Date().toISOString() }, t), { document: 'testReceipt' });
  return facts;
}

/**
 * Passes on a scan of exactly the token. Anything else read fails at once as a different code,
 * without its text or params: it could be a citizen's CCCD.
 */
async function testQrScanner(scanner: QrScanner, qrToken: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<null> {
  let unsubscribe = () => {};
  const scanned = new Promise<ScanOutcome>((resolve) => {
    unsubscribe = scanner.onScan(resolve);
  });
  try {
    const scan = await settleWithin(scanned, signal, { ms: timeoutMs, error: () => new KioskError('qr.noScan', { seconds: Math.round(timeoutMs / 1000) }) });
    if (!scan.ok) throw new KioskError(scan.code);
    if (scan.text !== qrToken) throw new KioskError('qr.wrongCode');
    return null;
  } finally {
    unsubscribe();
  }
}

/** One page, grey at a low resolution: from the flatbed, or from the feeder of a scanner without one. */
async function testDocumentScanner(scanner: DocumentScanner, signal: AbortSignal | undefined): Promise<PageFacts> {
  const scanFrom = async (source: Extract<ScanSource, PageFacts['source']>): Promise<PageFacts> => {
    const [page] = await scanner.scan({ source, maxPages: 1, ...TEST_SCAN }, { signal });
    if (!page) throw new KioskError('scanner.failed', { reason: 'noPages' });
    return { source, width: page.width, height: page.height, dpi: page.dpi };
  };
  try {
    return await scanFrom('flatbed');
  } catch (error) {
    const noFlatbed = error instanceof KioskError && error.code === 'scanner.failed' && NO_FLATBED_REASONS.has(String(error.params.reason));
    if (!noFlatbed) throw error;
    return scanFrom('adf');
  }
}

/**
 * A card put down and its chip answering the selection of the eMRTD application, in plain: no
 * key is asked for and no data group is read, so nothing personal leaves the card.
 */
async function testCardReader(reader: CardReader, timeoutMs: number, signal: AbortSignal | undefined): Promise<null> {
  // The reader's own wait ends in card.noCard; an abort ends the test now, the reader's wait at its time.
  await settleWithin(
    reader.withCard((transmit) => selectEmrtdApplication(plainChannel(transmit)), { timeoutMs }),
    signal,
  );
  return null;
}

/**
 * `promise`, unless `signal` aborts first (then its reason) or the time runs out (then the timeout's
 * error). `promise` keeps its handlers either way, so its later failure is never unhandled.
 */
function settleWithin<T>(promise: Promise<T>, signal: AbortSignal | undefined, timeout?: { ms: number; error: () => KioskError }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    const finish = (settle: () => void) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      settle();
    };
    const onAbort = () => finish(() => reject(signal?.reason));
    promise.then(
      (value) => finish(() => resolve(value)),
      (error: unknown) => finish(() => reject(error)),
    );
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeout) timer = setTimeout(() => finish(() => reject(timeout.error())), timeout.ms);
  });
}
