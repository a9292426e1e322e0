import { assertNever } from './errors';
import { collapseSpaces } from './text';

/**
 * Screen text → what the Vietnamese read-aloud voice should say. espeak-ng reads digits one by
 * one or in English-like groups, does not know our abbreviations and reads "đ" as a letter, so
 * the host speaks the output of `speechText`, never the screen text itself.
 *
 * Privacy comes first: a CCCD number, a phone number or any other run of 9 or more digits, even
 * written in groups ("0912 345 678", "001.099.012.345", "+84 912-345-678"), is replaced by the
 * caller's placeholder unless the citizen asked to hear it (`allowIdNumbers`): a read-aloud kiosk
 * is heard by the whole queue.
 */

export interface NumberWording {
  /** 10³: "nghìn" (standard, and what receipts and fee screens print) or "ngàn" (southern speech). */
  thousand: 'nghìn' | 'ngàn';
  /** A zero in the tens place, 105: "lẻ" (South and South-Central) or "linh" (North). */
  zeroTens: 'lẻ' | 'linh';
}

/**
 * For South-Central listeners (Khánh Hòa): "lẻ" is what they say ("một trăm lẻ năm"), "linh"
 * sounds northern; "nghìn" is understood everywhere and matches the amounts printed on receipts.
 */
export const DEFAULT_WORDING: NumberWording = { thousand: 'nghìn', zeroTens: 'lẻ' };

export interface SpeechTextOptions {
  /** Said in place of a hidden number; it comes from i18n, e.g. "số đã được ẩn". */
  placeholder: string;
  /** The citizen asked to hear their own numbers: read them digit by digit instead. */
  allowIdNumbers?: boolean;
  wording?: Partial<NumberWording>;
}

const DIGITS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'] as const;
/** Any other character (a digit of another script) is left for the voice. */
const digitWord = (digit: string | number): string => DIGITS[Number(digit)] ?? String(digit);

/** 9 digits or more is an identifier (the old CMND had 9, CCCD has 12, phones 10), never an amount we say. */
const HIDDEN_DIGITS = 9;
/**
 * Digits joined by one space, dot, comma or dash are one number for hiding: IDs and phones are
 * written grouped. `\p{Nd}` so that digits of any script count.
 */
const DIGIT_CHAIN = /\+?\p{Nd}+(?:[\s.,\-\u2010-\u2015\u2212]\p{Nd}+)*/gu;
const CHAIN_SEPARATOR = /[\s.,\-\u2010-\u2015\u2212]/u;
/** 1.000.000.000: a number with thousands separators, the Vietnamese way. */
const THOUSANDS = /^[1-9]\d{0,2}(?:\.\d{3})+$/;

type Part = { kind: 'text' | 'hidden' | 'id'; text: string };

export function speechText(text: string, options: SpeechTextOptions): string {
  const wording = { ...DEFAULT_WORDING, ...options.wording };
  // NFKC also turns full-width and other compatibility digits into ASCII ones, so they are read or hidden.
  const parts = splitIdNumbers(text.normalize('NFKC'), options.allowIdNumbers ?? false);
  const spoken = parts.map((part) => {
    switch (part.kind) {
      case 'text':
        return readText(part.text, wording);
      case 'hidden':
        return options.placeholder;
      case 'id':
        return readIdNumber(part.text);
      default:
        return assertNever(part.kind);
    }
  });
  // Replacements are padded with spaces so they never glue to a neighbour; punctuation takes its place back.
  return collapseSpaces(spoken.join(' ')).replace(/ (?=[.,;:!?…)\]])/gu, '');
}

/**
 * Long digit chains are taken out before anything else reads the text, and by shape alone, so no
 * later rule (dates, amounts) can read part of one.
 */
function splitIdNumbers(text: string, allowIdNumbers: boolean): Part[] {
  const parts: Part[] = [];
  let from = 0;
  for (const match of text.matchAll(DIGIT_CHAIN)) {
    const chain = match[0];
    if ((chain.match(/\p{Nd}/gu)?.length ?? 0) < HIDDEN_DIGITS) continue;
    // With the opt-in, "1.000.000.000 đ" is an amount again and the text rules read it.
    if (allowIdNumbers && THOUSANDS.test(chain)) continue;
    parts.push({ kind: 'text', text: text.slice(from, match.index) });
    parts.push({ kind: allowIdNumbers ? 'id' : 'hidden', text: chain });
    from = match.index + chain.length;
  }
  parts.push({ kind: 'text', text: text.slice(from) });
  return parts;
}

/** "+84 912345678" → "cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám": digits in short groups, with pauses. */
function readIdNumber(chain: string): string {
  return chain
    .split(CHAIN_SEPARATOR)
    .map((piece) => {
      const plus = piece.startsWith('+') ? 'cộng ' : '';
      const digits = piece.replace('+', '');
      return plus + groupsOfThree(digits).map((group) => [...group].map(digitWord).join(' ')).join(', ');
    })
    .join(', ');
}

/** From the right, so 0912345678 groups as 0912 345 678, the way phone numbers are said; no lone digit in front. */
function groupsOfThree(digits: string): string[] {
  if (digits.length <= 4) return [digits];
  const groups: string[] = [];
  let end = digits.length;
  while (end > 4) {
    groups.unshift(digits.slice(end - 3, end));
    end -= 3;
  }
  groups.unshift(digits.slice(0, end));
  return groups;
}

