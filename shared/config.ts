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

/** The commune's account that receives fees by VietQR, with the name the payer's bank app shows. */
export const Payee = PaymentAccount.extend({ accountName: z.string().min(1) });
export type Payee = z.infer<typeof Payee>;

export const KioskConfig = z.object({
  commune: z.object({ code: z.string(), name: z.string() }).nullable().default(null),
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
  /** A technician's explicit acceptance of a machine whose key store is not protected (Linux basic_text). */
  acceptWeakKeyStore: z.boolean().default(false),
  /** Without one, fees are paid at the counter. */
  payee: Payee.nullable().default(null),
  portal: z.object({
    url: z.url(),
    timeoutMs: z.number().int().positive().default(5000),
    /** A one-time code from the portal operator: the kiosk enrols with it on its first start. */
    enrolmentCode: z.string().min(1).optional(),
  }).default({
    url: DEFAULT_PORTAL_URL,
    timeoutMs: 5000,
  }),
  devices: z
    .object({
      qrScanner: QrScannerConfig.optional(),
      cardReader: CardReaderConfig.optional(),
      documentScanner: DeviceConfig.optional(),
      printer: ReceiptPrinterConfig.optional(),
    })
    .default({
      qrScanner: { driver: 'simulator', connectDelayMs: 800, format: 'pos', suffix: 'enter', prefix: '', aimId: false, interReportTimeoutMs: 150 },
      cardReader: { driver: 'simulator', connectDelayMs: 800 },
      documentScanner: { driver: 'simulator', connectDelayMs: 800 },
      printer: { driver: 'simulator', connectDelayMs: 800, paper: '80mm', codePage: null, upsideDown: false },
    }),
});
export type KioskConfig = z.infer<typeof KioskConfig>;
export type KioskConfigInput = z.input<typeof KioskConfig>;
