import { EventEmitter } from 'node:events';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { QrScannerConfig } from '../../shared/config';
import { parseCccdQr } from '../../shared/cccd';
import type { DeviceStatus } from '../../shared/contract';
import { createHidQrScanner, type HidDeviceInfo, type HidLibrary } from '../../electron/host/devices/qrScanner/hid';
import type { ScanOutcome } from '../../electron/host/devices/qrScanner/index';
import {
  createReportParser,
  MAX_SCAN_BYTES,
  repairMojibake,
  type ParserOptions,
} from '../../electron/host/devices/qrScanner/reports';
import {
  createSimulatedQrScanner,
  keyboardReports,
  posReports,
} from '../../electron/host/devices/qrScanner/simulator';

// Fixture F.1 of the domain notes (invented people): a 2021 chip CCCD and a 2024 card without CMND.
const CCCD_2021 = '056190012345|225000001|Trần Thị Thử|15031990|Nữ|Thôn Suối Thơm, Khánh Đông, Khánh Vĩnh, Khánh Hòa|20042021';
const CCCD_2024 = '056305001234||Lê Thị Thử Hai|21082005|Nữ|Tổ 5, Phường Nam Nha Trang, Khánh Hòa|10092025';

const utf8 = (text: string) => new TextEncoder().encode(text);
const bytesOf = (outcome: ScanOutcome | undefined) => (outcome?.ok ? [...utf8(outcome.text)] : outcome);

const options = (overrides: Partial<ParserOptions> = {}): ParserOptions => ({
  format: 'pos',
  suffix: 'enter',
  prefix: '',
  aimId: false,
  interReportTimeoutMs: 150,
  ...overrides,
});

/** Feeds reports `gapMs` apart from `startMs`, as they would arrive from the device. */
function replay(parserOptions: ParserOptions, reports: readonly Uint8Array[], gapMs = 2) {
  const parser = createReportParser(parserOptions);
  const outcomes = reports.flatMap((report, i) => parser.push(report, 1000 + i * gapMs));
  return { parser, outcomes, lastAt: 1000 + (reports.length - 1) * gapMs };
}

/** A 64-byte report as captured: its first bytes, zeros, and its last three bytes. */
const captured = (head: number[], tail: number[]) => Uint8Array.from([...head, ...Array<number>(64 - head.length - tail.length).fill(0), ...tail]);
const ascii = (text: string) => [...text].map((c) => c.charCodeAt(0));

/**
 * A Honeywell Voyager 1602g answering REVINF over HID POS, as recorded in HenkVanAsselt/python_hon_usbhid
 * `README.md`: five full reports with the "continued" flag, a short last one, then a separate reply.
 */
const honeywellRecording = [
  captured([2, 56, ...ascii(']X0Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoft')], [63, 0, 1]),
  captured([2, 56, ...ascii(']X0ware Part Number: CW000082BBA\r\nSoftware Revision: $Proje')], [63, 0, 1]),
  captured([2, 56, ...ascii(']X0ctRevision: 16345 \r\nSerial Number: 15232B1F0C\r\nSupported')], [63, 0, 1]),
  captured([2, 56, ...ascii(']X0 IF: Bluetooth\r\nPCB Assembly ID: 000000\r\nEngine Firmware')], [63, 0, 1]),
  captured([2, 56, ...ascii(']X0 Type: N/A   Revision: N/A   Serial Number: N/A   Checks')], [63, 0, 1]),
  captured([2, 9, ...ascii(']X0um: N/A\r\n')], [63, 0, 0]),
  captured([2, 8, ...ascii(']Z6REVINF'), 6, 46], [54, 0, 0]),
];

/** Boot keyboard reports written out by hand: modifiers, reserved, six key slots. */
const key = (modifiers: number, ...usages: number[]) => Uint8Array.from([modifiers, 0, ...usages, ...Array<number>(6 - usages.length).fill(0)]);
const RELEASE = key(0);
const ALT = 0x04;
const SHIFT = 0x02;
const KP = { plus: 0x57, 1: 0x59, 2: 0x5a, 5: 0x5d, 7: 0x5f, 8: 0x60, 9: 0x61, 0: 0x62 } as const;
const ENTER = [key(0, 0x28), RELEASE];
/** Alt held while `digits` are typed on the keypad, then released: how Windows Alt codes are typed. */
const altKeys = (...keys: number[]) => [key(ALT), ...keys.flatMap((usage) => [key(ALT, usage), key(ALT)]), RELEASE];

