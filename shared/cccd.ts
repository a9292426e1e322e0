import { z } from 'zod';
import placeCodesFile from '../assets/cccd/placeCodes.json';
import type { ErrorCode, ErrorParams } from './errors';
import { collapseSpaces, fold, nameCase, nfc } from './text';

/**
 * The citizen identity card (CCCD, and the 2024 thẻ căn cước): its 12-digit number and the QR code
 * printed on it. Facts and their sources: the founders' domain notes, `domain/README.md` §1–2 and
 * `facts.md` §1; the code table and its sources are in `assets/cccd/`.
 *
 * Nothing here throws on any input: the kiosk shows `t('errors.<code>')` for every failure.
 */

export type CccdErrorCode = Extract<ErrorCode, `cccd.${string}`>;
export type CccdResult<T> = { ok: true; value: T } | { ok: false; code: CccdErrorCode; params: ErrorParams };

export type Gender = 'Nam' | 'Nữ';

export interface CccdNumberInfo {
  number: string;
  /** Digits 1–3: where the birth was registered, not where the person lives now. */
  placeCode: string;
  placeName: string;
  placeKind: 'province' | 'country';
  /** Ordinal century of birth: 20 for 1900–1999, 21 for 2000–2099, … */
  century: number;
  gender: Gender;
  birthYear: number;
}

/** A registered birth date may be incomplete (year only, or month and year): never invent the rest. */
export interface PartialDate {
  /** The digits as printed in the QR: `yyyy`, `mmyyyy` or `ddmmyyyy`. */
  raw: string;
  year: number;
  month: number | null;
  day: number | null;
}

export interface FullDate {
  raw: string;
  year: number;
  month: number;
  day: number;
}

export interface CccdQrData {
  number: string;
  numberInfo: CccdNumberInfo;
  /** The 9-digit CMND (or an older 12-digit number) the person held before; `null` if they never had one. */
  oldIdNumber: string | null;
  /** NFC, single spaces, each word capitalised (the QR may carry upper case, as on the card face). */
  fullName: string;
  dateOfBirth: PartialDate;
  gender: Gender;
  /** NFC, single spaces, as printed: addresses contain commas and are never split on them. */
  address: string | null;
  issueDate: FullDate | null;
  /** Fields after the 7th, NFC and trimmed: the 2024 card may append more (see parseCccdQr). */
  extraFields: string[];
}

// The data file is a trust boundary like any catalogue (ARCHITECTURE §6.4): a bad edit fails loudly
// at start-up and in the tests, not as a wrong place name on screen.
const PlaceTable = z.object({
  provinces: z.object({ codes: z.record(z.string().regex(/^0\d\d$/), z.string().min(1)) }),
  countries: z.object({ codes: z.record(z.string().regex(/^[1-9]\d\d$/), z.string().min(1)) }),
});
const placeTable = PlaceTable.parse(placeCodesFile);

const fail = (code: CccdErrorCode, params: ErrorParams = {}): { ok: false; code: CccdErrorCode; params: ErrorParams } => ({
  ok: false,
  code,
  params,
});

/**
 * Decodes the 12-digit số định danh cá nhân: PPP G YY RRRRRR (Thông tư 07/2016/TT-BCA Điều 7,
 * Nghị định 137/2015/NĐ-CP Điều 13; the same rule is implemented in hongquan/vietnam-personal-id
 * `src/utils.ts`). There is no check digit, so this is structure only.
 *
 * Whitespace is ignored, so a number typed in groups ("056 190 012 345") is accepted. An unknown
 * place code is refused, as fixture F.2 requires; the legal caveat in `domain/README.md` §2 (the
 * code table's circular expired in 2024) is why the country table is kept even though unconfirmed.
 */
