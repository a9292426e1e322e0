import { z } from 'zod';
import { CardReaderConfig, DocumentScannerConfig, Helper, PaperWidth, Payee, QrScannerConfig, ReceiptPrinterConfig } from './config';
import { Attachment, Dossier, DossierStatus } from './dossier/dossier';
import { DossierPackage } from './dossier/portalPackage';
import { Catalogue } from './dossier/procedures';
import { ReceiptData } from './receipt';
import { Report, ReportFileName, ReportPeriod } from './reports/report';
import { VerifiedProvisioning } from './provisioning';
import { SelfTestRequest, SelfTestResult } from './selfTest';
import { SettingsChange, SetupAnswers, SetupOutcome } from './setup';
import { KioskError, KioskErrorShape, toKioskError } from './errors';
import type { EventName, MethodName } from './contractNames';

export * from './contractNames';

/**
 * THE host API. The Electron preload (IPC) and the web host (HTTP + WebSocket) serve exactly these
 * tables; the host parses every input, the client parses every output.
 */

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  host: z.enum(['electron', 'web']),
  /** A kiosk never set up opens on the setup wizard instead of the citizen's start screen. */
  setupNeeded: z.boolean(),
  /** The procedures offered here, by code; null offers the whole catalogue. */
  procedures: z.array(z.string()).nullable(),
  portalUrl: z.url(),
  commune: z.object({ code: z.string(), name: z.string() }).nullable(),
  /** Where fees go by VietQR; null when they are paid at the counter. */
  payee: Payee.nullable(),
  /** Whether reports can be printed on the commune office's printer. */
  officePrinter: z.boolean(),
  /** The receipt printer's paper; null with no receipt printer. */
  paper: PaperWidth.nullable(),
  /** The free-storage floor below which no new dossier is started. */
  minFreeStorageBytes: z.number().int().nonnegative(),
  /** Days personal data stays after the portal accepted a dossier. */
  retentionDays: z.number().nonnegative(),
  /** Quiet time before a citizen session shows the idle warning, then the warning's countdown to the wipe. */
  idleSeconds: z.number().int().positive(),
  idleWarningSeconds: z.number().int().min(20),
  startedAt: z.iso.datetime(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const DeviceKind = z.enum(['qrScanner', 'cardReader', 'documentScanner', 'printer']);
export type DeviceKind = z.infer<typeof DeviceKind>;

export const DeviceStatus = z.object({
  id: z.string(),
  kind: DeviceKind,
  driver: z.string(),
  state: z.enum(['connecting', 'ready', 'busy', 'offline', 'error']),
});
export type DeviceStatus = z.infer<typeof DeviceStatus>;

/** Why a probe found nothing: its tool or library is not installed, its service is not running, it did not answer in time, or it failed. */
const ProbeFailure = z.enum(['notInstalled', 'notRunning', 'timeout', 'failed']);

/**
 * A kind's probes (a printer has two: usblp and CUPS), each with the devices it saw or why it could
 * not look. The tool's own words stay in the host's log: they are not for a screen.
 */
function probesOf<Candidate extends z.ZodType>(candidate: Candidate) {
  const probe = { driver: z.string(), candidates: z.array(candidate) };
  return z.array(z.discriminatedUnion('available', [z.object({ ...probe, available: z.literal(true) }), z.object({ ...probe, available: z.literal(false), reason: ProbeFailure })]));
}

/** A device the system sees: its own name (untranslated) and the config to write for it, as its schema takes it. */
const candidateOf = <Config extends z.ZodType>(config: Config) => z.object({ label: z.string(), config });

/**
 * What the system sees of each kind of device (electron/host/devices/detect.ts, docs/devices.md
 * "Detecting devices"). A QR scanner's `evidence` says why it was taken for one: `hidPos`,
 * `scannerName`, or `keyboard` (it may be the technician's own keyboard).
 */
export const DetectedDevices = z.object({
  qrScanner: probesOf(candidateOf(QrScannerConfig).extend({ evidence: z.enum(['hidPos', 'scannerName', 'keyboard']) })),
  cardReader: probesOf(candidateOf(CardReaderConfig)),
  documentScanner: probesOf(candidateOf(DocumentScannerConfig)),
  printer: probesOf(candidateOf(ReceiptPrinterConfig)),
});
export type DetectedDevices = z.infer<typeof DetectedDevices>;

export const PortalHealth = z.object({
  url: z.url(),
  reachable: z.boolean(),
  latencyMs: z.number().nonnegative().nullable(),
  protocol: z.string().nullable(),
  errorCode: KioskErrorShape.shape.code.nullable(),
});
export type PortalHealth = z.infer<typeof PortalHealth>;

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
export const PortalReceipt = z.object({ maHoSo: z.string().min(1), receivedAt: z.string().min(1) });
export const AnnounceOutcome = z.object({ state: z.enum(['announced', 'submitted']) });
/** The national portal's TrangThaiHoSo codes 1–10 (domain notes facts.md §4.2). */
export const PortalStatusCode = z.number().int().min(1).max(10);
export const PortalChanges = z.object({
  changes: z.array(z.object({ uuid: z.uuid(), maHoSo: z.string().min(1), status: PortalStatusCode, at: z.string().min(1) })),
  cursor: z.number().int().nonnegative(),
});
export type PortalChanges = z.infer<typeof PortalChanges>;

/**
 * What a citizen can look a dossier up by: the receipt's UUID (its QR), the short reference printed
 * on it (the UUID's first 8 hex characters), or the portal's MaHoSo, `{receiving unit}-{yyyyMMdd}-{7
 * digits}` (domain notes facts.md §4.3: `22651-…`, `G09.20-…`, `000.00.00.TEST-…`). The three never
 * overlap. Values come back normalised as the portal stores them.
 */
export type LookupCode = { kind: 'uuid' | 'reference' | 'maHoSo'; value: string };
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const MA_HO_SO_PATTERN = /^[0-9A-Z.]{1,30}-\d{8}-\d{7}$/i;
export function parseLookupCode(text: string): LookupCode | null {
  const code = text.trim();
  if (UUID_PATTERN.test(code)) return { kind: 'uuid', value: code.toLowerCase() };
  if (/^[0-9a-f]{8}$/i.test(code)) return { kind: 'reference', value: code.toLowerCase() };
  if (MA_HO_SO_PATTERN.test(code)) return { kind: 'maHoSo', value: code.toUpperCase() };
  return null;
}
/**
 * What the portal tells any kiosk about a dossier: only what is safe on a public screen, never the
 * applicant's name, number or answers. Parsing drops any other field a portal might add.
 */
export const PortalDossierStatus = z.object({
  procedureCode: z.string().min(1).max(100),
  maHoSo: z.string().min(1).max(100),
  status: PortalStatusCode,
  statusAt: z.iso.datetime(),
  receivedAt: z.iso.datetime(),
});
export type PortalDossierStatus = z.infer<typeof PortalDossierStatus>;

/** A citizen's rating of the service (1 worst – 5 best), of a dossier or of help without one. */
export const Rating = z.object({ uuid: z.uuid().optional(), score: z.number().int().min(1).max(5), at: z.iso.datetime() });
export type Rating = z.infer<typeof Rating>;

/** A restart of the kiosk's screen by the main process's watchdog (electron/watchdog.ts): when, why, after how long a back-off. */
/** The kiosk's software updates as a technician sees them (electron/host/update/, docs/updates.md). */
export const UpdateStatus = z.object({
  /** The running version. */
  current: z.string(),
  /** Whether this kiosk installs updates itself (no: the web host, a deb, a development run). */
  canInstall: z.boolean(),
  /** A newer release, downloaded and checked, waiting to be installed. */
  staged: z.object({ version: z.string(), releasedAt: z.iso.datetime(), notes: z.object({ vi: z.string(), en: z.string() }).nullable() }).nullable(),
  /** The last update that failed its probation here, and the version gone back to. */
  rolledBack: z.object({ from: z.string(), to: z.string(), at: z.iso.datetime(), reason: z.enum(['failedToStart', 'screenRestarted']) }).nullable(),
});
export type UpdateStatus = z.infer<typeof UpdateStatus>;

export const RendererRestart = z.object({
  at: z.iso.datetime(),
  /** No painted frame twice in a row, a crash of the renderer process, or Chromium's "unresponsive". */
  reason: z.enum(['noAnswer', 'crashed', 'unresponsive']),
  delayMs: z.number().int().nonnegative(),
});
export type RendererRestart = z.infer<typeof RendererRestart>;

/** What the renderer knows of the queue for the heartbeat; the host adds its devices and clock. */
export const QueueHealth = z.object({
  queueDepth: z.number().int().nonnegative(),
  /** The number the province watches: how long the oldest dossier has waited to be sent. */
  oldestUnsentAgeSeconds: z.number().nonnegative().nullable(),
  freeBytes: z.number().int().nonnegative(),
  /** Where the queue is read from: `sealedCopies` when IndexedDB would not open (R6), a kiosk that needs a technician. */
  queueStore: z.enum(['indexedDb', 'sealedCopies']),
});
export type QueueHealth = z.infer<typeof QueueHealth>;

/**
 * Bytes as bytes: Electron's IPC clones them, the web host sends them as raw frame parts
 * (shared/frame.ts). Never base64 in a call: pages are megabytes.
 */
export const Bytes = z.custom<Uint8Array<ArrayBuffer>>((value) => value instanceof Uint8Array, 'bytes');

/**
 * A queued dossier as the host keeps it outside IndexedDB (decision 4, R3): the stored row, its
 * sealed answers and its sealed attachments, so either copy alone recovers the queue. No personal
 * data in clear. `bytes` says how byte fields are held: `Bytes` in calls, base64 in the host's file.
 */
export function sealedCopySchema<B extends z.ZodType<Uint8Array<ArrayBuffer>, unknown>>(bytes: B) {
  const sealedBytes = z.object({ iv: bytes, ciphertext: bytes });
  return z.object({
    id: z.uuid(),
    row: z.record(z.string(), z.unknown()),
    /** `keyId` names the device key that wrapped the dossier key; copies from before rotation have none. */
    sealed: sealedBytes.extend({ wrappedKey: bytes, keyId: z.string().optional() }),
    /** Copies written before attachments existed have none. */
    attachments: z.array(sealedBytes.extend({ id: z.uuid() })).default([]),
  });
}
export const SealedCopy = sealedCopySchema(Bytes);
export type SealedCopy = z.infer<typeof SealedCopy>;

/** A scan the citizen asked for; `scanId` names it for `scanner.cancel` and the `scanner.page` events. */
export const ScanRequest = z.object({
  scanId: z.uuid(),
  source: z.enum(['flatbed', 'adf', 'adfDuplex']),
  resolution: z.number().int().min(75).max(600),
  colourMode: z.enum(['colour', 'grey', 'lineart']),
  maxPages: z.number().int().positive().max(100).optional(),
});
export type ScanRequest = z.infer<typeof ScanRequest>;

/**
 * A scanned page as the dossier keeps it, cleaned on the host (electron/host/imaging.ts): an upright,
 * cropped JPEG, whether it is blank, and how legible it is, so the screen can ask for a rescan.
 */
export const ScannedPage = z.object({
  number: z.number().int().positive(),
  jpeg: Bytes,
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  dpi: z.number().positive(),
  /** How far the page was turned clockwise to stand upright (fed sideways or upside down). */
  rotation: z.union([z.literal(0), z.literal(90), z.literal(180), z.literal(270)]),
  skewDegrees: z.number(),
  blank: z.boolean(),
  legibility: z.number().min(0).max(1),
});
export type ScannedPage = z.infer<typeof ScannedPage>;

/**
 * One required document's pages to digitise (electron/host/documents.ts): OCR reads each page, and
 * one searchable PDF holds them all, in order. `jobId` names it for `documents.cancel` and the
 * `documents.progress` events. The host adds the kiosk and the time to the PDF's metadata.
 */
export const DigitiseRequest = z.object({
  jobId: z.uuid(),
  pages: z.array(ScannedPage.pick({ jpeg: true, width: true, height: true, dpi: true })).min(1).max(100),
  document: z.object({
    /** The document's name as the citizen saw it, e.g. "Giấy chứng sinh". */
    title: z.string().min(1).max(300),
    documentType: z.string().min(1).max(100),
    procedureCode: z.string().min(1).max(50),
    dossierId: z.uuid(),
  }),
});
export type DigitiseRequest = z.infer<typeof DigitiseRequest>;

/** The searchable PDF and what OCR read on each page; a page OCR could not read is in the PDF as an image only (text null). */
export const DigitisedDocument = z.object({
  pdf: Bytes,
  pages: z.array(z.object({ text: z.string().nullable(), confidence: z.number().min(0).max(100).nullable() })),
});
export type DigitisedDocument = z.infer<typeof DigitisedDocument>;

/**
 * The procedure's declaration (tờ khai) to fill with the citizen's answers and date (yyyy-mm-dd);
 * the host knows the catalogue and whom the commune's forms are addressed to.
 */
/** The procedure's declaration, from the catalogue version the dossier was started with. */
export const DeclarationRequest = z.object({ procedureCode: z.string().min(1).max(50), catalogueVersion: Dossier.shape.catalogueVersion, answers: Dossier.shape.answers, date: z.iso.date() });
export type DeclarationRequest = z.infer<typeof DeclarationRequest>;

/** The filled declaration as an A4 PDF, and the catalogue's id of the document it is (its attachment's documentType). */
export const FilledDeclaration = z.object({ pdf: Bytes, documentType: z.string().min(1).max(100) });
export type FilledDeclaration = z.infer<typeof FilledDeclaration>;

const DeviceKey = z.object({ id: z.string().min(1), key: z.base64() });

const MrzDate = z.string().regex(/^\d{6}$/);
/**
 * What opens a CCCD's chip: the 12-digit number (QR or typed) gives the CAN for PACE; the dates of
 * birth and expiry as YYMMDD, when given, the MRZ data for BAC, which chips without PACE need.
 */
export const ChipKeys = z.union([
  z.object({ number: z.string().regex(/^\d{12}$/), dateOfBirth: MrzDate, dateOfExpiry: MrzDate }),
  z.object({ number: z.string().regex(/^\d{12}$/) }).strict(),
]);
export type ChipKeys = z.infer<typeof ChipKeys>;

const Text = z.string().nullable();
const ChipDate = z.object({ raw: z.string(), date: z.object({ year: z.number().int(), month: z.number().int(), day: z.number().int() }).nullable() }).nullable();

/**
 * A CCCD's chip as read (shared/icao9303/readDocument.ts): DG1's MRZ, DG13's personal data, DG2's
 * face, and passive authentication, which says whether to believe them.
 */
export const ChipRead = z.object({
  mrz: z.object({ cccdNumber: Text, dateOfBirth: z.string(), dateOfExpiry: z.string(), surname: z.string(), givenNames: z.string(), checkDigitsValid: z.boolean() }),
  personalData: z
    .object({
      idNumber: Text,
      fullName: Text,
      dateOfBirth: ChipDate,
      gender: Text,
      nationality: Text,
      ethnicity: Text,
      religion: Text,
      placeOfOrigin: Text,
      placeOfResidence: Text,
      identifyingMarks: Text,
      issueDate: ChipDate,
      expiryDate: ChipDate,
      fatherName: Text,
      motherName: Text,
      spouseName: Text,
      oldIdNumber: Text,
    })
    .nullable(),
  /** JPEG shows on screen; JPEG 2000 does not in Chromium, so the helper looks at the card instead. */
  face: z.object({ format: z.enum(['jpeg', 'jpeg2000']), image: z.base64() }).nullable(),
  passiveAuthentication: z.discriminatedUnion('outcome', [
    z.object({ outcome: z.literal('genuine') }),
    z.object({ outcome: z.literal('issuerUnknown'), reason: z.enum(['noCscaLoaded', 'notChained', 'outsideValidity']) }),
    z.object({ outcome: z.literal('altered'), dataGroups: z.array(z.number().int()), signatureValid: z.boolean() }),
  ]),
});
export type ChipRead = z.infer<typeof ChipRead>;

const HelperToken = z.string().max(100);

/**
 * What a helper does, for the audit log: taking over a citizen's session, then each screen passed
 * (step: the screen's id); reprinting, resending, cancelling (step: the reason) or carrying a
 * dossier out on a USB stick.
 */
export const HelperAction = z.enum(['assist.start', 'assist.step', 'dossier.reprinted', 'dossier.resent', 'dossier.cancelled', 'dossier.exported', 'dossier.repaired']);
export type HelperAction = z.infer<typeof HelperAction>;

interface MethodSpec {
  input: z.ZodType;
  output: z.ZodType;
}

/** A name the code gave (an error's, a component's in the bundle), never text a citizen could have typed. */
const CodeName = z.string().regex(/^[A-Za-z_$][\w$]{0,63}$/);

export const hostMethods = {
  'app.info': { input: z.void(), output: AppInfo },
  /**
   * A technician leaves the kiosk app for the operating system (maintenance): the only way out of
   * the kiosk window. host.cannotQuit where the host is no app to leave (the web host).
   */
  'app.quit': { input: z.object({ token: HelperToken }), output: z.void() },
  /**
   * A screen failed to render and the renderer starts over (renderer/shell/ErrorBoundary.tsx), for
   * the host's log: the error's name and the components it failed in, innermost first. Never its
   * message or a prop: they may quote what the citizen typed.
   */
  'app.renderFailed': { input: z.object({ error: CodeName, components: z.array(CodeName).max(40) }), output: z.void() },
  'devices.list': { input: z.void(), output: z.array(DeviceStatus) },
  /**
   * What devices the system sees, for the technician desk to compare with the config
   * (setup.detectDevices before setup). A technician's only (helper.technicianOnly).
   */
  'devices.detect': { input: z.object({ token: HelperToken }), output: DetectedDevices },
  'portal.health': { input: z.void(), output: PortalHealth },
  /** Idempotent by the package's UUID; the host checks the hash against the package it sends. */
  'portal.announce': { input: z.object({ package: DossierPackage, packageSha256: Sha256Hex }), output: AnnounceOutcome },
  /**
   * Sends one attachment by tus (resumable, ≤ 1 MiB signed chunks); resolves once the portal holds
   * all of it. Idempotent: an attachment already received is not sent again.
   */
  'portal.upload': { input: z.object({ uuid: z.uuid(), attachment: Attachment, bytes: Bytes }), output: z.void() },
  'portal.submit': { input: z.object({ uuid: z.uuid(), packageSha256: Sha256Hex }), output: PortalReceipt },
  /** Status changes of this kiosk's dossiers after `cursor`, oldest first. */
  'portal.changes': { input: z.object({ cursor: z.number().int().nonnegative() }), output: PortalChanges },
  /** Reports the kiosk's health; answers the portal's clock and how far the kiosk's is off (seconds). */
  'portal.heartbeat': { input: QueueHealth, output: z.object({ portalTime: z.iso.datetime(), clockDriftSeconds: z.number() }) },
  /** Sends ratings (at most 1000); a resent rating counts once at the portal. Answers how many it took. */
  'portal.ratings': { input: z.object({ ratings: z.array(Rating).min(1).max(1000) }), output: z.object({ accepted: z.number().int().nonnegative() }) },
  /**
   * Any kiosk may ask about any dossier of the province (a citizen checks at another kiosk).
   * portal.dossierUnknown when the portal has not received it, portal.dossierAmbiguous when a
   * short reference matches more than one (ask for the QR or the MaHoSo).
   */
  'portal.lookup': { input: z.object({ code: z.string().max(100).refine((code) => parseLookupCode(code) !== null, 'not a dossier code') }), output: PortalDossierStatus },
  /**
   * The device key-encryption keys, base64: the current one and, while a rotation is under way,
   * the one before it. The renderer imports them as non-extractable keys.
   */
  'vault.keys': { input: z.void(), output: z.object({ current: DeviceKey.extend({ createdAt: z.iso.datetime() }), previous: DeviceKey.nullable() }) },
  /** Starts a key rotation (a new current key); nothing if one is under way. */
  'vault.rotate': { input: z.void(), output: z.void() },
  /** Ends a rotation: destroys the previous key; the renderer calls it once nothing is wrapped by it. */
  'vault.retire': { input: z.object({ id: z.string() }), output: z.void() },
  /**
   * Reads the chip of the card on the reader (waits up to 30 s for one), by PACE with the number's
   * CAN, else by BAC with the dates. card.wrongCan or card.unsupported when the number alone does
   * not open it (then ask for the dates), card.wrongMrz, card.removed, card.noReader…; the result
   * says if it is genuine.
   */
  'cardReader.readChip': { input: ChipKeys, output: ChipRead },
  /** Scans paper pages and cleans each one; scanner.* when it cannot (no paper, jam, cancelled…). */
  'scanner.scan': { input: ScanRequest, output: z.array(ScannedPage) },
  /** Stops a scan under way: it then fails with scanner.cancelled. Nothing happens for a scan already over. */
  'scanner.cancel': { input: z.object({ scanId: z.uuid() }), output: z.void() },
  /** Reads the pages by OCR and makes the document's searchable PDF; ocr.cancelled, pdf.failed. */
  'documents.digitise': { input: DigitiseRequest, output: DigitisedDocument },
  /** Stops a digitising under way: it then fails with ocr.cancelled. Nothing happens for one already over. */
  'documents.cancel': { input: z.object({ jobId: z.uuid() }), output: z.void() },
  /** Fills the procedure's declaration from the answers, for the citizen to sign at the counter; declaration.unavailable when it has none. */
  'documents.declaration': { input: DeclarationRequest, output: FilledDeclaration },
  /** Prints the citizen's receipt (stage 1 after the save, stage 2 with the portal's code); printer.* when it cannot. */
  'printer.print': { input: ReceiptData, output: z.void() },
  /**
   * Speaks a screen's text in the kiosk's voice (espeak-ng), as a WAV for the screen to play, pause
   * and repeat. The text is what to say (shared/speechText.ts: numbers in words, ID numbers hidden
   * unless the citizen asked). A new call stops the one before: speech.cancelled.
   */
  /** The newest procedure catalogue the kiosk holds: the bundled one, or a newer one the province signed. */
  'catalogue.current': { input: z.void(), output: Catalogue },
  /** A catalogue by version: a dossier keeps the one it was started with (catalogue.unknownVersion). */
  'catalogue.version': { input: z.object({ version: z.string().min(1).max(40) }), output: Catalogue },
  /**
   * Asks the portal for the province's catalogue and keeps it when the province signed it and it
   * is newer (catalogue.untrusted, catalogue.invalid, portal.*); answers the version now current.
   */
  'catalogue.update': { input: z.void(), output: z.object({ version: z.string(), updated: z.boolean() }) },
  /**
   * The first-run wizard's answers: enrols with the portal (setup.communeMismatch when its code is
   * for another commune), writes the config and restarts the host on it. setup.done once set up.
   */
  'setup.save': { input: SetupAnswers, output: SetupOutcome },
  /**
   * The province's signed provisioning, from a scanned QR's text or the newest file on a USB stick,
   * verified offline against the build's pinned keys (setup.provisioning*, setup.noProvisioningFile).
   * Only while the kiosk is not set up.
   */
  'setup.provisioning': { input: z.union([z.object({ text: z.string().max(4096) }), z.object({ usb: z.literal(true) })]), output: VerifiedProvisioning },
  /**
   * A technician changes the settings after setup: the config file is written and the host built
   * again on it; the technician stays signed in. setup.notStored for a kiosk whose config is no file
   * the kiosk writes.
   */
  'settings.change': { input: SettingsChange.extend({ token: HelperToken }), output: z.void() },
  /**
   * The province's signed settings from the portal (shared/provincialSettings.ts), taken when they
   * are for this kiosk and newer than the last taken: the config file is written and the host built
   * again. The renderer asks when no session is on screen (renderer/provinceUpdates.ts).
   */
  'settings.fromProvince': { input: z.void(), output: z.object({ applied: z.boolean() }) },
  'update.status': { input: z.void(), output: UpdateStatus },
  /**
   * Looks for a newer release in the province's feed, or (a technician) on a USB stick, and
   * downloads and checks it (update.untrusted, update.corrupt…). The renderer asks the province
   * with its other updates (renderer/provinceUpdates.ts).
   */
  'update.check': { input: z.union([z.object({ from: z.literal('province') }), z.object({ from: z.literal('usb'), token: HelperToken })]), output: UpdateStatus },
  /**
   * Installs the checked release: the app quits for the installer and starts again on the new
   * version (update.unsupported where it cannot). Asked with nobody's session on screen, or by a
   * technician (audited).
   */
  'update.install': { input: z.object({ version: z.string().max(64), token: HelperToken.optional() }), output: z.void() },
  /** What devices the system sees, for the wizard to assign (SetupAnswers.devices). Only while the kiosk is not set up (setup.done). */
  'setup.detectDevices': { input: z.void(), output: DetectedDevices },
  'speech.say': { input: z.object({ text: z.string().min(1).max(4000), lang: z.enum(['vi', 'en']) }), output: z.object({ wav: Bytes, durationMs: z.number().nonnegative() }) },
  /** Writes (fsync + rename) the sealed copy of a queued dossier; idempotent by id. */
  'queue.keepCopy': { input: SealedCopy, output: z.void() },
  /** The ids of the dossiers the host holds a copy of. */
  'queue.copies': { input: z.void(), output: z.array(z.uuid()) },
  /** One sealed copy; queue.copyDamaged when its file cannot be read (it stays on disk). */
  'queue.copy': { input: z.object({ id: z.uuid() }), output: SealedCopy },
  /** Removes the sealed copy of a dossier whose key was destroyed; idempotent. */
  'queue.dropCopy': { input: z.object({ id: z.uuid() }), output: z.void() },
  /** The helpers who may sign in here, for the sign-in screen: ids and names, never their PIN hashes. */
  'helper.list': { input: z.void(), output: z.array(Helper) },
  /**
   * Checks a helper's PIN; answers a session token for the helper's calls. helper.wrongPin
   * {attemptsLeft}, helper.lockedOut {minutes} once too many wrong PINs came in a row, helper.unknown.
   */
  'helper.signIn': { input: z.object({ helperId: z.string().max(32), pin: z.string().regex(/^\d{1,12}$/) }), output: z.object({ token: z.string(), helper: Helper }) },
  /** Ends a helper session; nothing for one already over. */
  'helper.signOut': { input: z.object({ token: HelperToken }), output: z.void() },
  /**
   * Records, under the signed-in helper's id, what they did: the screen by its id (a route or a
   * catalogue step, never an answer) or a reason's id, and the dossier by its id. helper.signedOut
   * once the session is over.
   */
  'helper.record': {
    input: z.object({ token: HelperToken, action: HelperAction, step: z.string().regex(/^[\w.:-]{1,64}$/).optional(), dossier: z.uuid().optional() }),
    output: z.void(),
  },
  /** One person helped without a dossier ("guidance only"); answers how many the kiosk has recorded today. */
  'helper.guidance': { input: z.object({ token: HelperToken }), output: z.object({ today: z.number().int().positive() }) },
  /**
   * The day's or month's report, from the queue's non-personal fields and the ratings (the
   * renderer's) and the helpers' log (the host's), written in Vietnamese as PDF and CSV to the data
   * folder and to each USB drive. helper.signedOut without a helper's session.
   */
  'reports.make': {
    input: z.object({
      token: HelperToken,
      period: ReportPeriod,
      dossiers: z.array(z.object({ procedureCode: z.string().max(40), status: DossierStatus, createdAt: z.iso.datetime(), receivedAt: z.string().nullable() })),
      ratings: z.array(Rating.pick({ score: true, at: true })),
    }),
    output: z.object({ report: Report, name: ReportFileName, files: z.array(z.string()), failedDrives: z.array(z.string()) }),
  },
  /**
   * Prints a report made earlier (by its file's name, from the data folder) on the commune office's
   * printer: officePrinter.notSet, officePrinter.notFound, officePrinter.failed.
   */
  'reports.print': { input: z.object({ token: HelperToken, name: ReportFileName }), output: z.void() },
  /**
   * Writes an unsent dossier, sealed for the portal and signed by the kiosk, to each USB drive, for
   * the portal to import when the link is down for days (shared/sneakernet.ts); answers the files
   * written. sneakernet.noDrive without a drive; helper.signedOut without a helper's session.
   */
  'sneakernet.export': {
    input: z.object({ token: HelperToken, package: DossierPackage, packageSha256: Sha256Hex, files: z.array(z.object({ id: z.string(), bytes: Bytes })) }),
    output: z.object({ files: z.array(z.string()) }),
  },
  /**
   * One device's self-test, run for real through its driver (shared/selfTest.ts): a result, never a
   * failure, so the report holds what failed. A technician's only (helper.technicianOnly);
   * `selfTest.cancel` ends it as skipped.
   */
  'selfTest.run': { input: z.object({ token: HelperToken, request: SelfTestRequest }), output: SelfTestResult },
  'selfTest.cancel': { input: z.object({ testId: z.uuid() }), output: z.void() },
  /** The report of the results, dated and naming the kiosk, on the receipt printer. */
  'selfTest.print': { input: z.object({ token: HelperToken, results: z.array(SelfTestResult).max(20) }), output: z.void() },
  /** The same as an A4 PDF, to the data folder and each USB drive; answers the files and the drives that failed. */
  'selfTest.save': { input: z.object({ token: HelperToken, results: z.array(SelfTestResult).max(20) }), output: z.object({ files: z.array(z.string()), failedDrives: z.array(z.string()) }) },
  /**
   * The technician's diagnostics bundle (electron/host/diagnostics.ts): logs with personal data
   * masked, the config without secrets, devices and the queue's figures, to the data folder and each
   * USB drive. helper.technicianOnly for a helper's session.
   */
  'diagnostics.export': {
    input: z.object({ token: HelperToken, queue: QueueHealth.extend({ byStatus: z.partialRecord(DossierStatus, z.number().int().nonnegative()) }) }),
    output: z.object({ name: z.string(), folders: z.array(z.string()), failedDrives: z.array(z.string()) }),
  },
} as const satisfies Record<MethodName, MethodSpec>;

/**
 * One whole scan from the QR scanner, decoded to text (a CCCD's QR, or a receipt's), or why it
 * could not be read (`qr.*`). Only the screen that asks for a code listens; no one else keeps it.
 */
export const QrScan = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), text: z.string().min(1).max(4096) }), z.object({ ok: z.literal(false), error: KioskErrorShape })]);
export type QrScan = z.infer<typeof QrScan>;

