import type { QrScannerConfig } from '../../../../shared/config';
import type { Device } from '../index';
import { createHidQrScanner, loadNodeHid } from './hid';
import type { ScanOutcome } from './reports';
import { createSimulatedQrScanner } from './simulator';

export type { ScanOutcome } from './reports';

/**
 * The CCCD QR scanner, whatever its driver. The host forwards each outcome as the contract's
 * `qr.scanned` event: `text` goes to `parseCccdQr` (shared/cccd.ts); a failure's `code` is shown
 * as `t('errors.<code>')`.
 */
export interface QrScanner extends Device {
  /** Hears every whole scan, or why one could not be read; returns the unsubscribe function. */
  onScan(listener: (scan: ScanOutcome) => void): () => void;
}

/** The scanner `devices.qrScanner` names; `createDevices` calls this once it knows the `hid` driver. */
export function createQrScanner(config: QrScannerConfig): QrScanner {
  switch (config.driver) {
    case 'simulator':
      return createSimulatedQrScanner(config);
    case 'hid':
      return createHidQrScanner(config, loadNodeHid(config.linuxDriver));
  }
}