export function decodeCccdNumber(input: string): CccdResult<CccdNumberInfo> {
  const number = input.replace(/\s+/gu, '');
  if (!/^\d{12}$/.test(number)) return fail('cccd.numberFormat', { length: number.length });
  const placeCode = number.slice(0, 3);
  const province = placeTable.provinces.codes[placeCode];
  const country = placeTable.countries.codes[placeCode];
  const placeName = province ?? country;
  if (placeName === undefined) return fail('cccd.unknownPlaceCode', { placeCode });
  // Digit 4: even = male, odd = female; each pair is one century from 1900–1999 (0/1) to 2300–2399 (8/9).
  const centuryDigit = Number(number[3]);
  const century = 20 + Math.floor(centuryDigit / 2);
  return {
    ok: true,
    value: {
      number,
      placeCode,
      placeName,
      placeKind: province === undefined ? 'country' : 'province',
      century,
      gender: centuryDigit % 2 === 0 ? 'Nam' : 'Nữ',
      birthYear: (century - 1) * 100 + Number(number.slice(4, 6)),
    },
  };
}

/**
 * The largest payload one QR symbol can hold is 2953 bytes (version 40-L, byte mode; ISO/IEC 18004
 * table 7). Every character is at least one byte, so anything longer is not one scan, and we stop
 * before doing any work on it.
 */
const MAX_PAYLOAD_CHARS = 2953;

/** Seven fields on the chip CCCD (Thông tư 06/2021/TT-BCA; every public parser agrees, facts.md §1.2). */
const MIN_FIELDS = 7;

/**
 * Thông tư 16/2024/TT-BCA Điều 6 lists at most ten items for the 2024 card's QR (the seven above,
 * a cancelled personal number, the father's and the mother's names); their order after the 7th is
 * not confirmed (facts.md, "What could NOT be confirmed" 1). We keep extras and allow generous
 * headroom; many more fields means some other barcode.
 */
const MAX_FIELDS = 16;

/**
 * Windows-1252 (and Latin-1) renderings of UTF-8 continuation bytes 0x80–0xBF. UTF-8 Vietnamese
 * read as one of those encodings ("Nguyễn" → "Nguyá»…n") is a lead byte shown as Â–ô followed by
 * these; correct Vietnamese never puts a letter right before such symbols. WHATWG Encoding,
 * windows-1252 index: https://encoding.spec.whatwg.org/index-windows-1252.txt
 */
const CONTINUATION = '[\\u0080-\\u00BF\\u20AC\\u201A\\u0192\\u201E\\u2026\\u2020\\u2021\\u02C6\\u2030\\u0160\\u2039\\u0152\\u017D\\u2018\\u2019\\u201C\\u201D\\u2022\\u2013\\u2014\\u02DC\\u2122\\u0161\\u203A\\u0153\\u017E\\u0178]';
const MOJIBAKE = new RegExp(`[\\u00C2-\\u00DF]${CONTINUATION}|[\\u00E0-\\u00EF]${CONTINUATION}{2}|[\\u00F0-\\u00F4]${CONTINUATION}{3}`, 'u');
/** Control characters (C0, C1), lone surrogates and U+FFFD: a decoder already gave up on some bytes. */
const DAMAGED = /[\p{Cc}\p{Cs}\uFFFD]/u;

const isLeapYear = (year: number): boolean => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

type DateField = 'dateOfBirth' | 'issueDate';

/**
 * `ddmmyyyy`, `mmyyyy` or `yyyy`, as the QR prints them (Vietsens/hisnguonmo
 * `ReadQrCodeCCCD.cs` formats exactly these three lengths). The numbering scheme starts in 1900,
 * so no date on a card is earlier.
 */
function parseDate(raw: string, field: DateField): CccdResult<PartialDate> {
  if (!/^(\d{4}|\d{6}|\d{8})$/.test(raw)) return fail('cccd.dateFormat', { field });
  const year = Number(raw.slice(-4));
  const month = raw.length >= 6 ? Number(raw.slice(-6, -4)) : null;
  const day = raw.length === 8 ? Number(raw.slice(0, 2)) : null;
  const impossible =
    year < 1900 ||
    (month !== null && (month < 1 || month > 12)) ||
    (month !== null && day !== null && (day < 1 || day > daysInMonth(year, month)));
  return impossible ? fail('cccd.dateImpossible', { field }) : { ok: true, value: { raw, year, month, day } };
}