export const hostEvents = {
  'devices.status': DeviceStatus,
  'qr.scanned': QrScan,
  /** Each page of a scan as soon as it is cleaned, for a live preview. */
  'scanner.page': z.object({ scanId: z.uuid(), page: ScannedPage }),
  /** How far OCR has got through a document, 0–1, for a progress bar. */
  'documents.progress': z.object({ jobId: z.uuid(), progress: z.number().min(0).max(1) }),
} as const satisfies Record<EventName, z.ZodType>;

type Methods = typeof hostMethods;
export type MethodInput<K extends MethodName> = z.input<Methods[K]['input']>;
export type MethodOutput<K extends MethodName> = z.output<Methods[K]['output']>;
/** What the host implementation receives: the input after the contract parsed it. */
export type ParsedInput<K extends MethodName> = z.output<Methods[K]['input']>;
export type HostHandlers = { [K in MethodName]: (input: ParsedInput<K>) => Promise<MethodOutput<K>> };
export type EventPayload<K extends EventName> = z.output<(typeof hostEvents)[K]>;
/** A method whose input is void is called with no argument: `host.call('app.info')`. */
export type MethodArgs<K extends MethodName> =
  undefined extends MethodInput<K> ? [input?: MethodInput<K>] : [input: MethodInput<K>];

