import type { DeviceStatus } from '../../../shared/contract';
import type { KioskConfig } from '../../../shared/config';
import type { KioskFonts } from '../fonts';
import { createCardReader, type CardReader } from './cardReader/index';
import { createReceiptPrinter, type ReceiptPrinter } from './printer/index';
import { createDocumentScanner, type DocumentScanner } from './scanner/index';
import { createQrScanner, type QrScanner } from './qrScanner/index';

/**
 * What every device offers the host, whatever its driver: its status, and a way to hear changes.
 * Each kind adds its own operations (scan, read chip, print) in its own folder.
 */
export interface Device {
  status(): DeviceStatus;
  onStatus(listener: (status: DeviceStatus) => void): () => void;
  close(): Promise<void>;
}

/** The configured devices: each kind with its own operations, and all of them for status. */
export interface Devices {
  qrScanner: QrScanner | null;
  cardReader: CardReader | null;
  printer: ReceiptPrinter | null;
  documentScanner: DocumentScanner | null;
  all: Device[];
}

/** One device per configured kind, with the driver the config names; the bundled fonts draw receipts and simulated pages. */
export function createDevices(config: KioskConfig['devices'], { fonts }: { fonts: KioskFonts }): Devices {
  const qrScanner = config.qrScanner ? createQrScanner(config.qrScanner) : null;
  const cardReader = config.cardReader ? createCardReader(config.cardReader) : null;
  const printer = config.printer ? createReceiptPrinter(config.printer, fonts) : null;
  const documentScanner = config.documentScanner ? createDocumentScanner(config.documentScanner, fonts) : null;
  return { qrScanner, cardReader, printer, documentScanner, all: [qrScanner, cardReader, printer, documentScanner].filter((device) => device !== null) };
}
