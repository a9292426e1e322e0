import path from 'node:path';
import type { HostHandlers, MethodInput, RendererRestart, ScannedPage } from '../../shared/contract';
import type { VerifiedProvisioning } from '../../shared/provisioning';
import type { SetupAnswers, SetupOutcome } from '../../shared/setup';
import type { KioskConfig, KioskConfigInput } from '../../shared/config';
import { receiptKiosk } from '../../shared/dossier/receiptData';
import { KioskError } from '../../shared/errors';
import { cccdAccessKey } from '../../shared/icao9303/mrz';
import { cccdCan } from '../../shared/icao9303/pace';
import { readChip } from './devices/cardReader/index';
import { createDevices, type Devices } from './devices/index';
import { createCatalogues } from './catalogue';
import { configFileWithChange, configFileWithProvincial } from './configFile';
import { verifyProvincialSettings } from './provincialSettings';
import { loadProvinceKeys } from './provincial';
import { digitise, fillDeclaration } from './documents';
import { loadFonts } from './fonts';
import { cleanScan } from './imaging';
import { auditFile, createAuditLog } from './audit';
import { createHelperDesk, type HelperSessions } from './helpers';
import { createReports } from './reports';
import { createSneakernet } from './sneakernet';
import { createDiagnostics } from './diagnostics';
import { runSelfTest } from './devices/selfTest';
import { detectDevices } from './devices/detect';
import { detectedForTechnician } from './devices/detected';
import { createSelfTestReports } from './selfTestReport';
import { createT } from '../../shared/i18n/index';
import { usbDrives } from './usbDrives';
import { createJobs } from './jobs';
import { createOcrEngine, tessdataDir, type OcrEngine } from './ocr';
import type { DocumentScanner, ScanOptions } from './devices/scanner/index';
import { createEventHub, type EventHub } from './events';
import { createHttpPortal } from './portal/http';
import type { PortalIdentity } from './portal/index';
import { ensureIdentity, identityFile } from './provisioning';
import { createSealedCopies } from './sealedCopies';
import { createEspeakEngine } from './speech';
import { createVault, plainFile, type KeyProtection } from './vault';
import { createLogger, type Logger } from './log';
import { httpSource, usbSource } from './update/sources';
import { createUpdates, type Updates } from './update/updates';

/** The services behind the contract, the same under Electron and under the web host. */
export interface Host {
  handlers: HostHandlers;
  on: EventHub['on'];
  /** The drivers behind the handlers; tests and demos reach the simulators here. */
  devices: Devices;
  close(): Promise<void>;
}

export interface HostOptions {
  config: KioskConfig;
  kind: 'electron' | 'web';
  version: string;
  /** Where the kiosk keeps its own files (its enrolment, its vault key); Electron's userData, or .data/ for the web host. */
  dataDir: string;
  /** The bundled `assets/` folder (fonts, OCR model): inside the app under Electron, the repository's for the web host. */
  assetsDir: string;
  /** How the vault key is protected at rest: safeStorage under Electron, a plain 0600 file in the web host. */
  keyProtection?: KeyProtection;
  log?: Logger;
  /** Whether to trust the reference portal's demo province key: never in a packaged kiosk. */
  trustDemoKeys?: boolean;
  /** Open helper sessions, kept by the setup host across the hosts it builds (helpers.ts). */
  helperSessions?: HelperSessions;
  /** Leaves the app for the operating system (Electron's app.quit); absent where the host is no app to leave. */
  quit?: () => void;
  /** The main process watchdog's restarts of the screen in the last day (electron/watchdog.ts), for the heartbeat; none under the web host. */
  rendererRestarts?: () => RendererRestart[];
  /** The kiosk's software updates, with the installer main.ts gives them; without one, they are found and checked but not installed. */
  updates?: Updates;
  /**
   * Whether the kiosk still needs its first-run setup, how the wizard's answers are saved and a
   * province's provisioning read (electron/host/setup.ts); absent for a kiosk configured otherwise.
   */
  setup?: {
    needed: boolean;
    save(answers: SetupAnswers): Promise<SetupOutcome>;
    provisioning(from: MethodInput<'setup.provisioning'>): Promise<VerifiedProvisioning>;
    /**
     * A change of the config file after setup (a technician's, the province's): `next` makes the
     * file from the config in use (null: nothing to change), it is written, `written` runs while
     * this host is still the one in use, and the host is built again. Answers whether it changed.
     */
    rewrite(next: (running: KioskConfig) => Promise<KioskConfigInput | null>, written: () => Promise<void>): Promise<boolean>;
  };
}