function parseGender(text: string): CccdResult<Gender> {
  const lower = text.toLocaleLowerCase('vi');
  if (lower === 'nam') return { ok: true, value: 'Nam' };
  if (lower === 'nữ') return { ok: true, value: 'Nữ' };
  // "Nu" is "Nữ" with its marks dropped: a keyboard-wedge scanner that cannot type Vietnamese
  // (facts.md §1.2, rule 7). The name and address are then wrong too, so say so precisely.
  if (fold(lower) === 'nu') return fail('cccd.garbledText', { field: 'gender' });
  return fail('cccd.genderText');
}

/**
 * Parses the QR on the chip CCCD and the 2024 thẻ căn cước: UTF-8 text, `|`-separated, no labels,
 * fields by index (facts.md §1.2; dangbaokhoa/identity-card `README.md`, Vietsens/hisnguonmo
 * `ReadQrCodeCCCD.cs`):
 *
 *   0 number | 1 old CMND or empty | 2 name | 3 date of birth | 4 Nam/Nữ | 5 address | 6 issue date | 7+ extras
 *
 * Scanners add a BOM or CR/LF and may hand over NFD text; those are removed or normalised. The
 * six-field layout documented by phalconsupply/phongkham (no CMND field) is refused, not guessed
 * at: reading index 1 as the name is the bug it has. The number's birth-year digits and gender
 * digit must agree with the printed date of birth and gender.
 */
export function parseCccdQr(raw: string): CccdResult<CccdQrData> {
  if (raw.length > MAX_PAYLOAD_CHARS) return fail('cccd.tooLong', { length: raw.length });
  // String.prototype.trim removes U+FEFF (the BOM) as well as CR, LF and spaces (ECMA-262 WhiteSpace).
  const text = nfc(raw.trim());
  const fields = text.split('|');
  if (text === '' || fields.length === 1) return fail('cccd.notCccdQr');
  if (DAMAGED.test(text) || MOJIBAKE.test(text)) return fail('cccd.garbledText', { field: 'payload' });
  if (fields.length < MIN_FIELDS) return fail('cccd.tooFewFields', { count: fields.length });
  if (fields.length > MAX_FIELDS) return fail('cccd.tooManyFields', { count: fields.length });

  const [numberField, oldId, name, birth, genderText, address, issued, ...extraFields] = fields.map(collapseSpaces) as [
    string, string, string, string, string, string, string, ...string[],
  ];

  const numberInfo = decodeCccdNumber(numberField);
  if (!numberInfo.ok) return numberInfo;
  // Some parsers also see 12-digit old numbers here (facts.md §1.2, rule 2).
  if (!/^(\d{9}|\d{12})?$/.test(oldId)) return fail('cccd.oldIdFormat');
  const fullName = nameCase(name);
  if (fullName === '') return fail('cccd.nameMissing');
  const dateOfBirth = parseDate(birth, 'dateOfBirth');
  if (!dateOfBirth.ok) return dateOfBirth;
  const gender = parseGender(genderText);
  if (!gender.ok) return gender;
  let issueDate: FullDate | null = null;
  if (issued !== '') {
    const parsed = parseDate(issued, 'issueDate');
    if (!parsed.ok) return parsed;
    const { month, day } = parsed.value;
    if (month === null || day === null) return fail('cccd.dateFormat', { field: 'issueDate' });
    issueDate = { ...parsed.value, month, day };
  }

  if (numberInfo.value.birthYear !== dateOfBirth.value.year) {
    return fail('cccd.birthYearMismatch', { numberYear: numberInfo.value.birthYear, dateYear: dateOfBirth.value.year });
  }
  if (numberInfo.value.gender !== gender.value) {
    return fail('cccd.genderMismatch', { numberGender: numberInfo.value.gender, cardGender: gender.value });
  }

  return {
    ok: true,
    value: {
      number: numberInfo.value.number,
      numberInfo: numberInfo.value,
      oldIdNumber: oldId === '' ? null : oldId,
      fullName,
      dateOfBirth: dateOfBirth.value,
      gender: gender.value,
      address: address === '' ? null : address,
      issueDate,
      extraFields,
    },
  };
}
