import { updateCatalogue } from './catalogue';
import { host } from './host';
import { useStore } from './store';

/**
 * What the province sends its kiosks through the portal (issue 8): the procedure catalogue and the
 * kiosk's settings, each signed by the province and checked by the host before it is taken.
 */
export interface ProvinceUpdate {
  catalogue: { version: string; updated: boolean };
  /** Whether newer settings for this kiosk were taken (the host then runs on them). */
  settingsTaken: boolean;
}

/** How often a kiosk asks: the province changes these a few times a year. */
const UPDATE_EVERY_MS = 6 * 3_600_000;
let lastAsked = 0;

/** Asks now (a technician's "Cập nhật từ tỉnh"): the catalogue, then the settings. */
export async function updateFromProvince(): Promise<ProvinceUpdate> {
  const catalogue = await updateCatalogue();
  const { applied } = await host().call('settings.fromProvince');
  lastAsked = Date.now();
  return { catalogue, settingsTaken: applied };
}

/**
 * At most every six hours, whenever the sync loop has just reached the portal (and once after each
 * start), and only with nobody's session on screen: settings taken rebuild the host, which must not
 * cut off a citizen's scan or a helper's work.
 */
export async function updateFromProvinceIfDue(): Promise<void> {
  const { route, desk } = useStore.getState();
  if (Date.now() - lastAsked < UPDATE_EVERY_MS || route !== 'attract' || desk !== null) return;
  await updateFromProvince();
}
