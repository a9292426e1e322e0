import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { DocumentScannerConfig, HelperAccount, KioskConfig, QrScannerConfig, ReceiptPrinterConfig, type KioskConfigInput } from '../../shared/config';
import { DeviceKind, hostMethods } from '../../shared/contract';
import { personId, type SetupAnswers } from '../../shared/setup';
import { readAuditLog } from '../../electron/host/audit';
import { createHost } from '../../electron/host/createHost';
import { hashPin, verifyPin } from '../../electron/host/helpers';
import { loadCatalogue } from '../../electron/host/catalogue';
import { configFileFromAnswers } from '../../electron/host/configFile';
import { createSetupHost } from '../../electron/host/setup';
import { dispatch } from '../../electron/host/dispatch';
import type { AnyProbeResult } from '../../electron/host/devices/detect';
import { detectedForTechnician } from '../../electron/host/devices/detected';
import { signProvisioning } from '../../electron/host/provisioningFile';
import { demoProvinceSigner } from '../../scripts/reference-portal/provinceKey';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { assetsDir, memoryLogger, tempDir } from '../support/kiosk';
import { codeOf } from '../support/errors';
import { TEST_HELPER, testHelperAccount } from '../support/helper';
import { startFaultProxy } from '../support/faultProxy';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const answers = (patch: Partial<SetupAnswers> = {}): SetupAnswers => ({
  communeCode: '22651',
  name: 'Điểm hỗ trợ dịch vụ công xã Diên Khánh',
  portal: { url: 'http://127.0.0.1:9', enrolmentCode: 'unused' },
  technician: { name: 'Trần Văn Kỹ', pin: '135790' },
  helpers: [
    { name: 'Nguyễn Thị Lan', pin: '246810' },
    { name: 'Nguyễn  Thị Lan', pin: '975310' },
  ],
  procedures: ['1.001193'],
  paper: '58mm',
  ...patch,
});

/** A fresh kiosk (no config file) beside a reference portal, and how to read what the wizard wrote. */
async function setUp(config: KioskConfigInput = {}) {
  const data = tempDir('setup');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  const configFile = path.join(data.dir, 'kiosk-config.json');
  const host = createSetupHost({
    config: KioskConfig.parse({ portal: { url: portal.url }, devices: { printer: { driver: 'simulator', connectDelayMs: 10 } }, ...config }),
    configFile,
    trustDemoKeys: true,
    kind: 'web',
    version: '0.0.0-test',
    dataDir: data.dir,
    assetsDir,
    log: memoryLogger().log,
  });
  cleanups.push(data.remove, () => portal.app.close(), () => host.close());
  const written = () => JSON.parse(readFileSync(configFile, 'utf8')) as KioskConfigInput;
  return { portal, host, configFile, written };
}

const honeywell = QrScannerConfig.parse({ driver: 'hid', devices: [{ vendorId: 0x0c2e, productId: 0x0b61, format: 'pos' }] });
/** Detection waits up to 15 s for the slowest probe (scanimage asking every SANE backend). */
const DETECTION_TIMEOUT_MS = 45_000;

