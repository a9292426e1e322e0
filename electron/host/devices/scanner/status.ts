import type { DeviceStatus } from '../../../../shared/contract';
import type { DocumentScanner } from './index';

/** The status a scanner driver keeps and announces; listeners hear only real changes. */
export function createScannerStatus(driver: string) {
  const listeners = new Set<(status: DeviceStatus) => void>();
  let status: DeviceStatus = { id: `documentScanner-${driver}`, kind: 'documentScanner', driver, state: 'connecting' };
  return {
    get: () => status,
    set(state: DeviceStatus['state']) {
      if (status.state === state) return;
      status = { ...status, state };
      for (const listener of listeners) listener(status);
    },
    onStatus(listener: (status: DeviceStatus) => void) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    clear: () => listeners.clear(),
  };
}

export type ScannerStatus = ReturnType<typeof createScannerStatus>;

/**
 * Probes the scanner when the driver starts, then every `intervalMs` while it is not ready, so a
 * scanner plugged in or switched on later comes back without a restart. A ready scanner is not
 * probed: each probe opens the device, and the next scan tells if it went away.
 */
export function watchPresence(
  status: ScannerStatus,
  probe: () => Promise<'ready' | 'offline'>,
  options: { intervalMs: number; scanning: () => boolean },
): { stop(): void } {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  const check = async () => {
    if (!options.scanning() && status.get().state !== 'ready') {
      const state = await probe().catch(() => 'error' as const);
      if (stopped) return;
      if (!options.scanning()) status.set(state);
    }
    if (!stopped) timer = setTimeout(() => void check(), options.intervalMs).unref();
  };
  void check();
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}

/** A real driver's scanner: its status and its scan; closing stops the probing and any scan under way. */
export function scannerDevice(status: ScannerStatus, presence: { stop(): void }, closing: AbortController, scan: DocumentScanner['scan']): DocumentScanner {
  return {
    status: status.get,
    onStatus: status.onStatus,
    scan,
    async close() {
      presence.stop();
      closing.abort();
      status.clear();
    },
  };
}
