import { randomBytes } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { importDeviceKey, rewrapKey, seal, unseal, unsealAttachments } from '../../renderer/queue/crypto';

/** Node 20 has the same WebCrypto as Chromium, so the renderer's envelope runs here unchanged. */
const deviceKey = async () => ({ id: randomBytes(4).toString('hex'), key: await importDeviceKey(randomBytes(32).toString('base64')) });
const answers = { applicantName: 'Nguyễn Văn An', applicantNumber: '056090001234' };
const row = '6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10';
const page = (id: string, text: string) => ({ id, bytes: new Uint8Array(Buffer.from(`\xff\xd8 scan of ${text}`)) });

describe('dossier envelope encryption', () => {
  test('what is sealed opens again with the same device key and row', async () => {
    const key = await deviceKey();
    const { sealed } = await seal(answers, row, key);
    expect(await unseal(sealed, row, key.key)).toEqual(answers);
  });

  test('the sealed form holds no plaintext and a fresh key and IV every time', async () => {
    const key = await deviceKey();
    const [{ sealed: a }, { sealed: b }] = [await seal(answers, row, key), await seal(answers, row, key)];
    const bytes = Buffer.concat([a.wrappedKey, a.iv, a.ciphertext]).toString('latin1');
    expect(bytes).not.toContain('056090001234');
    expect(Buffer.from(a.iv).equals(Buffer.from(b.iv))).toBe(false);
    expect(Buffer.from(a.wrappedKey).equals(Buffer.from(b.wrappedKey))).toBe(false);
  });

  test('another device key, another row, or one flipped byte does not open', async () => {
    const key = await deviceKey();
    const { sealed } = await seal(answers, row, key);
    await expect(unseal(sealed, row, (await deviceKey()).key)).rejects.toThrow();
    await expect(unseal(sealed, '00000000-0000-4000-8000-000000000000', key.key)).rejects.toThrow();
    const tampered = { ...sealed, ciphertext: sealed.ciphertext.map((byte, i) => (i === 0 ? byte ^ 1 : byte)) };
    await expect(unseal(tampered, row, key.key)).rejects.toThrow();
  });

  test('attachments open with their dossier key, and only in their own dossier and slot', async () => {
    const key = await deviceKey();
    const [front, back] = [page('a6a0c4c4-1d0e-4a5e-9d55-2f7e6b1a0001', 'front'), page('a6a0c4c4-1d0e-4a5e-9d55-2f7e6b1a0002', 'back')];
    const { sealed, attachments } = await seal(answers, row, key, [front, back]);
    const [sealedFront, sealedBack] = attachments as [(typeof attachments)[0], (typeof attachments)[0]];
    const opened = await unsealAttachments(sealed.wrappedKey, [sealedBack, sealedFront], row, key.key);
    expect(opened.map((bytes) => Buffer.from(bytes))).toEqual([Buffer.from(back.bytes), Buffer.from(front.bytes)]);
    expect(Buffer.from(sealedFront.ciphertext).includes(Buffer.from('scan of'))).toBe(false);
    // The front's ciphertext under the back's id, or in another dossier, does not open.
    await expect(unsealAttachments(sealed.wrappedKey, [{ ...sealedFront, id: back.id }], row, key.key)).rejects.toThrow();
    await expect(unsealAttachments(sealed.wrappedKey, [sealedFront], '00000000-0000-4000-8000-000000000000', key.key)).rejects.toThrow();
    // Another dossier's key does not open it either: destroying the wrapped key destroys the pages.
    const other = await seal(answers, row, key);
    await expect(unsealAttachments(other.sealed.wrappedKey, [sealedFront], row, key.key)).rejects.toThrow();
  });

  test('re-wrapping moves a dossier key to a new device key: the new one opens it, the old one no longer needs to', async () => {
    const [old, next] = [await deviceKey(), await deviceKey()];
    const { sealed } = await seal(answers, row, old);
    expect(sealed.keyId).toBe(old.id);
    const wrappedKey = await rewrapKey(sealed.wrappedKey, old.key, next.key);
    expect(await unseal({ ...sealed, wrappedKey }, row, next.key)).toEqual(answers);
    await expect(unseal({ ...sealed, wrappedKey }, row, old.key)).rejects.toThrow();
    // The old wrapped key, wherever it lingers, opens only with the old device key.
    await expect(unseal(sealed, row, next.key)).rejects.toThrow();
  });

  test('the device key cannot be read back out of the page', async () => {
    const { key } = await deviceKey();
    expect(key.extractable).toBe(false);
    await expect(crypto.subtle.exportKey('raw', key)).rejects.toThrow();
  });
});
