import { KioskError } from '../errors';
import { nfc } from '../text';
import { decodeUtf8 } from './bytes';
import { childrenOf, expectTlv, type Tlv } from './tlv';

/**
 * DG13 of the CCCD: Vietnamese personal data in a proprietary layout that no public specification
 * describes. What we know (domain notes README §6.2, facts.md §2.5 and §F.3):
 * - the root is tag 0x6D; each field is SEQUENCE { INTEGER field-id, value } with UTF-8 text;
 * - facts.md §2.5 (one reader's parser, "decoded from a real sample") nests the fields under
 *   SEQUENCE { INTEGER version, OID, SET OF field }, while README §6.2 puts them under the root;
 * - fields are found by their id, never by position, and absent fields are left out.
 * So the parser finds field SEQUENCEs wherever they are, and reads each value it recognises.
 *
 * UNCONFIRMED, so kept raw or marked: the date format (expected dd/mm/yyyy: `ChipDate.raw` always
 * holds the text), field 14 as the spouse (one source), and the meaning of fields 15 and 16 (old
 * ID number, "other document", or an unknown value: every field past 14 is kept in `extraFields`,
 * and one that reads as a 9- or 12-digit number becomes `oldIdNumber`, as facts.md §2.5 advises).
 */

export interface ChipDate {
  /** The text as the chip holds it. */
  raw: string;
  /** Day, month and year when the text is a real dd/mm/yyyy (or ddmmyyyy) date; null otherwise. */
  date: { year: number; month: number; day: number } | null;
}

export interface Dg13Field {
  id: number;
  values: string[];
}

export interface Dg13 {
  /** 1: số định danh cá nhân. */
  idNumber: string | null;
  /** 2 */
  fullName: string | null;
  /** 3 */
  dateOfBirth: ChipDate | null;
  /** 4: "Nam" or "Nữ" as written on the card. */
  gender: string | null;
  /** 5 */
  nationality: string | null;
  /** 6: dân tộc. */
  ethnicity: string | null;
  /** 7 */
  religion: string | null;
  /** 8: quê quán. */
  placeOfOrigin: string | null;
  /** 9: nơi thường trú. */
  placeOfResidence: string | null;
  /** 10: đặc điểm nhận dạng. */
  identifyingMarks: string | null;
  /** 11 */
  issueDate: ChipDate | null;
  /** 12: the raw text may say the card does not expire (holders aged 60 and over). */
  expiryDate: ChipDate | null;
  /** 13, first value. */
  fatherName: string | null;
  /** 13, second value. */
  motherName: string | null;
  /** 14: UNCONFIRMED (facts.md §2.5, one source). */
  spouseName: string | null;
  /** A 9- or 12-digit number among fields 15 and 16 (their meaning is UNCONFIRMED). */
  oldIdNumber: string | null;
  /** Fields past 14, raw, in the chip's order. */
  extraFields: Dg13Field[];
  /** Ids of fields whose value was not text the kiosk can read (an unknown string type, bad UTF-8). */
  unreadableFieldIds: number[];
}

const TAG = { root: 0x6d, integer: 0x02, oid: 0x06, sequence: 0x30, utf8String: 0x0c } as const;
/** UTF8String; PrintableString and IA5String are ASCII (facts.md §F.3 uses both for numbers and dates). */
const STRING_TAGS = new Set<number>([TAG.utf8String, 0x13, 0x16]);

/** A field's value is primitive; an OID is not (it marks the character set in facts.md §2.5's wrapper). */
const isValue = (tlv: Tlv) => !tlv.constructed && tlv.tag !== TAG.oid;
const isValueSequence = (tlv: Tlv) => tlv.tag === TAG.sequence && childrenOf(tlv).every(isValue);

/** SEQUENCE { INTEGER id, values… }, each value primitive or a SEQUENCE of them (the parents). */
function asField(tlv: Tlv): { id: number; values: Tlv[] } | null {
  if (tlv.tag !== TAG.sequence) return null;
  const [id, ...values] = childrenOf(tlv);
  if (id?.tag !== TAG.integer || id.value.length !== 1 || values.length === 0) return null;
  if (!values.every((value) => isValue(value) || isValueSequence(value))) return null;
  return { id: id.value[0]!, values: values.flatMap((value) => (value.tag === TAG.sequence ? childrenOf(value) : [value])) };
}

/** Field SEQUENCEs anywhere under `tlv` (the version wrapper and the SET are walked through). */
function collectFields(tlv: Tlv): { id: number; values: Tlv[] }[] {
  const field = asField(tlv);
  if (field) return [field];
  return tlv.constructed ? childrenOf(tlv).flatMap(collectFields) : [];
}

/** The value's text, or null for a type that is not a string, or bytes that are not its encoding. */
function text(value: Tlv): string | null {
  if (!STRING_TAGS.has(value.tag)) return null;
  const decoded =
    value.tag === TAG.utf8String ? decodeUtf8(value.value) : value.value.every((byte) => byte < 0x80) ? String.fromCharCode(...value.value) : null;
  return decoded === null ? null : nfc(decoded).trim();
}

function chipDate(raw: string): ChipDate {
  const match = /^(\d{2})\/?(\d{2})\/?(\d{4})$/.exec(raw);
  if (!match) return { raw, date: null };
  const [day, month, year] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const probe = new Date(Date.UTC(year, month - 1, day));
  const real = probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
  return { raw, date: real ? { year, month, day } : null };
}

const OLD_ID_FIELDS = [15, 16];
const LAST_NAMED_FIELD = 14;

export function parseDg13(file: Uint8Array): Dg13 {
  const fields = new Map<number, string[]>();
  const unreadable = new Set<number>();
  for (const { id, values } of collectFields(expectTlv(file, TAG.root))) {
    if (fields.has(id)) continue; // the first readable occurrence wins
    const texts = values.map(text);
    if (texts.every((value) => value !== null)) fields.set(id, texts);
    else unreadable.add(id);
  }
  if (fields.size === 0 && unreadable.size === 0) throw new KioskError('card.unsupported', { reason: 'dg13Empty' });

  const first = (id: number, index = 0) => fields.get(id)?.[index] ?? null;
  const date = (id: number) => {
    const raw = first(id);
    return raw === null ? null : chipDate(raw);
  };
  return {
    idNumber: first(1),
    fullName: first(2),
    dateOfBirth: date(3),
    gender: first(4),
    nationality: first(5),
    ethnicity: first(6),
    religion: first(7),
    placeOfOrigin: first(8),
    placeOfResidence: first(9),
    identifyingMarks: first(10),
    issueDate: date(11),
    expiryDate: date(12),
    fatherName: first(13, 0),
    motherName: first(13, 1),
    spouseName: first(14),
    oldIdNumber: OLD_ID_FIELDS.map((id) => first(id)).find((value) => value !== null && /^(\d{9}|\d{12})$/.test(value)) ?? null,
    extraFields: [...fields].filter(([id]) => id > LAST_NAMED_FIELD).map(([id, values]) => ({ id, values })),
    unreadableFieldIds: [...unreadable].filter((id) => !fields.has(id)),
  };
}
