import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { Icao9303Crypto } from '../../../../shared/icao9303/crypto';

/**
 * The chip's cryptography with node:crypto. OpenSSL 3 keeps single DES in its legacy provider,
 * which Node does not load (`des-ecb` and `des-cbc` throw "unsupported"), while two-key triple
 * DES is in the default provider. Triple DES with K‖K is single DES (the decrypt step undoes the
 * first encrypt), so `des-ede-ecb` with the key doubled gives the retail MAC its DES step.
 */
const ZERO_IV = Buffer.alloc(8);

function desEde2(mode: 'des-ede-cbc' | 'des-ede-ecb', encrypt: boolean, key16: Uint8Array, data: Uint8Array): Uint8Array {
  const iv = mode === 'des-ede-cbc' ? ZERO_IV : null;
  const cipher = encrypt ? createCipheriv(mode, key16, iv) : createDecipheriv(mode, key16, iv);
  cipher.setAutoPadding(false);
  return new Uint8Array(Buffer.concat([cipher.update(data), cipher.final()]));
}

export const nodeIcaoCrypto: Icao9303Crypto = {
  sha1: (data) => new Uint8Array(createHash('sha1').update(data).digest()),
  desEde2CbcEncrypt: (key16, data) => desEde2('des-ede-cbc', true, key16, data),
  desEde2CbcDecrypt: (key16, data) => desEde2('des-ede-cbc', false, key16, data),
  desEcbEncrypt: (key8, block) => desEde2('des-ede-ecb', true, Buffer.concat([key8, key8]), block),
  randomBytes: (length) => new Uint8Array(randomBytes(length)),
};
