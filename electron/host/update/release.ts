import semver from 'semver';
import { z } from 'zod';
import { KioskError } from '../../../shared/errors';
import { verifyProvincial, type ProvinceKeys } from '../provincial';

/**
 * A release of the kiosk software as the province publishes it (docs/updates.md): one signed line
 * per release in a feed's `releases.txt`, beside the installers it names. The same feed is served
 * by the province's server and carried on a technician's USB stick; the kiosk trusts the lines its
 * pinned province keys signed, and each installer only by its SHA-512.
 */
export const RELEASE_FORMAT = 'DVCREL1';
/** The feed's index, on the server and on a stick (under `UPDATE_FOLDER`). */
export const RELEASES_FILE = 'releases.txt';
export const UPDATE_FOLDER = 'dvc-kiosk-update';

export const ReleaseFile = z.strictObject({
  platform: z.enum(['linux', 'win32']),
  arch: z.literal('x64'),
  /** A plain file name in the feed's folder: never a path. */
  name: z.string().regex(/^[\w][\w.-]{0,199}$/),
  size: z.number().int().positive(),
  /** Base64, as electron-updater's `latest.yml` carries it. */
  sha512: z.base64().length(88),
});
export type ReleaseFile = z.infer<typeof ReleaseFile>;

export const Release = z.strictObject({
  version: z.string().refine((version) => semver.valid(version) === version, 'not a semantic version'),
  releasedAt: z.iso.datetime(),
  /** What changed, for the technician, in both languages. */
  notes: z.strictObject({ vi: z.string().max(2000), en: z.string().max(2000) }).optional(),
  files: z.array(ReleaseFile).min(1),
});
export type Release = z.infer<typeof Release>;

/** The installer a release has for this machine, if any. */
export const fileFor = (release: Release, platform: NodeJS.Platform, arch: string): ReleaseFile | undefined =>
  release.files.find((file) => file.platform === platform && file.arch === arch);

/**
 * The releases of a feed's index, each line checked offline against the province's keys: a line no
 * pinned key signed is update.untrusted, a signed one that is no release update.invalid. Blank lines
 * are allowed, so a province can append to the file by hand.
 */
export function readReleases(text: string, keys: ProvinceKeys): Release[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const verified = verifyProvincial(RELEASE_FORMAT, line, keys);
      if (!verified.ok) throw new KioskError(verified.reason === 'untrusted' ? 'update.untrusted' : 'update.invalid');
      const release = Release.safeParse(verified.document);
      if (!release.success) throw new KioskError('update.invalid');
      return release.data;
    });
}
