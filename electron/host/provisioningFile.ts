import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KioskError } from '../../shared/errors';
import { signProvincial, verifyProvincial, type ProvinceKeys, type ProvinceSigner } from './provincial';
import { PROVISIONING_EXTENSION, PROVISIONING_FOLDER, PROVISIONING_FORMAT, ProvisioningSettings, type VerifiedProvisioning } from '../../shared/provisioning';

/** The province operator's side (the reference portal, a province's own tool): settings signed into one line. */
export const signProvisioning = (settings: ProvisioningSettings, signer: ProvinceSigner): string => signProvincial(PROVISIONING_FORMAT, ProvisioningSettings.parse(settings), signer);

/**
 * Checks a provisioning text offline: its form (setup.provisioningInvalid), a pinned key's
 * signature over it (setup.provisioningUntrusted) and its validity period (setup.provisioningExpired).
 */
export function verifyProvisioning(text: string, keys: ProvinceKeys, now = new Date()): VerifiedProvisioning {
  const verified = verifyProvincial(PROVISIONING_FORMAT, text, keys);
  if (!verified.ok) throw new KioskError(verified.reason === 'untrusted' ? 'setup.provisioningUntrusted' : 'setup.provisioningInvalid');
  const settings = ProvisioningSettings.safeParse(verified.document);
  if (!settings.success) throw new KioskError('setup.provisioningInvalid');
  if (now < new Date(settings.data.issuedAt) || now >= new Date(settings.data.expiresAt)) throw new KioskError('setup.provisioningExpired');
  return { settings: settings.data, keyId: verified.keyId, text: verified.text };
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
