import { X509Certificate } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { nodeIcaoCrypto as crypto } from '../../electron/host/devices/cardReader/icaoCrypto';
import { createPassiveAuthentication } from '../../electron/host/devices/cardReader/passiveAuthentication';
import { createSimulatedChip, type SimulatedChipOptions } from '../../electron/host/devices/cardReader/simulatedChip';
import { KioskError, type ErrorParams } from '../../shared/errors';
import { decodeCommand, decodeResponse, encodeResponse, type Transmit } from '../../shared/icao9303/apdu';
import { asciiBytes, fromHex, toHex } from '../../shared/icao9303/bytes';
import { aesCmac, type AesKeys, type Icao9303Crypto } from '../../shared/icao9303/crypto';
import { FILE_ID, readFile, selectEmrtdApplication } from '../../shared/icao9303/files';
import { cccdAccessKey, mrzInformation, type MrzAccessKey } from '../../shared/icao9303/mrz';
import {
  authenticateWithPace,
  authenticationToken,
  cccdCan,
  decodePoint,
  decryptNonce,
  encodePoint,
  encryptNonce,
  mapGenerator,
  paceSessionKeys,
  parseCardAccess,
  passwordKey,
  sharedSecret,
} from '../../shared/icao9303/pace';
import { readDocument, type ChipAccess } from '../../shared/icao9303/readDocument';
import { protectCommand, protectResponse, unprotectCommand, unprotectResponse } from '../../shared/icao9303/secureMessaging';
import { encodeTlv, readTlv, readTlvList } from '../../shared/icao9303/tlv';
import { buildCardAccess, FAKE_CARD, fakeCard } from '../support/cccdChip';

/**
 * ICAO Doc 9303 Part 11 (8th edition, 2021), Appendix G "Worked example: PACE – Generic Mapping",
 * G.1 "ECDH based example" (id-PACE-ECDH-GM-AES-CBC-CMAC-128, brainpoolP256r1, MRZ password),
 * https://www.icao.int/publications/Documents/9303_p11_cons_en.pdf. The values were taken from
 * public test files that reproduce G.1, and agree across them:
 * - ZeroPass/dmrtd `test/pace_test.dart` (every key pair of both sides, H, G̃, K, KS_enc,
 *   KS_mac, the token inputs, T_IFD, T_IC and the five APDU exchanges);
 * - velikodniy/jcexpress `IcaoAppendixG1PaceTest.java` (the same values and transcript);
 * - a C# `EstablishesPaceSessionKeysPerAppendixG1` test (the same transcript).
 */
const G = {
  accessKey: { documentNumber: 'T22000129', dateOfBirth: '640812', dateOfExpiry: '101031' } satisfies MrzAccessKey,
  cardAccess: '31143012060A04007F0007020204020202010202010D',
  protocol: '04007F00070202040202',
  k: '7E2D2A41C74EA0B38CD36F863939BFA8E9032AAD',
  kPi: '89DED1B26624EC1E634C1989302849DD',
  encryptedNonce: '95A3A016522EE98D01E76CB6B98B42C3',
  nonce: '3F00C4D39D153F2B2A214A078D899B22',
  skMapIfd: '7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99',
  pkMapIfd: '047ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D',
  skMapIc: '498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560',
  pkMapIc: '04824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F5730D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54',
  h: '0460332EF2450B5D247EF6D3868397D398852ED6E8CAF6FFEEF6BF85CA57057FD50840CA7415BAF3E43BD414D35AA4608B93A2CAF3A4E3EA4E82C9C13D03EB7181',
  mappedGenerator: '048CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E28C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522',
  skDhIfd: 'A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595',
  pkDhIfd: '042DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462',
  skDhIc: '107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A',
  pkDhIc: '049E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094',
  sharedSecret: '28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925',
  ksEnc: 'F5F0E35C0D7161EE6724EE513A0D9A7F',
  ksMac: 'FE251C7858B356B24514B3BD5F4297D1',
  tIfd: 'C2B0BD78D94BA866',
  tIc: '3ABB9674BCE93C08',
} as const;

