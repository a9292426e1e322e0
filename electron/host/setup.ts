import { existsSync } from 'node:fs';
import type { MethodInput } from '../../shared/contract';
import { hostEventNames } from '../../shared/contractNames';
import { KioskConfig, type KioskConfigInput } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import type { SetupAnswers, SetupOutcome } from '../../shared/setup';
import { writeFileAtomic } from './atomicFile';
import { configFileFromAnswers } from './configFile';
import { loadCatalogue } from './catalogue';
import { createHost, type Host, type HostOptions } from './createHost';
import { createEventHub } from './events';
import type { HelperSessions } from './helpers';
import { oneAtATime } from './oneAtATime';
import { ensureIdentity, identityFile } from './provisioning';
import { loadProvinceKeys } from './provincial';
import { provisioningFromDrives, verifyProvisioning } from './provisioningFile';
import { usbDrives } from './usbDrives';
import { plainFile } from './vault';

export type SetupHostOptions = Omit<HostOptions, 'config' | 'setup'> & {
  config: KioskConfig;
  /** The config file the wizard writes; until it exists, the kiosk is not set up. */
  configFile: string;
};

/**
 * The host of a kiosk that may still need setting up. Until its config file exists the renderer
 * shows the setup wizard, and `setup.save` enrols with the portal, writes the file, and builds the
 * host again from it (devices, portal and helpers all come from the config). Later changes of the
 * file (a technician's, the province's) rebuild it the same way. Transports hold this host: calls
 * reach whichever host is current, events keep flowing and helpers stay signed in across a swap.
 */
export function createSetupHost(options: SetupHostOptions): Host {
  const hub = createEventHub();
  // A double tap on "save" must not enrol or write twice: the second finds the kiosk set up.
  const serially = oneAtATime();
  let current: Host;
  let forwarding: Array<() => void> = [];
  const keys = () => loadProvinceKeys(options.assetsDir, { includeDemo: options.trustDemoKeys ?? false });
  const provisioning = async (config: KioskConfig, from: MethodInput<'setup.provisioning'>) =>
    'text' in from ? verifyProvisioning(from.text, await keys()) : provisioningFromDrives(await usbDrives(config.usbDirs), await keys());

  // Sessions outlive each host built here: a technician who changes the settings stays signed in.
  const helperSessions: HelperSessions = new Map();
  let running: KioskConfig;
  const build = (config: KioskConfig, needed: boolean) => {
    running = config;
    current = createHost({
      ...options,
      config,
      helperSessions,
      setup: {
        needed,
        save: (answers) => serially(() => save(config, answers)),
        provisioning: (from) => provisioning(config, from),
        rewrite: (next, written) => serially(() => rewrite(next, written)),
      },
    });
    forwarding.forEach((stop) => stop());
    forwarding = hostEventNames.map((event) => current.on(event, (payload) => hub.emit(event, payload)));
  };

  async function save(running: KioskConfig, answers: SetupAnswers): Promise<SetupOutcome> {
    if (existsSync(options.configFile)) throw new KioskError('setup.done');
    // Started from the province's provisioning: its commune and portal hold, and so does its portal's key.
    const provisioned = answers.provisioning === undefined ? null : verifyProvisioning(answers.provisioning, await keys()).settings;
    if (provisioned && (provisioned.communeCode !== answers.communeCode || provisioned.portalUrl !== answers.portal.url)) throw new KioskError('setup.provisioningMismatch');
    const file = await configFileFromAnswers(running, answers, await loadCatalogue(options.assetsDir), provisioned);
    const config = KioskConfig.parse(file);
    const enrolment = await enrolNow(config, options);
    // Once enrolled the one-time code is spent: the file need not keep it.
    const written = enrolment.state === 'enrolled' ? { ...file, portal: { ...file.portal, url: config.portal.url, enrolmentCode: undefined } } : file;
    await writeFileAtomic(options.configFile, `${JSON.stringify(written, null, 2)}\n`);
    await rebuild(KioskConfig.parse(written));
    const technician = await current.handlers['helper.signIn']({ helperId: config.helpers.find((helper) => helper.role === 'technician')!.id, pin: answers.technician.pin });
    return { enrolment, technician };
  }

  /**
   * The config file after a change (a technician's, the province's), from the config in use now:
   * written, `written` run while the host in use is still this one, then the host built on it.
   * Nothing when `next` makes no file (the change does not apply).
   */
  async function rewrite(next: (running: KioskConfig) => Promise<KioskConfigInput | null>, written: () => Promise<void>): Promise<boolean> {
    if (!existsSync(options.configFile)) throw new KioskError('setup.notStored');
    const file = await next(running);
    if (!file) return false;
    const config = KioskConfig.parse(file);
    await writeFileAtomic(options.configFile, `${JSON.stringify(file, null, 2)}\n`);
    await written();
    await rebuild(config);
    return true;
  }

  /** The host on a new config in place of the one in use, which is closed once it no longer serves. */
  async function rebuild(config: KioskConfig): Promise<void> {
    const previous = current;
    build(config, false);
    await previous.close();
  }

  build(options.config, !existsSync(options.configFile));
  return {
    get handlers() {
      return current.handlers;
    },
    get devices() {
      return current.devices;
    },
    on: hub.on,
    close: () => current.close(),
  };
}

/**
 * Enrols with the portal now, so the technician learns on the day whether the code was right. A
 * portal out of reach is no failure: the code stays in the config and the first sync enrols. A
 * refused code, or one the portal issued for another commune, stops the wizard before anything is
 * written.
 */
async function enrolNow(config: KioskConfig, options: SetupHostOptions): Promise<SetupOutcome['enrolment']> {
  try {
    const enrolled = await ensureIdentity({ file: identityFile(options.dataDir), config, kiosk: { name: config.name, version: options.version }, protect: options.keyProtection ?? plainFile });
    if (enrolled.commune.code !== config.commune?.code) throw new KioskError('setup.communeMismatch', { commune: enrolled.commune.name });
    return { state: 'enrolled', kioskId: enrolled.kioskId };
  } catch (error) {
    const code = error instanceof KioskError ? error.code : null;
    if (code === 'portal.unreachable' || code === 'portal.timeout' || code === 'portal.unavailable') return { state: 'waiting' };
    throw error;
  }
}