/** The composition root of the host: picks the real driver or the simulator for each device. */
export function createHost({ config, kind, version, dataDir, assetsDir, keyProtection = plainFile, log = createLogger(), trustDemoKeys = false, helperSessions, rendererRestarts = () => [], quit, updates: givenUpdates, setup }: HostOptions): Host {
  const vault = createVault({ dataDir, protect: keyProtection });
  const copies = createSealedCopies({ dir: path.join(dataDir, 'outbox'), log });
  const events = createEventHub();
  /** Scans and digitising under way, by the id the screen gave, so `scanner.cancel` and `documents.cancel` reach them. */
  const jobs = createJobs();
  /**
   * Scans, cleaning each page as it arrives (one at a time, in order: cleaning is CPU work and the
   * preview follows the paper), and tells the screen of each clean page.
   */
  async function scanAndClean(scanner: DocumentScanner, scanId: string, options: ScanOptions, signal: AbortSignal): Promise<ScannedPage[]> {
    const colour = options.colourMode === 'lineart' ? 'bilevel' : 'grey';
    let cleaning = Promise.resolve<ScannedPage[]>([]);
    await scanner.scan(options, {
      signal,
      onPage: ({ number, bytes, dpi }) => {
        cleaning = cleaning.then(async (done) => {
          const { jpeg, ...page } = await cleanScan(bytes, { dpi, colour });
          const clean = { number, jpeg: new Uint8Array(jpeg), ...page };
          events.emit('scanner.page', { scanId, page: clean });
          return [...done, clean];
        });
      },
    });
    return cleaning;
  }
  const fonts = loadFonts(assetsDir);
  const devices = createDevices(config.devices, { fonts });
  const unsubscribes = [
    ...devices.all.map((device) => device.onStatus((status) => events.emit('devices.status', status))),
    // A scan that could not be read is told too: the citizen is asked to scan again, with why.
    ...(devices.qrScanner
      ? [devices.qrScanner.onScan((scan) => events.emit('qr.scanned', scan.ok ? { ok: true, text: scan.text } : { ok: false, error: { code: scan.code, params: scan.params } }))]
      : []),
  ];
  // Enrols on first use and remembers it; a failed attempt is tried again on the next call.
  let identity: Promise<PortalIdentity> | undefined;
  const currentIdentity = () =>
    (identity ??= ensureIdentity({ file: identityFile(dataDir), config, kiosk: { name: config.name, version }, protect: keyProtection }).catch((error: unknown) => {
      identity = undefined;
      throw error;
    }));
  let ocr: OcrEngine | undefined;
  const documents = {
    ocr: () => (ocr ??= createOcrEngine({ langPath: tessdataDir(assetsDir) })),
    font: fonts.regular,
    // Never starts an enrolment: a PDF made offline, before the kiosk enrolled, names no kiosk.
    kioskId: async () => (identity ? identity.then((enrolled) => enrolled.kioskId, () => null) : null),
  };
  const provinceKeys = () => loadProvinceKeys(assetsDir, { includeDemo: trustDemoKeys });
  const catalogues = createCatalogues({ assetsDir, dataDir, provinceKeys, protect: keyProtection });
  const declarations = { catalogue: (version: string) => catalogues.byVersion(version), fonts, commune: config.commune };
  const speech = createEspeakEngine({ binary: config.speech.espeakPath });
  const updates = givenUpdates ?? createUpdates({ dataDir, version, provinceKeys, installer: null, log });
  const updateFeed = () => httpSource(config.updateUrl ?? new URL('updates/', config.portal.url).href, { timeoutMs: config.portal.timeoutMs });
  /** Only the latest read-aloud plays: a new screen or a repeat stops the one before. */
  let speaking: AbortController | undefined;
  const portal = createHttpPortal({
    baseUrl: config.portal.url,
    timeoutMs: config.portal.timeoutMs,
    identity: currentIdentity,
    uploadUrlsFile: path.join(dataDir, 'upload-urls.json'),
  });
  const startedAt = new Date().toISOString();
  const auditPath = auditFile(dataDir);
  const audit = createAuditLog(auditPath);
  const drives = () => usbDrives(config.usbDirs);
  const helpers = createHelperDesk({ helpers: config.helpers, policy: config.helperSignIn, lockoutFile: path.join(dataDir, 'helper-lockout.json'), audit, sessions: helperSessions });
  /** The support point as receipts, reports and self-test reports head it. */
  const kiosk = receiptKiosk(config);
  const reports = createReports({
    dataDir,
    fonts,
    catalogue: () => catalogues.current(),
    kiosk,
    audit,
    usbDrives: drives,
    officePrinter: config.officePrinter,
  });
  const sneakernet = createSneakernet({ identity: currentIdentity, usbDrives: drives });
  const selfTests = createSelfTestReports({ dataDir, fonts, devices, kiosk, version, usbDrives: drives });
  // node-hid takes its Linux backend once per process: the QR scanner driver's, if it has one.
  const detect = () => detectDevices({ linuxDriver: config.devices.qrScanner?.driver === 'hid' ? config.devices.qrScanner.linuxDriver : undefined });
  /** What the wizard and the technician desk are shown of a detection; the probes' own words go to the log. */
  const detectForTechnician = async () => detectedForTechnician(await detect(), log);
  const diagnostics = createDiagnostics({
    dataDir,
    config,
    app: { name: config.name, version, host: kind, startedAt },
    kioskId: documents.kioskId,
    devices: () => devices.all.map((device) => device.status()),
    detect,
    auditFile: auditPath,
    usbDrives: drives,
  });

  return {
    handlers: {
      'app.info': async () => ({
        name: config.name,
        version,
        host: kind,
        setupNeeded: setup?.needed ?? false,
        procedures: config.procedures,
        portalUrl: config.portal.url,
        commune: config.commune,
        payee: config.payee,
        officePrinter: config.officePrinter !== null,
        paper: config.devices.printer?.paper ?? null,
        minFreeStorageBytes: config.minFreeStorageBytes,
        retentionDays: config.retentionDays,
        idleSeconds: config.idleSeconds,
        idleWarningSeconds: config.idleWarningSeconds,
        startedAt,
      }),
      'app.quit': async ({ token }) => {
        const technician = helpers.signedIn(token, 'technician');
        if (!quit) throw new KioskError('host.cannotQuit');
        await audit.append({ action: 'app.quit', helper: technician.id });
        log.info('app.quit', { helper: technician.id });
        // After the answer has left: the window closes with the app.
        setTimeout(quit, 100);
      },
      // The contract let through only names from the code: nothing here can hold personal data.
      'app.renderFailed': async ({ error, components }) => log.error('renderer.renderFailed', { error, components }),
      'devices.list': async () => devices.all.map((device) => device.status()),
      'devices.detect': async ({ token }) => {
        helpers.signedIn(token, 'technician');
        return detectForTechnician();
      },
      'portal.health': () => portal.health(),
      'portal.announce': ({ package: pkg, packageSha256 }) => portal.announce(pkg, packageSha256),
      'portal.upload': ({ uuid, attachment, bytes }) => portal.upload(uuid, attachment, Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)),
      'portal.submit': ({ uuid, packageSha256 }) => portal.submit(uuid, packageSha256),
      'portal.changes': ({ cursor }) => portal.changes(cursor),
      'portal.heartbeat': async (queue) => {
        const sentAt = Date.now();
        const { portalTime } = await portal.heartbeat({
          ...queue,
          devices: devices.all.map((device) => device.status()),
          rendererRestarts: rendererRestarts(),
          // Which version each kiosk runs, and an update that failed on it, for the province to see.
          software: { version, rolledBack: (await updates.status()).rolledBack },
          clock: new Date(sentAt).toISOString(),
        });
        // Half the round trip is the best guess of when the portal read its clock.
        const drift = (Date.parse(portalTime) - (sentAt + Date.now()) / 2) / 1000;
        return { portalTime, clockDriftSeconds: Math.round(drift) };
      },
      'portal.ratings': ({ ratings }) => portal.ratings(ratings),
      'portal.lookup': ({ code }) => portal.lookup(code),
      'vault.keys': async () => {
        const { current, previous } = await vault.keys();
        return {
          current: { id: current.id, key: current.key.toString('base64'), createdAt: current.createdAt.toISOString() },
          previous: previous && { id: previous.id, key: previous.key.toString('base64') },
        };
      },
      'vault.rotate': () => vault.rotate(),
      'vault.retire': ({ id }) => vault.retire(id),
      'cardReader.readChip': async (keys) => {
        if (!devices.cardReader || !config.devices.cardReader) throw new KioskError('card.noReader');
        const can = cccdCan(keys.number);
        const access = 'dateOfBirth' in keys ? { can, accessKey: cccdAccessKey(keys.number, keys.dateOfBirth, keys.dateOfExpiry) } : { can };
        const chip = await readChip(devices.cardReader, access, config.devices.cardReader);
        const face = chip.face && { format: chip.face.format, image: Buffer.from(chip.face.image).toString('base64') };
        return { ...chip, face };
      },
      'scanner.scan': ({ scanId, ...options }) => {
        const scanner = devices.documentScanner;
        if (!scanner) throw new KioskError('scanner.notFound');
        return jobs.run(scanId, 'scanner.busy', (signal) => scanAndClean(scanner, scanId, options, signal));
      },
      'scanner.cancel': async ({ scanId }) => jobs.cancel(scanId),
      'documents.digitise': (request) =>
        jobs.run(request.jobId, 'host.badInput', (signal) =>
          digitise(documents, request, { signal, onProgress: (progress) => events.emit('documents.progress', { jobId: request.jobId, progress }) }),
        ),
      'documents.cancel': async ({ jobId }) => jobs.cancel(jobId),
      'documents.declaration': (request) => fillDeclaration(declarations, request),
      'printer.print': (receipt) => {
        if (!devices.printer) throw new KioskError('printer.notFound');
        return devices.printer.print(receipt);
      },
      'helper.list': async () => helpers.list(),
      'helper.signIn': ({ helperId, pin }) => helpers.signIn(helperId, pin),
      'helper.signOut': ({ token }) => helpers.signOut(token),
      'helper.record': ({ token, ...entry }) => helpers.record(token, entry),
      'helper.guidance': async ({ token }) => ({ today: await helpers.guidance(token) }),
      'reports.make': async ({ token, ...request }) => {
        helpers.signedIn(token);
        return reports.make(request);
      },
      'reports.print': async ({ token, name }) => {
        helpers.signedIn(token);
        await reports.print(name);
      },
      'sneakernet.export': async ({ token, package: pkg, packageSha256, files }) => {
        helpers.signedIn(token);
        return { files: await sneakernet.export(pkg, packageSha256, files) };
      },
      'selfTest.run': async ({ token, request }) => {
        helpers.signedIn(token, 'technician');
        return jobs.run(request.testId, 'host.badInput', (signal) => runSelfTest(devices, request, { kiosk, signal, t: createT('vi') }));
      },
      'selfTest.cancel': async ({ testId }) => jobs.cancel(testId),
      'selfTest.print': async ({ token, results }) => {
        helpers.signedIn(token, 'technician');
        await selfTests.print(results);
      },
      'selfTest.save': async ({ token, results }) => {
        helpers.signedIn(token, 'technician');
        return selfTests.save(results);
      },
      'diagnostics.export': async ({ token, queue }) => {
        helpers.signedIn(token, 'technician');
        return diagnostics.export(queue);
      },
      'catalogue.current': () => catalogues.current(),
      'catalogue.version': ({ version }) => catalogues.byVersion(version),
      'catalogue.update': async () => catalogues.take(await portal.catalogue()),
      'setup.save': async (answers) => {
        if (!setup?.needed) throw new KioskError('setup.done');
        return setup.save(answers);
      },
      'setup.provisioning': async (from) => {
        if (!setup?.needed) throw new KioskError('setup.done');
        return setup.provisioning(from);
      },
      'settings.change': async ({ token, ...change }) => {
        const technician = helpers.signedIn(token, 'technician');
        if (!setup) throw new KioskError('setup.notStored');
        // A helper added gets an id no account has had: the audit log names every one there was.
        const usedIds = new Set((await audit.read()).entries.flatMap((entry) => (entry.helper ? [entry.helper] : [])));
        const catalogue = await catalogues.current();
        // Recorded by this host's audit log, before the host built on the new settings takes over the file.
        await setup.rewrite((running) => configFileWithChange(running, change, catalogue, usedIds), () => audit.append({ action: 'settings.changed', helper: technician.id }));
      },
      'settings.fromProvince': async () => {
        const settings = verifyProvincialSettings(await portal.provincialSettings(), await provinceKeys());
        if (!settings) return { applied: false };
        if (!setup) throw new KioskError('setup.notStored');
        const applied = await setup.rewrite(async (running) => configFileWithProvincial(running, settings), () => audit.append({ action: 'settings.fromProvince', helper: null }));
        return { applied };
      },
      'update.status': () => updates.status(),
      'update.check': async (from) => {
        if (from.from === 'province') return updates.check(updateFeed());
        helpers.signedIn(from.token, 'technician');
        return updates.check(await usbSource(drives));
      },
      'update.install': async ({ version: wanted, token }) => {
        const technician = token === undefined ? null : helpers.signedIn(token, 'technician');
        await audit.append({ action: 'update.install', helper: technician?.id ?? null });
        await updates.install(wanted);
      },
      'setup.detectDevices': async () => {
        if (!setup?.needed) throw new KioskError('setup.done');
        return detectForTechnician();
      },
      'speech.say': async ({ text, lang }) => {
        speaking?.abort();
        const controller = (speaking = new AbortController());
        const voice = lang === 'vi' ? config.speech.voice : 'en';
        const { wav, durationMs } = await speech.synthesize(text, { voice, rate: config.speech.rate, signal: controller.signal });
        return { wav: new Uint8Array(wav), durationMs };
      },
      'queue.keepCopy': (copy) => copies.keep(copy),
      'queue.copies': () => copies.ids(),
      'queue.copy': ({ id }) => copies.get(id),
      'queue.dropCopy': ({ id }) => copies.drop(id),
    },
    on: events.on,
    devices,
    async close() {
      for (const unsubscribe of unsubscribes) unsubscribe();
      jobs.cancelAll();
      speech.close();
      await Promise.all([...devices.all.map((device) => device.close()), ocr?.close()]);
    },
  };
}
