import { z } from 'zod';
import { PaymentAccount } from './dossier/vietqr';

/** The bundled reference portal's address: the default portal of `npm start` and of the tests. */
export const DEFAULT_PORTAL_URL = 'http://127.0.0.1:8787';

const DeviceConfig = z.object({
  driver: z.literal('simulator'),
  /** How long the simulated device takes to come up, as a real one does after boot. */
  connectDelayMs: z.number().int().nonnegative().default(800),
});

/** How the QR scanner frames each scan, as set on the scanner itself (docs/devices.md, "QR scanner"). */
const QrScanFraming = {
  /** The key the scanner sends after each scan (its "suffix" setting); with `none` a pause ends a scan. */
  suffix: z.enum(['enter', 'tab', 'none']).default('enter'),
  /** Text the scanner is set to send before each scan: stripped, and a scan without it is refused. */
  prefix: z.string().default(''),
  /** The scanner is set to send the AIM symbology identifier (`]Q1` for QR) first, keyboard mode only. */
  aimId: z.boolean().default(false),
  /** A pause this long between two reports ends a scan, or cuts it off if its end never came. */
  interReportTimeoutMs: z.number().int().positive().default(150),
};
const UsbId = z.number().int().min(0).max(0xffff);

/**
 * The CCCD QR scanner: simulated, or a USB HID scanner in HID POS or keyboard mode. Only scanners on
 * the allow-list are opened, so a keyboard plugged into the kiosk is never read as a scanner.
 */
export const QrScannerConfig = z.discriminatedUnion('driver', [
  DeviceConfig.extend({
    ...QrScanFraming,
    /** The kind of scanner the simulator imitates, report for report. */
    format: z.enum(['pos', 'keyboard']).default('pos'),
  }),
  z.object({
    driver: z.literal('hid'),
    ...QrScanFraming,
    devices: z
      .array(z.object({ vendorId: UsbId, productId: UsbId, format: z.enum(['auto', 'pos', 'keyboard']).default('auto') }))
      .min(1),
    /** How often to look for the scanner while it is absent (each look enumerates the USB bus). */
    pollIntervalMs: z.number().int().positive().default(2000),
    /** Linux only: `libusb` detaches the kernel driver, so keyboard-mode scans never type into the UI. */
    linuxDriver: z.enum(['libusb', 'hidraw']).default('libusb'),
  }),
]);
export type QrScannerConfig = z.infer<typeof QrScannerConfig>;

/** The CSCA certificates (PEM, DER or an ICAO master list) that make a chip "genuine"; without them a valid signature reads as "issuer unknown". */
const CscaFile = { cscaFile: z.string().min(1).optional() };

/** The CCCD chip reader: simulated (a CCCD-like chip on a card that is always down), or a PC/SC contactless reader. */
export const CardReaderConfig = z.discriminatedUnion('driver', [DeviceConfig.extend(CscaFile), z.object({ driver: z.literal('pcsc'), ...CscaFile })]);
export type CardReaderConfig = z.infer<typeof CardReaderConfig>;

/** scanimage's own switches: the driver sets these itself, so a backend option must not. */
const DRIVER_OWNED_OPTIONS = new Set(['device-name', 'format', 'mode', 'source', 'resolution', 'output-file', 'progress']);
/** The scan area's geometry options have only scanimage's one-letter names (`-x 210 -y 297` is A4, in mm). */
export const GEOMETRY_OPTIONS = new Set(['l', 't', 'x', 'y']);
const BackendOptionName = z
  .string()
  .regex(/^(?:[a-z][a-z0-9-]+|[ltxy])$/, 'a SANE option name such as "read-delay", or l, t, x, y for the scan area')
  .refine((name) => !DRIVER_OWNED_OPTIONS.has(name) && !name.startsWith('batch'), 'the driver sets this option itself');

/** The source and mode names differ between backends (`scanimage -d <device> --help` lists them). */
const SaneSourceNames = z.object({
  flatbed: z.string().min(1).default('Flatbed'),
  adf: z.string().min(1).default('ADF'),
  adfDuplex: z.string().min(1).default('ADF Duplex'),
});
const SaneModeNames = z.object({
  colour: z.string().min(1).default('Color'),
  grey: z.string().min(1).default('Gray'),
  lineart: z.string().min(1).default('Lineart'),
});

const PresencePolling = {
  /** How often to look for the scanner while it is offline or failing. */
  pollIntervalMs: z.number().int().positive().default(5000),
};

