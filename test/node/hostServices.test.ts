import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { DEFAULT_PORTAL_URL } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { createSimulatedDevice } from '../../electron/host/devices/simulator';
import { loadConfig } from '../../electron/host/provisioning';
import { tempDir } from '../support/kiosk';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
function configFile(content: string | null): string {
  const dir = tempDir('config');
  dirs.push(dir);
  const file = path.join(dir.dir, 'config.json');
  if (content !== null) writeFileSync(file, content);
  return file;
}

describe('kiosk config', () => {
  test('a kiosk never set up runs on the defaults: the reference portal and simulated devices', async () => {
    const config = await loadConfig(configFile(null));
    expect(config.portal.url).toBe(DEFAULT_PORTAL_URL);
    expect(Object.values(config.devices).map((device) => device?.driver)).toEqual(['simulator', 'simulator', 'simulator', 'simulator']);
  });

  test('a stored config is read and overrides win', async () => {
    const file = configFile(JSON.stringify({ commune: { code: '22333', name: 'Xã Diên Khánh' }, portal: { url: 'https://portal.example.vn' } }));
    const config = await loadConfig(file, { portal: { url: 'http://127.0.0.1:9999' } });
    expect(config.commune?.name).toBe('Xã Diên Khánh');
    expect(config.portal).toEqual({ url: 'http://127.0.0.1:9999', timeoutMs: 5000 });
  });

  test.each([['{not json'], ['[]'], ['42'], ['{"portal":{"url":"not a url"}}'], ['{"devices":{"printer":{"driver":"lp0"}}}']])(
    'a broken config file (%s) stops the start with config.invalid instead of falling back',
    async (content) => {
      const error = await loadConfig(configFile(content)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(KioskError);
      expect((error as KioskError).code).toBe('config.invalid');
    },
  );
});

describe('simulated device presence', () => {
  test('comes up after its delay, and reports unplug and replug', async () => {
    const device = createSimulatedDevice('printer', { connectDelayMs: 30 });
    const states: string[] = [];
    device.onStatus((status) => states.push(status.state));
    expect(device.status()).toMatchObject({ kind: 'printer', driver: 'simulator', state: 'connecting' });
    await expect.poll(() => device.status().state).toBe('ready');
    device.unplug();
    device.plug();
    await expect.poll(() => device.status().state).toBe('ready');
    expect(states).toEqual(['ready', 'offline', 'connecting', 'ready']);
    await device.close();
  });
});
