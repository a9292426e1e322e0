import { expect } from 'vitest';
import { CardReaderConfig, DocumentScannerConfig, QrScannerConfig, ReceiptPrinterConfig } from '../../shared/config';
import type { DeviceKind } from '../../shared/contract';
import type { AnyProbeResult, DetectOptions } from '../../electron/host/devices/detect';

const SCHEMAS = { qrScanner: QrScannerConfig, cardReader: CardReaderConfig, documentScanner: DocumentScannerConfig, printer: ReceiptPrinterConfig };

/** The one probe of a driver, with each candidate's config checked against its schema as the wizard would write it. */
export function probe(results: AnyProbeResult[], driver: AnyProbeResult['driver']): AnyProbeResult {
  const found = results.find((result) => result.driver === driver);
  if (!found) throw new Error(`no ${driver} probe`);
  for (const { kind, config } of found.candidates) expect(SCHEMAS[kind as DeviceKind].parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
  return found;
}

/** Only the probe under test does real work: the others are pointed at nothing. */
export const quiet: DetectOptions = {
  hid: async () => ({ devicesAsync: async () => [] }),
  scanimagePath: '/nonexistent/scanimage',
  lpstatPath: '/nonexistent/lpstat',
  linuxPaths: { usbPrinters: '/nonexistent/usb' },
};
