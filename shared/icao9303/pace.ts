import type { WeierstrassPoint, WeierstrassPointCons } from '@noble/curves/abstract/weierstrass.js';
import { brainpoolP256r1, brainpoolP384r1, brainpoolP512r1 } from '@noble/curves/misc.js';
import { p256, p384, p521 } from '@noble/curves/nist.js';
import { KioskError } from '../errors';
import { plainChannel, statusWordHex, SW, type CardChannel, type ResponseApdu, type Transmit } from './apdu';
import { asciiBytes, bytesEqual, concatBytes, fromHex, readUint } from './bytes';
import {
  AES_BLOCK,
  aesCmac,
  DES_BLOCK,
  deriveDesKeys,
  deriveKey,
  KDF_COUNTER,
  retailMac,
  type Icao9303Crypto,
  type KeyCipher,
  type SessionKeys,
} from './crypto';
import { mrzInformation, type MrzAccessKey } from './mrz';
import { SecureMessaging } from './secureMessaging';
import { childrenOf, encodeTlv, readTlv, readTlvList, type Tlv } from './tlv';

/**
 * PACE (Doc 9303-11 §4.4) with ECDH Generic Mapping: the chip sends a nonce encrypted under a key
 * from the password (the CAN on a CCCD: facts.md §2.2), both sides map it onto a new generator
 * G̃ = s·G + H, agree a key on G̃, and prove it with tokens; then secure messaging runs with the
 * session keys (AES, or 3DES) and an SSC of zero.
 *
 * The steps are pure functions so that the simulated chip plays the other side with them, and
 * Appendix G's intermediate values can be checked one by one. The curve arithmetic is
 * @noble/curves (node:crypto has ECDH but not G̃ = s·G + H); everything else goes through the port.
 */

export type Curve = WeierstrassPointCons<bigint>;
export type CurvePoint = WeierstrassPoint<bigint>;

/** EF.CardAccess, read in plain before the eMRTD application is selected (facts.md §2.2: `00 A4 02 0C 02 01 1C`). */
export const CARD_ACCESS_FILE_ID = 0x011c;

/** id-PACE-ECDH-GM (0.4.0.127.0.7.2.2.4.2), DER content bytes; the last arc picks the cipher (§9.2.1). */
const ECDH_GM_OID = fromHex('04007F000702020402');
const CIPHER_ARCS: ReadonlyMap<number, KeyCipher> = new Map([
  [1, '3des'],
  [2, 'aes128'],
  [3, 'aes192'],
  [4, 'aes256'],
]);

/** Standardized domain parameters (Doc 9303-11 §9.5.1) that ECDH-GM runs on here: the NIST and Brainpool curves noble has. */
const CURVES: ReadonlyMap<number, Curve> = new Map([
  [12, p256.Point],
  [13, brainpoolP256r1.Point],
  [15, p384.Point],
  [16, brainpoolP384r1.Point],
  [17, brainpoolP512r1.Point],
  [18, p521.Point],
]);

const PACE_VERSION = 2;

/** One PACEInfo of EF.CardAccess that this reader can run. */
export interface PaceInfo {
  /** The protocol OID's content bytes, as MSE:Set AT and the tokens carry them. */
  protocol: Uint8Array;
  cipher: KeyCipher;
  parameterId: number;
  curve: Curve;
}

/** A PACEInfo (§9.2.1): SEQUENCE { protocol OID, version INTEGER, parameterId INTEGER OPTIONAL }; null when not one this reader runs. */
function paceInfoOf(securityInfo: Tlv): PaceInfo | null {
  if (securityInfo.tag !== 0x30) return null;
  const [oid, version, parameter] = childrenOf(securityInfo);
  if (oid?.tag !== 0x06 || oid.value.length !== ECDH_GM_OID.length + 1 || !bytesEqual(oid.value.subarray(0, -1), ECDH_GM_OID)) return null;
  const cipher = CIPHER_ARCS.get(oid.value.at(-1)!);
  // Without parameterId the domain parameters are proprietary (a PACEDomainParameterInfo), which this reader does not run.
  if (!cipher || version?.tag !== 0x02 || readUint(version.value) !== PACE_VERSION || parameter?.tag !== 0x02 || parameter.value.length > 1) return null;
  const curve = CURVES.get(readUint(parameter.value));
  return curve ? { protocol: oid.value, cipher, parameterId: readUint(parameter.value), curve } : null;
}

