import { createHash, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, test } from 'vitest';
import { startReferencePortal, type StartOptions } from '../../scripts/reference-portal/server';
import { SCHEMA_VERSION, vietnamDay } from '../../scripts/reference-portal/store';
import { PortalTestClient } from '../support/portalClient';
import { assetsDir, tempDir } from '../support/kiosk';
import { jwkThumbprint, loadProvinceKeys } from '../../electron/host/provincial';
import { verifyProvisioning } from '../../electron/host/provisioningFile';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function portalOn(dbFile: string, options: Partial<StartOptions> = {}) {
  const portal = await startReferencePortal({ dbFile, port: 0, ...options });
  let closed = false;
  const close = async () => {
    if (!closed) await portal.app.close();
    closed = true;
  };
  cleanups.push(close);
  return { ...portal, close };
}

async function freshPortal(options: Partial<StartOptions> = {}) {
  const data = tempDir('refportal');
  cleanups.push(data.remove);
  const dbFile = path.join(data.dir, 'portal.sqlite');
  return { ...(await portalOn(dbFile, options)), dbFile };
}

async function enrolledKiosk(portal: { url: string; createEnrolmentCode: (o?: object) => { code: string } }, clock?: () => number) {
  const client = new PortalTestClient(portal.url, clock);
  const answer = await client.enrol(portal.createEnrolmentCode().code);
  expect(answer.status).toBe(201);
  return client;
}

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

function announcement(packageSha256: string, attachments: Array<{ id: string; documentType: string; sha256: string; size: number }> = []) {
  return {
    packageSha256,
    metadata: {
      MaTTHC: '1.004873',
      TenTTHC: 'Thủ tục cấp Giấy xác nhận tình trạng hôn nhân',
      ChuHoSo: 'Trần Thị Thử',
      SoGiayToChuHoSo: '056190012345',
      KenhThucHien: 2,
      HinhThuc: 0,
      TrichYeuHoSo: 'Xin xác nhận tình trạng hôn nhân',
      catalogueVersion: '2026.1',
      answers: { purpose: 'đất đai' },
    },
    attachments,
  };
}

const b64 = (s: string) => Buffer.from(s).toString('base64');
const tusHeaders = { 'tus-resumable': '1.0.0' };

async function create(client: PortalTestClient, uuid: string, bytes: Uint8Array, sha = sha256(bytes), attachmentId = 'to-khai') {
  return client.send('POST', '/v1/uploads', {
    headers: { ...tusHeaders, 'upload-length': String(bytes.length), 'upload-metadata': `dossierUuid ${b64(uuid)},attachmentId ${b64(attachmentId)},sha256 ${b64(sha)}` },
  });
}

async function patch(client: PortalTestClient, location: string, offset: number, chunk: Uint8Array) {
  return client.send('PATCH', new URL(location).pathname, {
    body: chunk,
    headers: { ...tusHeaders, 'upload-offset': String(offset), 'content-type': 'application/offset+octet-stream' },
  });
}

