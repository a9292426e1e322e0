import { z } from 'zod';

/**
 * Every error that crosses a boundary (IPC, the web host, the portal, a screen) is a code, never a
 * message: citizens read `t('errors.<code>')` in Vietnamese or English. `shared/i18n/vi.ts` must
 * have a text for each code, or the build fails.
 */
export const errorCodes = [
  'host.badInput',
  'host.unknownMethod',
  'host.unauthorized',
  'host.forbiddenSender',
  'host.cannotQuit',
  'host.unreachable',
  'host.badReply',
  'host.internal',
  'portal.unreachable',
  'portal.timeout',
  'portal.badResponse',
  'portal.notEnrolled',
  'portal.signatureInvalid',
  'portal.signatureStale',
  'portal.signatureReplayed',
  'portal.contentDigestInvalid',
  'portal.enrolmentRefused',
  'portal.hashConflict',
  'portal.notAnnounced',
  'portal.attachmentsMissing',
  'portal.uploadHashMismatch',
  'portal.attachmentUnknown',
  'portal.uploadUnknown',
  'portal.unavailable',
  'portal.badRequest',
  'portal.dossierUnknown',
  'portal.dossierAmbiguous',
  'config.invalid',
  'vault.weakKeyStore',
  'vault.keyUnknown',
  'queue.saveFailed',
  'queue.storageFull',
  'queue.openFailed',
  'queue.copyDamaged',
  'queue.attachmentMissing',
  'queue.draftGone',
  'queue.notReady',
  'queue.repairGone',
  'cccd.notCccdQr',
  'cccd.tooLong',
  'cccd.tooFewFields',
  'cccd.tooManyFields',
  'cccd.garbledText',
  'cccd.numberFormat',
  'cccd.unknownPlaceCode',
  'cccd.oldIdFormat',
  'cccd.nameMissing',
  'cccd.dateFormat',
  'cccd.dateImpossible',
  'cccd.genderText',
  'cccd.birthYearMismatch',
  'cccd.genderMismatch',
  'card.mrzDateInvalid',
  'card.wrongMrz',
  'card.wrongCan',
  'card.badMac',
  'card.unsupported',
  'card.altered',
  'card.cscaFileInvalid',
  'card.noReader',
  'card.noCard',
  'card.removed',
  'card.readerUnplugged',
  'card.notResponding',
  'card.driverUnavailable',
  'qr.badEncoding',
  'qr.incomplete',
  'qr.badReport',
  'qr.tooLong',
  'qr.badFraming',
  'qr.noScan',
  'qr.wrongCode',
  'scanner.notFound',
  'scanner.noPaper',
  'scanner.jammed',
  'scanner.coverOpen',
  'scanner.busy',
  'scanner.cancelled',
  'scanner.failed',
  'scan.unreadable',
  'ocr.failed',
  'ocr.cancelled',
  'pdf.failed',
  'declaration.unavailable',
  'printer.notFound',
  'printer.paperOut',
  'printer.coverOpen',
  'printer.offline',
  'printer.failed',
  'speech.unavailable',
  'speech.failed',
  'speech.cancelled',
  'helper.unknown',
  'helper.wrongPin',
  'helper.lockedOut',
  'helper.signedOut',
  'helper.technicianOnly',
  'sneakernet.noDrive',
  'catalogue.untrusted',
  'catalogue.invalid',
  'catalogue.unknownVersion',
  'officePrinter.notSet',
  'officePrinter.notFound',
  'officePrinter.failed',
  'settings.untrusted',
  'settings.invalid',
  'update.untrusted',
  'update.invalid',
  'update.unreachable',
  'update.corrupt',
  'update.noUsb',
  'update.noRollback',
  'update.notStaged',
  'update.unsupported',
  'update.installFailed',
  'setup.notStored',
  'setup.done',
  'setup.communeMismatch',
  'setup.provisioningInvalid',
  'setup.provisioningUntrusted',
  'setup.provisioningExpired',
  'setup.noProvisioningFile',
  'setup.provisioningMismatch',
  'setup.portalKeyMismatch',
  'form.required',
  'form.phoneInvalid',
  'form.textTooLong',
  'form.dateInvalid',
  'form.dateInFuture',
  'form.optionInvalid',
  'form.cccdInvalid',
  'form.numberInvalid',
  'form.addressIncomplete',
  'form.documentMissing',
  'payment.amountInvalid',
  'payment.accountInvalid',
  'payment.referenceInvalid',
  'payment.qrInvalid',
] as const;

export type ErrorCode = (typeof errorCodes)[number];
export type ErrorParams = Record<string, string | number>;

export const KioskErrorShape = z.object({
  code: z.enum(errorCodes),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
});
export type KioskErrorShape = z.infer<typeof KioskErrorShape>;

export class KioskError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly params: ErrorParams = {},
    options?: { cause?: unknown },
  ) {
    super(code, options);
    this.name = 'KioskError';
  }

  toShape(): KioskErrorShape {
    return { code: this.code, params: this.params };
  }

  static fromShape(shape: unknown): KioskError {
    const parsed = KioskErrorShape.safeParse(shape);
    return parsed.success
      ? new KioskError(parsed.data.code, parsed.data.params)
      : new KioskError('host.internal');
  }
}

/** Anything thrown becomes a KioskError; unknown failures are `host.internal`, never their message. */
export function toKioskError(error: unknown): KioskError {
  return error instanceof KioskError ? error : new KioskError('host.internal', {}, { cause: error });
}

/** Ends an exhaustive switch: adding a case without handling it is a compile error. */
export function assertNever(value: never): never {
  throw new Error(`Unhandled case: ${String(value)}`);
}