describe('HID POS reports', () => {
  test('a recorded Honeywell stream gives its two replies, split reports joined', () => {
    const { outcomes } = replay(options({ suffix: 'none' }), honeywellRecording);
    expect(outcomes).toEqual([
      {
        ok: true,
        symbology: ']X0',
        repaired: false,
        text:
          'Product Name: Voyager 1602g\r\nBoot Revision: : 8992\r\nSoftware Part Number: CW000082BBA\r\n' +
          'Software Revision: $ProjectRevision: 16345 \r\nSerial Number: 15232B1F0C\r\nSupported IF: Bluetooth\r\n' +
          'PCB Assembly ID: 000000\r\nEngine Firmware Type: N/A   Revision: N/A   Serial Number: N/A   Checksum: N/A\r\n',
      },
      { ok: true, symbology: ']Z6', repaired: false, text: 'REVINF\u0006.' },
    ]);
  });

  test('a Vietnamese word written byte by byte decodes as UTF-8', () => {
    const report = captured([2, 4, ...ascii(']Q1N'), 0xe1, 0xbb, 0xaf], [0, 0, 0]);
    expect(replay(options(), [report]).outcomes).toEqual([{ ok: true, text: 'Nữ', symbology: ']Q1', repaired: false }]);
  });

  test.each([CCCD_2021, CCCD_2024])('a CCCD QR over several reports round-trips byte for byte: %s', (payload) => {
    const reports = posReports(utf8(`${payload}\r\n`));
    expect(reports.length).toBeGreaterThan(1);
    const [scan] = replay(options(), reports).outcomes;
    expect(bytesOf(scan)).toEqual([...utf8(payload)]);
    const card = scan?.ok ? parseCccdQr(scan.text) : null;
    expect(card?.ok && card.value.number).toBe(payload.slice(0, 12));
  });

  test('a character split between two reports is joined before decoding', () => {
    const text = `${'a'.repeat(55)}ễ`;
    const reports = posReports(utf8(text));
    expect(reports[0]?.[1]).toBe(56);
    expect(bytesOf(replay(options({ suffix: 'none' }), reports).outcomes[0])).toEqual([...utf8(text)]);
  });

  test('reports that are not scanned data are ignored, even mid-scan', () => {
    const [first, ...rest] = posReports(utf8(CCCD_2021));
    const attributeReport = captured([0x01, 5, 1, 2, 3], [0, 0, 0]);
    const tooShort = Uint8Array.of(2, 1, 0x41);
    const { outcomes } = replay(options({ suffix: 'none' }), [attributeReport, first!, tooShort, attributeReport, ...rest]);
    expect(outcomes).toEqual([{ ok: true, text: CCCD_2021, symbology: ']Q1', repaired: false }]);
  });

  test('a scan whose continuation never comes is cut off at the timeout, not earlier', () => {
    const [first] = posReports(utf8(CCCD_2021));
    const { parser, outcomes } = replay(options(), [first!]);
    expect(outcomes).toEqual([]);
    expect(parser.deadline()).toBe(1150);
    expect(parser.expire(1149)).toEqual([]);
    expect(parser.expire(1150)).toEqual([{ ok: false, code: 'qr.incomplete', params: {} }]);
    expect(parser.deadline()).toBeNull();
  });

  test('the next scan after a pause does not join a cut-off one', () => {
    const [first] = posReports(utf8(CCCD_2021));
    const parser = createReportParser(options());
    expect(parser.push(first!, 0)).toEqual([]);
    const outcomes = posReports(utf8(`${CCCD_2024}\r`)).flatMap((report, i) => parser.push(report, 500 + i));
    expect(outcomes).toEqual([
      { ok: false, code: 'qr.incomplete', params: {} },
      { ok: true, text: CCCD_2024, symbology: ']Q1', repaired: false },
    ]);
  });
});

