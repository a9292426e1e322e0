import index from '../assets/procedures/index.json';
import { assembleCatalogue } from '../shared/dossier/procedures';

const files = import.meta.glob<unknown>('../assets/procedures/*.json', { eager: true, import: 'default' });

/** The procedure catalogue bundled with this build, checked at load like any data file. */
export const catalogue = assembleCatalogue(
  index,
  Object.entries(files)
    .filter(([path]) => !path.endsWith('/index.json'))
    .map(([, data]) => data),
);