/**
 * The PACEInfos of EF.CardAccess (a SET OF SecurityInfo, Doc 9303-11 §9.2) that this reader can
 * run, in the chip's order. Other SecurityInfos (Chip Authentication, DH or Integrated Mapping)
 * are skipped. A file that is not a SET is `card.unsupported`.
 */
export function parseCardAccess(bytes: Uint8Array): PaceInfo[] {
  // Some chips pad the file after the SET: only the first element counts.
  const { tlv } = readTlv(bytes);
  if (tlv.tag !== 0x31) throw new KioskError('card.unsupported', { reason: 'cardAccess' });
  return childrenOf(tlv).flatMap((info) => paceInfoOf(info) ?? []);
}

/** The password PACE runs with: the CAN (reference 2), or the MRZ data BAC uses (reference 1, as in Appendix G). */
export type PacePassword = { can: string } | { mrz: MrzAccessKey };

const passwordReference = (password: PacePassword) => ('can' in password ? 2 : 1);

/** A CCCD prints no CAN: it is the last 6 digits of the 12-digit number (facts.md §2.2). */
export function cccdCan(cccdNumber: string): string {
  if (!/^\d{12}$/.test(cccdNumber)) throw new KioskError('cccd.numberFormat');
  return cccdNumber.slice(-6);
}

/**
 * K_π = KDF(f(π), 3) (§9.7.3): f(π) is SHA-1 of the MRZ information, or the CAN's characters
 * as they are (ISO 8859-1).
 */
export function passwordKey(crypto: Icao9303Crypto, cipher: KeyCipher, password: PacePassword): Uint8Array {
  const secret = 'can' in password ? asciiBytes(password.can) : crypto.sha1(asciiBytes(mrzInformation(password.mrz)));
  return deriveKey(crypto, secret, KDF_COUNTER.password, cipher);
}

const blockOf = (cipher: KeyCipher) => (cipher === '3des' ? DES_BLOCK : AES_BLOCK);
const zeroIv = (cipher: KeyCipher) => new Uint8Array(blockOf(cipher));

/** z = E(K_π, s), CBC with a zero IV (§4.4.3.1): the chip's side. */
export const encryptNonce = (crypto: Icao9303Crypto, cipher: KeyCipher, key: Uint8Array, nonce: Uint8Array): Uint8Array =>
  cipher === '3des' ? crypto.desEde2CbcEncrypt(key, nonce) : crypto.aesCbcEncrypt(key, zeroIv(cipher), nonce);

/** s = D(K_π, z): the reader's side. A wrong password gives a wrong s, which only the tokens reveal. */
export const decryptNonce = (crypto: Icao9303Crypto, cipher: KeyCipher, key: Uint8Array, encrypted: Uint8Array): Uint8Array =>
  cipher === '3des' ? crypto.desEde2CbcDecrypt(key, encrypted) : crypto.aesCbcDecrypt(key, zeroIv(cipher), encrypted);

/** What the curve arithmetic refuses (a point off the curve, the point at infinity, a zero scalar) came from the chip. */
function curveMath<T>(step: string, run: () => T): T {
  try {
    return run();
  } catch (error) {
    throw new KioskError('card.unsupported', { reason: 'paceInvalidPoint', step }, { cause: error });
  }
}

/** An uncompressed point (SEC 1), as GENERAL AUTHENTICATE carries public keys. */
export const encodePoint = (point: CurvePoint): Uint8Array => point.toBytes(false);

export const decodePoint = (curve: Curve, bytes: Uint8Array, step = 'publicKey'): CurvePoint =>
  curveMath(step, () => {
    const point = curve.fromBytes(bytes);
    if (point.is0() || bytes[0] !== 0x04) throw new Error('not an uncompressed point');
    return point;
  });

/** A private key in [1, n): random bytes of n's length, the excess high bits masked, drawn again when out of range. */
export function randomScalar(crypto: Icao9303Crypto, curve: Curve): bigint {
  const { n } = curve.CURVE();
  const bits = n.toString(2).length;
  for (;;) {
    const bytes = crypto.randomBytes(Math.ceil(bits / 8));
    bytes[0] = bytes[0]! & (0xff >> (bytes.length * 8 - bits));
    const scalar = BigInt(`0x${Array.from(bytes, (byte) => byte.toString(16).padStart(2, '0')).join('')}`);
    if (scalar > 0n && scalar < n) return scalar;
  }
}