describe('enrolment', () => {
  test('a fresh code enrols a kiosk: kioskId, commune, portal key and time, in a signed 201', async () => {
    const portal = await freshPortal();
    const client = new PortalTestClient(portal.url);
    const answer = await client.enrol(portal.createEnrolmentCode({ commune: { code: '22651', name: 'Xã Diên Khánh' } }).code);
    expect(answer.status).toBe(201);
    expect(answer.json).toMatchObject({ kioskId: expect.stringMatching(/^kiosk-/), commune: { code: '22651', name: 'Xã Diên Khánh' }, portalPublicKeyJwk: { kty: 'EC', crv: 'P-256' } });
    expect(answer.verified).toBe(true);
    expect((await client.send('POST', '/v1/heartbeat', { body: { queueDepth: 0, oldestUnsentAgeSeconds: null, freeBytes: 1e9, devices: [], clock: new Date().toISOString() } })).status).toBe(200);
  });

  test.each(['unknown', 'used', 'expired'] as const)('an %s code is refused with 403 portal.enrolmentRefused', async (kind) => {
    let clock = Date.parse('2026-11-22T02:00:00Z');
    const portal = await freshPortal({ now: () => new Date(clock) });
    const code = portal.createEnrolmentCode({ ttlSeconds: 600 }).code;
    if (kind === 'used') expect((await new PortalTestClient(portal.url, () => clock).enrol(code)).status).toBe(201);
    if (kind === 'expired') clock += 601_000;
    const client = new PortalTestClient(portal.url);
    const answer = await client.send('POST', '/v1/enrol', {
      kioskId: 'enrol',
      now: clock,
      body: { enrolmentCode: kind === 'unknown' ? 'NOSUCHCODE' : code, publicKeyJwk: client.keys.publicKeyJwk, kiosk: { name: 'k', version: '1' } },
    });
    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ error: 'portal.enrolmentRefused' });
  });

  test('a used code answers its own key again, the same enrolment forever, and refuses any other key', async () => {
    let clock = Date.parse('2026-11-22T02:00:00Z');
    const portal = await freshPortal({ now: () => new Date(clock) });
    const code = portal.createEnrolmentCode({ ttlSeconds: 600, commune: { code: '22651', name: 'Xã Diên Khánh' } }).code;
    const client = new PortalTestClient(portal.url, () => clock);
    const first = await client.enrol(code);
    expect(first.status).toBe(201);
    const enrolAgain = (who: PortalTestClient, nonce?: string) =>
      who.send('POST', '/v1/enrol', {
        kioskId: 'enrol',
        now: clock,
        ...(nonce === undefined ? {} : { nonce }),
        body: { enrolmentCode: code, publicKeyJwk: who.keys.publicKeyJwk, kiosk: { name: 'k', version: '1' } },
      });
    // The kiosk that lost the answer asks again in a new signed request, even after the code expired.
    clock += 3600_000;
    const again = await enrolAgain(client);
    expect([again.status, again.verified]).toEqual([200, true]);
    expect(again.json).toEqual({ ...(first.json as object), portalTime: new Date(clock).toISOString() });
    // Replaying that very request is still refused by its nonce.
    expect((await enrolAgain(client, again.nonce)).json).toEqual({ error: 'portal.signatureReplayed' });
    // Another key never gets the code, nor the kiosk it enrolled.
    const stranger = new PortalTestClient(portal.url, () => clock);
    const refused = await enrolAgain(stranger);
    expect([refused.status, refused.json]).toEqual([403, { error: 'portal.enrolmentRefused' }]);
    expect(portal.store.kioskCount()).toBe(1);
    expect(portal.store.enrolmentCodes()).toMatchObject([{ code, kioskId: client.kioskId }]);
  });

  test('enrolment signed by a key other than the one enrolled is refused (proof of possession)', async () => {
    const portal = await freshPortal();
    const client = new PortalTestClient(portal.url);
    const stranger = new PortalTestClient(portal.url);
    const answer = await client.send('POST', '/v1/enrol', {
      kioskId: 'enrol',
      privateKey: stranger.keys.privateKey,
      body: { enrolmentCode: portal.createEnrolmentCode().code, publicKeyJwk: client.keys.publicKeyJwk, kiosk: { name: 'k', version: '1' } },
    });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'portal.signatureInvalid' });
  });
});

