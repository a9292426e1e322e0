import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
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
    const first = (await createVault({ dataDir, protect: plainFile }).keys()).current;
    const again = await createVault({ dataDir, protect: plainFile }).keys();
    expect(first.key).toHaveLength(32);
    expect(again.current.key.equals(first.key)).toBe(true);
    expect(again).toMatchObject({ current: { id: first.id }, previous: null });
    // The id names the key without giving it away.
    expect(first.id).toMatch(/^[0-9a-f]{16}$/);
    expect(first.key.toString('hex')).not.toContain(first.id);
    expect(statSync(path.join(dataDir, 'vault.key')).mode & 0o777).toBe(0o600);
  });

  test('stores the key only in its protected form', async () => {
    const dataDir = folder();
    const { key } = (await createVault({ dataDir, protect: reversed }).keys()).current;
    const onDisk = readFileSync(path.join(dataDir, 'vault.key'));
    expect(onDisk.equals(key)).toBe(false);
    expect(Buffer.from(onDisk).reverse().equals(key)).toBe(true);
  });

  test('a damaged key file stops the vault instead of making a new key that would orphan the queue', async () => {
    const dataDir = folder();
    await createVault({ dataDir, protect: plainFile }).keys();
    const truncated: KeyProtection = { encrypt: (plain) => plain, decrypt: (sealed) => sealed.subarray(0, 16) };
    const error = await createVault({ dataDir, protect: truncated }).keys().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe('config.invalid');
  });

  test('rotation keeps the old key beside the new one until it is retired, then destroys it', async () => {
    const dataDir = folder();
    const vault = createVault({ dataDir, protect: reversed });
    const first = (await vault.keys()).current;
    await vault.rotate();
    const during = await vault.keys();
    expect(during.current.id).not.toBe(first.id);
    expect(during.previous).toMatchObject({ id: first.id });
    expect(during.previous!.key.equals(first.key)).toBe(true);
    // A second rotation while one is under way changes nothing; a restart sees the same state.
    await vault.rotate();
    expect(await createVault({ dataDir, protect: reversed }).keys()).toMatchObject({ current: { id: during.current.id }, previous: { id: first.id } });
    // Retiring another id does nothing; retiring the previous one destroys it for good.
    await vault.retire(during.current.id);
    expect((await vault.keys()).previous).not.toBeNull();
    await vault.retire(first.id);
    expect(await createVault({ dataDir, protect: reversed }).keys()).toMatchObject({ current: { id: during.current.id }, previous: null });
    expect(readdirSync(dataDir).filter((name) => name.includes('vault'))).toEqual(['vault.key']);
    for (const name of readdirSync(dataDir)) expect(readFileSync(path.join(dataDir, name)).includes(Buffer.from(first.key).reverse())).toBe(false);
  });

  test('a rotation cut off after the old key was set aside finishes as a rotation to the same key', async () => {
    const dataDir = folder();
    const vault = createVault({ dataDir, protect: plainFile });
    const first = (await vault.keys()).current;
    // The first of rotate's two writes happened, then the power went.
    writeFileSync(path.join(dataDir, 'vault.previous.key'), first.key);
    const after = await createVault({ dataDir, protect: plainFile }).keys();
    expect(after).toMatchObject({ current: { id: first.id }, previous: { id: first.id } });
    await createVault({ dataDir, protect: plainFile }).retire(first.id);
    expect((await createVault({ dataDir, protect: plainFile }).keys()).current.key.equals(first.key)).toBe(true);
  });

  test("refuses Linux's basic_text key store unless a technician accepted it", () => {
    expect(() => checkKeyCustody('basic_text', false)).toThrow(expect.objectContaining({ code: 'vault.weakKeyStore' }));
    expect(() => checkKeyCustody('basic_text', true)).not.toThrow();
    expect(() => checkKeyCustody('gnome_libsecret', false)).not.toThrow();
  });
});
