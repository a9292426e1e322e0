import { KioskError } from '../errors';
import { childrenOf, expectTlv, findTlv } from './tlv';
import { mrzCheckDigit } from './mrz';

/**
 * EF.COM and DG1 of the Logical Data Structure (Doc 9303-10). Files come from the card,
 * so a file that does not parse is `card.unsupported`.
 */

/** Data-group tags (Doc 9303-10): DG1 is 0x61, DG2 0x75, DG13 0x6D. */
const DATA_GROUP_TAGS = [0x61, 0x75, 0x63, 0x76, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x6b, 0x6c, 0x6d, 0x6e, 0x6f, 0x70] as const;

export const dataGroupTag = (number: number): number | undefined => DATA_GROUP_TAGS[number - 1];

const unsupported = (reason: string) => new KioskError('card.unsupported', { reason });

/** Printable ASCII only: the LDS's version strings and the MRZ are never anything else. */
function ascii(bytes: Uint8Array, reason: string): string {
  if (bytes.some((byte) => byte < 0x20 || byte > 0x7e)) throw unsupported(reason);
  return String.fromCharCode(...bytes);
}

export interface EfCom {
  /** "1.7" from the digits "0107". */
  ldsVersion: string;
  /** "4.0.0" from the digits "040000". */
  unicodeVersion: string;
  /** The data groups the chip says it holds, by number, in the chip's order. */
  dataGroups: number[];
}

function dottedVersion(digits: string, reason: string): string {
  if (!/^(\d\d)+$/.test(digits)) throw unsupported(reason);
  return (digits.match(/../g) ?? []).map(Number).join('.');
}

export function parseEfCom(file: Uint8Array): EfCom {
  const fields = childrenOf(expectTlv(file, 0x60));
  const version = findTlv(fields, 0x5f01);
  const unicode = findTlv(fields, 0x5f36);
  const tags = findTlv(fields, 0x5c);
  if (!version || !unicode || !tags) throw unsupported('efCom');
  return {
    ldsVersion: dottedVersion(ascii(version.value, 'efCom'), 'efCom'),
    unicodeVersion: dottedVersion(ascii(unicode.value, 'efCom'), 'efCom'),
    // A tag this list does not know is not a data group the kiosk could read: left out.
    dataGroups: Array.from(tags.value, (tag) => DATA_GROUP_TAGS.indexOf(tag as (typeof DATA_GROUP_TAGS)[number]) + 1).filter((number) => number > 0),
  };
}

/** The TD1 MRZ (3 lines of 30; Doc 9303-5) as DG1 holds it, the CCCD's format. */
export interface Td1Mrz {
  lines: [string, string, string];
  documentCode: string;
  issuingState: string;
  documentNumber: string;
  /** Line 1 after the document number's check digit. On a CCCD: the 12-digit number, '<<', a digit (facts.md §2.3). */
  optionalData: string;
  /** YYMMDD */
  dateOfBirth: string;
  /** 'M', 'F' or '<' */
  sex: string;
  /** YYMMDD */
  dateOfExpiry: string;
  nationality: string;
  /** Line 3: primary and secondary identifiers, fillers as spaces, without diacritics (Doc 9303-3). */
  surname: string;
  givenNames: string;
  /** The 12-digit number from the optional data when it is there, as on every CCCD. */
  cccdNumber: string | null;
  /** Document number, birth date, expiry and composite check digits all hold. */
  checkDigitsValid: boolean;
}

const TD1_LINE = 30;
const nameText = (field: string) => field.replace(/<+/g, ' ').trim();

export function parseDg1(file: Uint8Array): Td1Mrz {
  const mrzField = findTlv(childrenOf(expectTlv(file, 0x61)), 0x5f1f);
  if (!mrzField) throw unsupported('dg1');
  const mrz = ascii(mrzField.value, 'dg1');
  if (mrz.length !== 3 * TD1_LINE || !/^[0-9A-Z<]+$/.test(mrz)) throw unsupported('dg1NotTd1');
  const lines: [string, string, string] = [mrz.slice(0, 30), mrz.slice(30, 60), mrz.slice(60)];
  const [line1, line2, line3] = lines;

  const digitHolds = (field: string, digit: string) => String(mrzCheckDigit(field)) === digit;
  const composite = line1.slice(5, 30) + line2.slice(0, 7) + line2.slice(8, 15) + line2.slice(18, 29);
  const [surname = '', ...given] = line3.split('<<');
  const optionalData = line1.slice(15, 30);
  return {
    lines,
    documentCode: line1.slice(0, 2).replace(/</g, ''),
    issuingState: line1.slice(2, 5),
    documentNumber: line1.slice(5, 14).replace(/<+$/, ''),
    optionalData,
    dateOfBirth: line2.slice(0, 6),
    sex: line2.slice(7, 8),
    dateOfExpiry: line2.slice(8, 14),
    nationality: line2.slice(15, 18),
    surname: nameText(surname),
    givenNames: nameText(given.join('<<')),
    cccdNumber: /^\d{12}/.exec(optionalData)?.[0] ?? null,
    checkDigitsValid:
      digitHolds(line1.slice(5, 14), line1[14]!) &&
      digitHolds(line2.slice(0, 6), line2[6]!) &&
      digitHolds(line2.slice(8, 14), line2[14]!) &&
      digitHolds(composite, line2[29]!),
  };
}
