import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KioskConfig, type KioskConfigInput } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { writeFileAtomic } from './atomicFile';
import { enrol } from './portal/http';
import { jwkThumbprint } from './provincial';
import { createDeviceKeyPair } from './portal/signing';
import type { PortalIdentity } from './portal/index';
import type { KeyProtection } from './vault';

/**
 * Loads the kiosk's config file. A kiosk that was never set up runs on the defaults (the bundled
 * reference portal, simulated devices) and shows the setup wizard, which writes the file
 * (electron/host/setup.ts); a file that exists but is broken stops the start with a clear error
 * instead of silently falling back.
 */
export async function loadConfig(file: string, overrides: KioskConfigInput = {}): Promise<KioskConfig> {
  let stored: unknown = {};
  try {
    stored = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new KioskError('config.invalid', { file }, { cause: error });
    }
  }
  if (typeof stored !== 'object' || stored === null || Array.isArray(stored)) {
    throw new KioskError('config.invalid', { file });
  }
  const parsed = KioskConfig.safeParse({ ...stored, ...overrides });
  if (!parsed.success) throw new KioskError('config.invalid', { file }, { cause: parsed.error });
  return parsed.data;
}

/** Where a kiosk's enrolment with its portal is kept, in its data folder. */
export const identityFile = (dataDir: string): string => path.join(dataDir, 'identity.json');

const Jwk = z.record(z.string(), z.unknown());

/** The enrolment as stored in the kiosk's data folder. */
const StoredIdentity = z.object({
  portalUrl: z.url(),
  kioskId: z.string().min(1),
  commune: z.object({ code: z.string(), name: z.string() }),
  privateKeyJwk: Jwk,
  portalPublicKeyJwk: Jwk,
});

/** A device key sent, or about to be sent, with this code to this portal, whose answer has not been kept yet. */
const PendingEnrolment = z.object({
  state: z.literal('pending'),
  portalUrl: z.url(),
  enrolmentCode: z.string().min(1),
  privateKeyJwk: Jwk,
});

const IdentityFile = z.union([StoredIdentity, PendingEnrolment]);
type IdentityFile = z.infer<typeof IdentityFile>;

interface IdentityOptions {
  file: string;
  config: KioskConfig;
  kiosk: { name: string; version: string };
  protect: KeyProtection;
}

/** The kiosk's identity at its portal, and the commune the portal enrolled it for (its enrolment code's). */
export type Enrolment = PortalIdentity & { commune: { code: string; name: string } };

const inFlight = new Map<string, Promise<Enrolment>>();

/**
 * The kiosk's enrolment with its portal: read from `file`, or made with the config's one-time
 * enrolment code. Without either, portal calls fail with portal.notEnrolled, which the sync engine
 * treats as "try later": dossiers wait, none is lost.
 *
 * Enrolment happens exactly once, like a dossier's submission. The device key is made once and
 * written to `file` as a pending enrolment before the request leaves; every retry sends that key
 * with the same code, and the portal answers a code already used by that key with the same
 * enrolment. A lost answer or a crash thus leaves a pending key to retry, never a used code with
 * a key no one kept. The identity then replaces the pending state in one atomic write.
 *
 * The file holds the device's signing key, so it is protected like the vault key: safeStorage under
 * Electron, a 0600 file in the web host.
 */
export function ensureIdentity(options: IdentityOptions): Promise<Enrolment> {
  // One call per file at a time: two first calls must not each make a key, nor one overwrite the other's identity.
  const next = (inFlight.get(options.file) ?? Promise.resolve()).catch(() => undefined).then(() => loadOrEnrol(options));
  inFlight.set(options.file, next);
  const forget = () => {
    if (inFlight.get(options.file) === next) inFlight.delete(options.file);
  };
  next.then(forget, forget);
  return next;
}

async function loadOrEnrol(options: IdentityOptions): Promise<Enrolment> {
  const stored = await readFile(options.file).then(
    (sealed) => IdentityFile.parse(JSON.parse(options.protect.decrypt(sealed).toString('utf8'))),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw new KioskError('config.invalid', { file: options.file }, { cause: error });
    },
  );
  const { enrolmentCode, url, timeoutMs } = options.config.portal;
  if (stored && 'kioskId' in stored && stored.portalUrl === url) {
    return {
      kioskId: stored.kioskId,
      privateKey: createPrivateKey({ key: stored.privateKeyJwk as JsonWebKey, format: 'jwk' }),
      portalPublicKey: createPublicKey({ key: stored.portalPublicKeyJwk as JsonWebKey, format: 'jwk' }),
      commune: stored.commune,
    };
  }
  if (!enrolmentCode) throw new KioskError('portal.notEnrolled');
  const save = (record: IdentityFile) => writeFileAtomic(options.file, options.protect.encrypt(Buffer.from(JSON.stringify(record))));
  // A pending key is bound to its portal and code: a new code (the old one refused) starts afresh.
  let pending = stored && 'state' in stored && stored.portalUrl === url && stored.enrolmentCode === enrolmentCode ? stored : null;
  if (!pending) {
    pending = { state: 'pending', portalUrl: url, enrolmentCode, privateKeyJwk: createDeviceKeyPair().privateKey.export({ format: 'jwk' }) };
    await save(pending);
  }
  const privateKey = createPrivateKey({ key: pending.privateKeyJwk as JsonWebKey, format: 'jwk' });
  const enrolled = await enrol({ baseUrl: url, timeoutMs, enrolmentCode, privateKey, kiosk: options.kiosk });
  // A portal other than the one the province's provisioning named is not enrolled with, whatever it answers.
  const { keyThumbprint } = options.config.portal;
  if (keyThumbprint !== undefined && jwkThumbprint(enrolled.identity.portalPublicKey) !== keyThumbprint) throw new KioskError('setup.portalKeyMismatch');
  await save({ portalUrl: url, kioskId: enrolled.identity.kioskId, commune: enrolled.commune, privateKeyJwk: pending.privateKeyJwk, portalPublicKeyJwk: enrolled.portalPublicKeyJwk });
  return { ...enrolled.identity, commune: enrolled.commune };
}
