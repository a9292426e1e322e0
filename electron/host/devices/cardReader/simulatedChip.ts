import { decodeCommand, encodeResponse, SW, type CommandApdu, type ResponseApdu, type Transmit } from '../../../../shared/icao9303/apdu';
import { bacKeys, bacSession, openBacCryptogram, sealBacCryptogram, type BacSession } from '../../../../shared/icao9303/bac';
import { bytesEqual, concatBytes, readUint } from '../../../../shared/icao9303/bytes';
import type { Icao9303Crypto } from '../../../../shared/icao9303/crypto';
import { EMRTD_APPLICATION_ID } from '../../../../shared/icao9303/files';
import type { MrzAccessKey } from '../../../../shared/icao9303/mrz';
import { incrementSsc, protectResponse, unprotectCommand } from '../../../../shared/icao9303/secureMessaging';
import { encodeTlv, readTlv } from '../../../../shared/icao9303/tlv';

/**
 * A CCCD-like chip, for the tests now and for the card reader's simulator driver (issue 5): an
 * eMRTD application with BAC and 3DES secure messaging, serving its files by FID. It answers with
 * the status words facts.md §F.3 reports from real cards: 6982 before BAC and for a wrong key,
 * 6A82 for a missing file. A plain command, or a protected one that fails its check, ends the
 * session (ISO/IEC 7816-4).
 *
 * It plays the chip's half of BAC with the same pure functions the reader uses, so it proves the
 * two halves agree; Appendix D's published values prove they agree with the standard.
 */
export interface SimulatedChipOptions {
  crypto: Icao9303Crypto;
  /** The MRZ data printed on the card: the chip's BAC keys come from it. */
  accessKey: MrzAccessKey;
  /** File identifier → content (EF.COM 011E, EF.SOD 011D, DGn 01nn). */
  files: ReadonlyMap<number, Uint8Array>;
}

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
  const { crypto, files } = options;
  const keys = bacKeys(crypto, options.accessKey);
  let challenge: Uint8Array | null = null;
  let session: BacSession | null = null;
  let selected: Uint8Array | null = null;

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
      case 0xa4:
        if (command.p1 === 0x04) return status(command.data && bytesEqual(command.data, EMRTD_APPLICATION_ID) ? SW.ok : SW.fileNotFound);
        if (!secure) return status(SW.securityStatusNotSatisfied);
        selected = files.get(readUint(command.data ?? new Uint8Array(0))) ?? null;
        return status(selected ? SW.ok : SW.fileNotFound);
      case 0x84:
        challenge = crypto.randomBytes(NONCE_LENGTH);
        return { data: challenge, sw: SW.ok };
      case 0x82:
        return externalAuthenticate(command);
      case 0xb0:
      case 0xb1:
        return secure ? readBinary(command) : status(SW.securityStatusNotSatisfied);
      default:
        return status(SW.insNotSupported);
    }
  }

  function answerSecure(command: CommandApdu, current: BacSession): Uint8Array {
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
      // A plain command ends secure messaging; files need a new BAC (execute refuses them in plain).
      session = null;
      selected = null;
    }
    return encodeResponse(execute(command, false));
  };
}