/** G.1's five exchanges: MSE:Set AT, then GENERAL AUTHENTICATE for the nonce, the mapping, the key agreement and the tokens. */
const G_TRANSCRIPT: readonly (readonly [command: string, response: string])[] = [
  ['0022C1A40F800A04007F00070202040202830101', '9000'],
  ['10860000027C0000', `7C128010${G.encryptedNonce}9000`],
  [`10860000457C438141${G.pkMapIfd}00`, `7C438241${G.pkMapIc}9000`],
  [`10860000457C438341${G.pkDhIfd}00`, `7C438441${G.pkDhIc}9000`],
  [`008600000C7C0A8508${G.tIfd}00`, `7C0A8608${G.tIc}9000`],
];

/**
 * Not in the appendix (which stops at the tokens): SELECT of the eMRTD application under G.1's
 * session keys with the SSC at zero, as velikodniy/jcexpress computed it with its own reference
 * script (`aes-session.properties`). An independent implementation agreeing, not ICAO's word.
 */
const G_FIRST_SECURE_EXCHANGE = ['0CA4040C1D871101752F676B09FAC86A87D632749A49C7CC8E08C18BA1FCE707BD9F00', '990290008E08BEA7B381C494A0799000'] as const;

const gInfo = () => parseCardAccess(fromHex(G.cardAccess));
const gKeys = (): AesKeys => ({ cipher: 'aes', enc: fromHex(G.ksEnc), mac: fromHex(G.ksMac) });
const scalar = (hex: string) => BigInt(`0x${hex}`);

async function kioskError(promise: Promise<unknown>): Promise<{ code: string; params: ErrorParams }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KioskError) return { code: error.code, params: error.params };
    throw error;
  }
  return { code: 'no error', params: {} };
}

describe('Appendix G.1: PACE ECDH Generic Mapping, step by step', () => {
  test('EF.CardAccess: one PACEInfo, ECDH-GM with AES-128 on brainpoolP256r1 (parameter 13)', () => {
    const [info, ...rest] = gInfo();
    expect(rest).toEqual([]);
    expect({ protocol: toHex(info!.protocol), cipher: info!.cipher, parameterId: info!.parameterId }).toEqual({
      protocol: G.protocol,
      cipher: 'aes128',
      parameterId: 13,
    });
  });

  test('K = SHA-1(MRZ information), K_π = KDF(K, 3), and the nonce it decrypts', () => {
    expect(toHex(crypto.sha1(asciiBytes(mrzInformation(G.accessKey))))).toBe(G.k);
    const kPi = passwordKey(crypto, 'aes128', { mrz: G.accessKey });
    expect(toHex(kPi)).toBe(G.kPi);
    expect(toHex(decryptNonce(crypto, 'aes128', kPi, fromHex(G.encryptedNonce)))).toBe(G.nonce);
    expect(toHex(encryptNonce(crypto, 'aes128', kPi, fromHex(G.nonce)))).toBe(G.encryptedNonce);
  });

  test('mapping: both sides reach the same H and the published G̃ = s·G + H', () => {
    const { curve } = gInfo()[0]!;
    expect(toHex(encodePoint(curve.BASE.multiply(scalar(G.skMapIfd))))).toBe(G.pkMapIfd);
    expect(toHex(encodePoint(curve.BASE.multiply(scalar(G.skMapIc))))).toBe(G.pkMapIc);
    expect(toHex(encodePoint(decodePoint(curve, fromHex(G.pkMapIc)).multiply(scalar(G.skMapIfd))))).toBe(G.h);
    const reader = mapGenerator(curve, fromHex(G.nonce), scalar(G.skMapIfd), decodePoint(curve, fromHex(G.pkMapIc)));
    const chip = mapGenerator(curve, fromHex(G.nonce), scalar(G.skMapIc), decodePoint(curve, fromHex(G.pkMapIfd)));
    expect(toHex(encodePoint(reader))).toBe(G.mappedGenerator);
    expect(toHex(encodePoint(chip))).toBe(G.mappedGenerator);
  });

  test('key agreement on G̃: the ephemeral keys, the shared secret and KS_enc, KS_mac', () => {
    const { curve } = gInfo()[0]!;
    const generator = decodePoint(curve, fromHex(G.mappedGenerator));
    expect(toHex(encodePoint(generator.multiply(scalar(G.skDhIfd))))).toBe(G.pkDhIfd);
    expect(toHex(encodePoint(generator.multiply(scalar(G.skDhIc))))).toBe(G.pkDhIc);
    const secret = sharedSecret(curve, scalar(G.skDhIfd), decodePoint(curve, fromHex(G.pkDhIc)));
    expect(toHex(secret)).toBe(G.sharedSecret);
    expect(toHex(sharedSecret(curve, scalar(G.skDhIc), decodePoint(curve, fromHex(G.pkDhIfd))))).toBe(G.sharedSecret);
    expect(paceSessionKeys(crypto, 'aes128', secret)).toEqual(gKeys());
  });

  test('the tokens: T_IFD over the chip key, T_IC over the reader key (CMAC-8 of 7F49 { 06 OID, 86 point })', () => {
    const info = gInfo()[0]!;
    expect(toHex(authenticationToken(crypto, info, gKeys(), fromHex(G.pkDhIc)))).toBe(G.tIfd);
    expect(toHex(authenticationToken(crypto, info, gKeys(), fromHex(G.pkDhIfd)))).toBe(G.tIc);
  });
});

