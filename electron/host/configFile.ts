import { unitByCode } from '../../shared/adminUnits';
import { KioskConfig, type DeviceConfigs, type HelperAccount, type KioskConfigInput, type PaperWidth } from '../../shared/config';
import type { Catalogue } from '../../shared/dossier/procedures';
import { KioskError } from '../../shared/errors';
import type { ProvincialSettings } from '../../shared/provincialSettings';
import type { ProvisioningSettings } from '../../shared/provisioning';
import { personId, type SettingsChange, type SetupAnswers, type SetupPerson } from '../../shared/setup';
import { hashPin } from './helpers';

/*
 * The kiosk's config file as each hand that sets it makes it: the setup wizard's answers, a
 * technician's change, the province's signed settings. Each starts from the config the kiosk runs
 * on and writes it out in full (a file that names one device configures only that one).
 */

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

/**
 * The config file with the province's settings taken, if they are for this kiosk (its commune)
 * and newer than the last taken; null otherwise. Only what the document names changes.
 */
export function configFileWithProvincial(running: KioskConfig, settings: ProvincialSettings): KioskConfigInput | null {
  const forThisKiosk = !settings.communeCodes || (running.commune !== null && settings.communeCodes.includes(running.commune.code));
  const newer = running.provincialSettingsIssuedAt === null || Date.parse(settings.issuedAt) > Date.parse(running.provincialSettingsIssuedAt);
  if (!forThisKiosk || !newer) return null;
  return { ...running, ...settings.policy, provincialSettingsIssuedAt: settings.issuedAt };
}