describe('keyboard-wedge reports', () => {
  test('hand-typed keys: Shift for capitals and "|", Alt+0nnn UTF-8 bytes, Alt+numpad-plus hex, Enter ends', () => {
    const reports = [
      key(SHIFT, 0x11), RELEASE, // N
      ...altKeys(KP[0], KP[2], KP[2], KP[5]), // 0xE1
      ...altKeys(KP[0], KP[1], KP[8], KP[7]), // 0xBB
      ...altKeys(KP[0], KP[1], KP[7], KP[5]), // 0xAF: E1 BB AF is "ữ"
      key(SHIFT, 0x31), RELEASE, // |
      // Windows EnableHexNumpad: Alt, keypad +, hex digits (1, e, e, f from the main block): U+1EEF "ữ"
      ...altKeys(KP.plus, 0x1e, 0x08, 0x08, 0x09),
      key(0, 0x1e), RELEASE, key(0, 0x1e), RELEASE, // "11": the same key twice needs its release between
      ...ENTER,
    ];
    expect(replay(options({ format: 'keyboard' }), reports).outcomes).toEqual([{ ok: true, text: 'Nữ|ữ11', symbology: null, repaired: false }]);
  });

  test.each(['altBytes', 'altCodePoints'] as const)('a CCCD QR typed with %s round-trips byte for byte', (altStyle) => {
    const { outcomes } = replay(options({ format: 'keyboard' }), keyboardReports(`${CCCD_2021}\r`, altStyle));
    expect(outcomes).toHaveLength(1);
    expect(bytesOf(outcomes[0])).toEqual([...utf8(CCCD_2021)]);
  });

  test('stray reports are ignored: releases while idle, roll-over, other report sizes, Num Lock', () => {
    const rollOver = Uint8Array.of(0, 0, 1, 1, 1, 1, 1, 1);
    const consumerControl = Uint8Array.of(3, 0xe9, 0);
    const numLock = [key(0, 0x53), RELEASE];
    const typed = keyboardReports(`${CCCD_2024}\r`);
    const reports = [RELEASE, RELEASE, ...typed.slice(0, 40), rollOver, consumerControl, ...numLock, ...typed.slice(40)];
    expect(bytesOf(replay(options({ format: 'keyboard' }), reports).outcomes[0])).toEqual([...utf8(CCCD_2024)]);
  });

  test('with a report ID in front (composite keyboards) the reports read the same', () => {
    const withId = keyboardReports(`${CCCD_2024}\r`).map((report) => Uint8Array.of(1, ...report));
    expect(bytesOf(replay(options({ format: 'keyboard' }), withId).outcomes[0])).toEqual([...utf8(CCCD_2024)]);
  });

  test('with suffix none a pause ends the scan; two scans stay two', () => {
    const parser = createReportParser(options({ format: 'keyboard', suffix: 'none' }));
    const first = keyboardReports(CCCD_2021).flatMap((report, i) => parser.push(report, i * 2));
    expect(first).toEqual([]);
    const deadline = parser.deadline()!;
    const second = keyboardReports(CCCD_2024).flatMap((report, i) => parser.push(report, deadline + 10 + i * 2));
    expect(second).toEqual([{ ok: true, text: CCCD_2021, symbology: null, repaired: false }]);
    expect(parser.expire(parser.deadline()!)).toEqual([{ ok: true, text: CCCD_2024, symbology: null, repaired: false }]);
  });

  test('with suffix enter a scan that never ends is cut off', () => {
    const { parser, lastAt } = replay(options({ format: 'keyboard' }), keyboardReports(CCCD_2021.slice(0, 30)));
    expect(parser.expire(lastAt + 150)).toEqual([{ ok: false, code: 'qr.incomplete', params: {} }]);
  });

  test('prefix, AIM identifier and a Tab suffix are stripped', () => {
    const framed = options({ format: 'keyboard', suffix: 'tab', prefix: '#K', aimId: true });
    expect(replay(framed, keyboardReports(`#K]Q1${CCCD_2024}\t`)).outcomes).toEqual([
      { ok: true, text: CCCD_2024, symbology: ']Q1', repaired: false },
    ]);
  });
});

