import type { QrScannerConfig } from '../../../../shared/config';
import { createSimulatedDevice } from '../simulator';
import { createScanFeed, framingOf } from './feed';
import type { QrScanner } from './index';
import { KEY, POS_DATA_OFFSET, POS_OVERHEAD, POS_REPORT_ID, US_LAYOUT, type ReportFormat } from './reports';

/**
 * What real scanners send, report for report, so the simulator and the tests exercise the same
 * parser as the driver. Layouts are described in reports.ts.
 */

/** Honeywell's HID POS reports are 64 bytes: 56 bytes of data each (python_hon_usbhid recording). */
const POS_REPORT_LENGTH = 64;

/** HID POS scanned-data reports for `payload`, split as a scanner splits a long code. */
export function posReports(payload: Uint8Array, symbology = ']Q1'): Uint8Array[] {
  const capacity = POS_REPORT_LENGTH - POS_OVERHEAD;
  const count = Math.max(1, Math.ceil(payload.length / capacity));
  return Array.from({ length: count }, (_, i) => {
    const chunk = payload.subarray(i * capacity, (i + 1) * capacity);
    const report = new Uint8Array(POS_REPORT_LENGTH);
    report.set([POS_REPORT_ID, chunk.length, ...[...symbology].map((c) => c.charCodeAt(0))]);
    report.set(chunk, POS_DATA_OFFSET);
    report[POS_REPORT_LENGTH - 1] = i < count - 1 ? 1 : 0;
    return report;
  });
}

/**
 * How a keyboard-wedge scanner types what a US layout has no key for: `altBytes` types each UTF-8
 * byte as Alt+0nnn (a scanner whose "code page" is raw bytes); `altCodePoints` types the Unicode
 * code point in decimal (Alt+7877 for "ễ", Alt+225 for "á").
 */
export type AltStyle = 'altBytes' | 'altCodePoints';

const LEFT_SHIFT = 0x02;
const LEFT_ALT = 0x04;
const keyReport = (modifiers: number, usage = 0) => Uint8Array.of(modifiers, 0, usage, 0, 0, 0, 0, 0);

/** The first key of the US layout that types each character (the main block before the keypad). */
const keyFor = new Map<string, { usage: number; modifiers: number }>();
for (const [usage, [plain, shifted]] of US_LAYOUT) {
  if (!keyFor.has(plain)) keyFor.set(plain, { usage, modifiers: 0 });
  if (!keyFor.has(shifted)) keyFor.set(shifted, { usage, modifiers: LEFT_SHIFT });
}

/** Alt down, each digit pressed and released on the keypad, Alt up. */
function altCode(digits: string): Uint8Array[] {
  const keypad = (digit: string) => (digit === '0' ? KEY.keypad0 : KEY.keypad1 + Number(digit) - 1);
  return [
    keyReport(LEFT_ALT),
    ...[...digits].flatMap((digit) => [keyReport(LEFT_ALT, keypad(digit)), keyReport(LEFT_ALT)]),
    keyReport(0),
  ];
}

/** Boot keyboard reports typing `text`: a press and a release per key, Alt codes for the rest. */
export function keyboardReports(text: string, altStyle: AltStyle = 'altBytes'): Uint8Array[] {
  const encoder = new TextEncoder();
  return [...text].flatMap((char) => {
    const key = keyFor.get(char);
    if (key) return [keyReport(key.modifiers, key.usage), keyReport(0)];
    if (altStyle === 'altCodePoints') return altCode(String(char.codePointAt(0)));
    return [...encoder.encode(char)].flatMap((byte) => altCode(`0${byte}`));
  });
}

export interface SimulatedQrScanner extends QrScanner {
  unplug(): void;
  plug(): void;
  /**
   * Sends the reports a real scanner sends for a QR holding `text`, at a real scanner's pace, and
   * resolves after the last one; the scan reaches `onScan` listeners through the same parser as
   * the HID driver. An unplugged scanner sends nothing, as a real one would.
   */
  scan(text: string): Promise<void>;
}

export interface SimulatorTiming {
  /** An imager takes about this long from trigger to decoded data. */
  decodeDelayMs: number;
  /** USB interrupt endpoints are polled every 1 ms (full speed); wedge scanners type about a key every 2 ms. */
  reportIntervalMs: number;
  altStyle: AltStyle;
}

const SUFFIX_TEXT = { enter: '\r', tab: '\t', none: '' } as const;

export function createSimulatedQrScanner(
  config: Extract<QrScannerConfig, { driver: 'simulator' }>,
  timing: Partial<SimulatorTiming> = {},
): SimulatedQrScanner {
  const { decodeDelayMs = 120, reportIntervalMs = config.format === 'pos' ? 1 : 2, altStyle = 'altBytes' } = timing;
  const presence = createSimulatedDevice('qrScanner', config);
  const feed = createScanFeed(framingOf(config), config.format);
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  const reportsFor = (text: string, format: ReportFormat): Uint8Array[] => {
    const aim = config.aimId && format === 'keyboard' ? ']Q1' : '';
    const framed = `${config.prefix}${aim}${text}${SUFFIX_TEXT[config.suffix]}`;
    return format === 'pos' ? posReports(new TextEncoder().encode(framed)) : keyboardReports(framed, altStyle);
  };

  return {
    status: presence.status,
    onStatus: presence.onStatus,
    onScan: feed.onScan,
    unplug() {
      presence.unplug();
      feed.restart(config.format);
    },
    plug: presence.plug,
    async scan(text) {
      await sleep(decodeDelayMs);
      for (const report of reportsFor(text, config.format)) {
        if (presence.status().state !== 'ready') return;
        feed.push(report);
        await sleep(reportIntervalMs);
      }
    },
    async close() {
      feed.close();
      await presence.close();
    },
  };
}
