import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Icao9303Crypto } from '../../../../shared/icao9303/crypto';

/**
 * The chip's cryptography with node:crypto. OpenSSL 3 keeps single DES in its legacy provider,
 * which Node does not load (`des-ecb` and `des-cbc` throw "unsupported"), while two-key triple
 * DES is in the default provider. Triple DES with K‖K is single DES (the decrypt step undoes the
 * first encrypt), so `des-ede-ecb` with the key doubled gives the retail MAC its DES step.
 */
const ZERO_IV = Buffer.alloc(8);

/** No padding anywhere: every caller pads with ISO/IEC 9797-1 method 2 itself, or sends whole blocks. */
function run(algorithm: string, encrypt: boolean, key: Uint8Array, iv: Uint8Array | null, data: Uint8Array): Uint8Array {
  const cipher = encrypt ? createCipheriv(algorithm, key, iv) : createDecipheriv(algorithm, key, iv);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

/** The key's length names the AES variant: 16, 24 or 32 bytes. */
const aes = (key: Uint8Array, mode: 'cbc' | 'ecb') => `aes-${key.length * 8}-${mode}`;

export const nodeIcaoCrypto: Icao9303Crypto = {
  sha1: (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  sha256: (data) => new Uint8Array(createHash('sha256').update(data).digest()),
  desEde2CbcEncrypt: (key16, data) => run('des-ede-cbc', true, key16, ZERO_IV, data),
  desEde2CbcDecrypt: (key16, data) => run('des-ede-cbc', false, key16, ZERO_IV, data),
  desEcbEncrypt: (key8, block) => run('des-ede-ecb', true, Buffer.concat([key8, key8]), null, block),
  aesCbcEncrypt: (key, iv, data) => run(aes(key, 'cbc'), true, key, iv, data),
  aesCbcDecrypt: (key, iv, data) => run(aes(key, 'cbc'), false, key, iv, data),
  aesEcbEncrypt: (key, block) => run(aes(key, 'ecb'), true, key, null, block),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
};
