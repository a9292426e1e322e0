import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { assembleCatalogue, type Catalogue } from '../../shared/dossier/procedures';

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
