import type { ErrorCode, ErrorParams } from '../../../../shared/errors';

/**
 * Turns the input reports of a USB HID scanner into whole scans. Pure: time comes in as arguments,
 * so recorded report streams replay exactly; the driver and the simulator own the timers.
 *
 * Two report formats (docs/devices.md, "QR scanner"):
 * - `pos`: HID POS, usage page 0x8C. The scanned-data report is ID 0x02, a data length, the AIM
 *   symbology identifier (usages 0xFB–0xFD), the decoded data (0xFE) and, in the last byte, the
 *   "decode data continued" flag (0xFF) for codes longer than one report. The layout is the one
 *   recorded from a Honeywell scanner in HenkVanAsselt/python_hon_usbhid `README.md` and read the
 *   same way by a Windows HidDevice demo (report 2: length at 1, symbology at 2–4, data from 5,
 *   continuation at 63).
 * - `keyboard`: a keyboard-wedge scanner's 8-byte boot keyboard reports (HID 1.11 appendix B:
 *   modifier byte, reserved byte, six key usages of page 0x07), typed on a US layout, including
 *   Alt+numpad codes for what a US keyboard cannot type.
 */

export type ReportFormat = 'pos' | 'keyboard';
export type QrErrorCode = Extract<ErrorCode, `qr.${string}`>;

export type ScanOutcome =
  | {
      ok: true;
      /** The scan as text, prefix, AIM identifier and suffix removed; not normalised (NFC is the CCCD parser's job). */
      text: string;
      /** The AIM symbology identifier (`]Q1` is QR), when the scanner sent one. */
      symbology: string | null;
      /** The scanner had mis-decoded UTF-8 as Windows-1252 or Latin-1, and the text was restored. */
      repaired: boolean;
    }
  | { ok: false; code: QrErrorCode; params: ErrorParams };

export interface ParserOptions {
  format: ReportFormat;
  suffix: 'enter' | 'tab' | 'none';
  prefix: string;
  aimId: boolean;
  interReportTimeoutMs: number;
}

export interface ReportParser {
  /** Feeds one input report received at `atMs`; returns the scans it ended (usually none or one). */
  push(report: Uint8Array, atMs: number): ScanOutcome[];
  /** When `expire` must be called if no report comes first; `null` while no scan is under way. */
  deadline(): number | null;
  /** Ends the scan under way if its deadline has passed: whole with suffix `none`, else cut off. */
  expire(atMs: number): ScanOutcome[];
}

/**
 * A QR symbol holds at most 2953 bytes (ISO/IEC 18004, version 40-L, byte mode); the rest leaves room
 * for a prefix, an AIM identifier and a suffix. Past this a scan is refused and its tail dropped, so a
 * stuck key cannot grow memory.
 */
export const MAX_SCAN_BYTES = 4096;

/** HID POS scanned-data report: its ID, and the bytes around the data (ID, length, AIM ×3 … code ID, reserved, flag). */
export const POS_REPORT_ID = 0x02;
export const POS_DATA_OFFSET = 5;
export const POS_OVERHEAD = 8;

/** Boot keyboard modifier bits (HID 1.11 §8.3): Ctrl, Shift, Alt, GUI, left and right. */
const CTRL = 0x11;
const SHIFT = 0x22;
const ALT = 0x44;
const GUI = 0x88;

/** Keyboard/Keypad page (HID Usage Tables §10) usages this parser treats specially. */
export const KEY = {
  enter: 0x28,
  tab: 0x2b,
  keypadEnter: 0x58,
  keypadPlus: 0x57,
  keypad1: 0x59,
  keypad0: 0x62,
} as const;
/** ErrorRollOver fills every key slot when too many keys are down: a phantom state, not a key. */
const ROLL_OVER = 0x01;
/** Caps, Scroll and Num Lock: scanners press Num Lock around Alt codes; none of them types anything. */
const LOCK_KEYS = new Set([0x39, 0x47, 0x53]);

