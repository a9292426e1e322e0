import type { QrScannerConfig } from '../../../../shared/config';
import { createReportParser, type ParserOptions, type ReportFormat, type ReportParser, type ScanOutcome } from './reports';

export type ScanFraming = Omit<ParserOptions, 'format'>;

/**
 * Reports in, scans out: a report parser with the timer that ends a scan on a pause, and the
 * listeners. `format` `auto` is settled by the first report: a boot keyboard's is 8 bytes (9 with a
 * report ID), a HID POS one is longer.
 */
export interface ScanFeed {
  push(report: Uint8Array): void;
  /** A new device (or the same one reopened): drop what the last one left half-sent. */
  restart(format: ReportFormat | 'auto'): void;
  onScan(listener: (scan: ScanOutcome) => void): () => void;
  close(): void;
}

export function createScanFeed(framing: ScanFraming, initialFormat: ReportFormat | 'auto'): ScanFeed {
  const listeners = new Set<(scan: ScanOutcome) => void>();
  let format = initialFormat;
  let parser: ReportParser | null = null;
  let timer: NodeJS.Timeout | undefined;

  const emit = (outcomes: readonly ScanOutcome[]) => {
    for (const outcome of outcomes) for (const listener of listeners) listener(outcome);
  };
  const arm = () => {
    clearTimeout(timer);
    const deadline = parser?.deadline() ?? null;
    if (deadline === null) return;
    timer = setTimeout(() => {
      emit(parser?.expire(Date.now()) ?? []);
      arm();
    }, Math.max(0, deadline - Date.now()));
  };

  return {
    push(report) {
      if (parser === null) {
        const settled = format === 'auto' ? (report.length <= 9 ? 'keyboard' : 'pos') : format;
        parser = createReportParser({ ...framing, format: settled });
      }
      emit(parser.push(report, Date.now()));
      arm();
    },
    restart(next) {
      clearTimeout(timer);
      format = next;
      parser = null;
    },
    onScan(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      clearTimeout(timer);
      listeners.clear();
    },
  };
}

/** The framing options of either driver's config. */
export function framingOf(config: QrScannerConfig): ScanFraming {
  const { suffix, prefix, aimId, interReportTimeoutMs } = config;
  return { suffix, prefix, aimId, interReportTimeoutMs };
}
