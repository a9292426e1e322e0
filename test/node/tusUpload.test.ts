import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import type { Attachment } from '../../shared/dossier/dossier';
import { canonicalJson, type DossierPackage } from '../../shared/dossier/portalPackage';
import { KioskConfig } from '../../shared/config';
import { createHttpPortal } from '../../electron/host/portal/http';
import { CHUNK_BYTES, createTusUploader, createUploadUrls } from '../../electron/host/portal/tus';
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

/** Headers of the tus requests around the chunks (signatures, metadata): generous, far below a chunk. */
const REQUEST_OVERHEAD_BYTES = 8 * 1024;

const scan = (bytes: Buffer, documentType = 'BAN_CHINH'): Attachment => ({
  id: randomUUID(),
  documentType,
  mediaType: 'image/jpeg',
  sha256: createHash('sha256').update(bytes).digest('hex'),
  size: bytes.length,
});

/** A kiosk's host side (enrolment, signed client, tus uploader) against a real reference portal behind the fault proxy. */
async function kioskWithPortal() {
  const data = tempDir('tus');
  const uploadDir = path.join(data.dir, 'uploads');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir });
  const link = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(portal.url).port) } });
  cleanups.push(data.remove, () => portal.app.close(), () => link.close());
  const config = KioskConfig.parse({ portal: { url: link.url, enrolmentCode: portal.createEnrolmentCode().code } });
  const identityFile = path.join(data.dir, 'identity.json');
  const identity = () => ensureIdentity({ file: identityFile, config, kiosk: { name: 'test', version: '0' }, protect: plainFile });
  const uploadUrlsFile = path.join(data.dir, 'upload-urls.json');
  const client = createHttpPortal({ baseUrl: link.url, timeoutMs: 5000, identity, uploadUrlsFile });
  /** A fresh uploader over the same files, as after a restart; no retries of its own, so a cut fails at once. */
  const restartedUploader = () => createTusUploader({ baseUrl: link.url, timeoutMs: 5000, identity, urls: createUploadUrls(uploadUrlsFile), retryDelaysMs: [] });
  async function announce(attachments: Attachment[]) {
    const pkg: DossierPackage = {
      uuid: randomUUID(),
      metadata: { MaTTHC: '2.000815', TenTTHC: 'Chứng thực bản sao từ bản chính', ChuHoSo: 'Nguyễn Văn An', SoGiayToChuHoSo: '056090001234', KenhThucHien: 2 },
      attachments: attachments.map(({ id, documentType, sha256, size }) => ({ id, documentType, sha256, size })),
    };
    const packageSha256 = createHash('sha256').update(canonicalJson(pkg)).digest('hex');
    await client.announce(pkg, packageSha256);
    return { uuid: pkg.uuid, packageSha256 };
  }
  /** The attachment files the portal holds (tus keeps a `.json` info file beside each). */
  const received = () => readdirSync(uploadDir).filter((name) => !name.endsWith('.json')).map((name) => readFileSync(path.join(uploadDir, name)));
  return { portal, link, client, identity, announce, received, uploadUrlsFile, restartedUploader };
}


test('attachments go up in signed chunks, the portal checks their sha-256, and the dossier then submits', async () => {
  const kiosk = await kioskWithPortal();
  const [big, small] = [randomBytes(2.5 * CHUNK_BYTES), randomBytes(40_000)];
  const [bigScan, smallScan] = [scan(big), scan(small, 'TO_KHAI')];
  const { uuid, packageSha256 } = await kiosk.announce([bigScan, smallScan]);

  // Submitting before the pages are there is refused: the portal counts only verified bytes.
  expect(await codeOf(kiosk.client.submit(uuid, packageSha256))).toBe('portal.attachmentsMissing');
  await kiosk.client.upload(uuid, bigScan, big);
  await kiosk.client.upload(uuid, smallScan, small);
  // Again, as after a crash before the kiosk recorded it: confirmed by HEAD, not sent again.
  const before = kiosk.link.stats().bytesUp;
  await kiosk.client.upload(uuid, bigScan, big);
  expect(kiosk.link.stats().bytesUp - before).toBeLessThan(REQUEST_OVERHEAD_BYTES);

  expect(kiosk.received().map((bytes) => bytes.length).sort((a, b) => a - b)).toEqual([small.length, big.length]);
  expect(kiosk.received().some((bytes) => bytes.equals(big))).toBe(true);
  expect(await kiosk.client.submit(uuid, packageSha256)).toMatchObject({ maHoSo: expect.any(String) });
  // Submitted: nothing left to resume.
  expect(JSON.parse(readFileSync(kiosk.uploadUrlsFile, 'utf8'))).toEqual({});
});

test('a connection reset in the middle of a chunk costs at most that chunk', async () => {
  const kiosk = await kioskWithPortal();
  const bytes = randomBytes(3 * CHUNK_BYTES + 1234);
  const attachment = scan(bytes);
  const { uuid } = await kiosk.announce([attachment]);
  const before = kiosk.link.stats();
  // Every connection is reset after 1.5 MiB up: each chunk after the first on a connection is cut.
  kiosk.link.setFaults({ resetAfter: { bytes: 1.5 * CHUNK_BYTES, direction: 'up' } });
  await kiosk.client.upload(uuid, attachment, bytes);
  const after = kiosk.link.stats();
  const resets = after.resetsInjected - before.resetsInjected;
  const resent = after.bytesUp - before.bytesUp - bytes.length;
  expect(resets).toBeGreaterThanOrEqual(1);
  expect(resent).toBeLessThanOrEqual(resets * (CHUNK_BYTES + REQUEST_OVERHEAD_BYTES));
  expect(kiosk.received().some((received) => received.equals(bytes))).toBe(true);
});