/** G.1's reader randomness: SK_map,IFD, then SK_DH,IFD (32 bytes each; brainpoolP256r1's order has 256 bits, so none is masked). */
const gCrypto = (): Icao9303Crypto => {
  const keys = [G.skMapIfd, G.skDhIfd];
  return { ...crypto, randomBytes: () => fromHex(keys.shift()!) };
};

/** A chip that expects exactly `script`'s commands, in order, and gives its answers. */
function scriptedChip(script: readonly (readonly [string, string])[]): Transmit & { remaining: () => number } {
  const steps = [...script];
  const transmit = async (command: Uint8Array) => {
    const step = steps.shift();
    expect(toHex(command)).toBe(step?.[0]);
    return fromHex(step![1]);
  };
  return Object.assign(transmit, { remaining: () => steps.length });
}

describe('Appendix G.1 end to end: authenticateWithPace sends exactly the published APDUs', () => {
  test('the five exchanges, then AES secure messaging with the SSC at zero', async () => {
    const chip = scriptedChip([...G_TRANSCRIPT, G_FIRST_SECURE_EXCHANGE]);
    const channel = await authenticateWithPace(chip, gCrypto(), gInfo(), { mrz: G.accessKey });
    await selectEmrtdApplication(channel);
    expect(chip.remaining()).toBe(0);
  });

  test('the same secure exchange, both sides, through protectCommand/unprotectResponse and the chip side', () => {
    const ssc = new Uint8Array(16);
    ssc[15] = 1;
    const select = { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: fromHex('A0000002471001') };
    expect(toHex(protectCommand(crypto, gKeys(), ssc, select))).toBe(G_FIRST_SECURE_EXCHANGE[0]);
    expect(unprotectCommand(crypto, gKeys(), ssc, decodeCommand(fromHex(G_FIRST_SECURE_EXCHANGE[0]))!)).toEqual(select);
    ssc[15] = 2;
    expect(toHex(protectResponse(crypto, gKeys(), ssc, 0xa4, { data: new Uint8Array(0), sw: 0x9000 }))).toBe(G_FIRST_SECURE_EXCHANGE[1]);
    expect(unprotectResponse(crypto, gKeys(), ssc, fromHex(G_FIRST_SECURE_EXCHANGE[1]))).toEqual({ data: new Uint8Array(0), sw: 0x9000 });
  });

  test('a chip that refuses our token: the MRZ password was wrong, card.wrongMrz', async () => {
    const refusing = scriptedChip([...G_TRANSCRIPT.slice(0, 4), [G_TRANSCRIPT[4]![0], '6300']]);
    expect((await kioskError(authenticateWithPace(refusing, gCrypto(), gInfo(), { mrz: G.accessKey }))).code).toBe('card.wrongMrz');
  });

  test('a chip token that does not verify: card.badMac', async () => {
    const lying = scriptedChip([...G_TRANSCRIPT.slice(0, 4), [G_TRANSCRIPT[4]![0], `7C0A8608${G.tIfd}9000`]]);
    expect((await kioskError(authenticateWithPace(lying, gCrypto(), gInfo(), { mrz: G.accessKey }))).code).toBe('card.badMac');
  });
});

