/**
 * Byte helpers for the chip code. `shared/` has no Buffer and no TextDecoder (ES2023 only), so the
 * few conversions the chip needs are written here once.
 */

export function fromHex(hex: string): Uint8Array {
  const digits = hex.replace(/\s+/g, '');
  if (!/^(?:[0-9a-fA-F]{2})*$/.test(digits)) throw new Error(`Not hexadecimal bytes: ${hex}`);
  return Uint8Array.from(digits.match(/../g) ?? [], (pair) => parseInt(pair, 16));
}

export const toHex = (bytes: Uint8Array): string =>
  Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('').toUpperCase();

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Compares without an early exit, so a MAC check does not tell how many leading bytes matched. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

export function xorBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length !== b.length) throw new Error('xorBytes: lengths differ');
  return a.map((byte, i) => byte ^ b[i]!);
}

/** MRZ characters are A–Z, 0–9 and '<': one byte each. */
export const asciiBytes = (text: string): Uint8Array => Uint8Array.from(text, (char) => char.charCodeAt(0));

/**
 * Strict UTF-8: `decodeURIComponent` rejects malformed, overlong and surrogate sequences with a
 * URIError, which is what a card's text must be refused for. Returns null on such bytes.
 */
export function decodeUtf8(bytes: Uint8Array): string | null {
  try {
    return decodeURIComponent(Array.from(bytes, (byte) => `%${byte.toString(16).padStart(2, '0')}`).join(''));
  } catch {
    return null;
  }
}

/** A big-endian unsigned integer of up to 6 bytes (lengths, offsets, status words). */
export const readUint = (bytes: Uint8Array): number => bytes.reduce((value, byte) => value * 256 + byte, 0);