describe('request signatures', () => {
  const changes = '/v1/dossiers/changes?cursor=0';

  test('an unknown keyid is 401 portal.signatureInvalid', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const answer = await client.send('GET', changes, { kioskId: 'kiosk-nobody' });
    expect([answer.status, answer.json]).toEqual([401, { error: 'portal.signatureInvalid' }]);
  });

  test("another kiosk's key under my keyid is 401 portal.signatureInvalid", async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const other = await enrolledKiosk(portal);
    const answer = await client.send('GET', changes, { privateKey: other.keys.privateKey });
    expect([answer.status, answer.json]).toEqual([401, { error: 'portal.signatureInvalid' }]);
  });

  test('no signature at all is 401 portal.signatureInvalid', async () => {
    const portal = await freshPortal();
    const response = await fetch(`${portal.url}${changes}`);
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: 'portal.signatureInvalid' });
  });

  test.each([
    ['more than 300 s old', -301_000, 401],
    ['more than 300 s ahead', 301_000, 401],
    ['within 300 s', -290_000, 200],
  ])('created %s → %i', async (_name, offset, status) => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const answer = await client.send('GET', changes, { now: Date.now() + offset });
    expect(answer.status).toBe(status);
    if (status === 401) expect(answer.json).toEqual({ error: 'portal.signatureStale' });
  });

  test('a replayed nonce is 401 portal.signatureReplayed, also after a restart', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const nonce = 'r'.repeat(22);
    expect((await client.send('GET', changes, { nonce })).status).toBe(200);
    const again = await client.send('GET', changes, { nonce });
    expect([again.status, again.json]).toEqual([401, { error: 'portal.signatureReplayed' }]);
    await portal.close();
    const restarted = await portalOn(portal.dbFile);
    const third = await new PortalTestClient(restarted.url).send('GET', changes, { nonce, kioskId: client.kioskId, privateKey: client.keys.privateKey });
    expect(third.json).toEqual({ error: 'portal.signatureReplayed' });
  });

  test('a body whose Content-Digest is wrong or missing is 400', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const uuid = randomUUID();
    const body = JSON.stringify(announcement(sha256('p')));
    const wrong = await client.send('PUT', `/v1/dossiers/${uuid}`, { body, headers: { 'content-digest': `sha-256=:${createHash('sha256').update('other').digest('base64')}:` } });
    expect([wrong.status, wrong.json]).toEqual([400, { error: 'portal.contentDigestInvalid' }]);
  });

  test("every answer is signed over the request's nonce and fails with another nonce", async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const answer = await client.send('GET', changes);
    expect(answer.verified).toBe(true);
    const { verifyResponse } = await import('../../electron/host/portal/signing');
    expect(verifyResponse({ status: answer.status, body: answer.body, headers: answer.headers }, { portalPublicKey: client.portalPublicKey!, requestNonce: 'x'.repeat(22) })).toBe(false);
    const refused = await client.send('GET', changes, { now: Date.now() - 3_600_000 });
    expect([refused.status, refused.verified]).toEqual([401, true]);
  });
});

