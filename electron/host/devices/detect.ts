import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { CardReaderConfig, DocumentScannerConfig, QrScannerConfig, ReceiptPrinterConfig, type KioskConfig } from '../../../shared/config';
import type { DeviceKind } from '../../../shared/contract';
import { createPcscCardReader, type PcscCardReader } from './cardReader/pcsc';
import { loadNodeHid, type HidDeviceInfo, type HidQrScannerConfig } from './qrScanner/hid';

/**
 * Device detection for the technician's setup (docs/devices.md, "Detecting devices"): what the
 * real system tools and libraries see, each candidate as a config its zod schema has already
 * parsed, so the wizard can write it as it is. Every probe runs at the same time, within the same
 * timeout, and never throws: a missing tool or service gives no candidates and a reason.
 */

type DeviceConfigs = Required<KioskConfig['devices']>;

export interface DeviceCandidate<K extends DeviceKind = DeviceKind> {
  kind: K;
  /** The device's own name as the system gives it (model, reader or queue name): not translated. */
  label: string;
  config: DeviceConfigs[K];
  /**
   * QR scanners only, why the interface was taken for a scanner: `hidPos` (it declares the HID POS
   * page, which only barcode devices do), `scannerName` (a keyboard whose maker or name is a
   * scanner's), `keyboard` (any keyboard: it may be the technician's own).
   */
  evidence?: QrEvidence;
}

export type QrEvidence = 'hidPos' | 'scannerName' | 'keyboard';

/** Why a probe found nothing: the tool or library is not installed, its service is not running, it did not answer in time, or it failed. */
export type ProbeFailure = 'notInstalled' | 'notRunning' | 'timeout' | 'failed';

export type ProbeResult<K extends DeviceKind = DeviceKind> = { kind: K; driver: DeviceConfigs[K]['driver']; candidates: DeviceCandidate<K>[] } & (
  | { available: true }
  /** `detail` is for the log (a tool's own words), never for a screen. */
  | { available: false; reason: ProbeFailure; detail: string }
);

export type AnyProbeResult = { [K in DeviceKind]: ProbeResult<K> }[DeviceKind];

/** The part of node-hid's enumeration detection reads (node-hid's `Device`). */
export interface HidEnumeration extends HidDeviceInfo {
  manufacturer?: string | undefined;
  product?: string | undefined;
}

export interface DetectOptions {
  /** Each probe's limit; they run in parallel, so this bounds the whole detection. */
  timeoutMs?: number;
  /** The environment of the tools (CUPS_SERVER, SANE_CONFIG_DIR…); process.env by default. */
  env?: NodeJS.ProcessEnv;
  /** The Linux backend node-hid loads with: node-hid reads it once per process, so it must be the driver's (the config's default). */
  linuxDriver?: HidQrScannerConfig['linuxDriver'];
  /** node-hid's enumeration; tests pass a fake. */
  hid?: () => Promise<{ devicesAsync(): Promise<HidEnumeration[]> }>;
  scanimagePath?: string;
  lpstatPath?: string;
  /** Where Linux shows USB devices; tests point these at folders of their own. */
  linuxPaths?: Partial<typeof LINUX_PATHS>;
}

const LINUX_PATHS = {
  /** usblp's device nodes: lp0, lp1… */
  usbPrinters: '/dev/usb',
  /** usblp's sysfs entries, whose `device/ieee1284_id` names the printer. */
  usbPrinterInfo: '/sys/class/usbmisc',
  /** USB interfaces by the name hidapi's libusb backend uses as the path ("1-1.2:1.0"). */
  usbInterfaces: '/sys/bus/usb/devices',
};

/** `scanimage -L` asks every backend, and network ones wait for answers: seconds, not milliseconds. */
const DEFAULT_TIMEOUT_MS = 15_000;

export async function detectDevices(options: DetectOptions = {}): Promise<AnyProbeResult[]> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const env = options.env ?? process.env;
  const paths = { ...LINUX_PATHS, ...options.linuxPaths };
  const linuxDriver = options.linuxDriver ?? 'libusb';
  const hid = options.hid ?? (() => loadNodeHid(linuxDriver));
  return Promise.all<AnyProbeResult>([
    bounded('qrScanner', 'hid', timeoutMs, () => probeHid(hid, paths.usbInterfaces)),
    bounded('cardReader', 'pcsc', timeoutMs, probePcsc),
    bounded('documentScanner', 'sane', timeoutMs, (signal) => probeSane(options.scanimagePath ?? 'scanimage', env, signal)),
    bounded('printer', 'usb', timeoutMs, () => probeUsbPrinters(paths)),
    bounded('printer', 'cups', timeoutMs, (signal) => probeCups(options.lpstatPath ?? 'lpstat', env, signal)),
  ]);
}

