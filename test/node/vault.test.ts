import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KioskError } from '../../shared/errors';
import { checkKeyCustody, createVault, plainFile, type KeyProtection } from '../../electron/host/vault';
import { tempDir } from '../support/kiosk';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));
const folder = () => {
  const dir = tempDir('vault');
  dirs.push(dir);
  return dir.dir;
};

/** Stands in for safeStorage, which needs the Electron binary: a reversible transform we can see. */
const reversed: KeyProtection = { encrypt: (plain) => Buffer.from(plain).reverse(), decrypt: (sealed) => Buffer.from(sealed).reverse() };

describe('the host vault', () => {
  test('makes a 32-byte device key once and gives the same key after a restart', async () => {
    const dataDir = folder();
    const first = await createVault({ dataDir, protect: plainFile }).dataKey();
    const again = await createVault({ dataDir, protect: plainFile }).dataKey();
    expect(first).toHaveLength(32);
    expect(again.equals(first)).toBe(true);
    expect(statSync(path.join(dataDir, 'vault.key')).mode & 0o777).toBe(0o600);
  });

  test('stores the key only in its protected form', async () => {
    const dataDir = folder();
    const key = await createVault({ dataDir, protect: reversed }).dataKey();
    const onDisk = readFileSync(path.join(dataDir, 'vault.key'));
    expect(onDisk.equals(key)).toBe(false);
    expect(Buffer.from(onDisk).reverse().equals(key)).toBe(true);
  });

  test('a damaged key file stops the vault instead of making a new key that would orphan the queue', async () => {
    const dataDir = folder();
    await createVault({ dataDir, protect: plainFile }).dataKey();
    const truncated: KeyProtection = { encrypt: (plain) => plain, decrypt: (sealed) => sealed.subarray(0, 16) };
    const error = await createVault({ dataDir, protect: truncated }).dataKey().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe('config.invalid');
  });

  test("refuses Linux's basic_text key store unless a technician accepted it", () => {
    expect(() => checkKeyCustody('basic_text', false)).toThrow(expect.objectContaining({ code: 'vault.weakKeyStore' }));
    expect(() => checkKeyCustody('basic_text', true)).not.toThrow();
    expect(() => checkKeyCustody('gnome_libsecret', false)).not.toThrow();
  });
});