const toBigInt = (bytes: Uint8Array) => bytes.reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);

/**
 * Generic Mapping (§4.4.3.3.1): H = SK_map · PK_map of the other side, G̃ = s·G + H. Both sides
 * compute the same G̃; a point at infinity on the way is refused.
 */
export function mapGenerator(curve: Curve, nonce: Uint8Array, mappingSecret: bigint, otherMappingKey: CurvePoint): CurvePoint {
  return curveMath('mapping', () => {
    const h = otherMappingKey.multiply(mappingSecret);
    const mapped = curve.BASE.multiply(toBigInt(nonce) % curve.CURVE().n).add(h);
    if (h.is0() || mapped.is0()) throw new Error('point at infinity');
    return mapped;
  });
}

/** K: the x-coordinate of SK_DH · PK_DH of the other side, as many bytes as the field (§4.4.3.4, §9.6). */
export const sharedSecret = (curve: Curve, secret: bigint, otherKey: CurvePoint): Uint8Array =>
  curveMath('keyAgreement', () => otherKey.multiply(secret).toBytes(false).subarray(1, 1 + curve.Fp.BYTES));

/** KS_enc and KS_mac from K (§9.7.1): 3DES keys with parity, or AES keys of the protocol's length. */
export const paceSessionKeys = (crypto: Icao9303Crypto, cipher: KeyCipher, secret: Uint8Array): SessionKeys =>
  cipher === '3des'
    ? deriveDesKeys(crypto, secret)
    : { cipher: 'aes', enc: deriveKey(crypto, secret, KDF_COUNTER.enc, cipher), mac: deriveKey(crypto, secret, KDF_COUNTER.mac, cipher) };

/**
 * An authentication token (§4.4.3.4): the MAC, under KS_mac, of the other side's ephemeral public
 * key in a public key data object 7F49 { 06 protocol, 86 point }; CMAC cut to 8 bytes with AES,
 * the retail MAC with 3DES.
 */
export function authenticationToken(crypto: Icao9303Crypto, info: PaceInfo, keys: SessionKeys, otherKey: Uint8Array): Uint8Array {
  const input = encodeTlv(0x7f49, encodeTlv(0x06, info.protocol), encodeTlv(0x86, otherKey));
  return info.cipher === '3des' ? retailMac(crypto, keys.mac, input) : aesCmac(crypto, keys.mac, input).slice(0, 8);
}

/** GENERAL AUTHENTICATE's dynamic authentication data (§4.4.4.2): tags 80–86 inside 7C. */
export const GA_TAG = {
  encryptedNonce: 0x80,
  mappingReader: 0x81,
  mappingChip: 0x82,
  keyReader: 0x83,
  keyChip: 0x84,
  tokenReader: 0x85,
  tokenChip: 0x86,
} as const;

/** A PACE step the chip answered with an error status: readDocument may fall back to BAC. */
const refused = (step: string, response: ResponseApdu) =>
  new KioskError('card.unsupported', { reason: 'paceRefused', step, statusWord: statusWordHex(response.sw) });

/** True for the failures after which BAC is worth trying: the chip refused PACE, or refused our token. */
export const isPaceRefusal = (error: unknown): boolean =>
  error instanceof KioskError && (error.code === 'card.wrongCan' || (error.code === 'card.unsupported' && error.params.reason === 'paceRefused'));

/** The one data object `tag` in a GENERAL AUTHENTICATE answer 7C { … }. */
function answerObject(response: ResponseApdu, step: string, tag: number): Uint8Array {
  const { tlv, end } = readTlv(response.data);
  const found = tlv.tag === 0x7c && end === response.data.length ? readTlvList(tlv.value).filter((object) => object.tag === tag) : [];
  if (found.length !== 1) throw new KioskError('card.unsupported', { reason: 'paceAnswer', step });
  return found[0]!.value;
}