describe('announce and submit', () => {
  test('announce is idempotent: 201, then 200 with the same body, then 409 for another hash', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const uuid = randomUUID();
    const first = await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('a')) });
    expect([first.status, first.json, first.verified]).toEqual([201, { uuid, state: 'announced' }, true]);
    const again = await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('a')) });
    expect([again.status, again.json]).toEqual([200, { uuid, state: 'announced' }]);
    const other = await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('b')) });
    expect([other.status, other.json]).toEqual([409, { error: 'portal.hashConflict' }]);
  });

  test('metadata without the national vocabulary is 400 portal.badRequest', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const answer = await client.send('PUT', `/v1/dossiers/${randomUUID()}`, { body: { packageSha256: sha256('a'), metadata: {}, attachments: [] } });
    expect(answer.status).toBe(400);
    expect(answer.json).toMatchObject({ error: 'portal.badRequest' });
  });

  test('submit before announce is 404 portal.notAnnounced', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const answer = await client.send('POST', `/v1/dossiers/${randomUUID()}/submit`, { body: { packageSha256: sha256('a') } });
    expect([answer.status, answer.json]).toEqual([404, { error: 'portal.notAnnounced' }]);
  });

  test('submit returns the same MaHoSo on every replay, also after a restart, and 409 for another hash', async () => {
    const clock = Date.parse('2026-11-22T20:30:00Z'); // 03:30 on the 23rd in Vietnam
    const portal = await freshPortal({ now: () => new Date(clock) });
    const client = await enrolledKiosk(portal, () => clock);
    const uuid = randomUUID();
    expect((await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('a')), now: clock })).status).toBe(201);
    const first = await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('a') }, now: clock });
    expect(first.status).toBe(201);
    expect(first.json).toEqual({ uuid, maHoSo: '22651-20261123-0000001', receivedAt: '2026-11-22T20:30:00.000Z' });
    const replay = await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('a') }, now: clock });
    expect([replay.status, replay.json]).toEqual([200, first.json]);
    const announceAfter = await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('a')), now: clock });
    expect([announceAfter.status, announceAfter.json]).toEqual([200, { uuid, state: 'submitted', maHoSo: '22651-20261123-0000001' }]);

    await portal.close();
    const restarted = await portalOn(portal.dbFile, { now: () => new Date(clock + 86_400_000 * 400) });
    const later = Object.assign(new PortalTestClient(restarted.url), { kioskId: client.kioskId, keys: client.keys, portalPublicKey: client.portalPublicKey });
    const years = await later.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('a') }, now: clock + 86_400_000 * 400 });
    expect([years.status, years.json, years.verified]).toEqual([200, first.json, true]);
    const conflict = await later.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('b') }, now: clock + 86_400_000 * 400 });
    expect([conflict.status, conflict.json]).toEqual([409, { error: 'portal.hashConflict' }]);
    const announceConflict = await later.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('b')), now: clock + 86_400_000 * 400 });
    expect(announceConflict.status).toBe(409);
  });

  test('MaHoSo sequences count per commune and Vietnamese day', () => {
    expect(vietnamDay(new Date('2026-11-22T16:59:59Z'))).toBe('20261122');
    expect(vietnamDay(new Date('2026-11-22T17:00:00Z'))).toBe('20261123');
  });

  test('submit with an announced attachment not uploaded is 422 portal.attachmentsMissing', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const uuid = randomUUID();
    const attachments = [
      { id: 'to-khai', documentType: 'TEST-TP-01', sha256: sha256('x'), size: 1 },
      { id: 'cccd', documentType: 'TEST-TP-02', sha256: sha256('y'), size: 1 },
    ];
    await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('a'), attachments) });
    const answer = await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('a') } });
    expect([answer.status, answer.json]).toEqual([422, { error: 'portal.attachmentsMissing', missing: ['cccd', 'to-khai'] }]);
  });

  test('property: any interleaving of repeated announce and submit calls yields one dossier and one MaHoSo per uuid', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }).chain((n) =>
          fc.tuple(fc.constant(n), fc.array(fc.record({ dossier: fc.nat(n - 1), call: fc.constantFrom('announce', 'submit') }), { minLength: 1, maxLength: 16 })),
        ),
        async ([n, calls]) => {
          const uuids = Array.from({ length: n }, () => randomUUID());
          const answers = await Promise.all(
            calls.map(({ dossier, call }) => {
              const uuid = uuids[dossier]!;
              return call === 'announce'
                ? client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256(uuid)) })
                : client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256(uuid) } });
            }),
          );
          // Then each one is made to finish, as a retrying kiosk would.
          for (const uuid of uuids) {
            await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256(uuid)) });
            answers.push(await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256(uuid) } }));
          }
          for (const [i, uuid] of uuids.entries()) {
            const codes = new Set(
              answers
                .filter((a) => (a.json as { uuid?: string } | undefined)?.uuid === uuid && (a.json as { maHoSo?: string }).maHoSo)
                .map((a) => (a.json as { maHoSo: string }).maHoSo),
            );
            expect(codes.size, `dossier ${i}`).toBe(1);
            const created = answers.filter((a) => a.status === 201 && (a.json as { maHoSo?: string; uuid?: string }).uuid === uuid && (a.json as { maHoSo?: string }).maHoSo);
            expect(created).toHaveLength(1);
            expect(portal.store.dossier(uuid)?.maHoSo).toBe([...codes][0]);
          }
          expect(answers.every((a) => a.verified)).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
    const all = portal.store.dossiers(10_000).map((d) => d.maHoSo);
    expect(new Set(all).size).toBe(all.length);
  });
});