describe('what cheap scanners do to Vietnamese', () => {
  // Written out independently of reports.ts: Node's own TextDecoder gives Latin-1 for 0x80–0x9F.
  const windows1252 = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ';
  const asWindows1252 = (text: string) =>
    [...utf8(text)].map((byte) => (byte >= 0x80 && byte < 0xa0 ? windows1252[byte - 0x80] : String.fromCharCode(byte))).join('');
  const asLatin1 = (text: string) => Buffer.from(utf8(text)).toString('latin1');

  test.each([
    ['Windows-1252', asWindows1252],
    ['Latin-1', asLatin1],
  ])('UTF-8 read as %s and sent on is restored', (_name, misread) => {
    expect(misread('Nguyễn')).toBe(misread === asWindows1252 ? 'Nguyá»…n' : 'Nguyá»\u0085n');
    const { outcomes } = replay(options(), posReports(utf8(`${misread(CCCD_2021)}\r`)));
    expect(outcomes).toEqual([{ ok: true, text: CCCD_2021, symbology: ']Q1', repaired: true }]);
  });

  test.each([CCCD_2024, 'Nguyễn Văn Thử'])('mojibake typed as Alt code points is restored as well: %s', (text) => {
    const { outcomes } = replay(options({ format: 'keyboard' }), keyboardReports(`${asWindows1252(text)}\r`, 'altCodePoints'));
    expect(outcomes).toEqual([{ ok: true, text, symbology: null, repaired: true }]);
  });

  test.each(['Trần Thị Thử', 'Tô Bá Hà', 'Lê Văn A', 'plain ASCII', ''])('correct text is never "repaired": %s', (text) => {
    expect(repairMojibake(text)).toBeNull();
  });
});

describe('hostile reports give a clear error code', () => {
  const pos = options({ suffix: 'none' });
  const keyboard = options({ format: 'keyboard' });
  test.each<[string, ParserOptions, Uint8Array[], string]>([
    ['bytes that are not UTF-8 (HID POS)', pos, posReports(Uint8Array.of(0x4e, 0xff, 0x41)), 'qr.badEncoding'],
    ['a lone UTF-8 lead byte', pos, posReports(Uint8Array.of(0x54, 0x72, 0xe1, 0xba)), 'qr.badEncoding'],
    ['a length byte larger than the report', pos, [captured([2, 200, ...ascii(']Q1abc')], [0, 0, 0])], 'qr.badReport'],
    ['a code longer than any QR', pos, posReports(new Uint8Array(MAX_SCAN_BYTES + 1).fill(0x41)), 'qr.tooLong'],
    ['a function key', keyboard, [key(0, 0x3a), RELEASE], 'qr.badReport'],
    ['a Windows-key shortcut', keyboard, [key(0x08, 0x15), RELEASE], 'qr.badReport'],
    ['Alt with a letter', keyboard, [key(ALT), key(ALT, 0x04), RELEASE], 'qr.badReport'],
    ['an Alt code beyond Unicode', keyboard, [...altKeys(KP.plus, 0x1e, 0x27, 0x27, 0x27, 0x27, 0x27, 0x27)], 'qr.badReport'],
    ['a missing prefix', { ...keyboard, prefix: '#' }, keyboardReports('abc\r'), 'qr.badFraming'],
    ['a missing AIM identifier', { ...keyboard, aimId: true }, keyboardReports('abc\r'), 'qr.badFraming'],
  ])('%s', (_name, parserOptions, reports, code) => {
    const { parser, outcomes, lastAt } = replay(parserOptions, [...reports, ...ENTER]);
    const all = [...outcomes, ...parser.expire(lastAt + 1000)];
    expect(all).toEqual([expect.objectContaining({ ok: false, code })]);
  });

  test('the rest of a refused scan is dropped, and the next scan reads normally', () => {
    const parser = createReportParser(options({ format: 'keyboard' }));
    const refused = [key(0, 0x3a), RELEASE, ...keyboardReports(`${CCCD_2021}\r`)];
    const outcomes = [...refused, ...keyboardReports(`${CCCD_2024}\r`)].flatMap((report, i) => parser.push(report, i));
    expect(outcomes).toEqual([
      { ok: false, code: 'qr.badReport', params: { usage: 0x3a } },
      { ok: true, text: CCCD_2024, symbology: null, repaired: false },
    ]);
  });
});

