import type { DeviceKind, DeviceStatus } from '../../../shared/contract';
import type { Device } from './index';

/**
 * A device that comes up after a delay, as USB devices do after boot, and can be unplugged and
 * plugged back. The kind-specific simulators (paper jam, card removed…) build on this presence.
 */
export interface SimulatedDevice extends Device {
  unplug(): void;
  plug(): void;
}

export function createSimulatedDevice(
  kind: DeviceKind,
  options: { connectDelayMs: number },
): SimulatedDevice {
  const listeners = new Set<(status: DeviceStatus) => void>();
  let status: DeviceStatus = { id: `${kind}-sim`, kind, driver: 'simulator', state: 'connecting' };
  let timer: NodeJS.Timeout | undefined;

  const setState = (state: DeviceStatus['state']) => {
    if (status.state === state) return;
    status = { ...status, state };
    for (const listener of listeners) listener(status);
  };
  const connect = () => {
    clearTimeout(timer);
    setState('connecting');
    timer = setTimeout(() => setState('ready'), options.connectDelayMs);
  };
  connect();

  return {
    status: () => status,
    onStatus(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    unplug() {
      clearTimeout(timer);
      setState('offline');
    },
    plug: connect,
    async close() {
      clearTimeout(timer);
      listeners.clear();
    },
  };
}