/** The US layout: usage → [unshifted, shifted]. Enter and Tab are here for suffix `none`. */
export const US_LAYOUT: ReadonlyMap<number, readonly [string, string]> = new Map<number, readonly [string, string]>([
  ...[...'abcdefghijklmnopqrstuvwxyz'].map((c, i) => [0x04 + i, [c, c.toUpperCase()]] as const),
  ...[...'1234567890'].map((c, i) => [0x1e + i, [c, '!@#$%^&*()'[i] ?? '']] as const),
  [KEY.enter, ['\r', '\r']],
  [KEY.tab, ['\t', '\t']],
  [0x2c, [' ', ' ']],
  ...([...'-=[]\\'].map((c, i) => [0x2d + i, [c, '_+{}|'[i] ?? '']] as const)),
  ...([...";'`,./"].map((c, i) => [0x33 + i, [c, ':"~<>?'[i] ?? '']] as const)),
  ...([...'/*-+'].map((c, i) => [0x54 + i, [c, c]] as const)),
  [KEY.keypadEnter, ['\r', '\r']],
  ...([...'1234567890.'].map((c, i) => [KEY.keypad1 + i, [c, c]] as const)),
]);

const SUFFIX_KEYS: Record<ParserOptions['suffix'], readonly number[]> = {
  enter: [KEY.enter, KEY.keypadEnter],
  tab: [KEY.tab],
  none: [],
};
const SUFFIX_TEXT: Record<ParserOptions['suffix'], RegExp | null> = { enter: /\r?\n?$/u, tab: /\t$/u, none: null };

/** One byte of a scan; `alt` marks an Alt+numpad code ≤ 255, which may be a byte or a Latin-1 letter. */
interface Unit {
  byte: number;
  alt: boolean;
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const encoder = new TextEncoder();

/**
 * Windows-1252 at 0x80–0x9F (WHATWG Encoding, index-windows-1252; the five unassigned bytes stay C1
 * controls). Written out because Node 20's TextDecoder('windows-1252') gives Latin-1 there.
 */
const WINDOWS_1252_80_9F = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178,
];

/** Windows-1252 and Latin-1 back to bytes: every U+0000–U+00FF is its own byte, and so is each Windows-1252 character. */
const singleByte: ReadonlyMap<string, number> = new Map([
  ...Array.from({ length: 256 }, (_, byte) => [String.fromCharCode(byte), byte] as const),
  ...WINDOWS_1252_80_9F.map((codePoint, i) => [String.fromCodePoint(codePoint), 0x80 + i] as const),
]);

/**
 * UTF-8 shown as Windows-1252 or Latin-1 ("Nguyễn" → "Nguyá»…n") is what a scanner produces when it
 * reads a QR's bytes in the ISO/IEC 18004 default charset (ISO-8859-1, no ECI) and transcodes them.
 * Undone only when every character is one such byte, one is non-ASCII, and the bytes are strict
 * UTF-8: correct Vietnamese always has a letter outside Latin-1 or is not valid UTF-8 that way.
 */
export function repairMojibake(text: string): string | null {
  const bytes: number[] = [];
  for (const char of text) {
    const byte = singleByte.get(char);
    if (byte === undefined) return null;
    bytes.push(byte);
  }
  if (!bytes.some((byte) => byte >= 0x80)) return null;
  try {
    return utf8.decode(Uint8Array.from(bytes));
  } catch {
    return null;
  }
}

/**
 * Bytes to text, strictly UTF-8 (the CCCD QR is UTF-8, facts.md §1.2). Alt codes ≤ 255 are bytes
 * first, as cheap scanners type each UTF-8 byte as Alt+0nnn; if that is not UTF-8, they were Unicode
 * code points (Alt+225 for "á"), so they are read as Latin-1, which is Unicode's first 256.
 */
