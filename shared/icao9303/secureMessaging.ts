import { KioskError } from '../errors';
import { bytesEqual, concatBytes } from './bytes';
import { decodeResponse, encodeCommand, encodeResponse, statusWordHex, SW, type CardChannel, type CommandApdu, type ResponseApdu, type Transmit } from './apdu';
import { AES_BLOCK, aesCmac, DES_BLOCK, isAesKeys, padIso9797, retailMac, unpadIso9797, type Icao9303Crypto, type SessionKeys } from './crypto';
import { encodeTlv, findTlv, readTlvList, type Tlv } from './tlv';

/**
 * Secure messaging (Doc 9303-11 §9.8): with 3DES and the retail MAC after BAC (or PACE-3DES),
 * with AES and CMAC after PACE-AES. The keys say which; the APDU format is the same.
 *
 * Commands: CLA gets bits 0x0C; the data, padded and encrypted, goes in DO'87 (DO'85 for an odd
 * INS, whose data is BER-TLV); Ne goes in DO'97; DO'8E carries the MAC over
 * SSC ‖ padded header ‖ those objects. Responses: DO'87 (encrypted data), DO'99 (status word),
 * DO'8E (MAC over SSC ‖ DO'87 ‖ DO'99). The send sequence counter (SSC) is incremented before
 * every command and every response, so a replayed or dropped APDU fails the next MAC.
 *
 * The four functions below take the SSC value to use; `SecureMessaging` keeps the reader's
 * counter, and the simulated chip keeps its own. The SSC is one cipher block long: 8 bytes for
 * 3DES, 16 for AES.
 */
const TAG = { paddedCryptogram: 0x87, cryptogram: 0x85, expectedLength: 0x97, status: 0x99, mac: 0x8e } as const;
/** DO'87's first byte: "padded with ISO/IEC 9797-1 method 2" (ISO/IEC 7816-4 padding-content indicator). */
const PADDING_INDICATOR = 0x01;
const SM_CLA = 0x0c;
const MAC_LENGTH = 8;

/** ISO/IEC 7816-4: an odd INS (READ BINARY B1) carries BER-TLV data, which goes in DO'85 without the indicator byte. */
const isOddIns = (ins: number) => (ins & 1) === 1;

export function incrementSsc(ssc: Uint8Array): Uint8Array {
  const next = ssc.slice();
  for (let i = next.length - 1; i >= 0; i--) {
    next[i] = (next[i]! + 1) & 0xff;
    if (next[i] !== 0) break;
  }
  return next;
}

/** What differs between the two ciphers: the block, the encryption, and the 8-byte MAC. */
interface SmCipher {
  block: number;
  encrypt(ssc: Uint8Array, padded: Uint8Array): Uint8Array;
  decrypt(ssc: Uint8Array, cryptogram: Uint8Array): Uint8Array;
  /** The MAC over `message`, which it pads to its block itself. */
  mac(message: Uint8Array): Uint8Array;
}

function smCipher(crypto: Icao9303Crypto, keys: SessionKeys): SmCipher {
  if (!isAesKeys(keys)) {
    return {
      block: DES_BLOCK,
      // 3DES: CBC with a zero IV; the retail MAC pads with method 2 itself.
      encrypt: (_ssc, padded) => crypto.desEde2CbcEncrypt(keys.enc, padded),
      decrypt: (_ssc, cryptogram) => crypto.desEde2CbcDecrypt(keys.enc, cryptogram),
      mac: (message) => retailMac(crypto, keys.mac, message),
    };
  }
  // AES (§9.8.6.2): the IV is E(KS_enc, SSC), so no two messages share one; the MAC is CMAC over
  // the padded input, cut to 8 bytes.
  const iv = (ssc: Uint8Array) => crypto.aesEcbEncrypt(keys.enc, ssc);
  return {
    block: AES_BLOCK,
    encrypt: (ssc, padded) => crypto.aesCbcEncrypt(keys.enc, iv(ssc), padded),
    decrypt: (ssc, cryptogram) => crypto.aesCbcDecrypt(keys.enc, iv(ssc), cryptogram),
    mac: (message) => aesCmac(crypto, keys.mac, padIso9797(message, AES_BLOCK)).slice(0, MAC_LENGTH),
  };
}

