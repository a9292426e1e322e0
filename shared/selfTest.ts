import { z } from 'zod';
import { PaperWidth } from './config';
import type { DeviceKind } from './contract';
import { KioskErrorShape } from './errors';
import { errorKey, type MessageKey, type Translate } from './i18n/index';
import { escapeReceiptProperty, escapeReceiptText, formatVietnamDateTime, ReceiptData } from './receipt';

/**
 * The technician's device self-test (issue 8): each configured device is tested for real through
 * its driver (electron/host/devices/selfTest.ts), and the results make a pass/fail report that
 * prints on the receipt printer (`selfTestReportMarkup`) or is saved as an A4 PDF
 * (shared/selfTestPdf.ts). Both print the same lines (`selfTestLines`).
 *
 * DeviceKind is imported as a type only: contract.ts will import this module, and a value import
 * back would be a cycle that leaves DeviceKind undefined while these schemas are built.
 */

/**
 * The test receipt's QR and what the QR scanner test expects back: a random token, no personal
 * data. Upper-case hex keeps the whole text in QR alphanumeric mode, so the symbol stays small.
 */
export const TEST_QR_PREFIX = 'DVC-TEST:';
export const TestQrToken = z.string().regex(/^DVC-TEST:[0-9A-F]{16}$/);

/** How long a test waits for the technician (to scan the QR, to put a card down). */
const WaitMs = z.number().int().positive().max(600_000);

/**
 * One test the technician asks for. `testId` names the run for a cancel, as ScanRequest's scanId
 * does. The printer test makes a token when given none; the QR scanner test needs the token the
 * test receipt carries (the printer result's `facts.qrToken`).
 */
export const SelfTestRequest = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('printer'), testId: z.uuid(), qrToken: TestQrToken.optional() }),
  z.object({ kind: z.literal('qrScanner'), testId: z.uuid(), qrToken: TestQrToken, timeoutMs: WaitMs.optional() }),
  z.object({ kind: z.literal('documentScanner'), testId: z.uuid() }),
  z.object({ kind: z.literal('cardReader'), testId: z.uuid(), timeoutMs: WaitMs.optional() }),
]);
export type SelfTestRequest = z.infer<typeof SelfTestRequest>;

/** `absent`: the config names no such device; `skipped`: the technician stopped or skipped the test. */
export const SelfTestOutcome = z.enum(['pass', 'fail', 'absent', 'skipped']);
export type SelfTestOutcome = z.infer<typeof SelfTestOutcome>;

const Moment = z.iso.datetime({ offset: true });
const ResultBase = z.object({
  /** The device's id and driver as `devices.list` shows them; null when none is configured. */
  deviceId: z.string().nullable(),
  driver: z.string().nullable(),
  outcome: SelfTestOutcome,
  /** Why it failed, as the driver said it (printer.*, scanner.*, card.*, qr.*); null unless it failed. */
  error: KioskErrorShape.nullable(),
  startedAt: Moment,
  finishedAt: Moment,
  durationMs: z.number().int().nonnegative(),
});

/** What the test receipt was printed as, and the token its QR holds for the QR scanner test. */
export const PrinterFacts = z.object({ paper: PaperWidth, mode: z.enum(['raster', 'text']), qrToken: TestQrToken });
export type PrinterFacts = z.infer<typeof PrinterFacts>;
/** The page the scanner gave: from the flatbed, or one sheet from the feeder of a scanner without one. */
export const PageFacts = z.object({
  source: z.enum(['flatbed', 'adf']),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  dpi: z.number().positive(),
});
export type PageFacts = z.infer<typeof PageFacts>;

/** One device's test; `facts` are measured only when it passed. */
export const SelfTestResult = z.discriminatedUnion('kind', [
  ResultBase.extend({ kind: z.literal('printer'), facts: PrinterFacts.nullable() }),
  ResultBase.extend({ kind: z.literal('qrScanner'), facts: z.null() }),
  ResultBase.extend({ kind: z.literal('documentScanner'), facts: PageFacts.nullable() }),
  ResultBase.extend({ kind: z.literal('cardReader'), facts: z.null() }),
]);
export type SelfTestResult = z.infer<typeof SelfTestResult>;