/** The document scanner (electron/host/devices/scanner/, docs/scanners.md). */
export const DocumentScannerConfig = z.discriminatedUnion('driver', [
  DeviceConfig.extend({
    /** Time to feed and scan each page; a real ADF takes 2–4 s a page at 300 dpi. */
    pageDelayMs: z.number().int().nonnegative().default(1500),
    /** How many sheets sit in the simulated feeder for each ADF scan. */
    adfPages: z.number().int().positive().default(3),
    /** Makes pages and faults repeat exactly, for demos and tests. */
    seed: z.number().int().default(1),
    /** Output as a real scanner gives it: PNG, or JPEG as network scanners do. */
    format: z.enum(['png', 'jpeg']).default('png'),
    /** Fault injection: this fault instead of page `atPage` (1 = before any page). */
    fault: z
      .object({ kind: z.enum(['jammed', 'noPaper', 'coverOpen']), atPage: z.number().int().positive().default(1) })
      .optional(),
  }),
  z.object({
    driver: z.literal('sane'),
    /** The SANE device name, as `scanimage -L` lists it (e.g. `fujitsu:fi-7160:12345`); `test` for SANE's test backend. */
    device: z.string().min(1),
    scanimagePath: z.string().min(1).default('scanimage'),
    sources: SaneSourceNames.prefault({}),
    modes: SaneModeNames.prefault({}),
    /** Backend options passed as `--name=value` (`-x value` for the area), e.g. `{ "x": "210", "y": "297", "swdeskew": "yes" }`. */
    options: z.record(BackendOptionName, z.string()).default({}),
    /** A scan that gives no page for this long is stopped as failed (a backend stuck waiting for the device). */
    pageTimeoutMs: z.number().int().positive().default(120_000),
    ...PresencePolling,
  }),
  z.object({
    driver: z.literal('escl'),
    /** The scanner's eSCL root, e.g. `http://192.168.1.20/eSCL` (its mDNS `_uscan._tcp` record names the path in `rs`). */
    url: z.url({ protocol: /^https?$/ }),
    /** What to ask for; every eSCL scanner offers JPEG, PNG only some. */
    documentFormat: z.enum(['image/jpeg', 'image/png']).default('image/jpeg'),
    requestTimeoutMs: z.number().int().positive().default(30_000),
    /** A scanner answers 503 while the next page is still being scanned: wait this long, then ask again. */
    retryDelayMs: z.number().int().positive().default(1000),
    /** How many 503 answers in a row before the scan is given up as failed. */
    maxRetries: z.number().int().positive().default(60),
    ...PresencePolling,
  }),
]);
export type DocumentScannerConfig = z.infer<typeof DocumentScannerConfig>;
export type DocumentScannerConfigInput = z.input<typeof DocumentScannerConfig>;

/**
 * The receipt printer (electron/host/devices/printer/, docs/printers.md): its transport, and the
 * paper and code page the receipt is rendered for.
 */
/** 58 mm paper prints 384 dots (32 characters of 12 dots), 80 mm prints 576 (48 characters). */
export const PaperWidth = z.enum(['58mm', '80mm']);
export type PaperWidth = z.infer<typeof PaperWidth>;

/**
 * A Vietnamese code page the printer has, if any. Most thermal printers have none, and then the
 * receipt goes as a raster image so diacritics always print. `table` is the printer's `ESC t n`
 * number for Windows-1258 (Epson: 52, "WPC1258"; clones differ, see their manual).
 */
const VietnameseCodePage = z.object({ encoding: z.literal('cp1258'), table: z.number().int().min(0).max(255).default(52) });

const PrinterProfile = {
  paper: PaperWidth.default('80mm'),
  codePage: VietnameseCodePage.nullable().default(null),
  /** Prints the receipt rotated, for printers mounted upside down in the kiosk housing. */
  upsideDown: z.boolean().default(false),
};

