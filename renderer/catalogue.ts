import index from '../assets/procedures/index.json';
import { assembleCatalogue, type Catalogue, type Procedure } from '../shared/dossier/procedures';

const files = import.meta.glob<unknown>('../assets/procedures/*.json', { eager: true, import: 'default' });

let assembled: Catalogue | undefined;

/**
 * The procedure catalogue bundled with this build, checked like any data file: at first use, not
 * at start, since the attract screen needs none of it (P1); main.tsx warms it once that is drawn.
 */
export function catalogue(): Catalogue {
  return (assembled ??= assembleCatalogue(
    index,
    Object.entries(files)
      .filter(([path]) => !path.endsWith('/index.json'))
      .map(([, data]) => data),
  ));
}

export const procedureByCode = (code: string): Procedure | undefined => catalogue().procedures.find((procedure) => procedure.code === code);