describe('AES-CMAC (NIST SP 800-38B; RFC 4493 §4 examples, also checked with `openssl mac CMAC`)', () => {
  const key = fromHex('2B7E151628AED2A6ABF7158809CF4F3C');
  test.each([
    ['', 'BB1D6929E95937287FA37D129B756746'],
    ['6BC1BEE22E409F96E93D7E117393172A', '070A16B46B4D4144F79BDD9DD04A287C'],
    ['6BC1BEE22E409F96E93D7E117393172AAE2D8A571E03AC9C9EB76FAC45AF8E5130C81C46A35CE411', 'DFA66747DE9AE63030CA32611497C827'],
  ])('message %s', (message, mac) => {
    expect(toHex(aesCmac(crypto, key, fromHex(message)))).toBe(mac);
  });
});

/** EF.CardAccess with one PACEInfo: id-PACE-ECDH-GM and the cipher's last arc (1 3DES, 2–4 AES-128/192/256), version 2. */

describe('the whole chip read by PACE, against the simulated CCCD chip', () => {
  const accessKey = cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry);
  const can = cccdCan(FAKE_CARD.number);
  const card = fakeCard();

  /** The simulated chip, with a log of the instructions it was sent. */
  function chip(options: Partial<SimulatedChipOptions> = {}) {
    const transmit = createSimulatedChip({ crypto, accessKey, files: card.files, cardAccess: buildCardAccess(2, 13), can, ...options });
    const instructions: number[] = [];
    const logged: Transmit = (command) => {
      instructions.push(command[1]!);
      return transmit(command);
    };
    return { transmit: logged, instructions };
  }
  const read = (transmit: Transmit, access: ChipAccess) =>
    readDocument({ transmit, crypto, passiveAuthentication: createPassiveAuthentication({ cscas: [new X509Certificate(card.cscaPem)] }), ...access });
  const GENERAL_AUTHENTICATE = 0x86;
  const GET_CHALLENGE = 0x84;

  test('the CAN is the last 6 digits of the 12-digit number', () => {
    expect(can).toBe('012345');
    expect(() => cccdCan('05619001234')).toThrow(KioskError);
  });

  test.each([
    ['AES-128, brainpoolP256r1', 2, 13],
    ['AES-192, brainpoolP384r1', 3, 16],
    ['AES-256, NIST P-384', 4, 15],
    ['AES-128, NIST P-256', 2, 12],
    ['3DES, brainpoolP512r1', 1, 17],
    ['AES-256, NIST P-521', 4, 18],
  ])('%s, with the CAN alone: data read and genuine, and no BAC', async (_name, cipherArc, parameterId) => {
    const { transmit, instructions } = chip({ cardAccess: buildCardAccess(cipherArc, parameterId) });
    const document = await read(transmit, { can });
    expect(document.mrz).toMatchObject({ cccdNumber: FAKE_CARD.number, surname: 'TRAN', checkDigitsValid: true });
    expect(document.personalData?.fullName).toBe('Trần Thị Thử');
    expect(document.face).toMatchObject({ format: 'jpeg' });
    expect(document.passiveAuthentication).toEqual({ outcome: 'genuine' });
    expect(instructions.filter((ins) => ins === GENERAL_AUTHENTICATE)).toHaveLength(4);
    expect(instructions).not.toContain(GET_CHALLENGE);
  });

  test('with the MRZ data alone, the CAN comes from the 9-digit document number and PACE is used', async () => {
    const { transmit, instructions } = chip();
    expect((await read(transmit, { accessKey })).passiveAuthentication).toEqual({ outcome: 'genuine' });
    expect(instructions).toContain(GENERAL_AUTHENTICATE);
    expect(instructions).not.toContain(GET_CHALLENGE);
  });

  test('a wrong CAN alone: card.wrongCan', async () => {
    const { transmit, instructions } = chip();
    expect((await kioskError(read(transmit, { can: '012346' }))).code).toBe('card.wrongCan');
    expect(instructions).not.toContain(GET_CHALLENGE);
  });

  test('a wrong CAN with the MRZ data: BAC opens the chip', async () => {
    const { transmit, instructions } = chip();
    expect((await read(transmit, { accessKey, can: '012346' })).passiveAuthentication).toEqual({ outcome: 'genuine' });
    expect(instructions).toContain(GET_CHALLENGE);
  });

  test('a chip that lists PACE but refuses it with 6982 (facts.md §2.2): BAC with the MRZ data, card.unsupported with the CAN alone', async () => {
    const refusing = chip({ can: undefined });
    expect((await read(refusing.transmit, { accessKey })).personalData?.fullName).toBe('Trần Thị Thử');
    expect(refusing.instructions).toContain(GET_CHALLENGE);
    expect(await kioskError(read(chip({ can: undefined }).transmit, { can }))).toEqual({
      code: 'card.unsupported',
      params: { reason: 'paceRefused', step: 'mseSetAt', statusWord: '6982' },
    });
  });

  test('a BAC-only chip (no EF.CardAccess): BAC as before, and the CAN alone is not enough', async () => {
    const bacOnly = chip({ cardAccess: undefined, can: undefined });
    expect((await read(bacOnly.transmit, { accessKey })).passiveAuthentication).toEqual({ outcome: 'genuine' });
    expect(bacOnly.instructions.filter((ins) => ins === GENERAL_AUTHENTICATE)).toEqual([]);
    expect(await kioskError(read(chip({ cardAccess: undefined }).transmit, { can }))).toEqual({ code: 'card.unsupported', params: { reason: 'noPace' } });
  });

  test('a wrong MRZ with a chip that refuses PACE: card.wrongMrz from BAC', async () => {
    const wrongKey = cccdAccessKey(FAKE_CARD.number, '900316', FAKE_CARD.dateOfExpiry);
    expect((await kioskError(read(chip({ can: undefined }).transmit, { accessKey: wrongKey }))).code).toBe('card.wrongMrz');
  });

  test('a byte changed on the way back under AES secure messaging: card.badMac', async () => {
    const { transmit } = chip();
    let tamper = false;
    const meddling: Transmit = async (command) => {
      const response = await transmit(command);
      if (tamper) response[3]! ^= 0x01;
      return response;
    };
    const channel = await authenticateWithPace(meddling, crypto, parseCardAccess(buildCardAccess(2, 13)), { can });
    await selectEmrtdApplication(channel);
    expect(await readFile(channel, FILE_ID.com)).toEqual(card.files.get(FILE_ID.com));
    tamper = true;
    expect((await kioskError(readFile(channel, FILE_ID.dataGroup(1)))).code).toBe('card.badMac');
  });
});

