import { existsSync } from 'node:fs';
import type { MethodInput } from '../../shared/contract';
import { hostEventNames } from '../../shared/contractNames';
import { unitByCode } from '../../shared/adminUnits';
import { KioskConfig, type HelperAccount, type KioskConfigInput } from '../../shared/config';
import type { Catalogue } from '../../shared/dossier/procedures';
import { KioskError } from '../../shared/errors';
import type { ProvisioningSettings } from '../../shared/provisioning';
import { personId, type SetupAnswers, type SetupOutcome } from '../../shared/setup';
import { writeFileAtomic } from './atomicFile';
import { loadCatalogue } from './catalogue';
import { createHost, type Host, type HostOptions } from './createHost';
import { createEventHub } from './events';
import { hashPin } from './helpers';
import { oneAtATime } from './oneAtATime';
import { ensureIdentity, identityFile } from './provisioning';
import { loadProvinceKeys } from './provincial';
import { provisioningFromDrives, verifyProvisioning } from './provisioningFile';
import { usbDrives } from './usbDrives';
import { plainFile } from './vault';

/** The accounts the wizard's answers name: the technician first, then the helpers, each with a PIN hash and an id from the name. */
async function accountsOf(answers: SetupAnswers): Promise<HelperAccount[]> {
  const people = [{ ...answers.technician, role: 'technician' as const }, ...answers.helpers.map((helper) => ({ ...helper, role: 'helper' as const }))];
  const taken = new Set<string>();
  const ids = people.map((person) => {
    const id = personId(person.name, taken);
    taken.add(id);
    return id;
  });
  // PBKDF2 runs on libuv's thread pool: the PINs hash side by side.
  return Promise.all(people.map(async ({ name, pin, role }, i) => ({ id: ids[i]!, name, role, pinHash: await hashPin(pin) })));
}

/**
 * The config file the answers make, from the config the kiosk runs on (its defaults, until set up).
 * Each device the technician chose replaces the running one, the others stay; all are written out
 * in full (a file that names one device configures only that one). The printer takes the paper
 * width the technician chose.
 */
export async function configFileFromAnswers(running: KioskConfig, answers: SetupAnswers, catalogue: Catalogue, provisioned: ProvisioningSettings | null = null): Promise<KioskConfigInput> {
  const unit = unitByCode(answers.communeCode);
  const offered = new Set(catalogue.procedures.map((procedure) => procedure.code));
  if (!unit || answers.procedures.some((code) => !offered.has(code))) throw new KioskError('host.badInput', { method: 'setup.save' });
  // By kind, not by spreading: a kind sent as undefined (IPC's structured clone keeps the key) was not chosen.
  const chosen = answers.devices ?? {};
  const printer = chosen.printer ?? running.devices.printer;
  return {
    ...running,
    name: answers.name,
    commune: { code: unit.code, name: unit.name },
    portal: { ...running.portal, url: answers.portal.url, enrolmentCode: answers.portal.enrolmentCode, keyThumbprint: provisioned?.portalKeyThumbprint },
    helpers: await accountsOf(answers),
    procedures: answers.procedures,
    devices: {
      qrScanner: chosen.qrScanner ?? running.devices.qrScanner,
      cardReader: chosen.cardReader ?? running.devices.cardReader,
      documentScanner: chosen.documentScanner ?? running.devices.documentScanner,
      printer: printer && { ...printer, paper: answers.paper },
    },
  };
}

export type SetupHostOptions = Omit<HostOptions, 'config' | 'setup'> & {
  config: KioskConfig;
  /** The config file the wizard writes; until it exists, the kiosk is not set up. */
  configFile: string;
};

/**
 * The host of a kiosk that may still need setting up. Until its config file exists the renderer
 * shows the setup wizard, and `setup.save` enrols with the portal, writes the file, and builds the
 * host again from it (devices, portal and helpers all come from the config). Transports hold this
 * host: calls reach whichever host is current, and events keep flowing across the swap.
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

  const build = (config: KioskConfig, needed: boolean) => {
    current = createHost({
      ...options,
      config,
      setup: { needed, save: (answers) => serially(() => save(config, answers)), provisioning: (from) => provisioning(config, from) },
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
    const previous = current;
    build(KioskConfig.parse(written), false);
    await previous.close();
    const technician = await current.handlers['helper.signIn']({ helperId: config.helpers.find((helper) => helper.role === 'technician')!.id, pin: answers.technician.pin });
    return { enrolment, technician };
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
