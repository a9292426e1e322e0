import type { HostHandlers } from '../../shared/contract';
import type { KioskConfig } from '../../shared/config';
import { createDevices } from './devices/index';
import { createEventHub, type EventHub } from './events';
import { createHttpPortal } from './portal/http';

/** The services behind the contract, the same under Electron and under the web host. */
export interface Host {
  handlers: HostHandlers;
  on: EventHub['on'];
  close(): Promise<void>;
}

export interface HostOptions {
  config: KioskConfig;
  kind: 'electron' | 'web';
  version: string;
}

/** The composition root of the host: picks the real driver or the simulator for each device. */
export function createHost({ config, kind, version }: HostOptions): Host {
  const events = createEventHub();
  const devices = createDevices(config.devices);
  const unsubscribes = devices.map((device) =>
    device.onStatus((status) => events.emit('devices.status', status)),
  );
  const portal = createHttpPortal({ baseUrl: config.portal.url, timeoutMs: config.portal.timeoutMs });
  const startedAt = new Date().toISOString();

  return {
    handlers: {
      'app.info': async () => ({
        name: 'DVC Kiosk',
        version,
        host: kind,
        portalUrl: config.portal.url,
        commune: config.commune,
        payee: config.payee,
        startedAt,
      }),
      'devices.list': async () => devices.map((device) => device.status()),
      'portal.health': () => portal.health(),
    },
    on: events.on,
    async close() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      await Promise.all(devices.map((device) => device.close()));
    },
  };
}
