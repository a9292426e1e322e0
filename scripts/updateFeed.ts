import { createHash } from 'node:crypto';
import { appendFile, copyFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { signProvincial, type ProvinceSigner } from '../electron/host/provincial';
import { Release, RELEASE_FORMAT, RELEASES_FILE, type ReleaseFile } from '../electron/host/update/release';

export interface ReleaseArtifact {
  /** An installer `npm run dist` made (release/…). */
  file: string;
  platform: ReleaseFile['platform'];
}

/**
 * The province's side of updates (docs/updates.md): copies a release's installers into a feed
 * folder and appends its signed line to the feed's `releases.txt`. The folder is what the
 * province's server serves, and what a technician copies to a USB stick as `dvc-kiosk-update/`.
 */
export async function addRelease(
  feedDir: string,
  release: { version: string; notes?: Release['notes']; artifacts: ReleaseArtifact[]; releasedAt?: Date },
  signer: ProvinceSigner,
): Promise<Release> {
  await mkdir(feedDir, { recursive: true });
  const files: ReleaseFile[] = [];
  for (const { file, platform } of release.artifacts) {
    const bytes = await readFile(file);
    const name = path.basename(file);
    await copyFile(file, path.join(feedDir, name));
    files.push({ platform, arch: 'x64', name, size: bytes.byteLength, sha512: createHash('sha512').update(bytes).digest('base64') });
  }
  const document = Release.parse({ version: release.version, releasedAt: (release.releasedAt ?? new Date()).toISOString(), notes: release.notes, files });
  await appendFile(path.join(feedDir, RELEASES_FILE), `${signProvincial(RELEASE_FORMAT, document, signer)}\n`);
  return document;
}