function encryptedDataObject(cipher: SmCipher, ssc: Uint8Array, ins: number, data: Uint8Array): Uint8Array {
  const cryptogram = cipher.encrypt(ssc, padIso9797(data, cipher.block));
  return isOddIns(ins)
    ? encodeTlv(TAG.cryptogram, cryptogram)
    : encodeTlv(TAG.paddedCryptogram, Uint8Array.of(PADDING_INDICATOR), cryptogram);
}

/** The plain data of DO'85 or DO'87, or null when it does not decrypt to padded data. */
function decryptDataObject(cipher: SmCipher, ssc: Uint8Array, dataObject: Tlv): Uint8Array | null {
  const cryptogram = dataObject.tag === TAG.paddedCryptogram ? dataObject.value.subarray(1) : dataObject.value;
  if (dataObject.tag === TAG.paddedCryptogram && dataObject.value[0] !== PADDING_INDICATOR) return null;
  if (cryptogram.length === 0 || cryptogram.length % cipher.block !== 0) return null;
  return unpadIso9797(cipher.decrypt(ssc, cryptogram), cipher.block);
}

const maskedHeader = (command: CommandApdu) => Uint8Array.of(command.cla | SM_CLA, command.ins, command.p1, command.p2);
const macObject = (mac: Uint8Array) => encodeTlv(TAG.mac, mac);
const commandMac = (cipher: SmCipher, ssc: Uint8Array, header: Uint8Array, objects: Uint8Array) =>
  cipher.mac(concatBytes(ssc, padIso9797(header, cipher.block), objects));

/** Reader side: the protected form of `command`, sent under `ssc`. */
export function protectCommand(crypto: Icao9303Crypto, keys: SessionKeys, ssc: Uint8Array, command: CommandApdu): Uint8Array {
  const cipher = smCipher(crypto, keys);
  const header = maskedHeader(command);
  const objects = concatBytes(
    command.data?.length ? encryptedDataObject(cipher, ssc, command.ins, command.data) : new Uint8Array(0),
    command.ne === undefined ? new Uint8Array(0) : encodeTlv(TAG.expectedLength, Uint8Array.of(command.ne % 256)),
  );
  const mac = commandMac(cipher, ssc, header, objects);
  // Ne 256 (Le 00): the protected answer's length is only known to the card.
  return encodeCommand({ cla: header[0]!, ins: command.ins, p1: command.p1, p2: command.p2, data: concatBytes(objects, macObject(mac)), ne: 256 });
}

/** Card side: the plain command inside a protected one received under `ssc`; null when it does not verify. */
export function unprotectCommand(crypto: Icao9303Crypto, keys: SessionKeys, ssc: Uint8Array, command: CommandApdu): CommandApdu | null {
  if ((command.cla & SM_CLA) !== SM_CLA || !command.data) return null;
  const cipher = smCipher(crypto, keys);
  const objects = readTlvList(command.data);
  const mac = objects.at(-1);
  if (mac?.tag !== TAG.mac) return null;
  const covered = command.data.subarray(0, command.data.length - mac.encoded.length);
  if (!bytesEqual(commandMac(cipher, ssc, maskedHeader(command), covered), mac.value)) return null;

  const dataObject = findTlv(objects, isOddIns(command.ins) ? TAG.cryptogram : TAG.paddedCryptogram);
  const data = dataObject ? decryptDataObject(cipher, ssc, dataObject) : undefined;
  if (data === null) return null;
  const expected = findTlv(objects, TAG.expectedLength)?.value;
  return {
    cla: command.cla & ~SM_CLA,
    ins: command.ins,
    p1: command.p1,
    p2: command.p2,
    ...(data ? { data } : {}),
    ...(expected?.length === 1 ? { ne: expected[0]! || 256 } : {}),
  };
}

