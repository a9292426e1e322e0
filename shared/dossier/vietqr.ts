import { encode } from 'uqr';
import { z } from 'zod';
import { KioskError, type ErrorCode } from '../errors';

/**
 * VietQR (NAPAS 247) payloads: EMVCo QR Code Merchant-Presented Mode, a string of TLV fields
 * `ID (2 digits) + LENGTH (2 digits, 01–99) + VALUE`, ending in a CRC. Tag meanings follow the
 * founders' domain notes (README §4, facts §5.1), taken from xuannghia/vietnam-qr-pay
 * `src/constants/qr-pay.ts`.
 *
 * We write and read the TLV ourselves instead of calling vietnam-qr-pay, which encodes the same
 * payloads (facts §F.5 are its vectors): its builder writes a 100-character value with length
 * "00", counts lengths in UTF-16 units while the CRC and the QR carry UTF-8 bytes, and accepts
 * any BIN, account or amount; its parser ignores lengths inside templates and accepts a payload
 * without tag 38. The tests decode our payloads with it, as an independent reader.
 */

/** NAPAS's globally unique identifier for VietQR in tag 38 (facts §5.1; vietnam-qr-pay `QRProviderGUID.VIETQR`). */
const VIETQR_GUID = 'A000000727';

/** Tag 38.02: transfer to an account number, or to a card number (facts §5.1). */
const services = ['QRIBFTTA', 'QRIBFTTC'] as const;
export type VietQrService = (typeof services)[number];

/**
 * The highest fee the kiosk will put in a code. Commune-level fees are at most a few hundred
 * thousand đồng (facts §3 and §F.4: certified copies are capped at 200.000 đ a copy); 10 million
 * leaves room for many copies and still stops an amount multiplied by a units slip.
 */
export const MAX_FEE_VND = 10_000_000;

/** Field 62.08, "purpose of transaction": EMVCo MPM gives the additional-data sub-fields at most 25 characters. */
export const MAX_REFERENCE_LENGTH = 25;

/**
 * The commune's receiving account, as the kiosk config names it. The BIN is NAPAS's 6-digit bank
 * identifier (tag 38.01.00); the account or card number (38.01.01) is digits only, at most 19 as
 * a card number is.
 */
export const PaymentAccount = z.object({
  bankBin: z.string().regex(/^\d{6}$/),
  accountNumber: z.string().regex(/^\d{1,19}$/),
});
export type PaymentAccount = z.infer<typeof PaymentAccount>;

/** Đồng have no minor unit (ISO 4217 exponent 0), so tag 54 carries a whole number. */
const FeeAmount = z.number().int().positive().max(MAX_FEE_VND);

/**
 * The bank shows field 62.08 to the payer and prints it on the commune's statement, which is
 * where the fee is matched to the dossier. So it must arrive unchanged: ASCII letters and digits
 * with single spaces, nothing a bank app could fold, strip or collapse. A reference with
 * diacritics is refused rather than folded: `fold` lower-cases as well, and a builder that quietly
 * rewrote the reference would put a string in the code that the screen and receipt do not show.
 * Callers compose the reference from ASCII parts (the dossier code, the procedure's short code).
 */
const Reference = z
  .string()
  .max(MAX_REFERENCE_LENGTH)
  .regex(/^[A-Za-z0-9]+(?: [A-Za-z0-9]+)*$/);

export interface VietQrRequest extends PaymentAccount {
  amountVnd: number;
  reference: string;
}

/** What a VietQR payload says; `amountVnd` is null in a static code, where the payer types the amount. */
export interface VietQrPayment extends PaymentAccount {
  service: VietQrService;
  amountVnd: number | null;
  reference: string | null;
}

function check(schema: z.ZodType, value: unknown, code: ErrorCode): void {
  const result = schema.safeParse(value);
  if (!result.success) throw new KioskError(code, {}, { cause: result.error });
}

/** A dynamic VietQR for one fee: the payer's app fills in the account, the amount and the reference. */
export function buildVietQr(request: VietQrRequest): string {
  check(PaymentAccount, request, 'payment.accountInvalid');
  check(FeeAmount, request.amountVnd, 'payment.amountInvalid');
  check(Reference, request.reference, 'payment.referenceInvalid');
  return encodeVietQr({ ...request, service: 'QRIBFTTA' });
}

/**
 * CRC-16/CCITT-FALSE (poly 0x1021, init 0xFFFF, no reflection, no final XOR; check value
 * "123456789" → 0x29B1), over the payload's bytes. A VietQR payload is ASCII, so a character is
 * a byte; anything else would make the CRC disagree with the bytes in the QR.
 */
