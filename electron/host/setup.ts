import { existsSync } from 'node:fs';
import type { MethodInput } from '../../shared/contract';
import { hostEventNames } from '../../shared/contractNames';
import { unitByCode } from '../../shared/adminUnits';
import { KioskConfig, type DeviceConfigs, type HelperAccount, type KioskConfigInput, type PaperWidth } from '../../shared/config';
import type { Catalogue } from '../../shared/dossier/procedures';
import { KioskError } from '../../shared/errors';
import type { ProvisioningSettings } from '../../shared/provisioning';
import { personId, type SettingsChange, type SetupAnswers, type SetupOutcome, type SetupPerson } from '../../shared/setup';
import { writeFileAtomic } from './atomicFile';
import { auditFile, readAuditLog } from './audit';
import { loadCatalogue } from './catalogue';
import { createHost, type Host, type HostOptions } from './createHost';
import { createEventHub } from './events';
import { hashPin, type HelperSessions } from './helpers';
import { oneAtATime } from './oneAtATime';
import { ensureIdentity, identityFile } from './provisioning';
import { loadProvinceKeys } from './provincial';
import { provisioningFromDrives, verifyProvisioning } from './provisioningFile';
import { usbDrives } from './usbDrives';
import { plainFile } from './vault';

/**
 * Accounts for people, each with a PIN hash and an id from the name that none of `taken` has (so
 * the audit log's ids never name two people). PBKDF2 runs on libuv's thread pool: the PINs hash
 * side by side.
 */
async function accountsFor(people: ReadonlyArray<SetupPerson & { role: HelperAccount['role'] }>, taken: ReadonlySet<string>): Promise<HelperAccount[]> {
  const ids = new Set(taken);
  const named = people.map((person) => {
    const id = personId(person.name, ids);
    ids.add(id);
    return { ...person, id };
  });
  return Promise.all(named.map(async ({ id, name, pin, role }) => ({ id, name, role, pinHash: await hashPin(pin) })));
}

/** host.badInput unless every code is one of the catalogue's procedures. */
function checkProcedures(codes: readonly string[], catalogue: Catalogue, method: string): void {
  const offered = new Set(catalogue.procedures.map((procedure) => procedure.code));
  if (codes.some((code) => !offered.has(code))) throw new KioskError('host.badInput', { method });
}

/**
 * Each device chosen replaces the running one of its kind, the others stay; the printer takes the
 * paper width. By kind, not by spreading: a kind sent as undefined (IPC's structured clone keeps
 * the key) was not chosen.
 */
function devicesWith(running: KioskConfig['devices'], chosen: DeviceConfigs = {}, paper?: PaperWidth): KioskConfig['devices'] {
  const printer = chosen.printer ?? running.printer;
  return {
    qrScanner: chosen.qrScanner ?? running.qrScanner,
    cardReader: chosen.cardReader ?? running.cardReader,
    documentScanner: chosen.documentScanner ?? running.documentScanner,
    printer: printer && { ...printer, paper: paper ?? printer.paper },
  };
}

/**
 * The config file the answers make, from the config the kiosk runs on (its defaults, until set up),
 * written out in full (a file that names one device configures only that one): the technician
 * first, then the helpers, the devices chosen, the paper.
 */
export async function configFileFromAnswers(running: KioskConfig, answers: SetupAnswers, catalogue: Catalogue, provisioned: ProvisioningSettings | null = null): Promise<KioskConfigInput> {
  const unit = unitByCode(answers.communeCode);
  if (!unit) throw new KioskError('host.badInput', { method: 'setup.save' });
  checkProcedures(answers.procedures, catalogue, 'setup.save');
  const people = [{ ...answers.technician, role: 'technician' as const }, ...answers.helpers.map((helper) => ({ ...helper, role: 'helper' as const }))];
  return {
    ...running,
    name: answers.name,
    commune: { code: unit.code, name: unit.name },
    portal: { ...running.portal, url: answers.portal.url, enrolmentCode: answers.portal.enrolmentCode, keyThumbprint: provisioned?.portalKeyThumbprint },
    helpers: await accountsFor(people, new Set()),
    procedures: answers.procedures,
    devices: devicesWith(running.devices, answers.devices, answers.paper),
  };
}

/**
 * The config file after a technician's change: what the change names, on the config the kiosk runs
 * on. Only helpers are removed: a technician account stays, so the kiosk never loses the one who
 * can change it. A helper added gets an id no account has had (`usedIds`: the audit log's), so the
 * log never mixes a removed helper with a new one of the same name.
 */
export async function configFileWithChange(running: KioskConfig, change: SettingsChange, catalogue: Catalogue, usedIds: ReadonlySet<string> = new Set()): Promise<KioskConfigInput> {
  if (change.procedures) checkProcedures(change.procedures, catalogue, 'settings.change');
  const removed = new Set(change.removeHelpers);
  if (running.helpers.some((account) => removed.has(account.id) && account.role === 'technician')) throw new KioskError('host.badInput', { method: 'settings.change' });
  const kept = running.helpers.filter((account) => !removed.has(account.id));
  const added = await accountsFor((change.addHelpers ?? []).map((person) => ({ ...person, role: 'helper' as const })), new Set([...usedIds, ...running.helpers.map((account) => account.id)]));
  return {
    ...running,
    helpers: [...kept, ...added],
    procedures: change.procedures ?? running.procedures,
    devices: devicesWith(running.devices, change.devices, change.paper),
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

  // Sessions outlive each host built here: a technician who changes the settings stays signed in.
  const helperSessions: HelperSessions = new Map();
  const build = (config: KioskConfig, needed: boolean) => {
    current = createHost({
      ...options,
      config,
      helperSessions,
      setup: {
        needed,
        save: (answers) => serially(() => save(config, answers)),
        provisioning: (from) => provisioning(config, from),
        change: (change, written) => serially(() => changeSettings(config, change, written)),
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

  async function changeSettings(running: KioskConfig, change: SettingsChange, written: () => Promise<void>): Promise<void> {
    if (!existsSync(options.configFile)) throw new KioskError('setup.notStored');
    const { entries } = await readAuditLog(auditFile(options.dataDir));
    const usedIds = new Set(entries.flatMap((entry) => (entry.helper ? [entry.helper] : [])));
    const file = await configFileWithChange(running, change, await loadCatalogue(options.assetsDir), usedIds);
    const config = KioskConfig.parse(file);
    await writeFileAtomic(options.configFile, `${JSON.stringify(file, null, 2)}\n`);
    await written();
    await rebuild(config);
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