/** A node-hid stand-in: a list of plugged devices, and connections that replay report streams. */
function fakeHid(devices: HidDeviceInfo[]) {
  const connections: (EventEmitter & { path: string; closed: boolean })[] = [];
  const library = {
    devices,
    failEnumeration: false,
    failOpen: false,
    enumerations: 0,
    devicesAsync: vi.fn(async () => {
      library.enumerations += 1;
      if (library.failEnumeration) throw new Error('hid_enumerate failed');
      return [...library.devices];
    }),
    HIDAsync: {
      open: vi.fn(async (path: string) => {
        if (library.failOpen || !library.devices.some((d) => d.path === path)) throw new Error(`cannot open ${path}`);
        const connection = Object.assign(new EventEmitter(), {
          path,
          closed: false,
          close: async () => {
            connection.closed = true;
          },
        });
        connections.push(connection);
        return connection;
      }),
    },
    connections,
    /** The open connection's reports arrive 1 ms apart, as from a full-speed interrupt endpoint. */
    async replay(reports: readonly Uint8Array[]) {
      const connection = connections.at(-1);
      for (const report of reports) {
        connection?.emit('data', Buffer.from(report));
        await vi.advanceTimersByTimeAsync(1);
      }
    },
  };
  return library satisfies HidLibrary;
}

const SCANNER: HidDeviceInfo = { vendorId: 0x0c2e, productId: 0x0b61, path: '/dev/hidraw3', usagePage: 0x8c, usage: 0x02 };
const KEYBOARD: HidDeviceInfo = { vendorId: 0x046d, productId: 0xc31c, path: '/dev/hidraw0', usagePage: 0x01, usage: 0x06 };
const hidConfig = (overrides: Record<string, unknown> = {}) =>
  QrScannerConfig.parse({ driver: 'hid', devices: [{ vendorId: 0x0c2e, productId: 0x0b61 }], ...overrides }) as Extract<QrScannerConfig, { driver: 'hid' }>;

describe('HID driver', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function start(hid: ReturnType<typeof fakeHid>, config = hidConfig()) {
    const scanner = createHidQrScanner(config, hid);
    const states: DeviceStatus['state'][] = [];
    const scans: ScanOutcome[] = [];
    scanner.onStatus((status) => states.push(status.state));
    scanner.onScan((scan) => scans.push(scan));
    return { scanner, states, scans };
  }

  test('existing configs stay valid, and an allow-list is required for the hid driver', () => {
    expect(QrScannerConfig.parse({ driver: 'simulator', connectDelayMs: 800 })).toMatchObject({ format: 'pos', suffix: 'enter' });
    expect(QrScannerConfig.safeParse({ driver: 'hid', devices: [] }).success).toBe(false);
    expect(hidConfig()).toMatchObject({ linuxDriver: 'libusb', pollIntervalMs: 2000, devices: [{ format: 'auto' }] });
  });

  test('only an allow-listed scanner is opened, never a keyboard', async () => {
    const hid = fakeHid([KEYBOARD]);
    const { scanner, states } = start(hid);
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['offline']);
    hid.devices.push({ ...SCANNER, path: '/dev/hidraw4', usagePage: 0xff00, usage: 1 }, SCANNER);
    await vi.advanceTimersByTimeAsync(2000);
    expect(hid.HIDAsync.open.mock.calls).toEqual([[SCANNER.path]]);
    expect(states).toEqual(['offline', 'ready']);
    await scanner.close();
  });

  test('scans arrive; unplugged it goes offline, plugged back it scans again; a half-sent scan is dropped', async () => {
    const hid = fakeHid([SCANNER]);
    const { scanner, states, scans } = start(hid);
    await vi.advanceTimersByTimeAsync(0);
    await hid.replay(posReports(utf8(`${CCCD_2021}\r`)));
    expect(scans).toEqual([{ ok: true, text: CCCD_2021, symbology: ']Q1', repaired: false }]);

    await hid.replay(posReports(utf8(`${CCCD_2024}\r`)).slice(0, 1));
    hid.devices.length = 0;
    hid.connections.at(-1)?.emit('error', new Error('could not read from HID device'));
    await vi.advanceTimersByTimeAsync(0);
    expect(scanner.status().state).toBe('offline');
    expect(hid.connections.at(-1)?.closed).toBe(true);
    const lookups = hid.enumerations;
    await vi.advanceTimersByTimeAsync(2000);
    expect(hid.enumerations).toBe(lookups + 1);

    hid.devices.push(SCANNER);
    await vi.advanceTimersByTimeAsync(2000);
    await hid.replay(posReports(utf8(`${CCCD_2024}\r`)));
    await vi.advanceTimersByTimeAsync(1000);
    expect(states).toEqual(['ready', 'offline', 'ready']);
    expect(scans.slice(1)).toEqual([{ ok: true, text: CCCD_2024, symbology: ']Q1', repaired: false }]);
    await scanner.close();
  });

  test('a device that fails while plugged in shows error until it opens again', async () => {
    const hid = fakeHid([SCANNER]);
    const { scanner, states } = start(hid);
    await vi.advanceTimersByTimeAsync(0);
    hid.failOpen = true;
    hid.connections[0]?.emit('error', new Error('read error'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(states).toEqual(['ready', 'error']);
    hid.failOpen = false;
    await vi.advanceTimersByTimeAsync(2000);
    expect(states).toEqual(['ready', 'error', 'ready']);
    await scanner.close();
  });

  test('node-hid failing to enumerate is an error, not an absent scanner', async () => {
    const hid = fakeHid([SCANNER]);
    hid.failEnumeration = true;
    const { scanner, states } = start(hid);
    await vi.advanceTimersByTimeAsync(0);
    expect(states).toEqual(['error']);
    await scanner.close();
  });

  test('a keyboard-mode scanner is read as keys; the format comes from its usage page', async () => {
    const wedge = { ...SCANNER, usagePage: 0x01, usage: 0x06 };
    const hid = fakeHid([wedge]);
    const { scanner, scans } = start(hid);
    await vi.advanceTimersByTimeAsync(0);
    await hid.replay(keyboardReports(`${CCCD_2024}\r`));
    expect(scans).toEqual([{ ok: true, text: CCCD_2024, symbology: null, repaired: false }]);
    await scanner.close();
  });

  test('close releases the device and stops looking', async () => {
    const hid = fakeHid([]);
    const { scanner } = start(hid);
    await vi.advanceTimersByTimeAsync(0);
    hid.devices.push(SCANNER);
    await vi.advanceTimersByTimeAsync(2000);
    await scanner.close();
    expect(hid.connections[0]?.closed).toBe(true);
    const lookups = hid.enumerations;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(hid.enumerations).toBe(lookups);
  });
});