export const SelfTestReport = z.object({
  kiosk: ReceiptData.shape.kiosk,
  /** The kiosk software's version, so a report says what was tested. */
  version: z.string().min(1),
  generatedAt: Moment,
  results: z.array(SelfTestResult),
});
export type SelfTestReport = z.infer<typeof SelfTestReport>;

/** Each kind's name; a device kind added to the contract does not compile until it has one here. */
const KIND_NAMES = {
  printer: 'device.kind.printer',
  qrScanner: 'device.kind.qrScanner',
  documentScanner: 'device.kind.documentScanner',
  cardReader: 'device.kind.cardReader',
} as const satisfies Record<DeviceKind, MessageKey>;

/** In the order a technician runs them: the printer's test receipt carries the QR the scanner test reads. */
export const SELF_TEST_KINDS = ['printer', 'qrScanner', 'documentScanner', 'cardReader'] as const satisfies readonly DeviceKind[];

/**
 * The report of a self-test session: the last result of each kind (a test run again replaces the
 * earlier one), in test order; a kind never run is `skipped`, so no device is left off the paper.
 */
export function selfTestReport(input: { kiosk: SelfTestReport['kiosk']; version: string; generatedAt: string; results: readonly SelfTestResult[] }): SelfTestReport {
  const latest = new Map(input.results.map((result) => [result.kind, result]));
  const notRun = (kind: DeviceKind): SelfTestResult => ({
    kind,
    deviceId: null,
    driver: null,
    outcome: 'skipped',
    error: null,
    startedAt: input.generatedAt,
    finishedAt: input.generatedAt,
    durationMs: 0,
    facts: null,
  });
  return { kiosk: input.kiosk, version: input.version, generatedAt: input.generatedAt, results: SELF_TEST_KINDS.map((kind) => latest.get(kind) ?? notRun(kind)) };
}

/**
 * Every Vietnamese letter shape a printer must get right: the seven letters with marks in both
 * cases, each tone, and tones stacked on marked capitals (the tallest glyphs, which must fit the
 * line). A test pattern, not a phrase: it prints the same in every language. No dash, which
 * Windows-1258 text mode cannot print.
 */
const VIETNAMESE_TEST_LINES = ['ĂÂĐÊÔƠƯ ăâđêôơư', 'Ả Ã Ạ ả ã ạ Ấ Ầ Ẩ Ẫ Ậ', 'Ế Ề Ể Ễ Ệ Ố Ồ Ổ Ỗ Ộ', 'ớ ờ ở ỡ ợ ứ ừ ử ữ ự ỳ ý ỷ ỹ ỵ'] as const;

const paperText = ({ paper, mode }: Pick<PrinterFacts, 'paper' | 'mode'>, t: Translate): string =>
  t('selfTest.detail.paper', { millimetres: Number.parseInt(paper, 10), mode: t(`selfTest.printMode.${mode}`) });

/** Wide enough for "24/11/2026 11:50", as the citizen's receipt's value column. */
const VALUE_COLUMN = 16;
/** Wide enough for the longest verdict ("Chưa kiểm tra", "Not installed"). */
const VERDICT_COLUMN = 14;

/** The test receipt as receiptline markup: the kiosk, the time, the letters, how it printed, and the token's QR. */
export function testReceiptMarkup(test: { kiosk: SelfTestReport['kiosk']; printedAt: string; qrToken: string } & Pick<PrinterFacts, 'paper' | 'mode'>, t: Translate): string {
  const esc = escapeReceiptText;
  return [
    '{width:*}',
    esc(test.kiosk.commune),
    esc(test.kiosk.name),
    '',
    `^^"${esc(t('selfTest.testReceipt.title'))}`,
    '',
    `{width:*,${VALUE_COLUMN}}`,
    `${esc(t('selfTest.testReceipt.printedAt'))}: | ${formatVietnamDateTime(test.printedAt)}`,
    '-',
    '{width:*}',
    `"${esc(t('selfTest.testReceipt.letters'))}`,
    ...VIETNAMESE_TEST_LINES.map(esc),
    '-',
    esc(paperText(test, t)),
    '',
    `{code:${escapeReceiptProperty(test.qrToken)};option:qrcode,6,m}`,
    esc(t('selfTest.testReceipt.scan')),
    '=',
  ].join('\n');
}