describe('attachments over tus', () => {
  async function announcedWith(bytes: Uint8Array, declaredSha = sha256(bytes)) {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const uuid = randomUUID();
    await client.send('PUT', `/v1/dossiers/${uuid}`, {
      body: announcement(sha256('pkg'), [{ id: 'to-khai', documentType: 'TEST-TP-01', sha256: declaredSha, size: bytes.length }]),
    });
    return { portal, client, uuid };
  }

  test('an attachment goes up in 1 MiB chunks, resumes from HEAD, is sha-256 checked, and then submit succeeds', async () => {
    const bytes = new Uint8Array(2.5 * 1024 * 1024).map((_, i) => (i * 31) % 251);
    const { client, uuid } = await announcedWith(bytes);
    const created = await create(client, uuid, bytes);
    expect([created.status, created.verified]).toEqual([201, true]);
    const location = created.headers.get('location')!;
    const MiB = 1024 * 1024;
    expect((await patch(client, location, 0, bytes.subarray(0, MiB))).status).toBe(204);
    const head = await client.send('HEAD', new URL(location).pathname, { headers: tusHeaders });
    expect([head.status, head.headers.get('upload-offset'), head.verified]).toEqual([200, String(MiB), true]);
    expect((await patch(client, location, MiB, bytes.subarray(MiB, 2 * MiB))).status).toBe(204);
    const last = await patch(client, location, 2 * MiB, bytes.subarray(2 * MiB));
    expect([last.status, last.verified]).toEqual([204, true]);
    const submit = await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('pkg') } });
    expect(submit.status).toBe(201);
  });

  test('a chunk larger than 1 MiB is refused', async () => {
    const bytes = new Uint8Array(1024 * 1024 + 1);
    const { client, uuid } = await announcedWith(bytes);
    const created = await create(client, uuid, bytes);
    expect((await patch(client, created.headers.get('location')!, 0, bytes)).status).toBe(413);
  });

  test('a corrupted upload is refused with 422 portal.uploadHashMismatch and the attachment stays missing', async () => {
    const good = new Uint8Array(300_000).fill(7);
    const { client, uuid } = await announcedWith(good);
    const created = await create(client, uuid, good);
    const corrupted = good.slice();
    corrupted[123_456] = 8;
    const location = created.headers.get('location')!;
    expect((await patch(client, location, 0, corrupted.subarray(0, 200_000))).status).toBe(204);
    const last = await patch(client, location, 200_000, corrupted.subarray(200_000));
    expect([last.status, last.json]).toEqual([422, { error: 'portal.uploadHashMismatch', attachmentId: 'to-khai' }]);
    const submit = await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('pkg') } });
    expect([submit.status, submit.json]).toEqual([422, { error: 'portal.attachmentsMissing', missing: ['to-khai'] }]);
  });

  test('an upload for an attachment that was not announced, or with another hash, is refused at creation', async () => {
    const bytes = new Uint8Array(10).fill(1);
    const { client, uuid } = await announcedWith(bytes);
    expect((await create(client, randomUUID(), bytes)).json).toEqual({ error: 'portal.notAnnounced' });
    expect((await create(client, uuid, bytes, sha256('other'))).json).toEqual({ error: 'portal.hashConflict' });
  });

  test('a chunk whose Content-Digest does not match is 400 before tus sees it', async () => {
    const bytes = new Uint8Array(10).fill(1);
    const { client, uuid } = await announcedWith(bytes);
    const created = await create(client, uuid, bytes);
    const answer = await client.send('PATCH', new URL(created.headers.get('location')!).pathname, {
      body: bytes,
      headers: { ...tusHeaders, 'upload-offset': '0', 'content-type': 'application/offset+octet-stream', 'content-digest': `sha-256=:${createHash('sha256').update('x').digest('base64')}:` },
    });
    expect(answer.status).toBe(400);
  });
});