describe('the wizard\'s answers as a config file', () => {
  test('people get ids from their names and PIN hashes, never the PINs; devices stay, written out; paper as chosen', async () => {
    const running = KioskConfig.parse({});
    const file = await configFileFromAnswers(running, answers(), await loadCatalogue(assetsDir));
    const config = KioskConfig.parse(file);
    expect(config.helpers.map(({ id, name, role }) => ({ id, name, role }))).toEqual([
      { id: 'tran-van-ky', name: 'Trần Văn Kỹ', role: 'technician' },
      { id: 'nguyen-thi-lan', name: 'Nguyễn Thị Lan', role: 'helper' },
      { id: 'nguyen-thi-lan-2', name: 'Nguyễn  Thị Lan', role: 'helper' },
    ]);
    expect(JSON.stringify(file)).not.toMatch(/135790|246810|975310/);
    expect(await verifyPin('246810', config.helpers[1]!.pinHash)).toBe(true);
    expect(config.commune).toEqual({ code: '22651', name: 'Xã Diên Khánh' });
    expect(config.devices.printer?.paper).toBe('58mm');
    expect(Object.keys(config.devices).sort()).toEqual(['cardReader', 'documentScanner', 'printer', 'qrScanner']);
    expect(config.procedures).toEqual(['1.001193']);
  });

  test('each device chosen replaces the running one, written out in full; the others stay; a chosen printer takes the paper', async () => {
    const running = KioskConfig.parse({});
    const printer = ReceiptPrinterConfig.parse({ driver: 'cups', queue: 'bien-nhan' });
    // A kind sent as undefined, as IPC's structured clone keeps it, was not chosen.
    const file = await configFileFromAnswers(running, answers({ paper: '58mm', devices: { qrScanner: honeywell, printer, cardReader: undefined } }), await loadCatalogue(assetsDir));
    expect(file.devices).toEqual({ qrScanner: honeywell, cardReader: running.devices.cardReader, documentScanner: running.devices.documentScanner, printer: { ...printer, paper: '58mm' } });
    expect(KioskConfig.parse(file).devices).toEqual(file.devices);
  });

  test.each([
    ['a commune code that is no 2025 unit', { communeCode: '99999' }],
    ['a procedure the catalogue lacks', { procedures: ['9.999999'] }],
  ])('%s is refused as bad input', async (_, patch) => {
    expect(await codeOf(configFileFromAnswers(KioskConfig.parse({}), answers(patch), await loadCatalogue(assetsDir)))).toBe('host.badInput');
  });

  test('an id from a name: no diacritics, đ as d, one dash between words, numbered when taken', () => {
    expect(personId('Đặng  Thị Ánh-Tuyết', new Set())).toBe('dang-thi-anh-tuyet');
    expect(personId('Lan', new Set(['lan', 'lan-2']))).toBe('lan-3');
    expect(personId('***', new Set())).toBe('nguoi');
  });
});

