import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { assembleCatalogue, CATALOGUE_FORMAT, CatalogueDocument, compareCatalogueVersions, type Catalogue } from '../../shared/dossier/procedures';
import { KioskError } from '../../shared/errors';
import { writeFileAtomic } from './atomicFile';
import { verifyProvincial, type ProvinceKeys } from './provincial';

/**
 * The procedure catalogue bundled in `<assetsDir>/procedures`, checked as the renderer checks its
 * copy (renderer/catalogue.ts): both come from the same build, so they agree on every procedure.
 */
export async function loadCatalogue(assetsDir: string): Promise<Catalogue> {
  const folder = path.join(assetsDir, 'procedures');
  const read = async (file: string): Promise<unknown> => JSON.parse(await readFile(path.join(folder, file), 'utf8'));
  const files = (await readdir(folder)).filter((file) => file.endsWith('.json') && file !== 'index.json');
  return assembleCatalogue(await read('index.json'), await Promise.all(files.map(read)));
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
 * The kiosk's catalogues (issue 8): the bundled one and every newer one the province has sent.
 * None is ever dropped, since a dossier saved under an older version is packaged under it until
 * the portal has it. Each kept file is verified again when read: the data folder is no trust anchor.
 */
export function createCatalogues({ assetsDir, dataDir, provinceKeys }: { assetsDir: string; dataDir: string; provinceKeys: () => Promise<ProvinceKeys> }): Catalogues {
  const folder = path.join(dataDir, 'catalogues');
  let held: Promise<Map<string, Catalogue>> | undefined;
  const all = () =>
    (held ??= (async () => {
      const bundled = await loadCatalogue(assetsDir);
      const catalogues = new Map([[bundled.version, bundled]]);
      const keys = await provinceKeys();
      for (const name of await readdir(folder).catch(() => [])) {
        // A file that no longer verifies (a key the build stopped trusting) is not run.
        const catalogue = await readFile(path.join(folder, name), 'utf8').then((text) => verifyCatalogue(text, keys), () => null).catch(() => null);
        if (catalogue) catalogues.set(catalogue.version, catalogue);
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
