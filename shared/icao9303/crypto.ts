import { concatBytes, xorBytes } from './bytes';

/**
 * The cryptography BAC and its secure messaging need, as a port: `shared/` may not import
 * node:crypto, and WebCrypto has no DES. The host implements it with node:crypto
 * (`electron/host/devices/cardReader/icaoCrypto.ts`). Everything built from these primitives
 * (padding, the retail MAC, key derivation) is here, so it is tested once for every host.
 */
export interface Icao9303Crypto {
  sha1(data: Uint8Array): Uint8Array;
  /** Two-key triple DES (K1‖K2, encrypt-decrypt-encrypt), CBC, zero IV, no padding: whole 8-byte blocks in and out. */
  desEde2CbcEncrypt(key16: Uint8Array, data: Uint8Array): Uint8Array;
  desEde2CbcDecrypt(key16: Uint8Array, data: Uint8Array): Uint8Array;
  /** Single DES on one 8-byte block: the chaining step of the retail MAC. */
  desEcbEncrypt(key8: Uint8Array, block: Uint8Array): Uint8Array;
  /** Cryptographically strong random bytes: RND.IFD and K.IFD, or a simulated chip's RND.IC and K.IC. */
  randomBytes(length: number): Uint8Array;
}

export const DES_BLOCK = 8;

/** ISO/IEC 9797-1 padding method 2: a 0x80 byte, then zeros up to a whole block (always at least one byte). */
export function padIso9797(data: Uint8Array): Uint8Array {
  const padded = new Uint8Array((Math.floor(data.length / DES_BLOCK) + 1) * DES_BLOCK);
  padded.set(data);
  padded[data.length] = 0x80;
  return padded;
}

/** Removes padding method 2; null when the bytes end in anything else, as a wrong key's output does. */
export function unpadIso9797(padded: Uint8Array): Uint8Array | null {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0x00) end--;
  return end >= 0 && padded[end] === 0x80 && padded.length - end <= DES_BLOCK ? padded.slice(0, end) : null;
}

/**
 * The retail MAC: ISO/IEC 9797-1 MAC algorithm 3 with DES and padding method 2 (Doc 9303-11
 * §9.8). Single-DES CBC under Ka over every block but the last; the last is triple-DES
 * (Ka, Kb, Ka), which is the same as algorithm 3's final "decrypt with Kb, encrypt with Ka".
 */
export function retailMac(crypto: Icao9303Crypto, key16: Uint8Array, message: Uint8Array): Uint8Array {
  const padded = padIso9797(message);
  const ka = key16.subarray(0, DES_BLOCK);
  let chain: Uint8Array = new Uint8Array(DES_BLOCK);
  const last = padded.length - DES_BLOCK;
  for (let offset = 0; offset < last; offset += DES_BLOCK) {
    chain = crypto.desEcbEncrypt(ka, xorBytes(chain, padded.subarray(offset, offset + DES_BLOCK)));
  }
  return crypto.desEde2CbcEncrypt(key16, xorBytes(chain, padded.subarray(last)));
}

/** DES keys carry odd parity in the low bit of each byte (Doc 9303-11 §9.7.1.1: "adjust parity bits"). */
export function adjustDesParity(key: Uint8Array): Uint8Array {
  return key.map((byte) => {
    const high = byte & 0xfe;
    let ones = 0;
    for (let bit = high; bit; bit >>= 1) ones += bit & 1;
    return high | (ones % 2 === 0 ? 1 : 0);
  });
}

/** A two-key 3DES encryption key and a retail-MAC key: K_enc/K_mac of BAC, or the session's KS_enc/KS_mac. */
export interface DesKeys {
  enc: Uint8Array;
  mac: Uint8Array;
}

/**
 * 3DES key derivation (Doc 9303-11 §9.7.1.1): SHA-1(seed ‖ counter), first 16 bytes, parity
 * adjusted; counter 1 gives the encryption key, 2 the MAC key.
 */
export function deriveDesKeys(crypto: Icao9303Crypto, keySeed: Uint8Array): DesKeys {
  const derive = (counter: number) => adjustDesParity(crypto.sha1(concatBytes(keySeed, Uint8Array.of(0, 0, 0, counter))).slice(0, 16));
  return { enc: derive(1), mac: derive(2) };
}