export function crc16CcittFalse(text: string): number {
  let crc = 0xffff;
  for (let index = 0; index < text.length; index += 1) {
    const byte = text.charCodeAt(index);
    if (byte > 0x7f) throw new RangeError('VietQR payloads are ASCII');
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

const crcHex = (text: string): string => crc16CcittFalse(text).toString(16).toUpperCase().padStart(4, '0');

/** One EMVCo data object. A length must fit two digits: refuse rather than write a wrong one. */
function tlv(id: string, value: string): string {
  if (value.length < 1 || value.length > 99) throw new RangeError(`EMVCo field ${id} must hold 1–99 characters`);
  return `${id}${String(value.length).padStart(2, '0')}${value}`;
}

/**
 * Writes a payment as a payload, fields in tag order as VietQR sources emit them, CRC last and
 * computed over everything before it including the literal "6304" (README §4). Point of
 * initiation (tag 01) is 12, dynamic, when there is an amount, else 11, static. It validates
 * nothing beyond field lengths: the kiosk's own codes go through `buildVietQr`.
 */
export function encodeVietQr(payment: VietQrPayment): string {
  const merchantAccount =
    tlv('00', VIETQR_GUID) + tlv('01', tlv('00', payment.bankBin) + tlv('01', payment.accountNumber)) + tlv('02', payment.service);
  const body = [
    tlv('00', '01'),
    tlv('01', payment.amountVnd === null ? '11' : '12'),
    tlv('38', merchantAccount),
    tlv('53', '704'),
    payment.amountVnd === null ? '' : tlv('54', String(payment.amountVnd)),
    tlv('58', 'VN'),
    payment.reference === null ? '' : tlv('62', tlv('08', payment.reference)),
    '6304',
  ].join('');
  return body + crcHex(body);
}

const invalid = (field: string): KioskError => new KioskError('payment.qrInvalid', { field });

/**
 * The data objects of one level, in order. Every length must be two digits from 01 to 99 and fit
 * the text exactly, and no ID may repeat (EMVCo MPM: each data object appears once per template).
 */
function readFields(text: string, parent: string): Map<string, string> {
  const fields = new Map<string, string>();
  let at = 0;
  while (at < text.length) {
    const header = /^(\d{2})(\d{2})/.exec(text.slice(at, at + 4));
    if (!header) throw invalid(parent || 'payload');
    const [, id = '', digits = ''] = header;
    const length = Number(digits);
    const value = text.slice(at + 4, at + 4 + length);
    if (length === 0 || value.length !== length || fields.has(id)) throw invalid(`${parent}${id}`);
    fields.set(id, value);
    at += 4 + length;
  }
  return fields;
}

/**
 * Reads and verifies a VietQR payload: printable ASCII, CRC tag 63 last with the right CRC, well-
 * formed TLV at every level, tag 38 with NAPAS's GUID, a BIN, an account and a service, currency
 * 704, country VN, an amount exactly when the code is dynamic. Tags VietQR does not use (merchant
 * name, category, templates) are allowed and ignored. Failures throw `payment.qrInvalid` with the
 * failing tag as `field`.
 */
export function parseVietQr(payload: string): VietQrPayment {
  if (!/^[\x20-\x7e]+$/.test(payload)) throw invalid('payload');
  const root = readFields(payload, '');
  const ids = [...root.keys()];
  if (ids[0] !== '00' || root.get('00') !== '01') throw invalid('00');
  // Tag 63 comes last and holds the CRC of everything before its value (README §4).
  if (ids.at(-1) !== '63' || root.get('63') !== crcHex(payload.slice(0, -4))) throw invalid('63');

  const merchantAccount = readFields(root.get('38') ?? '', '38');
  if (merchantAccount.get('00') !== VIETQR_GUID) throw invalid('3800');
  const beneficiary = readFields(merchantAccount.get('01') ?? '', '3801');
  const account = PaymentAccount.safeParse({ bankBin: beneficiary.get('00'), accountNumber: beneficiary.get('01') });
  if (!account.success) throw invalid('3801');
  const service = services.find((candidate) => candidate === merchantAccount.get('02'));
  if (!service) throw invalid('3802');

  if (root.get('53') !== '704') throw invalid('53');
  if (root.get('58') !== 'VN') throw invalid('58');

  const amount = root.get('54');
  // EMVCo MPM: tag 54 holds at most 13 characters.
  if (amount !== undefined && !/^[1-9]\d{0,12}$/.test(amount)) throw invalid('54');
  if (root.get('01') !== (amount === undefined ? '11' : '12')) throw invalid('01');

  const additionalData = readFields(root.get('62') ?? '', '62');
  return {
    ...account.data,
    service,
    amountVnd: amount === undefined ? null : Number(amount),
    reference: additionalData.get('08') ?? null,
  };
}

/** ISO/IEC 18004 asks for a light margin of 4 modules around a QR code; every renderer adds it. */
export const QR_QUIET_ZONE_MODULES = 4;

/** Rows of modules, `true` for dark, without the quiet zone. */
export interface QrMatrix {
  size: number;
  modules: readonly (readonly boolean[])[];
}

/**
 * The QR symbol for a payload, shared by the fee screen and the receipt printer so both draw the
 * same code. Error correction M (15 %) survives glare on the screen and smudges on thermal paper,
 * and keeps a VietQR payload near version 6.
 */
export function qrMatrix(payload: string): QrMatrix {
  const { size, data } = encode(payload, { ecc: 'M', border: 0 });
  return { size, modules: data };
}
