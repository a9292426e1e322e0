import { updateCatalogue } from './catalogue';
import { host } from './host';
import { useStore } from './store';

/**
 * What the province sends its kiosks (issues 8 and 9): the procedure catalogue, the kiosk's settings
 * and its software, each signed by the province and checked by the host before it is taken.
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
  if (!nobodyHere()) return;
  if (waitingToInstall) void install(waitingToInstall).catch(() => undefined);
  if (Date.now() - lastAsked < UPDATE_EVERY_MS) return;
  await updateFromProvince();
  void updateSoftware().catch(() => undefined);
}

const nobodyHere = () => {
  const { route, desk } = useStore.getState();
  return route === 'attract' && desk === null;
};

let updatingSoftware = false;
/** A release downloaded and checked while someone was at the kiosk: installed at the next sync with nobody there. */
let waitingToInstall: string | null = null;
/**
 * The kiosk's own software (docs/updates.md): a newer release is downloaded and checked in the
 * background, without holding up the sync loop (an installer takes minutes over a rural link), and
 * installed only with nobody at the kiosk: the app restarts on the new version.
 */
async function updateSoftware(): Promise<void> {
  if (updatingSoftware) return;
  updatingSoftware = true;
  try {
    const { staged, canInstall } = await host().call('update.check', { from: 'province' });
    if (staged && canInstall) await install(staged.version);
  } finally {
    updatingSoftware = false;
  }
}

async function install(version: string): Promise<void> {
  waitingToInstall = nobodyHere() ? null : version;
  if (!waitingToInstall) await host().call('update.install', { version });
}