/** A probe's own verdict: candidates, or why there are none. */
type Found<K extends DeviceKind> = { candidates: DeviceCandidate<K>[] } | { reason: ProbeFailure; detail: string };

/** A probe's failure as a value, so the probes can stop at the first problem. */
class ProbeError extends Error {
  constructor(
    readonly reason: ProbeFailure,
    detail: string,
  ) {
    super(detail);
  }
}

async function bounded<K extends DeviceKind>(
  kind: K,
  driver: DeviceConfigs[K]['driver'],
  timeoutMs: number,
  probe: (signal: AbortSignal) => Promise<Found<K>>,
): Promise<ProbeResult<K>> {
  const signal = AbortSignal.timeout(timeoutMs);
  const timedOut = new Promise<Found<K>>((resolve) =>
    signal.addEventListener('abort', () => resolve({ reason: 'timeout', detail: `no answer within ${timeoutMs} ms` }), { once: true }),
  );
  const found = await Promise.race([probe(signal), timedOut]).catch(
    (error: unknown): Found<K> =>
      error instanceof ProbeError ? { reason: error.reason, detail: error.message } : { reason: 'failed', detail: error instanceof Error ? error.message : String(error) },
  );
  return 'candidates' in found
    ? { kind, driver, available: true, candidates: found.candidates }
    : { kind, driver, available: false, reason: found.reason, detail: found.detail, candidates: [] };
}

/**
 * Runs a listing tool without a shell, in the C locale since its words are parsed. Killed with
 * SIGKILL on timeout: a listing holds no device that needs a clean cancel, and a backend stuck in
 * discovery must not outlive the probe.
 */