describe('simulated scanner', () => {
  const simulator = (overrides: Record<string, unknown> = {}) =>
    QrScannerConfig.parse({ driver: 'simulator', connectDelayMs: 0, ...overrides }) as Extract<QrScannerConfig, { driver: 'simulator' }>;

  async function scanWith(config: Extract<QrScannerConfig, { driver: 'simulator' }>, text: string) {
    const scanner = createSimulatedQrScanner(config, { decodeDelayMs: 5, reportIntervalMs: 1 });
    const scans: ScanOutcome[] = [];
    scanner.onScan((scan) => scans.push(scan));
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(scanner.status().state).toBe('ready');
    return { scanner, scans, done: scanner.scan(text) };
  }

  test.each([
    { format: 'pos' },
    { format: 'keyboard', prefix: '#', aimId: true, suffix: 'tab' },
    { format: 'keyboard', suffix: 'none', interReportTimeoutMs: 50 },
  ])('scan(text) reaches onScan through the real parser: %o', async (overrides) => {
    const { scanner, scans, done } = await scanWith(simulator(overrides), CCCD_2021);
    await done;
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(scans.map(bytesOf)).toEqual([[...utf8(CCCD_2021)]]);
    const card = scans[0]?.ok ? parseCccdQr(scans[0].text) : null;
    expect(card?.ok && card.value.fullName).toBe('Trần Thị Thử');
    await scanner.close();
  });

  test('unplugged mid-scan, nothing half-read arrives; plugged back, it scans again', async () => {
    const { scanner, scans, done } = await scanWith(simulator({ format: 'keyboard' }), CCCD_2021);
    await new Promise((resolve) => setTimeout(resolve, 30));
    scanner.unplug();
    await done;
    scanner.plug();
    await new Promise((resolve) => setTimeout(resolve, 5));
    await scanner.scan(CCCD_2024);
    expect(scans).toEqual([{ ok: true, text: CCCD_2024, symbology: null, repaired: false }]);
    await scanner.close();
  });
});