describe('first-run setup', () => {
  test('enrols, writes the config without the spent code, and the host starts again on it', async () => {
    const { portal, host, configFile, written } = await setUp();
    expect((await host.handlers['app.info']()).setupNeeded).toBe(true);
    expect(await host.handlers['helper.list']()).toEqual([]);
    const firstDevices = host.devices;
    const states: string[] = [];
    host.on('devices.status', (status) => states.push(status.kind));
    await expect.poll(() => states).toContain('printer');
    states.length = 0;
    const { code } = portal.createEnrolmentCode();

    const outcome = await host.handlers['setup.save'](answers({ portal: { url: portal.url, enrolmentCode: code } }));

    expect(outcome.enrolment.state).toBe('enrolled');
    // The technician is signed in, to test the devices before the kiosk opens.
    expect(outcome.technician.helper).toEqual({ id: 'tran-van-ky', name: 'Trần Văn Kỹ', role: 'technician' });
    const kioskId = outcome.enrolment.state === 'enrolled' ? outcome.enrolment.kioskId : '';
    expect(portal.store.kiosk(kioskId)).toBeDefined();
    expect(existsSync(configFile)).toBe(true);
    expect(written().portal).toEqual({ url: portal.url, timeoutMs: 5000 });
    const info = await host.handlers['app.info']();
    expect(info).toMatchObject({ setupNeeded: false, name: 'Điểm hỗ trợ dịch vụ công xã Diên Khánh', commune: { code: '22651', name: 'Xã Diên Khánh' }, procedures: ['1.001193'] });
    expect((await host.handlers['helper.list']()).map((helper) => helper.id)).toEqual(['tran-van-ky', 'nguyen-thi-lan', 'nguyen-thi-lan-2']);
    expect((await host.handlers['helper.signIn']({ helperId: 'tran-van-ky', pin: '135790' })).helper.name).toBe('Trần Văn Kỹ');
    // New devices from the new config, and their events still reach whoever listens to the host.
    expect(host.devices).not.toBe(firstDevices);
    await expect.poll(() => states).toContain('printer');
    // A technician's tools answer the technician's session only.
    const helper = await host.handlers['helper.signIn']({ helperId: 'nguyen-thi-lan', pin: '246810' });
    const printerTest = { kind: 'printer', testId: randomUUID() } as const;
    expect(await codeOf(host.handlers['selfTest.run']({ token: helper.token, request: printerTest }))).toBe('helper.technicianOnly');
    expect(await codeOf(host.handlers['diagnostics.export']({ token: helper.token, queue: { queueDepth: 0, oldestUnsentAgeSeconds: null, freeBytes: 0, queueStore: 'indexedDb', byStatus: {} } }))).toBe('helper.technicianOnly');
    expect(await codeOf(host.handlers['selfTest.save']({ token: helper.token, results: [] }))).toBe('helper.technicianOnly');
    expect((await host.handlers['selfTest.run']({ token: outcome.technician.token, request: printerTest })).outcome).toBe('pass');
    // The kiosk is set up: the wizard cannot run again over it.
    expect(await codeOf(host.handlers['setup.save'](answers()))).toBe('setup.done');
  });

  test('a portal out of reach leaves the code in the config, and the first sync once the link is back enrols', async () => {
    const { portal, host, written } = await setUp();
    const link = await startFaultProxy({ target: { host: '127.0.0.1', port: Number(new URL(portal.url).port) } });
    cleanups.push(() => link.close());
    link.setFaults({ down: true });
    const { code } = portal.createEnrolmentCode();
    expect((await host.handlers['setup.save'](answers({ portal: { url: link.url, enrolmentCode: code } }))).enrolment).toEqual({ state: 'waiting' });
    expect(written().portal).toMatchObject({ url: link.url, enrolmentCode: code });
    expect(portal.store.kioskCount()).toBe(0);
    link.setFaults({});
    await host.handlers['portal.changes']({ cursor: 0 });
    expect(portal.store.kioskCount()).toBe(1);
  });

  test.each([
    ['a refused code', (code: string) => ({ portal: { url: '', enrolmentCode: `${code}x` } }), 'portal.enrolmentRefused'],
    ['a code issued for another commune', (code: string) => ({ communeCode: '22657', portal: { url: '', enrolmentCode: code } }), 'setup.communeMismatch'],
  ])('%s stops the wizard and writes nothing', async (_, patch, expected) => {
    const { portal, host, configFile } = await setUp();
    const { code } = portal.createEnrolmentCode();
    const changes = patch(code);
    const error = await host.handlers['setup.save'](answers({ ...changes, portal: { ...changes.portal, url: portal.url } })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: expected });
    expect(existsSync(configFile)).toBe(false);
    expect((await host.handlers['app.info']()).setupNeeded).toBe(true);
  });

  test('after a commune mismatch, the right commune finishes with the enrolment already made', async () => {
    const { portal, host } = await setUp();
    const { code } = portal.createEnrolmentCode();
    const wrong = answers({ communeCode: '22657', portal: { url: portal.url, enrolmentCode: code } });
    expect(await codeOf(host.handlers['setup.save'](wrong))).toBe('setup.communeMismatch');
    const outcome = await host.handlers['setup.save']({ ...wrong, communeCode: '22651' });
    expect(outcome.enrolment.state).toBe('enrolled');
  });

  test("from the province's provisioning: its commune and portal hold, and only the portal whose key it names is enrolled with", async () => {
    const { portal, host, written, configFile } = await setUp();
    const text = portal.createProvisioning({ portalUrl: portal.url, communeCode: '22651', name: 'Điểm hỗ trợ DVC Diên Khánh' });
    const verified = await host.handlers['setup.provisioning']({ text: `${text}\r\n` });
    expect(verified.settings).toMatchObject({ portalUrl: portal.url, communeCode: '22651', name: 'Điểm hỗ trợ DVC Diên Khánh' });
    const provisioned = answers({ provisioning: verified.text, portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
    expect(await codeOf(host.handlers['setup.save']({ ...provisioned, communeCode: '22657' }))).toBe('setup.provisioningMismatch');
    // A provisioning that names another portal key: whoever answers at the address is not enrolled with.
    const impostor = signProvisioning({ ...verified.settings, portalKeyThumbprint: 'A'.repeat(43) }, demoProvinceSigner());
    expect(await codeOf(host.handlers['setup.save']({ ...provisioned, provisioning: impostor }))).toBe('setup.portalKeyMismatch');
    expect(existsSync(configFile)).toBe(false);
    const outcome = await host.handlers['setup.save']({ ...provisioned, portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } });
    expect(outcome.enrolment.state).toBe('enrolled');
    expect(written().portal).toMatchObject({ url: portal.url, keyThumbprint: verified.settings.portalKeyThumbprint });
  });
});