function listWith(command: string, args: string[], env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<{ stdout: string; stderr: string; exitCode: number }> {
  return new Promise((resolve, reject) => {
    execFile(command, args, { env: { ...env, LC_ALL: 'C' }, signal, killSignal: 'SIGKILL', windowsHide: true, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (!error) return resolve({ stdout, stderr, exitCode: 0 });
      if (typeof error.code === 'number') return resolve({ stdout, stderr, exitCode: error.code });
      // Not started, killed, or aborted: the timeout has its own answer, ENOENT means not installed.
      reject(new ProbeError(error.code === 'ENOENT' ? 'notInstalled' : 'failed', `${command}: ${error.message}`));
    });
  });
}

// ── QR scanners (node-hid) ──────────────────────────────────────────────────────────────────────

interface HidUsage {
  usagePage: number;
  usage: number;
}

/**
 * The usage of each top-level collection in a HID report descriptor (HID 1.11 §6.2.2), as hidapi's
 * hidraw backend reads it: the Usage Page and Usage in force where an Application collection
 * opens at depth 0. A 4-byte Usage carries its own page in its high half.
 */
export function hidTopLevelUsages(descriptor: Uint8Array): HidUsage[] {
  const found: HidUsage[] = [];
  let usagePage = 0;
  /** The first Usage of the open local set; a 4-byte one is extended, with its own page. */
  let usage: { data: number; extended: boolean } | null = null;
  let depth = 0;
  for (let at = 0; at < descriptor.length; ) {
    const prefix = descriptor[at]!;
    if (prefix === 0xfe) {
      // Long item: its data size is the next byte; none are defined, so it is skipped.
      at += 3 + (descriptor[at + 1] ?? 0);
      continue;
    }
    const size = [0, 1, 2, 4][prefix & 3]!;
    let data = 0;
    for (let i = size - 1; i >= 0; i--) data = data * 256 + (descriptor[at + 1 + i] ?? 0);
    at += 1 + size;
    switch (prefix & 0xfc) {
      case 0x04: // Usage Page (global)
        usagePage = data;
        break;
      case 0x08: // Usage (local)
        usage = usage ?? { data, extended: size === 4 };
        break;
      case 0xa0: // Collection
        if (depth === 0 && data === 1 && usage) {
          found.push(usage.extended ? { usagePage: Math.floor(usage.data / 0x10000), usage: usage.data % 0x10000 } : { usagePage, usage: usage.data });
        }
        depth += 1;
        usage = null;
        break;
      case 0xc0: // End Collection
        depth = Math.max(0, depth - 1);
        break;
      default:
        // Any other main item (Input, Output, Feature) ends the locals too.
        if ((prefix & 0x0c) === 0) usage = null;
    }
  }
  return found;
}

const POS_PAGE = 0x8c;
const isKeyboard = ({ usagePage, usage }: HidUsage) => usagePage === 0x01 && usage === 0x06;

/** Vendors that make barcode scanners and nothing typed on: Honeywell (Metrologic, Hand Held Products), Zebra (Symbol), Datalogic, Newland. */
const SCANNER_VENDORS = new Set([0x0c2e, 0x05e0, 0x05f9, 0x1eab]);
const SCANNER_NAME = /scanner|barcode|bar code|\bqr\b/i;

/**
 * hidapi's libusb backend cannot read usages without detaching the kernel driver, so it reports
 * page 0: read them where the kernel shows the interface's report descriptor instead. An
 * interface the kiosk holds (usbhid detached) has none, and stays unknown.
 */
async function usagesFromSysfs(usbInterfaces: string, hidPath: string): Promise<HidUsage[]> {
  if (!/^\d+-[\d.]+:\d+\.\d+$/.test(hidPath)) return [];
  const folder = path.join(usbInterfaces, hidPath);
  const hidDevice = (await readdir(folder).catch(() => [])).find((name) => /^[0-9A-F]{4}:[0-9A-F]{4}:[0-9A-F]{4}\.[0-9A-F]{4}$/i.test(name));
  if (!hidDevice) return [];
  const descriptor = await readFile(path.join(folder, hidDevice, 'report_descriptor')).catch(() => null);
  return descriptor ? hidTopLevelUsages(descriptor) : [];
}

const hex4 = (id: number) => id.toString(16).padStart(4, '0');
const EVIDENCE_ORDER: QrEvidence[] = ['hidPos', 'scannerName', 'keyboard'];

/**
 * USB HID interfaces that can be a QR scanner, one candidate per vendor and product id. HID POS
 * interfaces are scanners; keyboards may be scanners in keyboard mode, and nothing tells them
 * from a real keyboard but their names, so they are all offered, the likely ones first, and the
 * technician confirms with a scan. Mice, touchscreens and vendor pages are left out. On Windows
 * keyboards are left out too: node-hid cannot open them there (docs/devices.md).
 */
async function probeHid(load: NonNullable<DetectOptions['hid']>, usbInterfaces: string): Promise<Found<'qrScanner'>> {
  const library = await load().catch((error: unknown) => {
    throw new ProbeError('notInstalled', `node-hid: ${error instanceof Error ? error.message : String(error)}`);
  });
  const byId = new Map<string, { info: HidEnumeration; pos: boolean; keyboard: boolean }>();
  for (const info of await library.devicesAsync()) {
    const usages = info.usagePage
      ? [{ usagePage: info.usagePage, usage: info.usage ?? 0 }]
      : process.platform === 'linux' && info.path
        ? await usagesFromSysfs(usbInterfaces, info.path)
        : [];
    const pos = usages.some(({ usagePage }) => usagePage === POS_PAGE);
    const keyboard = process.platform !== 'win32' && usages.some(isKeyboard);
    if (!pos && !keyboard) continue;
    const id = `${hex4(info.vendorId)}:${hex4(info.productId)}`;
    const seen = byId.get(id);
    byId.set(id, { info: seen?.info ?? info, pos: pos || !!seen?.pos, keyboard: keyboard || !!seen?.keyboard });
  }
  const candidates = [...byId].map(([id, { info, pos }]): DeviceCandidate<'qrScanner'> => {
    const name = [info.manufacturer, info.product].filter(Boolean).join(' ').trim();
    const evidence: QrEvidence = pos ? 'hidPos' : SCANNER_VENDORS.has(info.vendorId) || SCANNER_NAME.test(name) ? 'scannerName' : 'keyboard';
    return {
      kind: 'qrScanner',
      label: name ? `${name} (${id})` : id,
      // A scanner showing both interfaces is read on HID POS (hid.ts prefers it): say so, as libusb cannot tell.
      config: QrScannerConfig.parse({ driver: 'hid', devices: [{ vendorId: info.vendorId, productId: info.productId, format: pos ? 'pos' : 'keyboard' }] }),
      evidence,
    };
  });
  return { candidates: candidates.sort((a, b) => EVIDENCE_ORDER.indexOf(a.evidence!) - EVIDENCE_ORDER.indexOf(b.evidence!)) };
}

// ── Card readers (PC/SC) ────────────────────────────────────────────────────────────────────────

/**
 * The readers pcscd knows, through the card reader driver itself (its lazy module load and its
 * check for pcscd's socket). It leaves `connecting` once the library listed the readers: pcsclite
 * announces them all in one turn, or, after a short wait, none.
 */
async function probePcsc(signal: AbortSignal): Promise<Found<'cardReader'>> {
  const reader = createPcscCardReader();
  try {
    await listed(reader, signal);
    const problem = reader.problem();
    if (problem?.code === 'card.driverUnavailable') {
      const cause = problem.cause instanceof Error ? `: ${problem.cause.message}` : '';
      throw new ProbeError(problem.params.reason === 'service' ? 'notRunning' : 'notInstalled', `pcsc ${String(problem.params.reason)}${cause}`);
    }
    const config = CardReaderConfig.parse({ driver: 'pcsc' });
    return { candidates: reader.readers().map(({ name }) => ({ kind: 'cardReader', label: name, config })) };
  } finally {
    await reader.close();
  }
}

function listed(reader: PcscCardReader, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stop();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const stop = reader.onStatus((status) => {
      if (status.state !== 'connecting') done();
    });
    signal.addEventListener('abort', done, { once: true });
    if (reader.status().state !== 'connecting' || signal.aborted) done();
  });
}

