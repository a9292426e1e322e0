import { createHash } from 'node:crypto';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { hostMethods, parseLookupCode } from '../../shared/contract';
import { canonicalJson, type DossierPackage } from '../../shared/dossier/portalPackage';
import { createHttpPortal } from '../../electron/host/portal/http';
import { ensureIdentity } from '../../electron/host/provisioning';
import { plainFile } from '../../electron/host/vault';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { codeOf } from '../support/errors';
import { tempDir } from '../support/kiosk';
import { PortalTestClient } from '../support/portalClient';

// Canaries: personal data announced with the dossiers, which no lookup answer may carry.
const NAME = 'Trần Thị Canary';
const NUMBER = '056190099999';
const PHONE = '0987000111';
const ANSWER = 'giấy tờ đất canary';

const pkg = (uuid: string): DossierPackage => ({
  uuid,
  metadata: { MaTTHC: '1.004873', TenTTHC: 'Cấp Giấy xác nhận tình trạng hôn nhân', ChuHoSo: NAME, SoGiayToChuHoSo: NUMBER, SoDienThoai: PHONE, TrichYeuHoSo: ANSWER, KenhThucHien: 2 },
  attachments: [],
});
const hashOf = (p: DossierPackage) => createHash('sha256').update(canonicalJson(p)).digest('hex');

// Two dossiers whose short references are the same (ambiguous), one on its own, one only announced.
const TWIN_A = 'abcdef12-0000-4000-8000-000000000001';
const TWIN_B = 'abcdef12-0000-4000-8000-000000000002';
const SINGLE = '5a7e0c31-9d2b-4f6a-8e11-3c0d2b9a7f45';
const ANNOUNCED = '77aa01bb-1c2d-4e3f-9a0b-1c2d3e4f5a6b';

// The portal's clock stands still (so times are exact) near the real one the kiosks sign with.
let clock = Date.now();
const at = (ms: number) => new Date(ms).toISOString();
const data = tempDir('lookup');
let portal: Awaited<ReturnType<typeof startReferencePortal>>;
let maHoSo = '';

/** A kiosk's own signed client, enrolled with the shared portal under its own key. */
function kiosk(name: string) {
  const config = KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
  const identity = () => ensureIdentity({ file: path.join(data.dir, `${name}.json`), config, kiosk: { name, version: '0' }, protect: plainFile });
  return createHttpPortal({ baseUrl: portal.url, timeoutMs: 2000, identity, uploadUrlsFile: path.join(data.dir, `${name}-uploads.json`) });
}

let submitting: ReturnType<typeof kiosk>;
let other: ReturnType<typeof kiosk>;

beforeAll(async () => {
  portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, now: () => new Date(clock) });
  submitting = kiosk('submitting');
  other = kiosk('other');
  for (const uuid of [TWIN_A, TWIN_B, SINGLE, ANNOUNCED]) await submitting.announce(pkg(uuid), hashOf(pkg(uuid)));
  for (const uuid of [TWIN_A, TWIN_B]) await submitting.submit(uuid, hashOf(pkg(uuid)));
  ({ maHoSo } = await submitting.submit(SINGLE, hashOf(pkg(SINGLE))));
});
afterAll(async () => {
  await portal?.app.close();
  data.remove();
});

describe('GET /v1/dossiers/lookup', () => {
  test('another kiosk finds a dossier by its UUID, its short reference or its MaHoSo, typed in any case', async () => {
    const expected = { procedureCode: '1.004873', maHoSo, status: 1, statusAt: at(clock), receivedAt: at(clock) };
    for (const code of [SINGLE, SINGLE.toUpperCase(), '5A7E0C31', '5a7e0c31', maHoSo, ` ${maHoSo} `]) {
      expect(await other.lookup(code), code).toEqual(expected);
    }
    // The officer moves it on later: the lookup answers the latest status and when it changed.
    clock += 60_000;
    expect(portal.setDossierStatus(SINGLE, 4)).toBe(true);
    expect(await other.lookup('5A7E0C31')).toEqual({ ...expected, status: 4, statusAt: at(clock) });
  });

  test('the answer, signed for the asking kiosk, carries nothing personal', async () => {
    const client = new PortalTestClient(portal.url, () => clock);
    expect((await client.enrol(portal.createEnrolmentCode().code)).status).toBe(201);
    for (const code of [SINGLE, maHoSo]) {
      const answer = await client.send('GET', `/v1/dossiers/lookup?code=${encodeURIComponent(code)}`);
      expect(answer.status).toBe(200);
      expect(answer.verified).toBe(true);
      expect(Object.keys(answer.json as object).sort()).toEqual(['maHoSo', 'procedureCode', 'receivedAt', 'status', 'statusAt']);
      for (const canary of [NAME, NUMBER, PHONE, ANSWER, 'Canary', SINGLE]) expect(answer.body).not.toContain(canary);
    }
  });

  test('a code the portal has not received is portal.dossierUnknown (404), even one only announced', async () => {
    for (const code of ['00000000-0000-4000-8000-000000000000', 'DEADBEEF', '22651-20261123-9999999', ANNOUNCED, ANNOUNCED.slice(0, 8)]) {
      expect(await codeOf(other.lookup(code)), code).toBe('portal.dossierUnknown');
    }
  });

  test('a short reference two dossiers share is portal.dossierAmbiguous (409); their full codes still find each', async () => {
    expect(await codeOf(other.lookup('ABCDEF12'))).toBe('portal.dossierAmbiguous');
    expect((await other.lookup(TWIN_A)).maHoSo).not.toBe((await other.lookup(TWIN_B)).maHoSo);
  });

  test('unsigned requests, unknown keys and codes that are none of the three are refused', async () => {
    const unsigned = await fetch(`${portal.url}/v1/dossiers/lookup?code=${SINGLE}`);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.text()).not.toContain(maHoSo);
    const stranger = new PortalTestClient(portal.url, () => clock);
    stranger.kioskId = 'kiosk-not-enrolled';
    expect((await stranger.send('GET', `/v1/dossiers/lookup?code=${SINGLE}`)).status).toBe(401);

    const client = new PortalTestClient(portal.url, () => clock);
    await client.enrol(portal.createEnrolmentCode().code);
    for (const query of ['', '?code=', '?code=5A7E0C3', '?code=5A7E0C31Z', `?code=${SINGLE}x`, '?code=22651-2026112-0000001', "?code=' OR 1=1 --"]) {
      const answer = await client.send('GET', `/v1/dossiers/lookup${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json).toMatchObject({ error: 'portal.badRequest' });
    }
  });
});

describe('the portal.lookup contract', () => {
  test('takes a UUID, an 8-hex reference or a MaHoSo of the shapes the domain notes show, and nothing else', () => {
    const input = hostMethods['portal.lookup'].input;
    for (const code of [SINGLE, '5A7E0C31', '22651-20261123-0000001', 'G09.20-20260609-0092637', '000.00.00.TEST-20261122-0000001']) {
      expect(input.safeParse({ code }).success, code).toBe(true);
    }
    for (const code of ['', '5A7E0C3', 'NGUYEN VAN AN', '056090001234', 'DVC:' + SINGLE, '22651-20261123-000001']) {
      expect(input.safeParse({ code }).success, code).toBe(false);
    }
    expect(parseLookupCode(' g09.20-20260609-0092637 ')).toEqual({ kind: 'maHoSo', value: 'G09.20-20260609-0092637' });
  });
});
