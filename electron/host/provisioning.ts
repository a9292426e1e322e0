import { createPrivateKey, createPublicKey, type JsonWebKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KioskConfig, type KioskConfigInput } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { writeFileAtomic } from './atomicFile';
import { enrol } from './portal/http';
import type { PortalIdentity } from './portal/index';
import type { KeyProtection } from './vault';

/**
 * Loads the kiosk's config file. A kiosk that was never set up runs on the defaults (the bundled
 * reference portal, simulated devices); a file that exists but is broken stops the start with a
 * clear error instead of silently falling back. Enrolment and atomic save come with issue 8.
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

/** The enrolment as stored in the kiosk's data folder. */
const StoredIdentity = z.object({
  portalUrl: z.url(),
  kioskId: z.string().min(1),
  commune: z.object({ code: z.string(), name: z.string() }),
  privateKeyJwk: z.record(z.string(), z.unknown()),
  portalPublicKeyJwk: z.record(z.string(), z.unknown()),
});

/**
 * The kiosk's enrolment with its portal: read from `file`, or made with the config's one-time
 * enrolment code and written atomically. Without either, portal calls fail with portal.notEnrolled,
 * which the sync engine treats as "try later": dossiers wait, none is lost.
 *
 * The file holds the device's signing key, so it is protected like the vault key: safeStorage under
 * Electron, a 0600 file in the web host.
 */
export async function ensureIdentity(options: { file: string; config: KioskConfig; kiosk: { name: string; version: string }; protect: KeyProtection }): Promise<PortalIdentity> {
  const stored = await readFile(options.file).then(
    (sealed) => StoredIdentity.parse(JSON.parse(options.protect.decrypt(sealed).toString('utf8'))),
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw new KioskError('config.invalid', { file: options.file }, { cause: error });
    },
  );
  if (stored && stored.portalUrl === options.config.portal.url) {
    return {
      kioskId: stored.kioskId,
      privateKey: createPrivateKey({ key: stored.privateKeyJwk as JsonWebKey, format: 'jwk' }),
      portalPublicKey: createPublicKey({ key: stored.portalPublicKeyJwk as JsonWebKey, format: 'jwk' }),
    };
  }
  const { enrolmentCode, url, timeoutMs } = options.config.portal;
  if (!enrolmentCode) throw new KioskError('portal.notEnrolled');
  const enrolled = await enrol({ baseUrl: url, timeoutMs, enrolmentCode, kiosk: options.kiosk });
  const record = StoredIdentity.parse({ portalUrl: url, kioskId: enrolled.identity.kioskId, commune: enrolled.commune, privateKeyJwk: enrolled.privateKeyJwk, portalPublicKeyJwk: enrolled.portalPublicKeyJwk });
  await writeFileAtomic(options.file, options.protect.encrypt(Buffer.from(JSON.stringify(record))));
  return enrolled.identity;
}
