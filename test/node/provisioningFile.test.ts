import { createPrivateKey, generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto';
import { mkdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { jwkThumbprint, loadProvinceKeys } from '../../electron/host/provincial';
import { provisioningFromDrives, signProvisioning, verifyProvisioning } from '../../electron/host/provisioningFile';
import { demoProvinceSigner } from '../../scripts/reference-portal/provinceKey';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import type { ProvisioningSettings } from '../../shared/provisioning';
import { assetsDir, root, tempDir } from '../support/kiosk';
import { codeOf } from '../support/errors';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const NOW = new Date('2026-11-24T08:00:00Z');
const settings = (patch: Partial<ProvisioningSettings> = {}): ProvisioningSettings => ({
  portalUrl: 'https://dichvucong.khanhhoa.gov.vn',
  portalKeyThumbprint: 'A'.repeat(43),
  communeCode: '22651',
  name: 'Điểm hỗ trợ DVC Diên Khánh',
  issuedAt: '2026-11-24T00:00:00Z',
  expiresAt: '2026-12-01T00:00:00Z',
  ...patch,
});
const trusted = () => loadProvinceKeys(assetsDir, { includeDemo: true });
const check = (text: string, now = NOW) => trusted().then((keys) => verifyProvisioning(text, keys, now));

describe('a provisioning signed by the province', () => {
  test("the reference portal's provisioning verifies against the build's pinned key and names that portal's key", async () => {
    const data = tempDir('provisioning');
    const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
    cleanups.push(data.remove, () => portal.app.close());
    const text = portal.createProvisioning({ portalUrl: portal.url, communeCode: '22657', paper: '58mm' });
    const verified = await check(text, new Date());
    expect(verified.keyId).toBe('reference-province-demo-1');
    expect(verified.settings).toMatchObject({ portalUrl: portal.url, communeCode: '22657', paper: '58mm', portalKeyThumbprint: jwkThumbprint(portal.portalPublicKey) });
    // One short line: it fits a QR the kiosk's scanner reads.
    expect(text.length).toBeLessThan(700);
    expect(text).toMatch(/^DVCSETUP1\.[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  test('a packaged kiosk trusts no demo key', async () => {
    const text = signProvisioning(settings(), demoProvinceSigner());
    const keys = await loadProvinceKeys(assetsDir, { includeDemo: false });
    expect(() => verifyProvisioning(text, keys, NOW)).toThrow(expect.objectContaining({ code: 'setup.provisioningUntrusted' }));
  });

  test('changed settings, another key under the same id, or a cut signature are untrusted', async () => {
    const text = signProvisioning(settings(), demoProvinceSigner());
    const [format, kid, payload, signature] = text.split('.') as [string, string, string, string];
    const changed = Buffer.from(JSON.stringify({ ...settings(), communeCode: '22657' })).toString('base64url');
    const impostor = { keyId: kid, privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
    for (const forged of [`${format}.${kid}.${changed}.${signature}`, signProvisioning(settings(), impostor), `${format}.${kid}.${payload}.${signature.slice(0, -4)}`, `${format}.other.${payload}.${signature}`]) {
      expect(await codeOf(check(forged))).toBe('setup.provisioningUntrusted');
    }
  });

  test.each([
    ['after it expires', new Date('2026-12-01T00:00:00Z')],
    ['before it is issued', new Date('2026-11-23T23:59:59Z')],
  ])('is refused %s', async (_, now) => {
    expect(await codeOf(check(signProvisioning(settings(), demoProvinceSigner()), now))).toBe('setup.provisioningExpired');
  });

  test.each([['a CCCD QR', '079123456789|225123456|NGUYỄN VĂN AN|15031990|Nam|Thôn 2|20042021'], ['another format', 'DVCSETUP2.a.b.c'], ['empty', ''], ['a dot too many', 'DVCSETUP1.a.b.c.d']])(
    '%s is no provisioning',
    async (_, text) => {
      expect(await codeOf(check(text))).toBe('setup.provisioningInvalid');
    },
  );

  test('signed by the province but not settings the kiosk knows: no provisioning', async () => {
    const { kid, privateKeyJwk } = JSON.parse(readFileSync(path.join(root, 'scripts/reference-portal/demo-province-key.json'), 'utf8')) as { kid: string; privateKeyJwk: JsonWebKey };
    const head = `DVCSETUP1.${kid}.${Buffer.from(JSON.stringify({ ...settings(), communeCode: 'Diên Khánh' })).toString('base64url')}`;
    const signature = sign('sha256', Buffer.from(head), { key: createPrivateKey({ key: privateKeyJwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }).toString('base64url');
    expect(await codeOf(check(`${head}.${signature}`))).toBe('setup.provisioningInvalid');
  });
});

describe('a provisioning file on a USB stick', () => {
  test('the newest that verifies is taken; none at all is told as such', async () => {
    const usb = tempDir('usb');
    cleanups.push(usb.remove);
    expect(await codeOf(trusted().then((keys) => provisioningFromDrives([usb.dir], keys, NOW)))).toBe('setup.noProvisioningFile');
    const folder = path.join(usb.dir, 'DVC-Kiosk', 'cai-dat');
    mkdirSync(folder, { recursive: true });
    const put = (name: string, text: string, ageSeconds: number) => {
      writeFileSync(path.join(folder, name), text);
      const at = (Date.now() - ageSeconds * 1000) / 1000;
      utimesSync(path.join(folder, name), at, at);
    };
    put('cu.dvcsetup', signProvisioning(settings({ name: 'Cũ' }), demoProvinceSigner()), 300);
    put('moi.dvcsetup', signProvisioning(settings({ name: 'Mới' }), demoProvinceSigner()), 100);
    put('hong.dvcsetup', 'DVCSETUP1.hỏng', 10);
    put('ghi-chu.txt', 'not a provisioning file', 0);
    const found = await trusted().then((keys) => provisioningFromDrives([usb.dir], keys, NOW));
    expect(found.settings.name).toBe('Mới');
  });
});