/** Card side: the protected form of `response` to a command with `ins`, sent under `ssc`. */
export function protectResponse(crypto: Icao9303Crypto, keys: SessionKeys, ssc: Uint8Array, ins: number, response: ResponseApdu): Uint8Array {
  const cipher = smCipher(crypto, keys);
  const objects = concatBytes(
    response.data.length > 0 ? encryptedDataObject(cipher, ssc, ins, response.data) : new Uint8Array(0),
    encodeTlv(TAG.status, Uint8Array.of(response.sw >> 8, response.sw & 0xff)),
  );
  const mac = cipher.mac(concatBytes(ssc, objects));
  return encodeResponse({ data: concatBytes(objects, macObject(mac)), sw: response.sw });
}

const badMac = (statusWord?: number) =>
  new KioskError('card.badMac', statusWord === undefined ? {} : { statusWord: statusWordHex(statusWord) });

/**
 * Reader side: the plain response inside a protected one received under `ssc`. A response whose
 * MAC does not verify is refused with `card.badMac`: its data may have been changed on the way.
 */
export function unprotectResponse(crypto: Icao9303Crypto, keys: SessionKeys, ssc: Uint8Array, bytes: Uint8Array): ResponseApdu {
  const cipher = smCipher(crypto, keys);
  const outer = decodeResponse(bytes);
  if (outer.data.length === 0) {
    // The chip reports an error in plain, and has ended the session (ISO/IEC 7816-4): such
    // a status is believed, since it only stops the read. A plain success would be unauthenticated.
    if (outer.sw === SW.ok || outer.sw === SW.endOfFile) throw badMac();
    if (outer.sw === SW.smDataObjectsMissing || outer.sw === SW.smDataObjectsIncorrect) throw badMac(outer.sw);
    return outer;
  }
  const objects = readTlvList(outer.data);
  const mac = objects.at(-1);
  if (mac?.tag !== TAG.mac || mac.value.length !== MAC_LENGTH) throw badMac();
  const covered = outer.data.subarray(0, outer.data.length - mac.encoded.length);
  if (!bytesEqual(cipher.mac(concatBytes(ssc, covered)), mac.value)) throw badMac();

  const status = findTlv(objects, TAG.status)?.value;
  if (status?.length !== 2) throw new KioskError('card.unsupported', { reason: 'smStatusMissing' });
  const dataObject = findTlv(objects, TAG.paddedCryptogram) ?? findTlv(objects, TAG.cryptogram);
  const data = dataObject ? decryptDataObject(cipher, ssc, dataObject) : new Uint8Array(0);
  // The MAC held, so data that does not decrypt means the card and the reader disagree on KS_enc.
  if (data === null) throw badMac();
  return { data, sw: (status[0]! << 8) | status[1]! };
}

/** The reader's side of a secure-messaging session: its keys and its send sequence counter. */
export class SecureMessaging {
  #ssc: Uint8Array;

  constructor(
    private readonly crypto: Icao9303Crypto,
    private readonly keys: SessionKeys,
    ssc: Uint8Array,
  ) {
    this.#ssc = ssc.slice();
  }

  get ssc(): Uint8Array {
    return this.#ssc.slice();
  }

  protect(command: CommandApdu): Uint8Array {
    this.#ssc = incrementSsc(this.#ssc);
    return protectCommand(this.crypto, this.keys, this.#ssc, command);
  }

  unprotect(response: Uint8Array): ResponseApdu {
    this.#ssc = incrementSsc(this.#ssc);
    return unprotectResponse(this.crypto, this.keys, this.#ssc, response);
  }

  /** A channel that protects every command and unprotects every answer. */
  channel(transmit: Transmit): CardChannel {
    return async (command) => this.unprotect(await transmit(this.protect(command)));
  }
}