describe('devices the wizard chooses', () => {
  test.each([
    ['a QR scanner with no USB id to open', { qrScanner: { driver: 'hid', devices: [] } }],
    ['a CUPS queue with a space in its name', { printer: { driver: 'cups', queue: 'bien nhan' } }],
    ['a driver there is none of', { documentScanner: { driver: 'twain' } }],
  ])('%s is refused as bad input, and nothing is written', async (_, devices) => {
    const { portal, host, configFile } = await setUp();
    const save = { ...answers({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } }), devices };
    expect(await dispatch(host, 'setup.save', save, memoryLogger().log)).toMatchObject({ ok: false, error: { code: 'host.badInput' } });
    expect(existsSync(configFile)).toBe(false);
  });

  test('a chosen device goes through the contract into the config file; the printer kept takes the paper', async () => {
    const { portal, host, written } = await setUp();
    const qrScanner = QrScannerConfig.parse({ driver: 'simulator', format: 'keyboard', connectDelayMs: 10 });
    const save = answers({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code }, devices: { qrScanner } });
    expect(await dispatch(host, 'setup.save', save, memoryLogger().log)).toMatchObject({ ok: true });
    expect(written().devices?.qrScanner).toEqual(qrScanner);
    expect(written().devices?.printer).toMatchObject({ driver: 'simulator', paper: '58mm' });
  });
});

describe('detecting devices for the wizard and the technician desk', () => {
  test('a probe that could not look shows why, and its tool\'s own words go to the log only', () => {
    const { log, lines } = memoryLogger();
    const results: AnyProbeResult[] = [
      { kind: 'qrScanner', driver: 'hid', available: true, candidates: [{ kind: 'qrScanner', label: 'Honeywell Voyager (0c2e:0b61)', config: honeywell, evidence: 'hidPos' }] },
      { kind: 'printer', driver: 'usb', available: true, candidates: [] },
      { kind: 'printer', driver: 'cups', available: false, reason: 'notRunning', detail: 'lpstat: Scheduler is not running.', candidates: [] },
    ];
    expect(detectedForTechnician(results, log)).toEqual({
      qrScanner: [{ driver: 'hid', available: true, candidates: [{ label: 'Honeywell Voyager (0c2e:0b61)', config: honeywell, evidence: 'hidPos' }] }],
      cardReader: [],
      documentScanner: [],
      printer: [
        { driver: 'usb', available: true, candidates: [] },
        { driver: 'cups', available: false, reason: 'notRunning', candidates: [] },
      ],
    });
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      expect.objectContaining({ event: 'devices.probeUnavailable', kind: 'printer', driver: 'cups', reason: 'notRunning', detail: 'lpstat: Scheduler is not running.' }),
    ]);
  });

  test(
    'setup.detectDevices answers, through the contract, every kind\'s probes on this machine, and only until the kiosk is set up',
    async () => {
      const { portal, host } = await setUp();
      const reply = await dispatch(host, 'setup.detectDevices', undefined, memoryLogger().log);
      if (!reply.ok) throw new Error(`refused: ${reply.error.code}`);
      // What crosses to the renderer: no tool's words, whatever this machine's probes found.
      expect(JSON.stringify(reply.value)).not.toMatch(/"detail":/);
      const detected = hostMethods['setup.detectDevices'].output.parse(reply.value);
      expect(Object.keys(detected).sort()).toEqual([...DeviceKind.options].sort());
      for (const kind of DeviceKind.options) {
        expect(detected[kind].length).toBeGreaterThan(0);
        for (const probe of detected[kind]) {
          expect(probe).toEqual(
            probe.available
              ? { driver: expect.any(String), available: true, candidates: expect.any(Array) }
              : { driver: expect.any(String), available: false, reason: expect.any(String), candidates: [] },
          );
        }
      }

      await host.handlers['setup.save'](answers({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } }));
      expect(await codeOf(host.handlers['setup.detectDevices']())).toBe('setup.done');
    },
    DETECTION_TIMEOUT_MS,
  );

  test(
    "devices.detect answers a technician's session only",
    async () => {
      const { portal, host } = await setUp();
      const { technician } = await host.handlers['setup.save'](answers({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } }));
      const helper = await host.handlers['helper.signIn']({ helperId: 'nguyen-thi-lan', pin: '246810' });
      expect(await codeOf(host.handlers['devices.detect']({ token: helper.token }))).toBe('helper.technicianOnly');
      expect(await codeOf(host.handlers['devices.detect']({ token: 'no-such-session' }))).toBe('helper.signedOut');
      const reply = await dispatch(host, 'devices.detect', { token: technician.token }, memoryLogger().log);
      if (!reply.ok) throw new Error(`refused: ${reply.error.code}`);
      expect(JSON.stringify(reply.value)).not.toMatch(/"detail":/);
      expect(Object.keys(hostMethods['devices.detect'].output.parse(reply.value)).sort()).toEqual([...DeviceKind.options].sort());
    },
    DETECTION_TIMEOUT_MS,
  );
});