export const ReceiptPrinterConfig = z.discriminatedUnion('driver', [
  DeviceConfig.extend({
    ...PrinterProfile,
    /** Where the simulator writes each receipt as a PNG (demos); none when absent. */
    outputDir: z.string().min(1).optional(),
  }),
  /** A USB printer-class device (Linux `usblp`): `/dev/usb/lp0`, written and read as a file. */
  z.object({ driver: z.literal('usb'), ...PrinterProfile, devicePath: z.string().min(1).default('/dev/usb/lp0') }),
  /** An Ethernet printer's raw port ("JetDirect", 9100), which also answers status requests. */
  z.object({
    driver: z.literal('tcp'),
    ...PrinterProfile,
    host: z.string().min(1),
    port: z.number().int().min(1).max(65535).default(9100),
    connectTimeoutMs: z.number().int().positive().default(3000),
    /** How long to wait for a status byte before calling the printer offline. */
    statusTimeoutMs: z.number().int().positive().default(1000),
  }),
  /** A CUPS queue set up raw (docs/printers.md): the bytes pass through unchanged; no status. */
  z.object({ driver: z.literal('cups'), ...PrinterProfile, queue: z.string().regex(/^[A-Za-z0-9_.-]+$/), lpPath: z.string().default('lp') }),
  /** The Windows spooler with a RAW datatype (docs/printers.md); not built yet. */
  z.object({ driver: z.literal('windows'), ...PrinterProfile, printerName: z.string().min(1) }),
]);
export type ReceiptPrinterConfig = z.infer<typeof ReceiptPrinterConfig>;

/** What rendering needs to know about the printer, whatever the transport. */
export type PrinterProfile = Pick<ReceiptPrinterConfig, 'paper' | 'codePage' | 'upsideDown'>;

/** The commune office's A4 printer, for reports: a CUPS queue set up with the printer's own driver (docs/printers.md). */
export const OfficePrinterConfig = z.object({ queue: z.string().regex(/^[A-Za-z0-9_.-]+$/), lpPath: z.string().min(1).default('lp') });
export type OfficePrinterConfig = z.infer<typeof OfficePrinterConfig>;

/** Each kind of device's driver and settings (docs/devices.md); a kind left out has none. */
export const DeviceConfigs = z.object({
  qrScanner: QrScannerConfig.optional(),
  cardReader: CardReaderConfig.optional(),
  documentScanner: DocumentScannerConfig.optional(),
  printer: ReceiptPrinterConfig.optional(),
});
export type DeviceConfigs = z.infer<typeof DeviceConfigs>;

/** The commune's account that receives fees by VietQR, with the name the payer's bank app shows. */
export const Payee = PaymentAccount.extend({ accountName: z.string().min(1) });
export type Payee = z.infer<typeof Payee>;

/** PBKDF2-SHA256 rounds for a new helper PIN (OWASP's 2023 figure); the config refuses fewer than the floor. */
export const PIN_HASH_ITERATIONS = 600_000;
const PIN_HASH_FLOOR = 100_000;
const PIN_HASH = /^\$pbkdf2-sha256\$i=(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

/** A helper's PIN as stored: `$pbkdf2-sha256$i=<rounds>$<salt>$<key>` (base64), made by electron/host/helpers.ts hashPin. Never the PIN. */
export const PinHash = z
  .string()
  .regex(PIN_HASH, 'a PBKDF2-SHA256 hash made by `npm run helper -- add`, never the PIN itself')
  .refine((hash) => Number(PIN_HASH.exec(hash)?.[1]) >= PIN_HASH_FLOOR, `at least ${PIN_HASH_FLOOR} PBKDF2 rounds`);

/** Its rounds, salt and key, as base64. */
export function parsePinHash(hash: string): { iterations: number; salt: string; key: string } {
  const [, iterations, salt, key] = PinHash.parse(hash).match(PIN_HASH)!;
  return { iterations: Number(iterations), salt: salt!, key: key! };
}

/**
 * Someone who may sign in at this kiosk, named in the audit log by `id` only: a volunteer helper,
 * or a technician, who may also change the kiosk's setup and test its devices.
 */
export const HelperAccount = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'lower-case letters, digits and "-"'),
  name: z.string().trim().min(1).max(80),
  pinHash: PinHash,
  role: z.enum(['helper', 'technician']).default('helper'),
});
export type HelperAccount = z.infer<typeof HelperAccount>;
/** A helper or technician as screens and sessions know them: never the PIN hash. */
export const Helper = HelperAccount.pick({ id: true, name: true, role: true });
export type Helper = z.infer<typeof Helper>;

export const HelperSignInConfig = z.object({
  /** Wrong PINs in a row, whoever's name was chosen, before sign-in closes. */
  maxAttempts: z.number().int().min(1).max(20).default(5),
  lockoutMinutes: z.number().int().positive().default(5),
  /** A helper session unused this long is over (the screen's own idle wipe comes well before). */
  sessionMinutes: z.number().int().positive().default(30),
});
export type HelperSignInConfig = z.infer<typeof HelperSignInConfig>;

/** The app's name: how a kiosk the setup wizard has not named yet is known on receipts, reports and at the portal. */
export const APP_NAME = 'DVC Kiosk';

