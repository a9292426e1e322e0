import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { ensureIdentity } from '../../electron/host/provisioning';
import { plainFile, type KeyProtection } from '../../electron/host/vault';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { startFaultProxy } from '../support/faultProxy';
import { startKiosk, tempDir } from '../support/kiosk';
import { codeOf } from '../support/errors';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Stands in for safeStorage (the Electron binary is not here): reversible, and visibly not plaintext. */
const reversed: KeyProtection = { encrypt: (plain) => Buffer.from(plain).reverse(), decrypt: (sealed) => Buffer.from(sealed).reverse() };
const kiosk = { name: 'Ki-ốt thử', version: '0.0.0-test' };

async function setUp() {
  const data = tempDir('provisioning');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  cleanups.push(data.remove, () => portal.app.close());
  return { portal, file: path.join(data.dir, 'identity.json') };
}


/** The public half (x, y) of the device key in an identity file, whatever state it is in. */
function publicKeyIn(file: string, protect: KeyProtection) {
  const { privateKeyJwk } = JSON.parse(protect.decrypt(readFileSync(file)).toString('utf8')) as { privateKeyJwk: JsonWebKey };
  const { x, y } = createPublicKey(createPrivateKey({ key: privateKeyJwk, format: 'jwk' })).export({ format: 'jwk' });
  return { x, y };
}

/** The public key (x, y) the portal recorded for a kiosk. */
function recordedKey(portal: { store: { kiosk(id: string): { publicKeyJwk: string } | undefined } }, kioskId: string) {
  const { x, y } = JSON.parse(portal.store.kiosk(kioskId)?.publicKeyJwk ?? '{}') as { x?: string; y?: string };
  return { x, y };
}

describe('enrolment', () => {
  test('enrols once with a one-time code, keeps the key only in protected form, and reuses it after a restart', async () => {
    const { portal, file } = await setUp();
    const config = KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
    const first = await ensureIdentity({ file, config, kiosk, protect: reversed });
    expect(() => JSON.parse(readFileSync(file, 'utf8'))).toThrow();
    expect(reversed.decrypt(readFileSync(file)).toString()).toContain(first.kioskId);
    // The code is used up: a second enrolment would be refused, so this one must come from the file.
    const again = await ensureIdentity({ file, config, kiosk, protect: reversed });
    expect(again.kioskId).toBe(first.kioskId);
  });

  test('without an enrolment or a code, portal calls wait as portal.notEnrolled', async () => {
    const { portal, file } = await setUp();
    const error = await ensureIdentity({ file, config: KioskConfig.parse({ portal: { url: portal.url } }), kiosk, protect: reversed }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe('portal.notEnrolled');
  });

  test('a used code is refused by the portal with its own code', async () => {
    const { portal, file } = await setUp();
    const code = portal.createEnrolmentCode().code;
    await ensureIdentity({ file, config: KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: code } }), kiosk, protect: reversed });
    const other = path.join(path.dirname(file), 'other.json');
    const error = await ensureIdentity({ file: other, config: KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: code } }), kiosk, protect: reversed }).catch((e: unknown) => e);
    expect((error as KioskError).code).toBe('portal.enrolmentRefused');
  });
});

describe('exactly-once enrolment', () => {
  test('an enrolment whose answer was lost is finished by the retry on the healed link, with the kioskId the portal recorded', async () => {
    const kiosk = await startKiosk({}, { link: true });
    cleanups.push(() => kiosk.close());
    const link = kiosk.link!;
    const changes = () => codeOf(kiosk.webHost.host.handlers['portal.changes']({ cursor: 0 }));
    // The request reaches the portal, which uses the code; its answer is cut after 200 bytes.
    link.setFaults({ limitData: { bytes: 200, direction: 'down' } });
    expect(await changes()).toBe('portal.unreachable');
    const [used] = kiosk.portal.store.enrolmentCodes();
    expect(used?.usedAt).not.toBeNull();
    link.setFaults({});
    expect(await changes()).toBe('resolved');
    expect(await changes()).toBe('resolved');
    const identity = JSON.parse(readFileSync(path.join(kiosk.dataDir, 'identity.json'), 'utf8')) as { kioskId: string };
    expect(identity.kioskId).toBe(used?.kioskId);
    expect(recordedKey(kiosk.portal, identity.kioskId)).toEqual(publicKeyIn(path.join(kiosk.dataDir, 'identity.json'), plainFile));
    expect(kiosk.portal.store.kioskCount()).toBe(1);
  });

  test('a kiosk stopped after its key was kept but before the request reached the portal enrols with that key', async () => {
    const { portal, file } = await setUp();
    const link = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(portal.url).port) }, faults: { down: true } });
    cleanups.push(() => link.close());
    const config = KioskConfig.parse({ portal: { url: link.url, enrolmentCode: portal.createEnrolmentCode().code } });
    expect(await codeOf(ensureIdentity({ file, config, kiosk, protect: reversed }))).toBe('portal.unreachable');
    const pending = publicKeyIn(file, reversed);
    expect(portal.store.enrolmentCodes()[0]?.usedAt).toBeNull();
    link.setFaults({});
    // A fresh call, as after a restart: nothing but the file carries the key over.
    const identity = await ensureIdentity({ file, config, kiosk, protect: reversed });
    expect(recordedKey(portal, identity.kioskId)).toEqual(pending);
    expect(publicKeyIn(file, reversed)).toEqual(pending);
    expect(portal.store.kioskCount()).toBe(1);
  });

  test('first calls at the same moment make one key and one enrolment', async () => {
    const { portal, file } = await setUp();
    const config = KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
    const identities = await Promise.all([1, 2, 3].map(() => ensureIdentity({ file, config, kiosk, protect: reversed })));
    expect(new Set(identities.map((identity) => identity.kioskId)).size).toBe(1);
    expect(portal.store.kioskCount()).toBe(1);
  });

  test('a new code after a refused one enrols with a new key', async () => {
    const { portal, file } = await setUp();
    const used = portal.createEnrolmentCode().code;
    await ensureIdentity({ file: path.join(path.dirname(file), 'first.json'), config: KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: used } }), kiosk, protect: reversed });
    expect(await codeOf(ensureIdentity({ file, config: KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: used } }), kiosk, protect: reversed }))).toBe('portal.enrolmentRefused');
    const refusedKey = publicKeyIn(file, reversed);
    const identity = await ensureIdentity({ file, config: KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } }), kiosk, protect: reversed });
    expect(recordedKey(portal, identity.kioskId)).not.toEqual(refusedKey);
    expect(portal.store.kioskCount()).toBe(2);
  });
});