describe("a technician's change of settings after setup", () => {
  /** A kiosk set up with a technician and two helpers, the technician and a helper signed in. */
  async function setUpAndSignIn() {
    const kiosk = await setUp();
    const outcome = await kiosk.host.handlers['setup.save'](answers({ portal: { url: kiosk.portal.url, enrolmentCode: kiosk.portal.createEnrolmentCode().code } }));
    const helper = await kiosk.host.handlers['helper.signIn']({ helperId: 'nguyen-thi-lan', pin: '246810' });
    return { ...kiosk, technician: outcome.technician.token, helper: helper.token };
  }

  test('writes the file and builds the host on it; the technician stays signed in, a helper removed is signed out', async () => {
    const { host, written, configFile, technician, helper } = await setUpAndSignIn();
    const firstDevices = host.devices;
    const documentScanner = DocumentScannerConfig.parse({ driver: 'sane', device: 'test:0' });
    await host.handlers['settings.change']({
      token: technician,
      devices: { documentScanner },
      paper: '80mm',
      procedures: ['1.001193', '2.000815'],
      addHelpers: [{ name: 'Nguyễn Thị Lan', pin: '112233' }],
      removeHelpers: ['nguyen-thi-lan'],
    });

    const file = KioskConfig.parse(written());
    expect(file.devices.documentScanner).toEqual(documentScanner);
    expect(file.devices.printer).toMatchObject({ driver: 'simulator', paper: '80mm' });
    expect(file.procedures).toEqual(['1.001193', '2.000815']);
    // The new Lan gets an id nobody had, so the audit log never mixes the two.
    expect(file.helpers.map(({ id, role }) => [id, role])).toEqual([
      ['tran-van-ky', 'technician'],
      ['nguyen-thi-lan-2', 'helper'],
      ['nguyen-thi-lan-3', 'helper'],
    ]);
    expect(await verifyPin('112233', file.helpers[2]!.pinHash)).toBe(true);
    expect(host.devices).not.toBe(firstDevices);
    expect((await host.handlers['app.info']()).procedures).toEqual(['1.001193', '2.000815']);
    expect(await codeOf(host.handlers['helper.guidance']({ token: helper }))).toBe('helper.signedOut');
    // Another Lan later: not the id of the Lan removed, whom the audit log names.
    await host.handlers['settings.change']({ token: technician, paper: '58mm', addHelpers: [{ name: 'Nguyễn Thị Lan', pin: '445566' }] });
    expect(KioskConfig.parse(written()).devices.printer?.paper).toBe('58mm');
    expect(KioskConfig.parse(written()).helpers.map(({ id }) => id)).toEqual(['tran-van-ky', 'nguyen-thi-lan-2', 'nguyen-thi-lan-3', 'nguyen-thi-lan-4']);
    const { entries } = await readAuditLog(path.join(path.dirname(configFile), 'audit.jsonl'));
    expect(entries.filter((entry) => entry.action === 'settings.changed').map((entry) => entry.helper)).toEqual(['tran-van-ky', 'tran-van-ky']);
  });

  test("only a technician changes settings; the technician's own account and unknown procedures are refused, and nothing is written", async () => {
    const { host, written, technician, helper } = await setUpAndSignIn();
    const before = written();
    expect(await codeOf(host.handlers['settings.change']({ token: helper, paper: '80mm' }))).toBe('helper.technicianOnly');
    expect(await codeOf(host.handlers['settings.change']({ token: 'nobody', paper: '80mm' }))).toBe('helper.signedOut');
    expect(await codeOf(host.handlers['settings.change']({ token: technician, removeHelpers: ['tran-van-ky'] }))).toBe('host.badInput');
    expect(await codeOf(host.handlers['settings.change']({ token: technician, procedures: ['9.999999'] }))).toBe('host.badInput');
    expect(written()).toEqual(before);
  });

  test('a kiosk whose config is no file of its own has nothing to change', async () => {
    const data = tempDir('settings');
    cleanups.push(data.remove);
    const technician = HelperAccount.parse({ id: 'ky', name: 'Trần Văn Kỹ', role: 'technician', pinHash: await hashPin('135790', 100_000) });
    const host = createHost({ config: KioskConfig.parse({ helpers: [technician] }), kind: 'web', version: '0.0.0-test', dataDir: data.dir, assetsDir, log: memoryLogger().log });
    cleanups.push(() => host.close());
    const { token } = await host.handlers['helper.signIn']({ helperId: 'ky', pin: '135790' });
    expect(await codeOf(host.handlers['settings.change']({ token, paper: '80mm' }))).toBe('setup.notStored');
  });
});

