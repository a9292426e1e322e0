import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { KioskError } from '../../shared/errors';
import { afterEach, describe, expect, test } from 'vitest';
import { createHttpPortal } from '../../electron/host/portal/http';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { SCHEMA_VERSION } from '../../scripts/reference-portal/store';
import { tempDir } from '../support/kiosk';

/** Health is unsigned: it needs no enrolment, and sends no attachment. */
const notEnrolled = () => Promise.reject(new KioskError('portal.notEnrolled'));
const unusedUploadUrls = path.join(tmpdir(), 'dvc-health-test-upload-urls.json');

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function referencePortal() {
  const data = tempDir('portal');
  const dbFile = path.join(data.dir, 'portal.sqlite');
  const portal = await startReferencePortal({ dbFile, port: 0 });
  cleanups.push(data.remove, () => portal.app.close());
  return { ...portal, dbFile };
}

/** A real server on loopback that answers the way broken networks do. */
async function fakeNetwork(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('reference portal', () => {
  test('answers /v1/health from its SQLite store', async () => {
    const { url } = await referencePortal();
    const body = await (await fetch(`${url}/v1/health`)).json();
    expect(body).toMatchObject({ status: 'ok', service: 'dvc-reference-portal', protocol: 'v1', dossiers: 0 });
  });

  test('creates its schema once and keeps the permanent unique key on dossier UUIDs', async () => {
    const { app, dbFile } = await referencePortal();
    await app.close();
    const again = await startReferencePortal({ dbFile, port: 0 });
    await again.app.close();
    const db = new Database(dbFile);
    cleanups.push(() => db.close());
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    const insert = db.prepare("INSERT INTO dossiers (uuid, package_sha256, received_at) VALUES (?, 'h', 't')");
    insert.run('6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10');
    expect(() => insert.run('6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10')).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});

describe('portal.health as the kiosk sees it', () => {
  test('the reference portal is reachable, with its protocol and a latency', async () => {
    const { url } = await referencePortal();
    const health = await createHttpPortal({ baseUrl: url, timeoutMs: 2000, identity: notEnrolled, uploadUrlsFile: unusedUploadUrls }).health();
    expect(health).toMatchObject({ url, reachable: true, protocol: 'v1', errorCode: null });
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });

  test('nothing listening is portal.unreachable', async () => {
    const url = await fakeNetwork(() => undefined);
    const port = new URL(url).port;
    await cleanups.pop()?.();
    const health = await createHttpPortal({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 2000, identity: notEnrolled, uploadUrlsFile: unusedUploadUrls }).health();
    expect(health).toMatchObject({ reachable: false, errorCode: 'portal.unreachable', latencyMs: null });
  });

  test('a captive portal answering 200 with a login page is not the portal', async () => {
    const url = await fakeNetwork((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<html><body>Đăng nhập Wi-Fi</body></html>');
    });
    expect(await createHttpPortal({ baseUrl: url, timeoutMs: 2000, identity: notEnrolled, uploadUrlsFile: unusedUploadUrls }).health()).toMatchObject({ reachable: false, errorCode: 'portal.badResponse' });
  });

  test('JSON that is not the protocol is not the portal either', async () => {
    const url = await fakeNetwork((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end('{"status":"ok"}');
    });
    expect(await createHttpPortal({ baseUrl: url, timeoutMs: 2000, identity: notEnrolled, uploadUrlsFile: unusedUploadUrls }).health()).toMatchObject({ reachable: false, errorCode: 'portal.badResponse' });
  });

  test('a portal that does not answer in time is portal.timeout', async () => {
    const url = await fakeNetwork(() => undefined);
    expect(await createHttpPortal({ baseUrl: url, timeoutMs: 200, identity: notEnrolled, uploadUrlsFile: unusedUploadUrls }).health()).toMatchObject({ reachable: false, errorCode: 'portal.timeout' });
  });
});
