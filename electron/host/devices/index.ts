import type { DeviceKind, DeviceStatus } from '../../../shared/contract';
import type { KioskConfig } from '../../../shared/config';
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

const kinds: readonly DeviceKind[] = ['qrScanner', 'cardReader', 'documentScanner', 'printer'];

/** One device per configured kind, with the driver the config names. */
export function createDevices(config: KioskConfig['devices']): Device[] {
  return kinds.flatMap((kind) => {
    const device = config[kind];
    if (!device) return [];
    switch (device.driver) {
      case 'simulator':
        return [createSimulatedDevice(kind, device)];
    }
  });
}