test("only a technician leaves the kiosk app, and only an app that can be left", async () => {
  const data = tempDir('quit');
  cleanups.push(data.remove);
  const technician = HelperAccount.parse({ id: 'ky', name: 'Trần Văn Kỹ', role: 'technician', pinHash: await hashPin('135790', 100_000) });
  const options = { config: KioskConfig.parse({ helpers: [technician, await testHelperAccount()] }), kind: 'electron' as const, version: '0.0.0-test', dataDir: data.dir, assetsDir, log: memoryLogger().log };
  const quit = vi.fn();
  const app = createHost({ ...options, quit });
  // Its own folder: two hosts never share an audit log.
  const webData = tempDir('quit-web');
  cleanups.push(webData.remove);
  const webHost = createHost({ ...options, dataDir: webData.dir });
  cleanups.push(() => app.close(), () => webHost.close());
  const signIn = (host: typeof app, helperId: string, pin: string) => host.handlers['helper.signIn']({ helperId, pin }).then((session) => session.token);

  expect(await codeOf(app.handlers['app.quit']({ token: await signIn(app, TEST_HELPER.id, TEST_HELPER.pin) }))).toBe('helper.technicianOnly');
  expect(await codeOf(webHost.handlers['app.quit']({ token: await signIn(webHost, 'ky', '135790') }))).toBe('host.cannotQuit');
  expect(quit).not.toHaveBeenCalled();
  await app.handlers['app.quit']({ token: await signIn(app, 'ky', '135790') });
  await expect.poll(() => quit.mock.calls.length).toBe(1);
  const { entries } = await readAuditLog(path.join(data.dir, 'audit.jsonl'));
  expect(entries.filter((entry) => entry.action === 'app.quit').map((entry) => entry.helper)).toEqual(['ky']);
});