// ── Document scanners (SANE) ────────────────────────────────────────────────────────────────────

/**
 * The devices in `scanimage -L` output: "device `<name>' is a <vendor> <model> <type>". A name
 * may hold spaces and quotes (airscan names come from mDNS), so it runs to the first "' is a ".
 */
export function parseScanimageList(stdout: string): { device: string; description: string }[] {
  return stdout.split('\n').flatMap((line) => {
    const match = /^device `(.+?)' is a (.*)$/.exec(line.trimEnd());
    return match ? [{ device: match[1]!, description: match[2]!.trim() }] : [];
  });
}

async function probeSane(scanimagePath: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<Found<'documentScanner'>> {
  const { stdout, stderr, exitCode } = await listWith(scanimagePath, ['--list-devices'], env, signal);
  if (exitCode !== 0) throw new ProbeError('failed', `scanimage exited with ${exitCode}: ${stderr.trim()}`);
  return {
    candidates: parseScanimageList(stdout).map(({ device, description }) => ({
      kind: 'documentScanner',
      label: `${description} (${device})`,
      config: DocumentScannerConfig.parse({ driver: 'sane', device, scanimagePath }),
    })),
  };
}

// ── Receipt printers (usblp, CUPS) ──────────────────────────────────────────────────────────────

/** The maker and model in an IEEE 1284 device ID ("MFG:EPSON;CMD:ESC/POS;MDL:TM-T82;…"), as usblp shows it. */
export function ieee1284Name(deviceId: string): string {
  const fields = new Map(deviceId.split(';').map((field) => [field.slice(0, field.indexOf(':')).trim().toUpperCase(), field.slice(field.indexOf(':') + 1).trim()]));
  return [fields.get('MFG') ?? fields.get('MANUFACTURER'), fields.get('MDL') ?? fields.get('MODEL')].filter(Boolean).join(' ');
}

async function probeUsbPrinters(paths: typeof LINUX_PATHS): Promise<Found<'printer'>> {
  // The folder appears with usblp's first printer: without it there is none (or usblp is not loaded).
  const nodes = (await readdir(paths.usbPrinters).catch(() => [])).filter((name) => /^lp\d+$/.test(name)).sort();
  const candidates = await Promise.all(
    nodes.map(async (node): Promise<DeviceCandidate<'printer'>> => {
      const devicePath = path.join(paths.usbPrinters, node);
      const id = await readFile(path.join(paths.usbPrinterInfo, node, 'device', 'ieee1284_id'), 'latin1').catch(() => '');
      const name = ieee1284Name(id);
      return { kind: 'printer', label: name ? `${name} (${devicePath})` : devicePath, config: ReceiptPrinterConfig.parse({ driver: 'usb', devicePath }) };
    }),
  );
  return { candidates };
}

/**
 * The queues in `lpstat -v` output: "device for <queue>: <uri>". A queue name has no spaces
 * (CUPS refuses them); a class, which has no device, shows `///dev/null`, and so does a `file:` URI.
 */
export function parseLpstatDevices(stdout: string): { queue: string; uri: string }[] {
  return stdout.split('\n').flatMap((line) => {
    const match = /^device for (\S+): (.*)$/.exec(line.trimEnd());
    return match ? [{ queue: match[1]!, uri: match[2]! }] : [];
  });
}

/**
 * CUPS queues, any of which may be a receipt printer's raw queue: lpstat does not say which are raw.
 * A queue whose name the config refuses (letters beyond ASCII, say) is left out: rename it.
 */
async function probeCups(lpstatPath: string, env: NodeJS.ProcessEnv, signal: AbortSignal): Promise<Found<'printer'>> {
  const { stdout, stderr, exitCode } = await listWith(lpstatPath, ['-v'], env, signal);
  if (exitCode !== 0) {
    // lpstat.c's words: "No destinations added." is a scheduler without queues.
    if (/No destinations added/i.test(stderr)) return { candidates: [] };
    throw new ProbeError(/not running|No such file|Connection refused/i.test(stderr) ? 'notRunning' : 'failed', `lpstat: ${stderr.trim()}`);
  }
  return {
    candidates: parseLpstatDevices(stdout).flatMap(({ queue, uri }) => {
      const config = ReceiptPrinterConfig.safeParse({ driver: 'cups', queue });
      return config.success ? [{ kind: 'printer' as const, label: `${queue} (${uri})`, config: config.data }] : [];
    }),
  };
}
