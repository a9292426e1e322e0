import { KioskError } from '../errors';
import { concatBytes, readUint } from './bytes';

/**
 * BER-TLV as the LDS, secure messaging and the SOD's DER use it (ISO/IEC 7816-4, X.690):
 * tags of up to three bytes, definite lengths of up to four bytes. A tag is kept as the number
 * its bytes spell (0x5F1F, 0x7F61), which is how Doc 9303 names them.
 *
 * Everything here reads bytes from the card, so anything malformed is `card.unsupported`, never
 * an exception from a slice past the end.
 */
export interface Tlv {
  tag: number;
  constructed: boolean;
  value: Uint8Array;
  /** The whole element, tag and length included: what a hash or a signature covers. */
  encoded: Uint8Array;
}

export interface TlvHeader {
  tag: number;
  constructed: boolean;
  headerLength: number;
  valueLength: number;
}

const MAX_TAG_BYTES = 3;
const MAX_LENGTH_BYTES = 4;

const malformed = (reason: string) => new KioskError('card.unsupported', { reason: `tlv.${reason}` });

/** The header at `offset`, or null when `bytes` ends before the header does (read more and retry). */
export function readTlvHeader(bytes: Uint8Array, offset = 0): TlvHeader | null {
  let position = offset;
  const next = (): number | null => (position < bytes.length ? bytes[position++]! : null);

  const first = next();
  if (first === null) return null;
  let tag = first;
  if ((first & 0x1f) === 0x1f) {
    let byte: number | null;
    do {
      byte = next();
      if (byte === null) return null;
      tag = tag * 256 + byte;
      if (position - offset > MAX_TAG_BYTES) throw malformed('tagTooLong');
    } while (byte & 0x80);
  }

  const lengthByte = next();
  if (lengthByte === null) return null;
  let valueLength = lengthByte;
  if (lengthByte === 0x80) throw malformed('indefiniteLength');
  if (lengthByte > 0x80) {
    const count = lengthByte & 0x7f;
    if (count > MAX_LENGTH_BYTES) throw malformed('lengthTooLong');
    if (position + count > bytes.length) return null;
    valueLength = readUint(bytes.subarray(position, position + count));
    position += count;
  }
  return { tag, constructed: (first & 0x20) !== 0, headerLength: position - offset, valueLength };
}

/** The element at `offset` and where the next one starts. */
export function readTlv(bytes: Uint8Array, offset = 0): { tlv: Tlv; end: number } {
  const header = readTlvHeader(bytes, offset);
  const end = header ? offset + header.headerLength + header.valueLength : Infinity;
  if (!header || end > bytes.length) throw malformed('truncated');
  return {
    tlv: {
      tag: header.tag,
      constructed: header.constructed,
      value: bytes.subarray(offset + header.headerLength, end),
      encoded: bytes.subarray(offset, end),
    },
    end,
  };
}

/** Every element in `bytes`, which must hold whole elements and nothing else. */
export function readTlvList(bytes: Uint8Array): Tlv[] {
  const list: Tlv[] = [];
  for (let offset = 0; offset < bytes.length; ) {
    const { tlv, end } = readTlv(bytes, offset);
    list.push(tlv);
    offset = end;
  }
  return list;
}

/** A constructed element's children. */
export function childrenOf(tlv: Tlv): Tlv[] {
  if (!tlv.constructed) throw malformed('notConstructed');
  return readTlvList(tlv.value);
}

/** One element that must be `tag`: the single root of an LDS file, or a DER field in its place. */
export function expectTlv(bytes: Uint8Array, tag: number): Tlv {
  const { tlv, end } = readTlv(bytes);
  if (tlv.tag !== tag) throw malformed(`expected${tag.toString(16).toUpperCase()}`);
  if (end !== bytes.length) throw malformed('trailingBytes');
  return tlv;
}

export const findTlv = (list: readonly Tlv[], tag: number): Tlv | undefined => list.find((tlv) => tlv.tag === tag);

export function encodeLength(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  if (bytes.length > MAX_LENGTH_BYTES) throw new Error(`TLV length ${length} needs more than four bytes`);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

/** DER encoding (shortest length form) of one element; `tag` is the number its bytes spell. */
export function encodeTlv(tag: number, ...value: Uint8Array[]): Uint8Array {
  const tagBytes: number[] = [];
  for (let rest = tag; tagBytes.length === 0 || rest > 0; rest = Math.floor(rest / 256)) tagBytes.unshift(rest % 256);
  const content = concatBytes(...value);
  return concatBytes(Uint8Array.from(tagBytes), encodeLength(content.length), content);
}
