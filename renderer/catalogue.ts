import placeholder from '../assets/procedures/placeholder.json';
import { parseCatalogue } from '../shared/dossier/procedures';

/** The procedure catalogue bundled with this build, parsed at load like any data file. */
export const catalogue = parseCatalogue(placeholder);
