import { concatBytes, xorBytes } from './bytes';

/**
 * The cryptography BAC, PACE and their secure messaging need, as a port: `shared/` may not import
 * node:crypto, and WebCrypto has no DES and no synchronous AES. The host implements it with
 * node:crypto (`electron/host/devices/cardReader/icaoCrypto.ts`). Everything built from these
 * primitives (padding, the retail MAC, CMAC, key derivation) is here, so it is tested once for
 * every host. Elliptic-curve arithmetic is not in the port: it is pure (`pace.ts`, @noble/curves).
 */
export interface Icao9303Crypto {
  sha1(data: Uint8Array): Uint8Array;
  sha256(data: Uint8Array): Uint8Array;
  /** Two-key triple DES (K1‖K2, encrypt-decrypt-encrypt), CBC, zero IV, no padding: whole 8-byte blocks in and out. */
  desEde2CbcEncrypt(key16: Uint8Array, data: Uint8Array): Uint8Array;
  desEde2CbcDecrypt(key16: Uint8Array, data: Uint8Array): Uint8Array;
  /** Single DES on one 8-byte block: the chaining step of the retail MAC. */
  desEcbEncrypt(key8: Uint8Array, block: Uint8Array): Uint8Array;
  /** AES (the key's length picks AES-128, -192 or -256), CBC, no padding: whole 16-byte blocks in and out. */
  aesCbcEncrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  aesCbcDecrypt(key: Uint8Array, iv: Uint8Array, data: Uint8Array): Uint8Array;
  /** AES on one 16-byte block: CMAC's chaining step and AES secure messaging's IV. */
  aesEcbEncrypt(key: Uint8Array, block: Uint8Array): Uint8Array;
  /** Cryptographically strong random bytes: RND.IFD and K.IFD, or a simulated chip's RND.IC and K.IC. */
  randomBytes(length: number): Uint8Array;
}

export const DES_BLOCK = 8;
export const AES_BLOCK = 16;

/** ISO/IEC 9797-1 padding method 2: a 0x80 byte, then zeros up to a whole block (always at least one byte). */
export function padIso9797(data: Uint8Array, block = DES_BLOCK): Uint8Array {
  const padded = new Uint8Array((Math.floor(data.length / block) + 1) * block);
  padded.set(data);
  padded[data.length] = 0x80;
  return padded;
}

/** Removes padding method 2; null when the bytes end in anything else, as a wrong key's output does. */
export function unpadIso9797(padded: Uint8Array, block = DES_BLOCK): Uint8Array | null {
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0x00) end--;
  return end >= 0 && padded[end] === 0x80 && padded.length - end <= block ? padded.slice(0, end) : null;
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

/** CMAC's subkey step (NIST SP 800-38B §6.1): shift left one bit, and fold the carry back in with R128 = 0x87. */
function doubleBlock(block: Uint8Array): Uint8Array {
  const doubled = block.map((byte, i) => ((byte << 1) | ((block[i + 1] ?? 0) >> 7)) & 0xff);
  if (block[0]! & 0x80) doubled[AES_BLOCK - 1] = doubled[AES_BLOCK - 1]! ^ 0x87;
  return doubled;
}

/**
 * AES-CMAC (NIST SP 800-38B), the whole 16 bytes: PACE's tokens and AES secure messaging keep
 * the first 8 (Doc 9303-11 §9.8.6.2). The last block is masked with K1 when it is whole, else
 * padded with method 2 and masked with K2.
 */
export function aesCmac(crypto: Icao9303Crypto, key: Uint8Array, message: Uint8Array): Uint8Array {
  const k1 = doubleBlock(crypto.aesEcbEncrypt(key, new Uint8Array(AES_BLOCK)));
  const whole = message.length > 0 && message.length % AES_BLOCK === 0;
  const blocks = whole ? message : padIso9797(message, AES_BLOCK);
  const last = blocks.length - AES_BLOCK;
  let chain: Uint8Array = new Uint8Array(AES_BLOCK);
  for (let offset = 0; offset < last; offset += AES_BLOCK) {
    chain = crypto.aesEcbEncrypt(key, xorBytes(chain, blocks.subarray(offset, offset + AES_BLOCK)));
  }
  return crypto.aesEcbEncrypt(key, xorBytes(xorBytes(chain, blocks.subarray(last)), whole ? k1 : doubleBlock(k1)));
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

/** An AES encryption key and a CMAC key of the same length: the session keys of PACE with AES. */
export interface AesKeys {
  cipher: 'aes';
  enc: Uint8Array;
  mac: Uint8Array;
}

/** What a secure-messaging session runs on: 3DES keys (BAC, PACE-3DES) or AES keys (PACE-AES). */
export type SessionKeys = DesKeys | AesKeys;

export const isAesKeys = (keys: SessionKeys): keys is AesKeys => 'cipher' in keys;

/** The block cipher a key is for: two-key 3DES, or AES of 128, 192 or 256 bits. */
export type KeyCipher = '3des' | 'aes128' | 'aes192' | 'aes256';

/** Doc 9303-11 §9.7.1: the counters of the key derivation function. */
export const KDF_COUNTER = { enc: 1, mac: 2, password: 3 } as const;

/**
 * The key derivation function (Doc 9303-11 §9.7.1): H(secret ‖ counter as 32 bits), SHA-1 for
 * 3DES and AES-128 (first 16 bytes; 3DES parity adjusted), SHA-256 for AES-192 (first 24) and
 * AES-256 (all 32).
 */
export function deriveKey(crypto: Icao9303Crypto, secret: Uint8Array, counter: number, cipher: KeyCipher): Uint8Array {
  const input = concatBytes(secret, Uint8Array.of(counter >>> 24, (counter >>> 16) & 0xff, (counter >>> 8) & 0xff, counter & 0xff));
  switch (cipher) {
    case '3des':
      return adjustDesParity(crypto.sha1(input).slice(0, 16));
    case 'aes128':
      return crypto.sha1(input).slice(0, 16);
    case 'aes192':
      return crypto.sha256(input).slice(0, 24);
    case 'aes256':
      return crypto.sha256(input);
  }
}

/** 3DES session keys from a key seed (Doc 9303-11 §9.7.1.1): counter 1 gives the encryption key, 2 the MAC key. */
export const deriveDesKeys = (crypto: Icao9303Crypto, keySeed: Uint8Array): DesKeys => ({
  enc: deriveKey(crypto, keySeed, KDF_COUNTER.enc, '3des'),
  mac: deriveKey(crypto, keySeed, KDF_COUNTER.mac, '3des'),
});
