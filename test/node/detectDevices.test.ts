import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  detectDevices,
  hidTopLevelUsages,
  ieee1284Name,
  parseLpstatDevices,
  parseScanimageList,
  type DetectOptions,
  type HidEnumeration,
} from '../../electron/host/devices/detect';
import { probe, quiet } from '../support/detect';
import { createSaneScanner, type SaneScannerConfig } from '../../electron/host/devices/scanner/sane';
import { cupsUnavailable, startCupsd, withRawCupsQueue } from '../support/cups';

/**
 * Device detection through the real stacks: SANE's test backend listed by `scanimage -L`, a private
 * cupsd's queues by `lpstat -v` (pcscd's readers: pcscReader.test.ts, which owns the one pcscd). node-hid finds nothing on
 * a machine without USB, so the HID classification runs on a fake enumeration.
 */

const hasScanimage = spawnSync('scanimage', ['--version']).status === 0;
const hasLpstat = spawnSync('lpstat', ['-r']).error === undefined;
const cupsProblem = cupsUnavailable();
if (!hasScanimage) console.warn('detectDevices.test.ts: SANE part SKIPPED, scanimage is not installed (apt-get install sane-utils)');
if (cupsProblem) console.warn(`detectDevices.test.ts: CUPS part SKIPPED, ${cupsProblem}`);

describe('parsers', () => {
  test('scanimage -L: the test backend, real backends, names with spaces and quotes, and the no-scanner text', () => {
    const output = [
      "device `test:0' is a Noname frontend-tester virtual device",
      "device `epson2:libusb:001:004' is a Epson PID 0x1142 flatbed scanner",
      "device `hpaio:/usb/Officejet_Pro_8600?serial=CN1234' is a Hewlett-Packard Officejet_Pro_8600 all-in-one",
      "device `airscan:e0:Canon MF440 Series (12:34:56)' is a eSCL Canon MF440 Series (12:34:56) ip=192.168.1.40",
      "device `airscan:w1:Bob's \"Office\" MFP' is a WSD Bob's \"Office\" MFP ip=192.168.1.41",
      '',
      'No scanners were identified. If you were expecting something different,',
    ].join('\n');
    expect(parseScanimageList(output)).toEqual([
      { device: 'test:0', description: 'Noname frontend-tester virtual device' },
      { device: 'epson2:libusb:001:004', description: 'Epson PID 0x1142 flatbed scanner' },
      { device: 'hpaio:/usb/Officejet_Pro_8600?serial=CN1234', description: 'Hewlett-Packard Officejet_Pro_8600 all-in-one' },
      { device: 'airscan:e0:Canon MF440 Series (12:34:56)', description: 'eSCL Canon MF440 Series (12:34:56) ip=192.168.1.40' },
      { device: 'airscan:w1:Bob\'s "Office" MFP', description: 'WSD Bob\'s "Office" MFP ip=192.168.1.41' },
    ]);
    expect(parseScanimageList('\nNo scanners were identified. If you were expecting something different,\ncheck that the scanner is plugged in\n')).toEqual([]);
  });

  test('lpstat -v: queues, a class and a file: queue (both ///dev/null), URIs with escapes', () => {
    // As CUPS 2.4's lpstat printed it for the private cupsd (queues, then a class made with lpadmin -c).
    const output = [
      'device for Epson.TM-T82: usb://EPSON/TM-T82%20Receipt?serial=X1',
      'device for fileq: ///dev/null',
      'device for kiosk_receipt: socket://127.0.0.1:9100',
      'device for receipts: ///dev/null',
      'device for HP_LaserJet: implicitclass://HP_LaserJet/',
    ].join('\n');
    expect(parseLpstatDevices(output)).toEqual([
      { queue: 'Epson.TM-T82', uri: 'usb://EPSON/TM-T82%20Receipt?serial=X1' },
      { queue: 'fileq', uri: '///dev/null' },
      { queue: 'kiosk_receipt', uri: 'socket://127.0.0.1:9100' },
      { queue: 'receipts', uri: '///dev/null' },
      { queue: 'HP_LaserJet', uri: 'implicitclass://HP_LaserJet/' },
    ]);
    expect(parseLpstatDevices('lpstat: No destinations added.\n')).toEqual([]);
  });

  test('IEEE 1284 device IDs name the printer', () => {
    expect(ieee1284Name('MFG:EPSON;CMD:ESC/POS;MDL:TM-T82;CLS:PRINTER;DES:EPSON TM-T82;')).toBe('EPSON TM-T82');
    expect(ieee1284Name('MANUFACTURER:Xprinter; MODEL:XP-58IIH;COMMAND SET:ESC/POS;')).toBe('Xprinter XP-58IIH');
    expect(ieee1284Name('')).toBe('');
  });

  test('HID report descriptors: the usage of each top-level collection', () => {
    // HID 1.11 Appendix E.6, the boot keyboard.
    const keyboard = [
      0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0x05, 0x07, 0x19, 0xe0, 0x29, 0xe7, 0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x08, 0x81, 0x02, 0x95, 0x01, 0x75,
      0x08, 0x81, 0x01, 0x95, 0x05, 0x75, 0x01, 0x05, 0x08, 0x19, 0x01, 0x29, 0x05, 0x91, 0x02, 0x95, 0x01, 0x75, 0x03, 0x91, 0x01, 0x95, 0x06, 0x75, 0x08,
      0x15, 0x00, 0x25, 0x65, 0x05, 0x07, 0x19, 0x00, 0x29, 0x65, 0x81, 0x00, 0xc0,
    ];
    // A HID POS scanner by the POS usage tables: Bar Code Scanner (0x8C:0x02) holding a Scanned Data Report (0x12), then a consumer control.
    const pos = [
      0x06, 0x8c, 0x00, 0x09, 0x02, 0xa1, 0x01, 0x09, 0x12, 0xa1, 0x02, 0x85, 0x02, 0x15, 0x00, 0x26, 0xff, 0x00, 0x75, 0x08, 0x95, 0x3f, 0x09, 0xfe, 0x82,
      0x02, 0x01, 0xc0, 0xc0, 0x05, 0x0c, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x03, 0x09, 0xe9, 0x75, 0x10, 0x95, 0x01, 0x81, 0x02, 0xc0,
    ];
    // A 4-byte (extended) usage carries its page; a long item is skipped.
    const extended = [0xfe, 0x02, 0x00, 0xaa, 0xbb, 0x0b, 0x02, 0x00, 0x8c, 0x00, 0xa1, 0x01, 0xc0];
    expect(hidTopLevelUsages(Uint8Array.from(keyboard))).toEqual([{ usagePage: 0x01, usage: 0x06 }]);
    expect(hidTopLevelUsages(Uint8Array.from(pos))).toEqual([{ usagePage: 0x8c, usage: 0x02 }, { usagePage: 0x0c, usage: 0x01 }]);
    expect(hidTopLevelUsages(Uint8Array.from(extended))).toEqual([{ usagePage: 0x8c, usage: 0x02 }]);
  });
});