test('after a restart the upload resumes where the portal stopped, with HEAD, from the URL kept on disk', async () => {
  const kiosk = await kioskWithPortal();
  const bytes = randomBytes(3 * CHUNK_BYTES);
  const attachment = scan(bytes);
  const { uuid, packageSha256 } = await kiosk.announce([attachment]);

  // The first run dies with the link after the first chunk got through.
  kiosk.link.setFaults({ limitData: { bytes: 1.5 * CHUNK_BYTES, direction: 'up' } });
  expect(await codeOf(kiosk.restartedUploader().upload(uuid, attachment, bytes))).toBe('portal.unreachable');
  const kept = JSON.parse(readFileSync(kiosk.uploadUrlsFile, 'utf8')) as Record<string, { uploadUrl: string }>;
  expect(kept[`${uuid}/${attachment.id}`]?.uploadUrl).toMatch(/\/v1\/uploads\/[0-9a-f]{32}$/);

  kiosk.link.setFaults({});
  const before = kiosk.link.stats().bytesUp;
  await kiosk.restartedUploader().upload(uuid, attachment, bytes);
  // Only what the portal did not have went up again: two chunks, not three.
  expect(kiosk.link.stats().bytesUp - before).toBeLessThanOrEqual(2 * CHUNK_BYTES + REQUEST_OVERHEAD_BYTES);
  expect(await kiosk.client.submit(uuid, packageSha256)).toMatchObject({ maHoSo: expect.any(String) });
});

test("a middlebox's perfectly shaped tus answer to a chunk never counts as progress", async () => {
  const kiosk = await kioskWithPortal();
  const bytes = randomBytes(CHUNK_BYTES / 2);
  const attachment = scan(bytes);
  const { uuid, packageSha256 } = await kiosk.announce([attachment]);
  // The real portal creates the upload; then something on the path answers every PATCH itself with
  // "204, all of it arrived", as a broken proxy or a captive portal that learnt tus might.
  const middlebox = createServer((request, reply) => {
    if (request.method === 'PATCH') return reply.writeHead(204, { 'tus-resumable': '1.0.0', 'upload-offset': String(bytes.length) }).end();
    const upstream = httpRequest(new URL(request.url ?? '/', kiosk.link.url), { method: request.method, headers: request.headers }, (answer) => {
      reply.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(reply);
    });
    request.pipe(upstream);
  });
  await new Promise<void>((resolve) => middlebox.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => middlebox.close(resolve)));
  const viaMiddlebox = `http://127.0.0.1:${(middlebox.address() as AddressInfo).port}`;
  const uploader = createTusUploader({ baseUrl: viaMiddlebox, timeoutMs: 5000, identity: kiosk.identity, urls: createUploadUrls(kiosk.uploadUrlsFile), retryDelaysMs: [] });
  expect(await codeOf(uploader.upload(uuid, attachment, bytes))).toBe('portal.badResponse');
  expect(await codeOf(kiosk.client.submit(uuid, packageSha256))).toBe('portal.attachmentsMissing');
});

test('once the link is clear, the socket a captive portal held is not reused: the upload reaches the portal', async () => {
  const kiosk = await kioskWithPortal();
  const bytes = randomBytes(CHUNK_BYTES / 4);
  const attachment = scan(bytes);
  const { uuid, packageSha256 } = await kiosk.announce([attachment]);
  const uploader = kiosk.restartedUploader();
  kiosk.link.setFaults({ down: true });
  kiosk.link.setFaults({ captivePortal: true });
  expect(await codeOf(uploader.upload(uuid, attachment, bytes))).toBe('portal.badResponse');
  // The login page's socket is still open (Node's 5 s keep-alive) when the kiosk tries again at once.
  kiosk.link.setFaults({});
  await uploader.upload(uuid, attachment, bytes);
  expect(kiosk.received()).toEqual([bytes]);
  expect(await kiosk.client.submit(uuid, packageSha256)).toMatchObject({ maHoSo: expect.any(String) });
});

test('what the portal refuses is reported with its own code, and bytes that are not the announced ones never leave', async () => {
  const kiosk = await kioskWithPortal();
  const bytes = randomBytes(10_000);
  const announced = scan(bytes);
  const { uuid } = await kiosk.announce([announced]);
  // Not in the announcement: a dossier problem the portal names.
  const strangerBytes = randomBytes(10_000);
  expect(await codeOf(kiosk.client.upload(uuid, scan(strangerBytes), strangerBytes))).toBe('portal.attachmentUnknown');
  // Bytes that do not hash to the declared sha-256 are refused by the kiosk itself.
  const before = kiosk.link.stats().bytesUp;
  expect(await codeOf(kiosk.client.upload(uuid, announced, randomBytes(10_000)))).toBe('host.badInput');
  expect(kiosk.link.stats().bytesUp).toBe(before);
});