describe('hostile GENERAL AUTHENTICATE answers are refused, and never fall back to BAC', () => {
  const accessKey = cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry);
  const card = fakeCard();

  /** The simulated PACE chip, with the answer to GENERAL AUTHENTICATE number `step` (1–4) rewritten. */
  function meddled(step: number, rewrite: (objects: Uint8Array, sw: number) => Uint8Array) {
    const transmit = createSimulatedChip({ crypto, accessKey, files: card.files, cardAccess: buildCardAccess(2, 13), can: cccdCan(FAKE_CARD.number) });
    let count = 0;
    let bac = false;
    const chip: Transmit = async (command) => {
      const response = await transmit(command);
      if (command[1] === 0x84) bac = true;
      if (command[1] !== 0x86 || ++count !== step) return response;
      const { data, sw } = decodeResponse(response);
      return rewrite(readTlv(data).tlv.value, sw);
    };
    return { read: () => readDocument({ transmit: chip, crypto, accessKey, passiveAuthentication: createPassiveAuthentication({ cscas: [] }) }), bac: () => bac };
  }
  const answer = (...objects: Uint8Array[]) => encodeResponse({ data: encodeTlv(0x7c, ...objects), sw: 0x9000 });
  const objectsOf = (objects: Uint8Array) => readTlvList(objects);
  /** Another valid brainpoolP256r1 point: the generator. */
  const generator = () => encodePoint(parseCardAccess(buildCardAccess(2, 13))[0]!.curve.BASE);

  test.each([
    ['no 7C template', 1, () => encodeResponse({ data: encodeTlv(0x80, new Uint8Array(16)), sw: 0x9000 }), { reason: 'paceAnswer', step: 'nonce' }],
    ['an encrypted nonce of 15 bytes', 1, () => answer(encodeTlv(0x80, new Uint8Array(15))), { reason: 'paceAnswer', step: 'nonce' }],
    ['the nonce twice', 1, (objects: Uint8Array) => answer(objects, objects), { reason: 'paceAnswer', step: 'nonce' }],
    ['a truncated TLV', 1, () => encodeResponse({ data: fromHex('7C1280'), sw: 0x9000 }), { reason: 'tlv.truncated' }],
    ['a mapping key off the curve', 2, (objects: Uint8Array) => {
      const point = objectsOf(objects)[0]!.value.slice();
      point[64] = point[64]! ^ 0x01;
      return answer(encodeTlv(0x82, point));
    }, { reason: 'paceInvalidPoint', step: 'mapping' }],
    ['a compressed mapping key', 2, (objects: Uint8Array) => {
      const point = objectsOf(objects)[0]!.value;
      return answer(encodeTlv(0x82, Uint8Array.of(2 + (point[64]! & 1), ...point.subarray(1, 33))));
    }, { reason: 'paceInvalidPoint', step: 'mapping' }],
    ['the mapping key under the wrong tag', 2, (objects: Uint8Array) => answer(encodeTlv(0x84, objectsOf(objects)[0]!.value)), { reason: 'paceAnswer', step: 'mapping' }],
    ['an ephemeral key of one byte (the point at infinity)', 3, () => answer(encodeTlv(0x84, Uint8Array.of(0))), { reason: 'paceInvalidPoint', step: 'keyAgreement' }],
  ] as const)('%s: card.unsupported', async (_name, step, rewrite, params) => {
    const chip = meddled(step, rewrite);
    expect(await kioskError(chip.read())).toEqual({ code: 'card.unsupported', params });
    expect(chip.bac()).toBe(false);
  });

  test('a chip that echoes our ephemeral key: card.unsupported', async () => {
    const transmit = createSimulatedChip({ crypto, accessKey, files: card.files, cardAccess: buildCardAccess(2, 13), can: cccdCan(FAKE_CARD.number) });
    const echoing: Transmit = async (command) => {
      const response = await transmit(command);
      const plain = decodeCommand(command);
      if (plain?.ins !== 0x86 || !plain.data) return response;
      const key = readTlvList(readTlv(plain.data).tlv.value).find((object) => object.tag === 0x83);
      return key ? answer(encodeTlv(0x84, key.value)) : response;
    };
    expect(await kioskError(authenticateWithPace(echoing, crypto, parseCardAccess(buildCardAccess(2, 13)), { can: cccdCan(FAKE_CARD.number) }))).toEqual({
      code: 'card.unsupported',
      params: { reason: 'paceInvalidPoint', step: 'keyAgreement' },
    });
  });

  test('another valid point as the chip key: the chip refuses our token, so the CAN seems wrong and BAC is tried', async () => {
    // A man in the middle who swaps keys cannot make the tokens agree: the chip's check catches it.
    const chip = meddled(3, () => answer(encodeTlv(0x84, generator())));
    expect((await chip.read()).personalData?.fullName).toBe('Trần Thị Thử');
    expect(chip.bac()).toBe(true);
  });

  test('a chip token changed on the way: card.badMac', async () => {
    const chip = meddled(4, (objects) => {
      const token = objectsOf(objects)[0]!.value.slice();
      token[0] = token[0]! ^ 0x01;
      return answer(encodeTlv(0x86, token));
    });
    expect((await kioskError(chip.read())).code).toBe('card.badMac');
    expect(chip.bac()).toBe(false);
  });

  test('a GENERAL AUTHENTICATE refused with 6982: BAC', async () => {
    const chip = meddled(2, () => fromHex('6982'));
    expect((await chip.read()).mrz.cccdNumber).toBe(FAKE_CARD.number);
    expect(chip.bac()).toBe(true);
  });
});
