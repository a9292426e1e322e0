import { parseArgs } from 'node:util';
import { demoProvinceSigner, provinceSignerFrom } from './reference-portal/provinceKey';
import { addRelease, type ReleaseArtifact } from './updateFeed';

/**
 * `npm run release-feed -- --feed DIR --version 0.2.0 --linux release/DVC-Kiosk.AppImage
 *   [--win "release/DVC Kiosk Setup 0.2.0.exe"] [--key province-key.json] [--notes-vi … --notes-en …]`
 * Adds a release to a feed folder (docs/updates.md): the folder the province's server serves, or
 * `dvc-kiosk-update/` on a technician's USB stick. `--key` is the province's signing key
 * (`{ kid, privateKeyJwk }`); without it the reference portal's DEMO key signs, which only
 * development kiosks trust.
 */
const { values } = parseArgs({
  options: {
    feed: { type: 'string' },
    version: { type: 'string' },
    linux: { type: 'string' },
    win: { type: 'string' },
    key: { type: 'string' },
    'notes-vi': { type: 'string' },
    'notes-en': { type: 'string' },
  },
});
const artifacts: ReleaseArtifact[] = [
  ...(values.linux ? [{ file: values.linux, platform: 'linux' as const }] : []),
  ...(values.win ? [{ file: values.win, platform: 'win32' as const }] : []),
];
if (!values.feed || !values.version || artifacts.length === 0) {
  console.error('usage: npm run release-feed -- --feed DIR --version X.Y.Z --linux FILE.AppImage [--win FILE.exe] [--key KEY.json] [--notes-vi TEXT --notes-en TEXT]');
  process.exit(2);
}
if (!values.key) console.warn('signing with the reference portal\'s DEMO key: only development kiosks trust it');
const notes = values['notes-vi'] && values['notes-en'] ? { vi: values['notes-vi'], en: values['notes-en'] } : undefined;
const release = await addRelease(values.feed, { version: values.version, notes, artifacts }, values.key ? provinceSignerFrom(values.key) : demoProvinceSigner());
console.log(`added ${release.version} to ${values.feed}: ${release.files.map((file) => `${file.name} (${file.platform})`).join(', ')}`);
