import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { assembleCatalogue, CATALOGUE_FORMAT, CatalogueDocument, compareCatalogueVersions, type Catalogue } from '../../shared/dossier/procedures';
import { KioskError } from '../../shared/errors';
import { pathExists, writeFileAtomic } from './atomicFile';
import { verifyProvincial, type ProvinceKeys } from './provincial';
import type { KeyProtection } from './vault';

/**
 * The procedure catalogue bundled in `<assetsDir>/procedures`, checked as the renderer checks its
 * copy (renderer/catalogue.ts): both come from the same build, so they agree on every procedure.
 */
export async function loadCatalogue(assetsDir: string): Promise<Catalogue> {
  const { index, files } = await readBundled(assetsDir);
  return assembleCatalogue(index, files);
}

/** The bundled catalogue's files as they are: its index and one file per procedure. */
async function readBundled(assetsDir: string): Promise<{ index: unknown; files: unknown[] }> {
  const folder = path.join(assetsDir, 'procedures');
  const read = async (file: string): Promise<unknown> => JSON.parse(await readFile(path.join(folder, file), 'utf8'));
  const files = (await readdir(folder)).filter((file) => file.endsWith('.json') && file !== 'index.json');
  return { index: await read('index.json'), files: await Promise.all(files.map(read)) };
}

/**
 * A catalogue the province signed: catalogue.untrusted unless a pinned key signed it,
 * catalogue.invalid when it is not a catalogue the kiosk can run (every form must compile).
 */
export function verifyCatalogue(text: string, keys: ProvinceKeys): Catalogue {
  const verified = verifyProvincial(CATALOGUE_FORMAT, text, keys);
  if (!verified.ok) throw new KioskError(verified.reason === 'untrusted' ? 'catalogue.untrusted' : 'catalogue.invalid');
  let catalogue: Catalogue;
  try {
    const { index, files } = CatalogueDocument.parse(verified.document);
    catalogue = assembleCatalogue(index, files);
  } catch (error) {
    throw new KioskError('catalogue.invalid', {}, { cause: error });
  }
  // The version names its file in the data folder: numbers and dots only.
  if (!/^\d{1,6}(\.\d{1,6}){0,3}$/.test(catalogue.version)) throw new KioskError('catalogue.invalid', { version: catalogue.version });
  return catalogue;
}

export interface Catalogues {
  /** The newest catalogue the kiosk holds: the bundled one, or a newer one the province sent. */
  current(): Promise<Catalogue>;
  /** A catalogue the kiosk holds, by version: a dossier keeps the one it was started with. catalogue.unknownVersion otherwise. */
  byVersion(version: string): Promise<Catalogue>;
  /**
   * Takes a catalogue the province signed: kept (as its signed text, in `catalogues/`) when newer
   * than the current one, so every later start runs on it. Answers the current version after.
   */
  take(text: string): Promise<{ version: string; updated: boolean }>;
}

/**
 * The kiosk's catalogues (issues 8, 9): the bundled one, every newer one the province has sent,
 * and the ones earlier builds bundled. None is ever dropped, since a dossier saved under an older
 * version is packaged under it until the portal has it, even after a software update that bundles
 * another. Each kept file is checked again when read, as the data folder is no trust anchor: the
 * province's by its signature, a build's by the key protection that also guards the vault key.
 */
export function createCatalogues({ assetsDir, dataDir, provinceKeys, protect }: { assetsDir: string; dataDir: string; provinceKeys: () => Promise<ProvinceKeys>; protect: KeyProtection }): Catalogues {
  const folder = path.join(dataDir, 'catalogues');
  let held: Promise<Map<string, Catalogue>> | undefined;
  const all = () =>
    (held ??= (async () => {
      const bundledFiles = await readBundled(assetsDir);
      const bundled = assembleCatalogue(bundledFiles.index, bundledFiles.files);
      const catalogues = new Map([[bundled.version, bundled]]);
      const keep = path.join(folder, `${bundled.version}${BUNDLED_EXTENSION}`);
      if (!(await pathExists(keep))) {
        // At worst a later build cannot package a dossier of this version: no reason to stop this one.
        await mkdir(folder, { recursive: true })
          .then(() => writeFileAtomic(keep, protect.encrypt(Buffer.from(JSON.stringify(bundledFiles)))))
          .catch(() => undefined);
      }
      const keys = await provinceKeys();
      for (const name of await readdir(folder).catch(() => [])) {
        // A file that no longer verifies (a key the build stopped trusting, another machine's protection) is not run.
        const catalogue = await readFile(path.join(folder, name))
          .then((bytes) => (name.endsWith(BUNDLED_EXTENSION) ? unsealBundled(bytes, protect) : verifyCatalogue(bytes.toString('utf8'), keys)))
          .catch(() => null);
        if (catalogue && !catalogues.has(catalogue.version)) catalogues.set(catalogue.version, catalogue);
      }
      return catalogues;
    })().catch((error: unknown) => {
      held = undefined;
      throw error;
    }));
  const newest = (catalogues: Map<string, Catalogue>) => [...catalogues.values()].reduce((a, b) => (compareCatalogueVersions(a.version, b.version) >= 0 ? a : b));

  return {
    current: async () => newest(await all()),
    async byVersion(version) {
      const catalogue = (await all()).get(version);
      if (!catalogue) throw new KioskError('catalogue.unknownVersion', { version });
      return catalogue;
    },
    async take(text) {
      const catalogue = verifyCatalogue(text, await provinceKeys());
      const catalogues = await all();
      const current = newest(catalogues);
      if (compareCatalogueVersions(catalogue.version, current.version) <= 0) return { version: current.version, updated: false };
      await mkdir(folder, { recursive: true });
      await writeFileAtomic(path.join(folder, `${catalogue.version}.dvccat`), text.trim(), 0o644);
      catalogues.set(catalogue.version, catalogue);
      return { version: catalogue.version, updated: true };
    },
  };
}

/** A catalogue a build bundled, kept in the data folder once that build has run (createCatalogues). */
const BUNDLED_EXTENSION = '.dvcbundled';

function unsealBundled(sealed: Buffer, protect: KeyProtection): Catalogue {
  const { index, files } = JSON.parse(protect.decrypt(sealed).toString('utf8')) as { index: unknown; files: unknown[] };
  return assembleCatalogue(index, files);
}
