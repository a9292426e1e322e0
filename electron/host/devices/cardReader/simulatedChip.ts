import { decodeCommand, encodeResponse, SW, type CommandApdu, type ResponseApdu, type Transmit } from '../../../../shared/icao9303/apdu';
import { bacKeys, bacSession, openBacCryptogram, sealBacCryptogram } from '../../../../shared/icao9303/bac';
import { bytesEqual, concatBytes, readUint } from '../../../../shared/icao9303/bytes';
import type { Icao9303Crypto, SessionKeys } from '../../../../shared/icao9303/crypto';
import { EMRTD_APPLICATION_ID } from '../../../../shared/icao9303/files';
import type { MrzAccessKey } from '../../../../shared/icao9303/mrz';
import {
  authenticationToken,
  CARD_ACCESS_FILE_ID,
  decodePoint,
  encodePoint,
  encryptNonce,
  GA_TAG,
  mapGenerator,
  paceSessionKeys,
  parseCardAccess,
  passwordKey,
  randomScalar,
  sharedSecret,
  type CurvePoint,
  type PaceInfo,
} from '../../../../shared/icao9303/pace';
import { incrementSsc, protectResponse, unprotectCommand } from '../../../../shared/icao9303/secureMessaging';
import { encodeTlv, findTlv, readTlv, readTlvList, type Tlv } from '../../../../shared/icao9303/tlv';

/**
 * A CCCD-like chip, for the tests now and for the card reader's simulator driver (issue 5): an
 * eMRTD application with BAC and 3DES secure messaging, and PACE (ECDH-GM, with the CAN) with
 * AES or 3DES secure messaging when given an EF.CardAccess and a CAN, serving its files by FID.
 * It answers with the status words facts.md §F.3 reports from real cards: 6982 before
 * authentication and for a wrong key, 6A82 for a missing file. A plain command, or a protected
 * one that fails its check, ends the session (ISO/IEC 7816-4).
 *
 * It plays the chip's half of BAC and PACE with the same pure functions the reader uses, so it
 * proves the two halves agree; Appendix D's and G's published values prove they agree with the
 * standard.
 */
export interface SimulatedChipOptions {
  crypto: Icao9303Crypto;
  /** The MRZ data printed on the card: the chip's BAC keys come from it. */
  accessKey: MrzAccessKey;
  /** File identifier → content (EF.COM 011E, EF.SOD 011D, DGn 01nn). */
  files: ReadonlyMap<number, Uint8Array>;
  /** EF.CardAccess (011C), readable in plain: without it the chip answers 6A82, as a BAC-only chip does. */
  cardAccess?: Uint8Array;
  /** The CAN PACE runs with. A chip whose EF.CardAccess lists PACE but has no CAN refuses MSE:Set AT with 6982 (facts.md §2.2). */
  can?: string;
}

interface SmSession {
  keys: SessionKeys;
  ssc: Uint8Array;
}

/** The chip's side of one PACE run, step by step. */
type PaceState =
  | { step: 'nonce'; info: PaceInfo }
  | { step: 'mapping'; info: PaceInfo; nonce: Uint8Array }
  | { step: 'keyAgreement'; info: PaceInfo; generator: CurvePoint }
  | { step: 'token'; info: PaceInfo; keys: SessionKeys; chipKey: Uint8Array; readerKey: Uint8Array };

/** The CAN's password reference in MSE:Set AT (Doc 9303-11 §4.4.4.1). */
const CAN_REFERENCE = 2;

const NONCE_LENGTH = 8;
const status = (sw: number): ResponseApdu => ({ data: new Uint8Array(0), sw });

/** READ BINARY B1's offset, from its DO'54; null when the data is not one. */
function offsetDataObject(data: Uint8Array | undefined): number | null {
  try {
    const { tlv } = readTlv(data ?? new Uint8Array(0));
    return tlv.tag === 0x54 ? readUint(tlv.value) : null;
  } catch {
    return null;
  }
}