function decode(units: readonly Unit[]): string | null {
  try {
    return utf8.decode(Uint8Array.from(units, (unit) => unit.byte));
  } catch {
    if (!units.some((unit) => unit.alt)) return null;
  }
  let text = '';
  let run: number[] = [];
  try {
    for (const unit of [...units, null]) {
      if (unit !== null && !unit.alt) {
        run.push(unit.byte);
        continue;
      }
      text += utf8.decode(Uint8Array.from(run));
      run = [];
      if (unit !== null) text += String.fromCharCode(unit.byte);
    }
  } catch {
    return null;
  }
  return text;
}

const failure = (code: QrErrorCode, params: ErrorParams = {}): ScanOutcome => ({ ok: false, code, params });

/** Prefix, then AIM identifier, then the data, as the scanner's data format sends them. */
function unframe(raw: string, options: ParserOptions): ScanOutcome {
  const pattern = SUFFIX_TEXT[options.suffix];
  let text = options.format === 'pos' && pattern ? raw.replace(pattern, '') : raw;
  if (!text.startsWith(options.prefix)) return failure('qr.badFraming', { expected: 'prefix' });
  text = text.slice(options.prefix.length);
  let symbology: string | null = null;
  if (options.aimId && options.format === 'keyboard') {
    if (!/^\][\x21-\x7e]{2}/u.test(text)) return failure('qr.badFraming', { expected: 'aimId' });
    symbology = text.slice(0, 3);
    text = text.slice(3);
  }
  const repaired = repairMojibake(text);
  return { ok: true, text: repaired ?? text, symbology, repaired: repaired !== null };
}

