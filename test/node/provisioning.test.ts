import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { ensureIdentity } from '../../electron/host/provisioning';
import type { KeyProtection } from '../../electron/host/vault';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { tempDir } from '../support/kiosk';

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