export interface HostApi {
  call<K extends MethodName>(method: K, ...args: MethodArgs<K>): Promise<MethodOutput<K>>;
  on<K extends EventName>(event: K, listener: (payload: EventPayload<K>) => void): () => void;
}

/** What crosses a transport: a value, or an error as `{code, params}` (never an Error object). */
export const Reply = z.discriminatedUnion('ok', [
  // A void method's value is dropped by JSON on the way (`{"ok":true}`).
  z.object({ ok: z.literal(true), value: z.unknown().optional() }),
  z.object({ ok: z.literal(false), error: KioskErrorShape }),
]);
export type Reply = z.infer<typeof Reply>;

export const failure = (error: unknown): Reply => ({ ok: false, error: toKioskError(error).toShape() });

/** The untyped wire each transport provides: Electron's preload, or the web-host client. */
export interface HostTransport {
  call(method: MethodName, input: unknown): Promise<unknown>;
  on(event: EventName, listener: (payload: unknown) => void): () => void;
}

/** Builds the typed HostApi over any transport, parsing replies and events with the contract. */
export function createHostClient(transport: HostTransport): HostApi {
  return {
    async call(method, ...args) {
      const reply = Reply.safeParse(await transport.call(method, args[0]));
      if (!reply.success) throw new KioskError('host.badReply', { method });
      if (!reply.data.ok) throw KioskError.fromShape(reply.data.error);
      const output = hostMethods[method].output.safeParse(reply.data.value);
      if (!output.success) throw new KioskError('host.badReply', { method });
      return output.data as MethodOutput<typeof method>;
    },
    on(event, listener) {
      return transport.on(event, (payload) => {
        const parsed = hostEvents[event].safeParse(payload);
        if (parsed.success) listener(parsed.data as EventPayload<typeof event>);
      });
    },
  };
}