export function createReportParser(options: ParserOptions): ReportParser {
  let units: Unit[] = [];
  let symbology: string | null = null;
  /** Time of the last report of the scan under way; `null` when none is. */
  let lastAt: number | null = null;
  /** Time of the report being parsed. */
  let now = 0;
  /** A scan already refused: its remaining reports are dropped until it ends. */
  let refused = false;
  let pressed = new Set<number>();
  let modifiers = 0;
  /** Digits typed on the keypad while Alt is held; `hex` after Alt+keypad-plus (Windows EnableHexNumpad). */
  let alt: { digits: string; hex: boolean } | null = null;

  const reset = () => {
    units = [];
    symbology = null;
    lastAt = null;
    refused = false;
    alt = null;
  };

  /** A scan is under way from its first byte or Alt key, and while a refused one drains. */
  const mark = () => {
    lastAt = now;
  };

  const refuse = (code: QrErrorCode, params: ErrorParams = {}): ScanOutcome[] => {
    const wasRefused = refused;
    units = [];
    alt = null;
    refused = true;
    mark();
    return wasRefused ? [] : [failure(code, params)];
  };

  const append = (bytes: Iterable<number>, fromAlt = false): ScanOutcome[] => {
    mark();
    if (refused) return [];
    for (const byte of bytes) units.push({ byte, alt: fromAlt });
    return units.length > MAX_SCAN_BYTES ? refuse('qr.tooLong', { max: MAX_SCAN_BYTES }) : [];
  };

  const finish = (whole: boolean): ScanOutcome[] => {
    const wasRefused = refused;
    const taken = units;
    const aim = symbology;
    reset();
    if (wasRefused || taken.length === 0) return [];
    if (!whole) return [failure('qr.incomplete')];
    const raw = decode(taken);
    if (raw === null) return [failure('qr.badEncoding', { bytes: taken.length })];
    const outcome = unframe(raw, options);
    return [outcome.ok && aim !== null ? { ...outcome, symbology: aim } : outcome];
  };

  /** Only a keyboard scanner with suffix `none` ends a scan by pausing; anything else was cut off. */
  const expire = (atMs: number): ScanOutcome[] =>
    lastAt !== null && atMs - lastAt >= options.interReportTimeoutMs
      ? finish(options.suffix === 'none' && options.format === 'keyboard')
      : [];

  const endAltCode = (): ScanOutcome[] => {
    const code = alt;
    alt = null;
    if (code === null || code.digits === '') return [];
    const value = Number.parseInt(code.digits, code.hex ? 16 : 10);
    if (!code.hex && value <= 0xff) return append([value], true);
    if (value > 0x10ffff || (value >= 0xd800 && value <= 0xdfff)) return refuse('qr.badReport', { altCode: code.digits });
    return append(encoder.encode(String.fromCodePoint(value)));
  };

  /** One newly pressed key, with the modifiers of its report. */
  const typeKey = (usage: number): ScanOutcome[] => {
    if (LOCK_KEYS.has(usage)) return [];
    if (alt !== null) {
      const digit = usage >= KEY.keypad1 && usage <= KEY.keypad0 ? (usage - KEY.keypad1 + 1) % 10 : null;
      if (usage === KEY.keypadPlus && alt.digits === '' && !alt.hex) {
        alt.hex = true;
        return [];
      }
      const hexDigit = alt.hex ? US_LAYOUT.get(usage)?.[0] : undefined;
      if (digit !== null) alt.digits += String(digit);
      else if (hexDigit !== undefined && /^[0-9a-f]$/u.test(hexDigit)) alt.digits += hexDigit;
      else return refuse('qr.badReport', { usage });
      return [];
    }
    if (SUFFIX_KEYS[options.suffix].includes(usage)) return finish(true);
    const chars = US_LAYOUT.get(usage);
    if (chars === undefined || modifiers & GUI) return refuse('qr.badReport', { usage });
    const char = chars[modifiers & SHIFT ? 1 : 0];
    // Ctrl+letter is how a wedge types a control character (Ctrl+M is CR): ASCII code minus 0x60.
    if (modifiers & CTRL) return /^[a-z]$/u.test(chars[0]) ? append([chars[0].charCodeAt(0) - 0x60]) : refuse('qr.badReport', { usage });
    return append(encoder.encode(char));
  };

  const pushKeyboard = (report: Uint8Array): ScanOutcome[] => {
    // hidapi puts the report ID first when the device numbers its reports (composite keyboards).
    const body = report.length === 9 ? report.subarray(1) : report;
    if (body.length !== 8) return [];
    const keys = [...body.subarray(2)].filter((usage) => usage !== 0);
    if (keys.includes(ROLL_OVER)) return [];
    const outcomes: ScanOutcome[] = [];
    const previousModifiers = modifiers;
    modifiers = body[0] ?? 0;
    if (previousModifiers & ALT && !(modifiers & ALT)) outcomes.push(...endAltCode());
    if (modifiers & ALT && !(previousModifiers & ALT)) {
      alt = { digits: '', hex: false };
      mark();
    }
    for (const usage of keys) if (!pressed.has(usage)) outcomes.push(...typeKey(usage));
    pressed = new Set(keys);
    return outcomes;
  };

  const pushPos = (report: Uint8Array): ScanOutcome[] => {
    if (report[0] !== POS_REPORT_ID || report.length <= POS_OVERHEAD) return [];
    const length = report[1] ?? 0;
    if (length > report.length - POS_OVERHEAD) return [...refuse('qr.badReport', { length }), ...finishIfLast(report)];
    const aim = String.fromCharCode(...report.subarray(2, POS_DATA_OFFSET));
    if (symbology === null && /^\][\x21-\x7e]{2}$/u.test(aim)) symbology = aim;
    return [...append(report.subarray(POS_DATA_OFFSET, POS_DATA_OFFSET + length)), ...finishIfLast(report)];
  };

  const finishIfLast = (report: Uint8Array): ScanOutcome[] => ((report.at(-1) ?? 0) & 1 ? [] : finish(true));

  return {
    push(report, atMs) {
      const outcomes = expire(atMs);
      now = atMs;
      if (lastAt !== null) mark();
      outcomes.push(...(options.format === 'pos' ? pushPos(report) : pushKeyboard(report)));
      return outcomes;
    },
    deadline: () => (lastAt === null ? null : lastAt + options.interReportTimeoutMs),
    expire,
  };
}