export function createSimulatedChip(options: SimulatedChipOptions): Transmit {
  const { crypto, files, cardAccess, can } = options;
  const keys = bacKeys(crypto, options.accessKey);
  const paceInfos = cardAccess ? parseCardAccess(cardAccess) : [];
  let challenge: Uint8Array | null = null;
  let session: SmSession | null = null;
  let selected: Uint8Array | null = null;
  let pace: PaceState | null = null;

  function manageSecurityEnvironment(command: CommandApdu): ResponseApdu {
    pace = null;
    if (command.p1 !== 0xc1 || command.p2 !== 0xa4) return status(SW.wrongParameters);
    let objects: Tlv[];
    try {
      objects = readTlvList(command.data ?? new Uint8Array(0));
    } catch {
      return status(SW.wrongData);
    }
    const protocol = findTlv(objects, 0x80)?.value;
    const reference = findTlv(objects, 0x83)?.value;
    const info = protocol && paceInfos.find((candidate) => bytesEqual(candidate.protocol, protocol));
    if (!info || !can || reference?.length !== 1 || reference[0] !== CAN_REFERENCE) return status(SW.securityStatusNotSatisfied);
    pace = { step: 'nonce', info };
    return status(SW.ok);
  }

  /** One GENERAL AUTHENTICATE step; null when the reader's data is wrong, which ends the run. */
  function paceStep(state: PaceState, data: Uint8Array): { answer: Uint8Array; next: PaceState | null } | null {
    const { info } = state;
    const { curve, cipher } = info;
    const { tlv } = readTlv(data);
    const objects = tlv.tag === 0x7c ? readTlvList(tlv.value) : [];
    switch (state.step) {
      case 'nonce': {
        const nonce = crypto.randomBytes(16);
        const encrypted = encryptNonce(crypto, cipher, passwordKey(crypto, cipher, { can: can! }), nonce);
        return { answer: encodeTlv(GA_TAG.encryptedNonce, encrypted), next: { step: 'mapping', info, nonce } };
      }
      case 'mapping': {
        const readerKey = findTlv(objects, GA_TAG.mappingReader)?.value;
        if (!readerKey) return null;
        const secret = randomScalar(crypto, curve);
        const generator = mapGenerator(curve, state.nonce, secret, decodePoint(curve, readerKey));
        return { answer: encodeTlv(GA_TAG.mappingChip, encodePoint(curve.BASE.multiply(secret))), next: { step: 'keyAgreement', info, generator } };
      }
      case 'keyAgreement': {
        const readerKey = findTlv(objects, GA_TAG.keyReader)?.value;
        if (!readerKey) return null;
        const secret = randomScalar(crypto, curve);
        const chipKey = encodePoint(state.generator.multiply(secret));
        const keys = paceSessionKeys(crypto, cipher, sharedSecret(curve, secret, decodePoint(curve, readerKey)));
        return { answer: encodeTlv(GA_TAG.keyChip, chipKey), next: { step: 'token', info, keys, chipKey, readerKey } };
      }
      case 'token': {
        const token = findTlv(objects, GA_TAG.tokenReader)?.value;
        if (!token || !bytesEqual(token, authenticationToken(crypto, info, state.keys, state.chipKey))) return null;
        // Secure messaging starts with the SSC at zero, one block long (Doc 9303-11 §9.8.7.3).
        session = { keys: state.keys, ssc: new Uint8Array(cipher === '3des' ? 8 : 16) };
        return { answer: encodeTlv(GA_TAG.tokenChip, authenticationToken(crypto, info, state.keys, state.readerKey)), next: null };
      }
    }
  }

  function generalAuthenticate(command: CommandApdu): ResponseApdu {
    const state = pace;
    pace = null;
    if (!state) return status(SW.securityStatusNotSatisfied);
    let step: ReturnType<typeof paceStep> = null;
    try {
      step = paceStep(state, command.data ?? new Uint8Array(0));
    } catch {
      // malformed data objects or an invalid point: answered below as a failed step
    }
    // A wrong token is 6300, as for EXTERNAL AUTHENTICATE; anything else wrong is wrong data.
    if (!step) return status(state.step === 'token' ? SW.authenticationFailed : SW.wrongData);
    pace = step.next;
    return { data: encodeTlv(0x7c, step.answer), sw: SW.ok };
  }

  function externalAuthenticate(command: CommandApdu): ResponseApdu {
    const rndIc = challenge;
    challenge = null; // a challenge answers one authentication
    const plain = rndIc && command.data ? openBacCryptogram(crypto, keys, command.data) : null;
    if (!rndIc || !plain || !bytesEqual(plain.subarray(NONCE_LENGTH, 2 * NONCE_LENGTH), rndIc)) return status(SW.securityStatusNotSatisfied);
    const bac = { rndIc, rndIfd: plain.subarray(0, NONCE_LENGTH), kIfd: plain.subarray(2 * NONCE_LENGTH) };
    const kIc = crypto.randomBytes(16);
    session = bacSession(crypto, bac, kIc);
    return { data: sealBacCryptogram(crypto, keys, concatBytes(bac.rndIc, bac.rndIfd, kIc)), sw: SW.ok };
  }

  function readBinary(command: CommandApdu): ResponseApdu {
    if (!selected) return status(SW.securityStatusNotSatisfied);
    const odd = command.ins === 0xb1;
    // Even INS: a 15-bit offset in P1-P2 (bit 8 of P1 would name a short EF, which the reader never does).
    const offset = odd ? offsetDataObject(command.data) : ((command.p1 & 0x7f) << 8) | command.p2;
    if (offset === null) return status(SW.wrongData);
    if (offset > selected.length) return status(SW.wrongParameters);
    const expected = command.ne ?? 256;
    // B1 answers inside DO'53, whose header takes 2 bytes, or 3 past 127 bytes of data.
    const room = odd ? expected - (expected - 2 < 0x80 ? 2 : 3) : expected;
    const data = selected.slice(offset, offset + room);
    return { data: odd ? encodeTlv(0x53, data) : data, sw: data.length < room ? SW.endOfFile : SW.ok };
  }

  function execute(command: CommandApdu, secure: boolean): ResponseApdu {
    switch (command.ins) {
      case 0xa4: {
        if (command.p1 === 0x04) return status(command.data && bytesEqual(command.data, EMRTD_APPLICATION_ID) ? SW.ok : SW.fileNotFound);
        const fileId = readUint(command.data ?? new Uint8Array(0));
        // EF.CardAccess is the one file read in plain, before any authentication (Doc 9303-10 §3.11.3).
        if (!secure && fileId !== CARD_ACCESS_FILE_ID) return status(SW.securityStatusNotSatisfied);
        selected = (fileId === CARD_ACCESS_FILE_ID ? cardAccess : files.get(fileId)) ?? null;
        return status(selected ? SW.ok : SW.fileNotFound);
      }
      case 0x22:
        return secure ? status(SW.insNotSupported) : manageSecurityEnvironment(command);
      case 0x86:
        return secure ? status(SW.insNotSupported) : generalAuthenticate(command);
      case 0x84:
        challenge = crypto.randomBytes(NONCE_LENGTH);
        return { data: challenge, sw: SW.ok };
      case 0x82:
        return externalAuthenticate(command);
      case 0xb0:
      case 0xb1:
        return secure || selected === cardAccess ? readBinary(command) : status(SW.securityStatusNotSatisfied);
      default:
        return status(SW.insNotSupported);
    }
  }

  function answerSecure(command: CommandApdu, current: SmSession): Uint8Array {
    const commandSsc = incrementSsc(current.ssc);
    let plain: CommandApdu | null = null;
    try {
      plain = unprotectCommand(crypto, current.keys, commandSsc, command);
    } catch {
      // malformed data objects: answered below as a failed check
    }
    if (!plain) {
      session = null;
      return encodeResponse(status(SW.smDataObjectsIncorrect));
    }
    const response = execute(plain, true);
    const responseSsc = incrementSsc(commandSsc);
    current.ssc = responseSsc;
    return protectResponse(crypto, current.keys, responseSsc, command.ins, response);
  }

  return async (bytes) => {
    const command = decodeCommand(bytes);
    if (!command) return encodeResponse(status(SW.wrongData));
    if ((command.cla & 0x0c) === 0x0c) return session ? answerSecure(command, session) : encodeResponse(status(SW.securityStatusNotSatisfied));
    if (session) {
      // A plain command ends secure messaging; files need a new BAC or PACE (execute refuses them in plain).
      session = null;
      selected = null;
    }
    return encodeResponse(execute(command, false));
  };
}