const ABBREVIATIONS: Record<string, string> = {
  CCCD: 'căn cước công dân',
  CMND: 'chứng minh nhân dân',
  TTHC: 'thủ tục hành chính',
  UBND: 'Ủy ban nhân dân',
  HĐND: 'Hội đồng nhân dân',
  BHYT: 'bảo hiểm y tế',
  BHXH: 'bảo hiểm xã hội',
  SĐT: 'số điện thoại',
};
const ABBREVIATION = new RegExp(`(?<![\\p{L}\\p{N}])(?:${Object.keys(ABBREVIATIONS).join('|')})(?![\\p{L}\\p{N}])`, 'gu');

/** dd/mm/yyyy, with the "ngày" before it if the screen wrote one, so it is not said twice. */
const DATE = /(?:(?<!\p{L})ngày\s+)?(?<![\d/])(\d{1,2})\/(\d{1,2})\/(\d{4})(?![\d/])/giu;
/** 50.000 đ, 50.000đ, 50.000 VNĐ, 50.000 ₫, 50.000 đồng. */
const AMOUNT = /(?<![\d.])([1-9]\d{0,2}(?:\.\d{3})+|\d+)\s?(?:VNĐ|VND|đồng|đ|₫)(?![\p{L}\p{N}])/giu;
const NUMBER = /(?<![\d.])[1-9]\d{0,2}(?:\.\d{3})+(?!\.?\d)|\d+/gu;

function readText(text: string, wording: NumberWording): string {
  return text
    .replace(ABBREVIATION, (abbreviation) => ` ${ABBREVIATIONS[abbreviation]} `)
    .replace(DATE, (date, day: string, month: string, year: string) => {
      const [d, m] = [Number(day), Number(month)];
      if (d < 1 || d > 31 || m < 1 || m > 12) return date;
      // April is "tháng tư", never "tháng bốn".
      const monthWords = m === 4 ? 'tư' : readInteger(month, wording);
      return ` ngày ${readInteger(day, wording)} tháng ${monthWords} năm ${readInteger(year, wording)} `;
    })
    .replace(AMOUNT, (_amount, digits: string) => ` ${readInteger(digits.replaceAll('.', ''), wording)} đồng `)
    .replace(NUMBER, (number) => {
      // 0912, 007: a code, read digit by digit; "0" alone is a number.
      if (/^0\d/.test(number)) return ` ${[...number].map(digitWord).join(' ')} `;
      return ` ${readInteger(number.replaceAll('.', ''), wording)} `;
    });
}

/** A non-negative integer in Vietnamese words: 21 "hai mươi mốt", 105 "một trăm lẻ năm", 10⁹ "một tỷ". */
export function numberWords(value: number | bigint, wording: Partial<NumberWording> = {}): string {
  if (typeof value === 'number' && !Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  if (value < 0) throw new RangeError(`negative: ${value}`);
  return readInteger(String(value), { ...DEFAULT_WORDING, ...wording });
}

function readInteger(digits: string, wording: NumberWording): string {
  const significant = digits.replace(/^0+/, '');
  return significant ? readSignificant(significant, false, wording).join(' ') : DIGITS[0];
}

/**
 * Below a billion the groups are triệu, nghìn and units; above, the part over 10⁹ is read the same
 * way and followed by "tỷ" ("hai nghìn tỷ"). `full` says a higher group was read, so this part
 * says its zero hundreds ("một nghìn không trăm lẻ một").
 */
function readSignificant(digits: string, full: boolean, wording: NumberWording): string[] {
  if (digits.length > 9) {
    const billions = readSignificant(digits.slice(0, -9), full, wording);
    return [...billions, 'tỷ', ...readSignificant(digits.slice(-9), true, wording)];
  }
  const padded = digits.padStart(9, '0');
  const words: string[] = [];
  let started = full;
  for (const [index, name] of ['triệu', wording.thousand, ''].entries()) {
    const group = padded.slice(index * 3, index * 3 + 3);
    // Groups of zeros are skipped: 1.000.000 is "một triệu", not "một triệu không nghìn không trăm".
    if (group === '000') continue;
    words.push(...readGroup(group, started, wording));
    if (name) words.push(name);
    started = true;
  }
  return words;
}

function readGroup(group: string, full: boolean, wording: NumberWording): string[] {
  const [hundreds, tens, units] = [...group].map(Number) as [number, number, number];
  const words: string[] = [];
  if (full || hundreds > 0) words.push(digitWord(hundreds), 'trăm');
  if (tens === 0) {
    if (units > 0 && words.length > 0) words.push(wording.zeroTens);
    if (units > 0) words.push(digitWord(units));
  } else {
    words.push(...(tens === 1 ? ['mười'] : [digitWord(tens), 'mươi']));
    // After "mười" only 5 changes (mười lăm); after "mươi" 1, 4 and 5 do (hai mươi mốt, tư, lăm).
    if (units === 5) words.push('lăm');
    else if (tens > 1 && units === 1) words.push('mốt');
    else if (tens > 1 && units === 4) words.push('tư');
    else if (units > 0) words.push(digitWord(units));
  }
  return words;
}
