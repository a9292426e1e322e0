import { KioskError } from '../errors';
import { asciiBytes, bytesEqual, concatBytes, xorBytes } from './bytes';
import { plainChannel, statusWordHex, SW, type CardChannel, type Transmit } from './apdu';
import { deriveDesKeys, retailMac, type DesKeys, type Icao9303Crypto } from './crypto';
import { mrzInformation, type MrzAccessKey } from './mrz';
import { SecureMessaging } from './secureMessaging';

/**
 * Basic Access Control (Doc 9303-11 §4.3 and §9.7): keys from the MRZ, mutual authentication by
 * GET CHALLENGE and EXTERNAL AUTHENTICATE, then session keys and the send sequence counter.
 * The exchange is split into pure steps so that the simulated chip plays the other side with
 * the same functions, and Appendix D's intermediate values can be checked one by one.
 */

const NONCE_LENGTH = 8;
const KEY_MATERIAL_LENGTH = 16;
const CRYPTOGRAM_LENGTH = 32;
const ANSWER_LENGTH = CRYPTOGRAM_LENGTH + 8;

/** K_seed: the first 16 bytes of SHA-1 over the MRZ information. */
export const bacKeySeed = (crypto: Icao9303Crypto, information: string): Uint8Array =>
  crypto.sha1(asciiBytes(information)).slice(0, KEY_MATERIAL_LENGTH);

/** K_enc and K_mac for a document's MRZ. */
export const bacKeys = (crypto: Icao9303Crypto, accessKey: MrzAccessKey): DesKeys =>
  deriveDesKeys(crypto, bacKeySeed(crypto, mrzInformation(accessKey)));

/** E = 3DES-CBC(K_enc, plain), then M = retail MAC(K_mac, E): what each side sends the other. */
export function sealBacCryptogram(crypto: Icao9303Crypto, keys: DesKeys, plain: Uint8Array): Uint8Array {
  const cryptogram = crypto.desEde2CbcEncrypt(keys.enc, plain);
  return concatBytes(cryptogram, retailMac(crypto, keys.mac, cryptogram));
}

/** The plain 32 bytes of a sealed cryptogram, or null when its length or MAC is wrong. */
export function openBacCryptogram(crypto: Icao9303Crypto, keys: DesKeys, sealed: Uint8Array): Uint8Array | null {
  if (sealed.length !== ANSWER_LENGTH) return null;
  const cryptogram = sealed.subarray(0, CRYPTOGRAM_LENGTH);
  if (!bytesEqual(retailMac(crypto, keys.mac, cryptogram), sealed.subarray(CRYPTOGRAM_LENGTH))) return null;
  return crypto.desEde2CbcDecrypt(keys.enc, cryptogram);
}

/** The nonces and the reader's key material of one authentication. */
export interface BacChallenge {
  /** The chip's answer to GET CHALLENGE. */
  rndIc: Uint8Array;
  /** The reader's nonce. */
  rndIfd: Uint8Array;
  /** The reader's half of the session key seed. */
  kIfd: Uint8Array;
}

export interface BacSession {
  keys: DesKeys;
  /** The send sequence counter's starting value. */
  ssc: Uint8Array;
}

/** Session keys from K_seed = K.IFD ⊕ K.IC, and SSC = last 4 bytes of RND.IC ‖ last 4 bytes of RND.IFD. */
export function bacSession(crypto: Icao9303Crypto, challenge: BacChallenge, kIc: Uint8Array): BacSession {
  return {
    keys: deriveDesKeys(crypto, xorBytes(challenge.kIfd, kIc)),
    ssc: concatBytes(challenge.rndIc.subarray(4), challenge.rndIfd.subarray(4)),
  };
}

/** EXTERNAL AUTHENTICATE's data: S = RND.IFD ‖ RND.IC ‖ K.IFD, sealed with K_enc and K_mac. */
export const externalAuthenticateData = (crypto: Icao9303Crypto, keys: DesKeys, challenge: BacChallenge): Uint8Array =>
  sealBacCryptogram(crypto, keys, concatBytes(challenge.rndIfd, challenge.rndIc, challenge.kIfd));

/**
 * Checks the chip's answer R = RND.IC ‖ RND.IFD ‖ K.IC and derives the session. An answer that
 * fails its MAC, or does not echo both nonces, is `card.badMac`: the chip accepted our cryptogram,
 * so the keys were right, and an answer that still does not check was changed or replayed.
 */
export function completeBac(crypto: Icao9303Crypto, keys: DesKeys, challenge: BacChallenge, answer: Uint8Array): BacSession {
  const plain = openBacCryptogram(crypto, keys, answer);
  if (
    !plain ||
    !bytesEqual(plain.subarray(0, NONCE_LENGTH), challenge.rndIc) ||
    !bytesEqual(plain.subarray(NONCE_LENGTH, 2 * NONCE_LENGTH), challenge.rndIfd)
  ) {
    throw new KioskError('card.badMac', { step: 'externalAuthenticate' });
  }
  return bacSession(crypto, challenge, plain.subarray(2 * NONCE_LENGTH));
}

/**
 * Runs BAC over the reader and returns the secure channel every later command goes through.
 * A chip that refuses EXTERNAL AUTHENTICATE could not check our cryptogram: the MRZ data that
 * made the keys is wrong (Doc 9303-11 gives no other cause), so `card.wrongMrz`.
 */
export async function authenticateWithBac(transmit: Transmit, crypto: Icao9303Crypto, accessKey: MrzAccessKey): Promise<CardChannel> {
  const keys = bacKeys(crypto, accessKey);
  const plain = plainChannel(transmit);

  const challengeAnswer = await plain({ cla: 0x00, ins: 0x84, p1: 0x00, p2: 0x00, ne: NONCE_LENGTH });
  if (challengeAnswer.sw !== SW.ok || challengeAnswer.data.length !== NONCE_LENGTH) {
    // A chip that wants PACE (a later slice) may refuse GET CHALLENGE.
    throw new KioskError('card.unsupported', { reason: 'getChallenge', statusWord: statusWordHex(challengeAnswer.sw) });
  }
  const challenge: BacChallenge = {
    rndIc: challengeAnswer.data,
    rndIfd: crypto.randomBytes(NONCE_LENGTH),
    kIfd: crypto.randomBytes(KEY_MATERIAL_LENGTH),
  };

  const data = externalAuthenticateData(crypto, keys, challenge);
  const answer = await plain({ cla: 0x00, ins: 0x82, p1: 0x00, p2: 0x00, data, ne: ANSWER_LENGTH });
  if (answer.sw === SW.authenticationFailed || answer.sw === SW.securityStatusNotSatisfied) {
    throw new KioskError('card.wrongMrz', { statusWord: statusWordHex(answer.sw) });
  }
  if (answer.sw !== SW.ok) throw new KioskError('card.unsupported', { reason: 'externalAuthenticate', statusWord: statusWordHex(answer.sw) });

  const session = completeBac(crypto, keys, challenge, answer.data);
  return new SecureMessaging(crypto, session.keys, session.ssc).channel(transmit);
}