export const KioskConfig = z.object({
  /** This support point's name, given in the setup wizard. */
  name: z.string().trim().min(1).max(60).default(APP_NAME),
  commune: z.object({ code: z.string(), name: z.string() }).nullable().default(null),
  /** The catalogue's procedures offered here, by code; null offers all of them. */
  procedures: z.array(z.string().min(1)).min(1).nullable().default(null),
  /**
   * Below this much free browser storage the kiosk takes no new dossier (quality target R5: about
   * 70 dossiers of 7 MB), so a citizen never fills in a form that cannot be saved.
   */
  minFreeStorageBytes: z.number().int().nonnegative().default(500 * 1024 * 1024),
  /**
   * Days a dossier's personal data stays on the kiosk after the portal accepted it (for reprints and
   * questions at the counter); then its key is destroyed (crypto-shredding, quality target D2).
   */
  retentionDays: z.number().nonnegative().default(30),
  /** A citizen session with no touch, key or scan for this long shows the "are you still here?" warning. */
  idleSeconds: z.number().int().positive().default(90),
  /**
   * The warning's countdown before the session is wiped: WCAG 2.2.1 gives at least 20 s to extend
   * (quality target A3), so a shorter one is refused.
   */
  idleWarningSeconds: z.number().int().min(20).default(30),
  /** When the province's settings the kiosk last took were issued (shared/provincialSettings.ts): only a newer issue is taken. */
  provincialSettingsIssuedAt: z.iso.datetime().nullable().default(null),
  /** A technician's explicit acceptance of a machine whose key store is not protected (Linux basic_text). */
  acceptWeakKeyStore: z.boolean().default(false),
  helpers: z.array(HelperAccount).default([]).refine((helpers) => new Set(helpers.map((helper) => helper.id)).size === helpers.length, 'two helpers share an id'),
  helperSignIn: HelperSignInConfig.prefault({}),
  /** Without one, reports are saved (PDF and CSV) but not printed. */
  officePrinter: OfficePrinterConfig.nullable().default(null),
  /** Without one, fees are paid at the counter. */
  payee: Payee.nullable().default(null),
  /**
   * Where files for people (reports) are written besides the data folder: USB sticks. Null: every
   * drive mounted under /media or /run/media, as Linux desktops and udisks mount them.
   */
  usbDirs: z.array(z.string().min(1)).nullable().default(null),
  /**
   * The province's feed of kiosk releases (docs/updates.md). Null: `updates/` beside the portal,
   * where the reference portal serves one.
   */
  updateUrl: z.url().nullable().default(null),
  portal: z.object({
    url: z.url(),
    timeoutMs: z.number().int().positive().default(5000),
    /** A one-time code from the portal operator: the kiosk enrols with it on its first start. */
    enrolmentCode: z.string().min(1).optional(),
    /** The portal's key as the province's provisioning named it (RFC 7638 thumbprint): an enrolment with any other is refused. */
    keyThumbprint: z.string().regex(/^[A-Za-z0-9_-]{43}$/).optional(),
  }).default({
    url: DEFAULT_PORTAL_URL,
    timeoutMs: 5000,
  }),
  /** Read-aloud (electron/host/speech.ts, docs/speech.md): espeak-ng's Vietnamese voice and pace. */
  speech: z
    .object({
      /** Northern (`vi`), Central (`vi-vn-x-central`, Huế) or Southern (`vi-vn-x-south`): the one the commune's people follow best. */
      voice: z.enum(['vi', 'vi-vn-x-central', 'vi-vn-x-south']).default('vi'),
      /** Words per minute; slower than espeak-ng's 175 for older listeners. */
      rate: z.number().int().min(80).max(450).default(150),
      espeakPath: z.string().min(1).default('espeak-ng'),
    })
    .prefault({}),
  devices: DeviceConfigs.default({
      qrScanner: { driver: 'simulator', connectDelayMs: 800, format: 'pos', suffix: 'enter', prefix: '', aimId: false, interReportTimeoutMs: 150 },
      cardReader: { driver: 'simulator', connectDelayMs: 800 },
      documentScanner: { driver: 'simulator', connectDelayMs: 800, pageDelayMs: 1500, adfPages: 3, seed: 1, format: 'png' },
      printer: { driver: 'simulator', connectDelayMs: 800, paper: '80mm', codePage: null, upsideDown: false },
    }),
});
export type KioskConfig = z.infer<typeof KioskConfig>;
export type SpeechVoice = KioskConfig['speech']['voice'];
export type KioskConfigInput = z.input<typeof KioskConfig>;
