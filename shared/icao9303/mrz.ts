import { KioskError } from '../errors';

/**
 * The MRZ information that opens the chip with BAC (Doc 9303-11 §9.7): document number, date of
 * birth and date of expiry, each followed by its check digit (Doc 9303-3 §4.9).
 *
 * On a CCCD the document number is the last 9 digits of the 12-digit number; the full number sits
 * in the optional data (domain notes README §6.3, verified on a public MRZ sample; facts.md §2.3).
 */

/** Field values for the check digit: digits as themselves, A–Z as 10–35, the filler '<' as 0. */
function characterValue(char: string): number {
  if (char === '<') return 0;
  if (char >= '0' && char <= '9') return char.charCodeAt(0) - 48;
  if (char >= 'A' && char <= 'Z') return char.charCodeAt(0) - 55;
  throw new Error(`'${char}' is not an MRZ character`);
}

/** Doc 9303-3 §4.9: weights 7, 3, 1 repeating, sum modulo 10. */
export function mrzCheckDigit(field: string): number {
  const weights = [7, 3, 1];
  return [...field].reduce((sum, char, i) => sum + characterValue(char) * weights[i % 3]!, 0) % 10;
}

export interface MrzAccessKey {
  /** Up to 9 characters A–Z, 0–9, '<'; shorter numbers are filled with '<' as printed. */
  documentNumber: string;
  /** YYMMDD, as printed in the MRZ. */
  dateOfBirth: string;
  /** YYMMDD, as printed in the MRZ. */
  dateOfExpiry: string;
}

const DOCUMENT_NUMBER_LENGTH = 9;

function checkedMrzDate(field: 'dateOfBirth' | 'dateOfExpiry', value: string): string {
  const match = /^\d\d(\d\d)(\d\d)$/.exec(value);
  const month = Number(match?.[1]);
  const day = Number(match?.[2]);
  if (!match || month < 1 || month > 12 || day < 1 || day > 31) throw new KioskError('card.mrzDateInvalid', { field });
  return value;
}

const withCheckDigit = (field: string) => `${field}${mrzCheckDigit(field)}`;

/** The string BAC hashes into K_seed: `L898902C<` `3` `690806` `1` `940623` `6` in Appendix D. */
export function mrzInformation(key: MrzAccessKey): string {
  if (!/^[0-9A-Z<]{1,9}$/.test(key.documentNumber)) throw new Error('An MRZ document number has 1–9 characters A–Z, 0–9 or <');
  return [
    withCheckDigit(key.documentNumber.padEnd(DOCUMENT_NUMBER_LENGTH, '<')),
    withCheckDigit(checkedMrzDate('dateOfBirth', key.dateOfBirth)),
    withCheckDigit(checkedMrzDate('dateOfExpiry', key.dateOfExpiry)),
  ].join('');
}

/**
 * The access key of a CCCD from what the kiosk knows without the MRZ: the 12-digit number (QR or
 * typed), and the dates of birth and expiry as YYMMDD. The expiry is not in the QR; the helper
 * reads it from the card (domain notes README §6.3: cards without expiry are UNCONFIRMED).
 */
export function cccdAccessKey(cccdNumber: string, dateOfBirth: string, dateOfExpiry: string): MrzAccessKey {
  if (!/^\d{12}$/.test(cccdNumber)) throw new KioskError('cccd.numberFormat');
  return { documentNumber: cccdNumber.slice(-DOCUMENT_NUMBER_LENGTH), dateOfBirth, dateOfExpiry };
}
