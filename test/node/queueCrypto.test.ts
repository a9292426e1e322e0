import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { importDeviceKey, seal, unseal } from '../../renderer/queue/crypto';

/** Node 20 has the same WebCrypto as Chromium, so the renderer's envelope runs here unchanged. */
const deviceKey = () => importDeviceKey(randomBytes(32).toString('base64'));
const answers = { applicantName: 'Nguyễn Văn An', applicantNumber: '056090001234' };
const row = '6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10';

describe('dossier envelope encryption', () => {
  test('what is sealed opens again with the same device key and row', async () => {
    const key = await deviceKey();
    expect(await unseal(await seal(answers, row, key), row, key)).toEqual(answers);
  });

  test('the sealed form holds no plaintext and a fresh key and IV every time', async () => {
    const key = await deviceKey();
    const [a, b] = [await seal(answers, row, key), await seal(answers, row, key)];
    const bytes = Buffer.concat([a.wrappedKey, a.iv, a.ciphertext]).toString('latin1');
    expect(bytes).not.toContain('056090001234');
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.wrappedKey).equals(Buffer.from(b.wrappedKey))).toBe(false);
  });

  test('another device key, another row, or one flipped byte does not open', async () => {
    const key = await deviceKey();
    const sealed = await seal(answers, row, key);
    await expect(unseal(sealed, row, await deviceKey())).rejects.toThrow();
    await expect(unseal(sealed, '00000000-0000-4000-8000-000000000000', key)).rejects.toThrow();
    const tampered = { ...sealed, ciphertext: sealed.ciphertext.map((byte, i) => (i === 0 ? byte ^ 1 : byte)) };
    await expect(unseal(tampered, row, key)).rejects.toThrow();
  });

  test('the device key cannot be read back out of the page', async () => {
    const key = await deviceKey();
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });
});