describe('revisions', () => {
  const page = (text: string) => new TextEncoder().encode(text);
  const declared = (id: string, bytes: Uint8Array) => ({ id, documentType: `TEST-${id}`, sha256: sha256(bytes), size: bytes.length });
  /** A repaired dossier's announcement: its revision, and a hash standing for the changed package. */
  const repair = (revision: number, packageSha256: string, attachments: Array<ReturnType<typeof declared>> = []) => ({ ...announcement(packageSha256, attachments), revision });
  /** Where tus keeps an upload's bytes (its record is the same name + `.json`). */
  const storedUpload = (portal: { dbFile: string }, location: string) => path.join(`${portal.dbFile}.uploads`, path.basename(new URL(location).pathname));

  async function uploadWhole(client: PortalTestClient, uuid: string, attachmentId: string, bytes: Uint8Array) {
    const created = await create(client, uuid, bytes, sha256(bytes), attachmentId);
    expect(created.status).toBe(201);
    const location = created.headers.get('location')!;
    expect((await patch(client, location, 0, bytes)).status).toBe(204);
    return location;
  }

  test('a higher revision before submit replaces the announcement: an unchanged attachment stays received, the others go with their files', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const uuid = randomUUID();
    const [form, blurred, rescan, annex] = [page('tờ khai'), page('cccd, mờ'), page('cccd, quét lại'), page('phụ lục')];
    await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('rev0'), [declared('to-khai', form), declared('cccd', blurred), declared('phu-luc', annex)]) });
    const kept = storedUpload(portal, await uploadWhole(client, uuid, 'to-khai', form));
    const dropped = [await uploadWhole(client, uuid, 'cccd', blurred), await uploadWhole(client, uuid, 'phu-luc', annex)].map((location) => storedUpload(portal, location));
    expect(dropped.every((file) => existsSync(file) && existsSync(`${file}.json`))).toBe(true);

    const repaired = repair(1, sha256('rev1'), [declared('to-khai', form), declared('cccd', rescan)]);
    repaired.metadata.ChuHoSo = 'Trần Thị Thu';
    const answer = await client.send('PUT', `/v1/dossiers/${uuid}`, { body: repaired });
    expect([answer.status, answer.json, answer.verified]).toEqual([200, { uuid, state: 'announced' }, true]);
    expect(portal.store.dossier(uuid)).toMatchObject({ packageSha256: sha256('rev1'), revision: 1, metadata: { ChuHoSo: 'Trần Thị Thu' } });
    expect(dropped.filter((file) => existsSync(file) || existsSync(`${file}.json`))).toEqual([]);
    expect(existsSync(kept)).toBe(true);
    expect((await create(client, uuid, annex, sha256(annex), 'phu-luc')).json).toEqual({ error: 'portal.attachmentUnknown' });

    const submit = (packageSha256: string) => client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256 } });
    expect((await submit(sha256('rev0'))).status).toBe(409);
    const missing = await submit(sha256('rev1'));
    expect([missing.status, missing.json]).toEqual([422, { error: 'portal.attachmentsMissing', missing: ['cccd'] }]);
    await uploadWhole(client, uuid, 'cccd', rescan);
    expect((await submit(sha256('rev1'))).status).toBe(201);
    expect(await (await fetch(`${portal.url}/admin`)).text()).toContain('(sửa lần 1)');
  });

  test('the same revision again is idempotent; another hash under it, an older revision, another kiosk, and any revision after submit conflict', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const other = await enrolledKiosk(portal);
    const uuid = randomUUID();
    const put = async (who: PortalTestClient, body: object) => {
      const answer = await who.send('PUT', `/v1/dossiers/${uuid}`, { body });
      return [answer.status, answer.json];
    };
    const announced = [200, { uuid, state: 'announced' }];
    const conflict = [409, { error: 'portal.hashConflict' }];
    expect(await put(client, announcement(sha256('rev0')))).toEqual([201, { uuid, state: 'announced' }]);
    expect(await put(other, repair(1, sha256('theirs')))).toEqual(conflict);
    expect(await put(client, repair(1, sha256('rev1')))).toEqual(announced);
    expect(await put(client, repair(1, sha256('rev1')))).toEqual(announced);
    expect(await put(client, repair(1, sha256('rev1, changed again')))).toEqual(conflict);
    // A copy from before the repair (no revision: 0) never rolls the dossier back.
    expect(await put(client, announcement(sha256('rev0')))).toEqual(conflict);
    expect((await put(client, repair(0, sha256('rev0'))))[0]).toBe(400);
    expect(portal.store.dossier(uuid)).toMatchObject({ packageSha256: sha256('rev1'), revision: 1 });

    const submitted = await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('rev1') } });
    const { maHoSo } = submitted.json as { maHoSo: string };
    expect(await put(client, repair(2, sha256('rev2')))).toEqual(conflict);
    expect(await put(client, repair(1, sha256('rev1')))).toEqual([200, { uuid, state: 'submitted', maHoSo }]);
    expect(portal.store.dossier(uuid)).toMatchObject({ packageSha256: sha256('rev1'), revision: 1 });
  });

  test('an upload in progress for an attachment the repair replaced is refused and its bytes deleted; the rescanned page goes up anew', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const uuid = randomUUID();
    const [blurred, rescan] = [new Uint8Array(200_000).fill(1), new Uint8Array(150_000).fill(2)];
    await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('rev0'), [declared('cccd', blurred)]) });
    const location = (await create(client, uuid, blurred, sha256(blurred), 'cccd')).headers.get('location')!;
    expect((await patch(client, location, 0, blurred.subarray(0, 100_000))).status).toBe(204);

    expect((await client.send('PUT', `/v1/dossiers/${uuid}`, { body: repair(1, sha256('rev1'), [declared('cccd', rescan)]) })).status).toBe(200);
    const refused = await patch(client, location, 100_000, blurred.subarray(100_000));
    expect([refused.status, refused.json, refused.verified]).toEqual([404, { error: 'portal.uploadUnknown' }, true]);
    expect((await client.send('HEAD', new URL(location).pathname, { headers: tusHeaders })).status).toBe(404);
    expect(existsSync(storedUpload(portal, location))).toBe(false);
    expect((await create(client, uuid, blurred, sha256(blurred), 'cccd')).json).toEqual({ error: 'portal.hashConflict' });
    await uploadWhole(client, uuid, 'cccd', rescan);
    expect((await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('rev1') } })).status).toBe(201);
  });

  test('a dossier stored before revisions existed is revision 0 and can be repaired', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const uuid = randomUUID();
    await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('rev0')) });
    await portal.close();
    const db = new Database(portal.dbFile);
    db.exec('ALTER TABLE dossiers DROP COLUMN revision');
    db.pragma(`user_version = ${SCHEMA_VERSION - 1}`);
    db.close();

    const restarted = await portalOn(portal.dbFile);
    expect(restarted.store.dossier(uuid)?.revision).toBe(0);
    const later = Object.assign(new PortalTestClient(restarted.url), { kioskId: client.kioskId, keys: client.keys, portalPublicKey: client.portalPublicKey });
    expect((await later.send('PUT', `/v1/dossiers/${uuid}`, { body: repair(1, sha256('rev1')) })).status).toBe(200);
  });
});