export interface SelfTestDeviceLines {
  kind: DeviceKind;
  outcome: SelfTestOutcome;
  name: string;
  verdict: string;
  /** The driver, what was measured, the error, the time taken. */
  details: string[];
}

/** What the printed and the PDF report say, in the reader's language. */
export interface SelfTestLines {
  title: string;
  fields: { label: string; value: string }[];
  devices: SelfTestDeviceLines[];
  summary: string;
}

function deviceDetails(result: SelfTestResult, t: Translate): string[] {
  const details: string[] = [];
  // Device ids are `<kind>-<driver>`, so on paper the driver says it all.
  if (result.driver !== null) details.push(t('selfTest.detail.driver', { driver: result.driver }));
  if (result.kind === 'printer' && result.facts) details.push(paperText(result.facts, t));
  if (result.kind === 'documentScanner' && result.facts) {
    const { width, height, dpi, source } = result.facts;
    details.push(t('selfTest.detail.page', { width, height, dpi, source: t(`selfTest.source.${source}`) }));
  }
  if (result.error) details.push(t('selfTest.detail.error', { code: result.error.code, message: t(errorKey(result.error.code), result.error.params) }));
  if (result.outcome === 'pass' || result.outcome === 'fail') details.push(t('selfTest.detail.duration', { seconds: Math.round(result.durationMs / 100) / 10 }));
  return details;
}

/** The report's lines, the same for the receipt and the PDF, every word through `t`. */
export function selfTestLines(report: SelfTestReport, t: Translate): SelfTestLines {
  const count = (outcome: SelfTestOutcome) => report.results.filter((result) => result.outcome === outcome).length;
  const [failed, skipped, passed] = [count('fail'), count('skipped'), count('pass')];
  const summary =
    failed > 0
      ? t('selfTest.summary.failed', { count: failed })
      : skipped > 0
        ? t('selfTest.summary.skipped', { count: skipped })
        : passed > 0
          ? t('selfTest.summary.passed')
          : t('selfTest.summary.noDevices');
  return {
    title: t('selfTest.title'),
    fields: [
      { label: t('selfTest.testedAt'), value: formatVietnamDateTime(report.generatedAt) },
      { label: t('selfTest.version'), value: report.version },
    ],
    devices: report.results.map((result) => ({
      kind: result.kind,
      outcome: result.outcome,
      name: t(KIND_NAMES[result.kind]),
      verdict: t(`selfTest.outcome.${result.outcome}`),
      details: deviceDetails(result, t),
    })),
    summary,
  };
}

/** The report as receiptline markup, for the thermal printer. */
export function selfTestReportMarkup(report: SelfTestReport, t: Translate): string {
  const esc = escapeReceiptText;
  const lines = selfTestLines(report, t);
  return [
    '{width:*}',
    esc(report.kiosk.commune),
    esc(report.kiosk.name),
    '',
    `^^"${esc(lines.title)}`,
    '',
    `{width:*,${VALUE_COLUMN}}`,
    ...lines.fields.map(({ label, value }) => `${esc(label)}: | ${esc(value)}`),
    ...lines.devices.flatMap((device) => ['-', `{width:*,${VERDICT_COLUMN}}`, `"${esc(device.name)} | "${esc(device.verdict)}`, '{width:*}', ...device.details.map((detail) => `|${esc(detail)}`)]),
    '-',
    '{width:*}',
    `"${esc(lines.summary)}`,
    '=',
  ].join('\n');
}
