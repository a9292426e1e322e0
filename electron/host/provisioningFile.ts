import { createHash, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { KioskError } from '../../shared/errors';
import { PROVISIONING_EXTENSION, PROVISIONING_FOLDER, PROVISIONING_FORMAT, ProvisioningSettings, type VerifiedProvisioning } from '../../shared/provisioning';

const TrustFile = z.object({
  keys: z.array(z.object({ kid: z.string().regex(/^[\w-]{1,64}$/), jwk: z.record(z.string(), z.unknown()), demo: z.boolean().default(false) })),
});

/** The province keys this build trusts, by key id. */
export type ProvinceKeys = ReadonlyMap<string, KeyObject>;

/**
 * The province keys pinned in the build (`<assets>/trust/province-keys.json`). Keys marked `demo`
 * (the reference portal's, whose private half is in this repository) are left out unless asked
 * for: a packaged kiosk must never trust them.
 */
export async function loadProvinceKeys(assetsDir: string, { includeDemo }: { includeDemo: boolean }): Promise<ProvinceKeys> {
  const { keys } = TrustFile.parse(JSON.parse(await readFile(path.join(assetsDir, 'trust', 'province-keys.json'), 'utf8')));
  return new Map(keys.filter((key) => includeDemo || !key.demo).map((key) => [key.kid, createPublicKey({ key: key.jwk as JsonWebKey, format: 'jwk' })]));
}

/** RFC 7638: SHA-256 of the key's required members in lexical order, base64url. */
export function jwkThumbprint(key: KeyObject): string {
  const { crv, kty, x, y } = key.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

/** The province operator's side (the reference portal, a province's own tool): settings signed into one line. */
export function signProvisioning(settings: ProvisioningSettings, signer: { keyId: string; privateKey: KeyObject }): string {
  const head = `${PROVISIONING_FORMAT}.${signer.keyId}.${Buffer.from(JSON.stringify(ProvisioningSettings.parse(settings))).toString('base64url')}`;
  return `${head}.${sign('sha256', Buffer.from(head), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/**
 * Checks a provisioning text offline: its form (setup.provisioningInvalid), a pinned key's
 * signature over it (setup.provisioningUntrusted) and its validity period (setup.provisioningExpired).
 */
export function verifyProvisioning(text: string, keys: ProvinceKeys, now = new Date()): VerifiedProvisioning {
  const line = text.trim();
  const [format, keyId, payload, signature, ...rest] = line.split('.');
  if (format !== PROVISIONING_FORMAT || !keyId || !payload || !signature || rest.length > 0) throw new KioskError('setup.provisioningInvalid');
  const key = keys.get(keyId);
  const head = `${format}.${keyId}.${payload}`;
  if (!key || !verify('sha256', Buffer.from(head), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) {
    throw new KioskError('setup.provisioningUntrusted');
  }
  let settings: ProvisioningSettings;
  try {
    settings = ProvisioningSettings.parse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
  } catch {
    throw new KioskError('setup.provisioningInvalid');
  }
  if (now < new Date(settings.issuedAt) || now >= new Date(settings.expiresAt)) throw new KioskError('setup.provisioningExpired');
  return { settings, keyId, text: line };
}

/**
 * The provisioning file on a technician's USB stick (`DVC-Kiosk/cai-dat/*.dvcsetup`): the newest
 * one that verifies. setup.noProvisioningFile when there is none; when every one fails, why the
 * newest failed.
 */
export async function provisioningFromDrives(drives: readonly string[], keys: ProvinceKeys, now = new Date()): Promise<VerifiedProvisioning> {
  const files: Array<{ file: string; modified: number }> = [];
  for (const drive of drives) {
    const folder = path.join(drive, 'DVC-Kiosk', PROVISIONING_FOLDER);
    const names = await readdir(folder).catch(() => []);
    for (const name of names.filter((candidate) => candidate.endsWith(PROVISIONING_EXTENSION))) {
      const file = path.join(folder, name);
      files.push({ file, modified: (await stat(file)).mtimeMs });
    }
  }
  if (files.length === 0) throw new KioskError('setup.noProvisioningFile');
  let newestFailure: unknown;
  for (const { file } of files.sort((a, b) => b.modified - a.modified)) {
    try {
      return verifyProvisioning(await readFile(file, 'utf8'), keys, now);
    } catch (error) {
      newestFailure ??= error;
    }
  }
  throw newestFailure;
}