/**
 * Runs PACE over the reader with the first PACEInfo and returns the secure channel. The chip
 * refusing MSE:Set AT or a GENERAL AUTHENTICATE is `card.unsupported` with reason `paceRefused`;
 * refusing our token means it derived other keys, so the password is wrong: `card.wrongCan` (or
 * `card.wrongMrz` for an MRZ password). A chip token that does not verify is `card.badMac`.
 */
export async function authenticateWithPace(
  transmit: Transmit,
  crypto: Icao9303Crypto,
  paceInfos: readonly PaceInfo[],
  password: PacePassword,
): Promise<CardChannel> {
  const info = paceInfos[0];
  if (!info) throw new KioskError('card.unsupported', { reason: 'noPace' });
  const { curve, cipher } = info;
  const plain = plainChannel(transmit);

  // §4.4.4.1: 84 names the domain parameters only when EF.CardAccess leaves a choice.
  const setAt = await plain({
    cla: 0x00,
    ins: 0x22,
    p1: 0xc1,
    p2: 0xa4,
    data: concatBytes(
      encodeTlv(0x80, info.protocol),
      encodeTlv(0x83, Uint8Array.of(passwordReference(password))),
      paceInfos.length > 1 ? encodeTlv(0x84, Uint8Array.of(info.parameterId)) : new Uint8Array(0),
    ),
  });
  if (setAt.sw !== SW.ok) throw refused('mseSetAt', setAt);

  // Command chaining (CLA 10) for every step but the last.
  const generalAuthenticate = async (step: string, data: Uint8Array, last = false) => {
    const response = await plain({ cla: last ? 0x00 : 0x10, ins: 0x86, p1: 0x00, p2: 0x00, data: encodeTlv(0x7c, data), ne: 256 });
    if (response.sw !== SW.ok) {
      if (last && (response.sw === SW.authenticationFailed || response.sw === SW.securityStatusNotSatisfied)) {
        throw new KioskError('can' in password ? 'card.wrongCan' : 'card.wrongMrz', { statusWord: statusWordHex(response.sw) });
      }
      throw refused(step, response);
    }
    return response;
  };

  const encrypted = answerObject(await generalAuthenticate('nonce', new Uint8Array(0)), 'nonce', GA_TAG.encryptedNonce);
  if (encrypted.length === 0 || encrypted.length % blockOf(cipher) !== 0) throw new KioskError('card.unsupported', { reason: 'paceAnswer', step: 'nonce' });
  const nonce = decryptNonce(crypto, cipher, passwordKey(crypto, cipher, password), encrypted);

  const mappingSecret = randomScalar(crypto, curve);
  const mappingKey = encodePoint(curve.BASE.multiply(mappingSecret));
  const mappingAnswer = await generalAuthenticate('mapping', encodeTlv(GA_TAG.mappingReader, mappingKey));
  const chipMappingKey = decodePoint(curve, answerObject(mappingAnswer, 'mapping', GA_TAG.mappingChip), 'mapping');
  const generator = mapGenerator(curve, nonce, mappingSecret, chipMappingKey);

  const keySecret = randomScalar(crypto, curve);
  const publicKey = encodePoint(generator.multiply(keySecret));
  const keyAnswer = await generalAuthenticate('keyAgreement', encodeTlv(GA_TAG.keyReader, publicKey));
  const chipPublicKey = answerObject(keyAnswer, 'keyAgreement', GA_TAG.keyChip);
  // §4.4.3.4: a chip that echoes our key would make the tokens trivially equal.
  if (bytesEqual(chipPublicKey, publicKey)) throw new KioskError('card.unsupported', { reason: 'paceInvalidPoint', step: 'keyAgreement' });
  const keys = paceSessionKeys(crypto, cipher, sharedSecret(curve, keySecret, decodePoint(curve, chipPublicKey, 'keyAgreement')));

  const tokenAnswer = await generalAuthenticate('token', encodeTlv(GA_TAG.tokenReader, authenticationToken(crypto, info, keys, chipPublicKey)), true);
  const chipToken = answerObject(tokenAnswer, 'token', GA_TAG.tokenChip);
  // The chip accepted our token, so it holds the same keys: a token that does not verify was changed on the way.
  if (!bytesEqual(chipToken, authenticationToken(crypto, info, keys, publicKey))) throw new KioskError('card.badMac', { step: 'paceToken' });

  return new SecureMessaging(crypto, keys, new Uint8Array(blockOf(cipher))).channel(transmit);
}
