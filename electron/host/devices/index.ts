import type { DeviceStatus } from '../../../shared/contract';
import type { KioskConfig } from '../../../shared/config';
import { createCardReader, type CardReader } from './cardReader/index';
import { createQrScanner, type QrScanner } from './qrScanner/index';
import { createSimulatedDevice } from './simulator';

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
  all: Device[];
}

/** One device per configured kind, with the driver the config names. */
export function createDevices(config: KioskConfig['devices']): Devices {
  const qrScanner = config.qrScanner ? createQrScanner(config.qrScanner) : null;
  const cardReader = config.cardReader ? createCardReader(config.cardReader) : null;
  const others = (['documentScanner', 'printer'] as const).flatMap((kind) => {
    const device = config[kind];
    return device ? [createSimulatedDevice(kind, device)] : [];
  });
  return { qrScanner, cardReader, all: [qrScanner, cardReader, ...others].filter((device) => device !== null) };
}