describe('status changes, admin and faults', () => {
  test('the changes feed shows an admin status change, only to the kiosk that sent the dossier', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const other = await enrolledKiosk(portal);
    const uuid = randomUUID();
    await client.send('PUT', `/v1/dossiers/${uuid}`, { body: announcement(sha256('a')) });
    const maHoSo = ((await client.send('POST', `/v1/dossiers/${uuid}/submit`, { body: { packageSha256: sha256('a') } })).json as { maHoSo: string }).maHoSo;
    const first = (await client.send('GET', '/v1/dossiers/changes?cursor=0')).json as { changes: unknown[]; cursor: number };
    expect(first.changes).toEqual([{ uuid, maHoSo, status: 1, at: expect.any(String) }]);

    const form = await fetch(`${portal.url}/admin/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ uuid, status: '5' }).toString(),
    });
    expect(form.status).toBe(200);
    const next = (await client.send('GET', `/v1/dossiers/changes?cursor=${first.cursor}`)).json as { changes: unknown[]; cursor: number };
    expect(next.changes).toEqual([{ uuid, maHoSo, status: 5, at: expect.any(String) }]);
    expect(next.cursor).toBeGreaterThan(first.cursor);
    expect(((await other.send('GET', '/v1/dossiers/changes?cursor=0')).json as { changes: unknown[] }).changes).toEqual([]);
    const page = await (await fetch(`${portal.url}/admin`)).text();
    expect(page).toContain(maHoSo);
    expect(page).toContain('Yêu cầu bổ sung giấy tờ');
  });

  test("the admin page makes a kiosk's provisioning, signed with the province's demo key, as text and QR", async () => {
    const portal = await freshPortal();
    const page = await (
      await fetch(`${portal.url}/admin/provisioning`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ communeCode: '22657', name: 'Điểm hỗ trợ Diên Điền', ttlDays: '3' }).toString(),
      })
    ).text();
    const text = page.match(/<textarea[^>]*>([^<]+)<\/textarea>/)![1]!;
    const { settings } = verifyProvisioning(text, await loadProvinceKeys(assetsDir, { includeDemo: true }));
    expect(settings).toMatchObject({ portalUrl: portal.url, communeCode: '22657', name: 'Điểm hỗ trợ Diên Điền', portalKeyThumbprint: jwkThumbprint(portal.portalPublicKey) });
    expect(Date.parse(settings.expiresAt) - Date.parse(settings.issuedAt)).toBe(3 * 86_400_000);
    expect(page).toMatch(/<svg [^>]*aria-label="Mã QR cài đặt"/);
  });

  test('admin form posts from another origin are refused', async () => {
    const portal = await freshPortal();
    const response = await fetch(`${portal.url}/admin/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://evil.example' },
      body: 'down=1',
    });
    expect(response.status).toBe(403);
    expect(portal.faults().down).toBe(false);
  });

  test('down answers 503 to everything but /admin; the admin form turns it on and off', async () => {
    const portal = await freshPortal();
    portal.setFaults({ down: true });
    expect((await fetch(`${portal.url}/v1/health`)).status).toBe(503);
    expect((await fetch(`${portal.url}/admin`)).status).toBe(200);
    await fetch(`${portal.url}/admin/faults`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'latencyMs=0&errorRatePercent=0' });
    expect(portal.faults()).toEqual({ latencyMs: 0, errorRatePercent: 0, down: false });
    expect((await fetch(`${portal.url}/v1/health`)).status).toBe(200);
  });

  test('latency delays answers and the error rate answers 503', async () => {
    const portal = await freshPortal({ random: () => 0.5 });
    portal.setFaults({ latencyMs: 300 });
    const started = performance.now();
    expect((await fetch(`${portal.url}/v1/health`)).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    portal.setFaults({ latencyMs: 0, errorRatePercent: 51 });
    expect((await fetch(`${portal.url}/v1/health`)).status).toBe(503);
    portal.setFaults({ errorRatePercent: 49 });
    expect((await fetch(`${portal.url}/v1/health`)).status).toBe(200);
  });

  test('ratings are accepted and a resent batch is stored once', async () => {
    const portal = await freshPortal();
    const client = await enrolledKiosk(portal);
    const body = { ratings: [{ score: 5, at: '2026-11-22T09:00:00Z' }, { uuid: randomUUID(), score: 3, at: '2026-11-22T09:05:00Z' }] };
    expect((await client.send('POST', '/v1/ratings', { body })).json).toEqual({ accepted: 2 });
    expect((await client.send('POST', '/v1/ratings', { body })).json).toEqual({ accepted: 2 });
    expect(portal.store.ratingCount()).toBe(2);
  });
});