describe('QR scanners from node-hid', () => {
  const BOOT_KEYBOARD = Uint8Array.from([0x05, 0x01, 0x09, 0x06, 0xa1, 0x01, 0xc0]);
  let sysfs: string;
  beforeAll(() => {
    // hidapi's libusb backend reports page 0; the kernel's descriptor for interface 1-1.4:1.0 says keyboard.
    sysfs = mkdtempSync(path.join(tmpdir(), 'detect-sysfs-'));
    mkdirSync(path.join(sysfs, '1-1.4:1.0', '0003:1A86:E026.0007'), { recursive: true });
    writeFileSync(path.join(sysfs, '1-1.4:1.0', '0003:1A86:E026.0007', 'report_descriptor'), BOOT_KEYBOARD);
  });
  afterAll(() => rmSync(sysfs, { recursive: true, force: true }));

  const enumerate = (devices: HidEnumeration[]): DetectOptions => ({ ...quiet, hid: async () => ({ devicesAsync: async () => devices }), linuxPaths: { ...quiet.linuxPaths, usbInterfaces: sysfs } });

  test('HID POS first, then keyboards named as scanners, then plain keyboards; mice and vendor pages are left out', async () => {
    const results = await detectDevices(
      enumerate([
        { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 1, usage: 6, manufacturer: 'Logitech', product: 'USB Keyboard' },
        { vendorId: 0x046d, productId: 0xc077, path: '/dev/hidraw1', usagePage: 1, usage: 2, product: 'USB Optical Mouse' },
        { vendorId: 0x0483, productId: 0x5750, path: '/dev/hidraw2', usagePage: 0xff00, usage: 1, product: 'Barcode Scanner' },
        { vendorId: 0x2dd6, productId: 0x0260, path: '/dev/hidraw3', usagePage: 1, usage: 6, product: 'Symbol Barcode Scanner' },
        // One Honeywell scanner, two interfaces: read on HID POS.
        { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw4', usagePage: 1, usage: 6, manufacturer: 'Honeywell', product: 'Voyager 1602g' },
        { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw5', usagePage: 0x8c, usage: 2, manufacturer: 'Honeywell', product: 'Voyager 1602g' },
        // libusb: no usage page; sysfs tells.
        { vendorId: 0x1a86, productId: 0xe026, path: '1-1.4:1.0', usagePage: 0, usage: 0, product: 'HID KBW' },
        { vendorId: 0x1a86, productId: 0xe027, path: '1-1.5:1.0', usagePage: 0, usage: 0, product: 'Unknown interface' },
      ]),
    );
    const hid = probe(results, 'hid');
    expect(hid.available).toBe(true);
    expect(hid.candidates.map(({ label, evidence, config }) => ({ label, evidence, devices: config.driver === 'hid' && config.devices }))).toEqual([
      { label: 'Honeywell Voyager 1602g (0c2e:0b61)', evidence: 'hidPos', devices: [{ vendorId: 0x0c2e, productId: 0x0b61, format: 'pos' }] },
      { label: 'Symbol Barcode Scanner (2dd6:0260)', evidence: 'scannerName', devices: [{ vendorId: 0x2dd6, productId: 0x0260, format: 'keyboard' }] },
      { label: 'Logitech USB Keyboard (046d:c31c)', evidence: 'keyboard', devices: [{ vendorId: 0x046d, productId: 0xc31c, format: 'keyboard' }] },
      { label: 'HID KBW (1a86:e026)', evidence: 'keyboard', devices: [{ vendorId: 0x1a86, productId: 0xe026, format: 'keyboard' }] },
    ]);
  });

  test('node-hid failing, missing or hanging gives no candidates and the reason', async () => {
    const failing = probe(await detectDevices({ ...quiet, hid: async () => ({ devicesAsync: () => Promise.reject(new Error('libusb_init failed')) }) }), 'hid');
    expect(failing).toMatchObject({ available: false, reason: 'failed', detail: 'libusb_init failed', candidates: [] });
    const missing = probe(await detectDevices({ ...quiet, hid: () => Promise.reject(new Error('Cannot find module')) }), 'hid');
    expect(missing).toMatchObject({ available: false, reason: 'notInstalled' });
    const hanging = probe(await detectDevices({ ...quiet, timeoutMs: 200, hid: async () => ({ devicesAsync: () => new Promise<never>(() => {}) }) }), 'hid');
    expect(hanging).toMatchObject({ available: false, reason: 'timeout' });
  });

  test('the real node-hid answers without throwing; a machine without USB lists nothing', async () => {
    const hid = probe(await detectDevices({ ...quiet, hid: undefined }), 'hid');
    expect(hid.available).toBe(true);
  });
});

describe('USB printers (usblp)', () => {
  test('each /dev/usb/lp* node, named from its IEEE 1284 ID where the kernel shows one', async () => {
    const root = mkdtempSync(path.join(tmpdir(), 'detect-usblp-'));
    try {
      const dev = path.join(root, 'dev');
      mkdirSync(dev);
      for (const node of ['lp1', 'lp0', 'hiddev0']) writeFileSync(path.join(dev, node), '');
      mkdirSync(path.join(root, 'sys', 'lp0', 'device'), { recursive: true });
      writeFileSync(path.join(root, 'sys', 'lp0', 'device', 'ieee1284_id'), 'MFG:EPSON;CMD:ESC/POS;MDL:TM-T82;CLS:PRINTER;');
      const usb = probe(await detectDevices({ ...quiet, linuxPaths: { usbPrinters: dev, usbPrinterInfo: path.join(root, 'sys') } }), 'usb');
      expect(usb.candidates.map(({ label, config }) => ({ label, config }))).toEqual([
        { label: `EPSON TM-T82 (${dev}/lp0)`, config: { driver: 'usb', devicePath: `${dev}/lp0`, paper: '80mm', codePage: null, upsideDown: false } },
        { label: `${dev}/lp1`, config: { driver: 'usb', devicePath: `${dev}/lp1`, paper: '80mm', codePage: null, upsideDown: false } },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!hasScanimage)('document scanners from scanimage -L', () => {
  let saneConfigDir: string;
  beforeAll(() => {
    // -L lists only the backends in dll.conf, where Debian leaves `test` commented out (`-d test`
    // loads it by name, as the SANE driver's tests do): a private config folder lists only it.
    saneConfigDir = mkdtempSync(path.join(tmpdir(), 'detect-sane-'));
    writeFileSync(path.join(saneConfigDir, 'dll.conf'), 'test\n');
  });
  afterAll(() => rmSync(saneConfigDir, { recursive: true, force: true }));

  test("the test backend's devices, each a config the SANE driver opens as it is", async () => {
    const sane = probe(await detectDevices({ ...quiet, scanimagePath: 'scanimage', env: { ...process.env, SANE_CONFIG_DIR: saneConfigDir } }), 'sane');
    expect(sane.available).toBe(true);
    expect(sane.candidates.map(({ label, config }) => ({ label, device: config.driver === 'sane' && config.device }))).toEqual([
      { label: 'Noname frontend-tester virtual device (test:0)', device: 'test:0' },
      { label: 'Noname frontend-tester virtual device (test:1)', device: 'test:1' },
    ]);
    const scanner = createSaneScanner(sane.candidates[0]!.config as SaneScannerConfig);
    try {
      const [page] = await scanner.scan({ source: 'flatbed', resolution: 50, colourMode: 'grey' });
      expect(page?.format).toBe('png');
    } finally {
      await scanner.close();
    }
  });

  test('a missing scanimage, or one that hangs, gives no candidates and the reason; the hung one is killed', async () => {
    const missing = probe(await detectDevices(quiet), 'sane');
    expect(missing).toMatchObject({ available: false, reason: 'notInstalled', candidates: [] });

    const hangs = path.join(saneConfigDir, 'hanging-scanimage');
    // A duration no other process has, so pgrep finds this one only.
    const marker = `sleep 30.${process.pid}`;
    writeFileSync(hangs, `#!/bin/sh\nexec ${marker}\n`);
    chmodSync(hangs, 0o755);
    const started = Date.now();
    const hung = probe(await detectDevices({ ...quiet, scanimagePath: hangs, timeoutMs: 500 }), 'sane');
    expect(hung).toMatchObject({ available: false, reason: 'timeout' });
    expect(Date.now() - started).toBeLessThan(3_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(spawnSync('pgrep', ['-f', marker]).status).toBe(1);
  });
});

describe.skipIf(!hasLpstat)('CUPS without a scheduler', () => {
  test('lpstat pointed at no cupsd: not running', async () => {
    const cups = probe(await detectDevices({ ...quiet, lpstatPath: 'lpstat', env: { ...process.env, CUPS_SERVER: '/nonexistent/cups.sock' } }), 'cups');
    expect(cups).toMatchObject({ available: false, reason: 'notRunning', candidates: [] });
  });
});

describe.skipIf(cupsProblem !== null)('receipt printers from a private cupsd', () => {
  withRawCupsQueue('kiosk_receipt');

  test('its raw queue is a cups candidate; a queue whose name the config refuses is left out', async () => {
    // CUPS takes UTF-8 queue names; the config allows ASCII only.
    const added = spawnSync('lpadmin', ['-p', 'Máy_in_biên_nhận', '-E', '-v', 'socket://127.0.0.1:9', '-m', 'raw']);
    expect(added.status).toBe(0);
    const cups = probe(await detectDevices({ ...quiet, lpstatPath: 'lpstat' }), 'cups');
    expect(cups.available).toBe(true);
    expect(cups.candidates).toEqual([
      {
        kind: 'printer',
        label: expect.stringMatching(/^kiosk_receipt \(socket:\/\/127\.0\.0\.1:\d+\)$/) as string,
        config: { driver: 'cups', queue: 'kiosk_receipt', lpPath: 'lp', paper: '80mm', codePage: null, upsideDown: false },
      },
    ]);
  });

  test('a scheduler without queues: none, and CUPS counts as there', async () => {
    const empty = await startCupsd();
    try {
      const cups = probe(await detectDevices({ ...quiet, lpstatPath: 'lpstat', env: empty.env }), 'cups');
      expect(cups).toEqual({ kind: 'printer', driver: 'cups', available: true, candidates: [] });
    } finally {
      await empty.stop();
    }
  });
});
