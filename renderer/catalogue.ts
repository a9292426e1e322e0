import index from '../assets/procedures/index.json';
import type { Dossier } from '../shared/dossier/dossier';
import { assembleCatalogue, compareCatalogueVersions, type Catalogue, type Procedure } from '../shared/dossier/procedures';
import { toKioskError } from '../shared/errors';
import { host } from './host';

const files = import.meta.glob<unknown>('../assets/procedures/*.json', { eager: true, import: 'default' });

let assembled: Catalogue | undefined;
const held = new Map<string, Promise<Catalogue>>();

/**
 * The procedure catalogue the citizen chooses from: the one bundled with this build, checked like
 * any data file at first use, not at start, since the attract screen needs none of it (P1; main.tsx
 * warms it once that is drawn), until the host holds a newer one the province signed.
 */
export function catalogue(): Catalogue {
  return (assembled ??= assembleCatalogue(
    index,
    Object.entries(files)
      .filter(([path]) => !path.endsWith('/index.json'))
      .map(([, data]) => data),
  ));
}

/** Takes the newest catalogue the host holds, if newer: at start, and after an update. A citizen mid-journey keeps the procedure they picked. */
export async function refreshCatalogue(): Promise<void> {
  const current = await host().call('catalogue.current');
  if (compareCatalogueVersions(current.version, catalogue().version) > 0) assembled = current;
}

/** Asks the portal for the province's catalogue and runs on it if it is newer; answers whether it was (renderer/provinceUpdates.ts). */
export async function updateCatalogue(): Promise<{ version: string; updated: boolean }> {
  const outcome = await host().call('catalogue.update');
  if (outcome.updated) await refreshCatalogue();
  return outcome;
}

/** A name for screens (the queue, a status check): from the current catalogue. */
export const procedureByCode = (code: string): Procedure | undefined => catalogue().procedures.find((procedure) => procedure.code === code);

/**
 * The procedure as the dossier was started with it, from its catalogue version: its package (and
 * so its hash, which the portal holds it to) never changes under a later catalogue. A version the
 * kiosk no longer holds (one bundled with an earlier build) falls back to the current catalogue;
 * the package still names the dossier's own version.
 */
export async function procedureOf(dossier: Pick<Dossier, 'procedureCode' | 'catalogueVersion'>): Promise<Procedure | undefined> {
  const current = catalogue();
  if (dossier.catalogueVersion === current.version) return procedureByCode(dossier.procedureCode);
  let version = held.get(dossier.catalogueVersion);
  if (!version) {
    version = host().call('catalogue.version', { version: dossier.catalogueVersion });
    held.set(dossier.catalogueVersion, version);
  }
  const started = await version.catch((error: unknown) => {
    held.delete(dossier.catalogueVersion);
    if (toKioskError(error).code === 'catalogue.unknownVersion') return current;
    throw error;
  });
  return started.procedures.find((procedure) => procedure.code === dossier.procedureCode);
}
