import type { QrScannerConfig } from '../../../../shared/config';
import type { DeviceStatus } from '../../../../shared/contract';
import { createScanFeed, framingOf } from './feed';
import type { QrScanner } from './index';
import type { ReportFormat } from './reports';

/** The part of node-hid 3 the driver uses (its README, "Complete Async API"); tests pass a fake. */
export interface HidDeviceInfo {
  vendorId: number;
  productId: number;
  path?: string | undefined;
  /** Filled from the report descriptor; 0 or missing where the backend cannot read it (libusb with the kernel driver attached). */
  usagePage?: number | undefined;
  usage?: number | undefined;
}
export interface HidConnection {
  on(event: 'data', listener: (report: Uint8Array) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close(): Promise<void>;
}
export interface HidLibrary {
  devicesAsync(): Promise<HidDeviceInfo[]>;
  HIDAsync: { open(path: string): Promise<HidConnection> };
}

export type HidQrScannerConfig = Extract<QrScannerConfig, { driver: 'hid' }>;

/**
 * node-hid with the Linux backend chosen. `libusb` makes hidapi detach the kernel's usbhid driver
 * from the interface it opens (hidapi `libusb/hid.c`, DETACH_KERNEL_DRIVER) and reattach it on
 * close, so a keyboard-mode scanner stops typing into the kiosk while the driver holds it.
 * node-hid reads the choice when it loads its binding, on its first call: load it through here.
 */
export async function loadNodeHid(linuxDriver: HidQrScannerConfig['linuxDriver']): Promise<HidLibrary> {
  const hid = await import('node-hid');
  hid.setDriverType(linuxDriver);
  return hid;
}

/** HID POS barcode scanner (usage page 0x8C) and Generic Desktop keyboard (page 0x01, usage 0x06). */
const POS_PAGE = 0x8c;
const DESKTOP_PAGE = 0x01;
const KEYBOARD_USAGE = 0x06;

/** How to read an allow-listed interface; `null` for its other interfaces (vendor pages, mice). */
function formatOf(info: HidDeviceInfo, declared: HidQrScannerConfig['devices'][number]['format']): ReportFormat | 'auto' | null {
  if (declared !== 'auto') return declared;
  if (!info.usagePage) return 'auto';
  if (info.usagePage === POS_PAGE) return 'pos';
  return info.usagePage === DESKTOP_PAGE && info.usage === KEYBOARD_USAGE ? 'keyboard' : null;
}

/** HID POS first: a scanner showing both interfaces sends raw bytes there. */
const preference: Record<ReportFormat | 'auto', number> = { pos: 0, auto: 1, keyboard: 2 };

function pick(config: HidQrScannerConfig, devices: readonly HidDeviceInfo[]) {
  const candidates = devices.flatMap((info) => {
    const entry = config.devices.find((id) => id.vendorId === info.vendorId && id.productId === info.productId);
    const format = entry ? formatOf(info, entry.format) : null;
    return format !== null && info.path ? [{ path: info.path, format }] : [];
  });
  return candidates.sort((a, b) => preference[a.format] - preference[b.format])[0] ?? null;
}

/**
 * A USB HID scanner: looks for an allow-listed one every `pollIntervalMs` while none is open, opens
 * it, parses its reports into scans, and goes back to looking when it fails. Status: `offline`
 * while absent, `ready` while open, `error` while present but failing (or node-hid failing).
 * Unplugging is noticed by the read error hidapi raises; enumeration is not repeated while open,
 * as each one costs a USB bus scan (node-hid README, "Cost of HID.devices()").
 */
export function createHidQrScanner(config: HidQrScannerConfig, library: HidLibrary | Promise<HidLibrary>): QrScanner {
  const statusListeners = new Set<(status: DeviceStatus) => void>();
  let status: DeviceStatus = { id: 'qrScanner-hid', kind: 'qrScanner', driver: 'hid', state: 'connecting' };
  const feed = createScanFeed(framingOf(config), 'auto');
  let connection: HidConnection | null = null;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const setState = (state: DeviceStatus['state']) => {
    if (closed || status.state === state) return;
    status = { ...status, state };
    for (const listener of statusListeners) listener(status);
  };
  const schedule = () => {
    if (!closed) timer = setTimeout(() => void look(), config.pollIntervalMs);
  };
  const present = async () => pick(config, await (await library).devicesAsync());

  const lose = async (lost: HidConnection) => {
    if (connection !== lost) return;
    connection = null;
    feed.restart('auto');
    await lost.close().catch(() => undefined);
    // Still enumerated means it is there but failing; gone means unplugged.
    setState(await present().then((found) => (found ? 'error' : 'offline'), () => 'error' as const));
    schedule();
  };

  const look = async () => {
    if (closed || connection) return;
    try {
      const found = await present();
      if (!found) {
        setState('offline');
      } else {
        const opened = await (await library).HIDAsync.open(found.path);
        if (closed) return void (await opened.close());
        connection = opened;
        feed.restart(found.format);
        opened.on('data', (report) => feed.push(report));
        opened.on('error', () => void lose(opened));
        setState('ready');
        return;
      }
    } catch {
      setState('error');
    }
    schedule();
  };
  void look();

  return {
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    onScan: feed.onScan,
    async close() {
      closed = true;
      clearTimeout(timer);
      feed.close();
      statusListeners.clear();
      const open = connection;
      connection = null;
      await open?.close();
    },
  };
}
