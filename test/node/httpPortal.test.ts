import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { canonicalJson, type DossierPackage } from '../../shared/dossier/portalPackage';
import { createHttpPortal } from '../../electron/host/portal/http';
import { ensureIdentity } from '../../electron/host/provisioning';
import { plainFile } from '../../electron/host/vault';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { startFaultProxy } from '../support/faultProxy';
import { tempDir } from '../support/kiosk';
import { codeOf } from '../support/errors';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const pkg = (uuid: string, phone = '0912345678'): DossierPackage => ({
  uuid,
  metadata: { MaTTHC: '2.000815', TenTTHC: 'Chứng thực bản sao từ bản chính', ChuHoSo: 'Nguyễn Văn An', SoGiayToChuHoSo: '056090001234', KenhThucHien: 2, SoDienThoai: phone },
  attachments: [],
});
const hashOf = (p: DossierPackage) => createHash('sha256').update(canonicalJson(p)).digest('hex');

/** The kiosk's own HTTP client, enrolled with a real reference portal, optionally behind a fault proxy. */
async function kioskClient(options: { link?: boolean } = {}) {
  const data = tempDir('http-portal');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  cleanups.push(data.remove, () => portal.app.close());
  const link = options.link ? await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(portal.url).port) } }) : null;
  if (link) cleanups.push(() => link.close());
  const config = KioskConfig.parse({ portal: { url: link?.url ?? portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
  const file = path.join(data.dir, 'identity.json');
  const identity = () => ensureIdentity({ file, config, kiosk: { name: 'test', version: '0' }, protect: plainFile });
  return { portal, link, client: createHttpPortal({ baseUrl: config.portal.url, timeoutMs: 2000, identity, uploadUrlsFile: path.join(data.dir, 'upload-urls.json') }) };
}

describe("the kiosk's signed portal client", () => {
  test('announce and submit are idempotent: the same code on every replay', async () => {
    const { client, portal } = await kioskClient();
    const p = pkg('6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10');
    expect(await client.announce(p, hashOf(p))).toEqual({ state: 'announced' });
    expect(await client.announce(p, hashOf(p))).toEqual({ state: 'announced' });
    const receipt = await client.submit(p.uuid, hashOf(p));
    expect(await client.submit(p.uuid, hashOf(p))).toEqual(receipt);
    expect(await client.announce(p, hashOf(p))).toEqual({ state: 'submitted' });
    expect(portal.store.dossiers()).toHaveLength(1);
  });

  test('the same UUID with other content is the portal refusing it: portal.hashConflict, for the helper', async () => {
    const { client } = await kioskClient();
    const p = pkg('6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a11');
    await client.announce(p, hashOf(p));
    const changed = pkg(p.uuid, '0987654321');
    expect(await codeOf(client.announce(changed, hashOf(changed)))).toBe('portal.hashConflict');
  });

  test('a declared hash that is not the package hash never leaves the host', async () => {
    const { client, portal } = await kioskClient();
    const p = pkg('6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a12');
    expect(await codeOf(client.announce(p, 'f'.repeat(64)))).toBe('host.badInput');
    expect(portal.store.dossiers()).toEqual([]);
  });

  test("a captive portal's 200 and a dead link are never taken as the portal's answer", async () => {
    const { client, link, portal } = await kioskClient({ link: true });
    const p = pkg('6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a13');
    await client.announce(p, hashOf(p)); // enrols and announces through the healthy link
    // Cut the kept-alive connection; then every new one meets a middlebox answering 200 — first a
    // Wi-Fi login page, then a body shaped exactly like a receipt. Only the portal's signature over
    // this request's nonce tells them from the portal.
    link!.setFaults({ down: true });
    link!.setFaults({ captivePortal: true });
    expect(await codeOf(client.submit(p.uuid, hashOf(p)))).toBe('portal.badResponse');
    link!.setFaults({ captivePortal: { html: JSON.stringify({ uuid: p.uuid, maHoSo: '22651-20261123-9999999', receivedAt: '2026-11-23T10:00:00Z' }) } });
    expect(await codeOf(client.submit(p.uuid, hashOf(p)))).toBe('portal.badResponse');
    link!.setFaults({ down: true });
    expect(await codeOf(client.submit(p.uuid, hashOf(p)))).toBe('portal.unreachable');
    expect(portal.store.dossier(p.uuid)?.maHoSo ?? null).toBeNull();
  });

  test("once the link is clear, the socket a captive portal held is not reused: the next call reaches the portal", async () => {
    const { client, link } = await kioskClient({ link: true });
    const p = pkg('2b0e4f8a-7c51-4d2e-8f3a-5a9c1e6d7b40');
    await client.announce(p, hashOf(p));
    link!.setFaults({ down: true });
    link!.setFaults({ captivePortal: true });
    expect(await codeOf(client.submit(p.uuid, hashOf(p)))).toBe('portal.badResponse');
    // The login page's socket stays open (Node's 5 s keep-alive) when the link clears; the kiosk
    // calls again at once, as it does while citizens save dossiers.
    link!.setFaults({});
    expect(await client.submit(p.uuid, hashOf(p))).toMatchObject({ maHoSo: expect.any(String) });
    expect(link!.stats().captiveResponses).toBe(1);
  });
});
