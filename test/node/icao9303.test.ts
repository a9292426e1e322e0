import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { nodeIcaoCrypto as crypto } from '../../electron/host/devices/cardReader/icaoCrypto';
import { createSimulatedChip } from '../../electron/host/devices/cardReader/simulatedChip';
import { KioskError, type ErrorCode } from '../../shared/errors';
import { decodeCommand, encodeCommand, plainChannel, type CommandApdu, type Transmit } from '../../shared/icao9303/apdu';
import { authenticateWithBac, bacKeys, bacKeySeed, completeBac, externalAuthenticateData, openBacCryptogram } from '../../shared/icao9303/bac';
import { fromHex, toHex } from '../../shared/icao9303/bytes';
import { adjustDesParity, padIso9797, retailMac, unpadIso9797, type DesKeys, type Icao9303Crypto } from '../../shared/icao9303/crypto';
import { parseDg13 } from '../../shared/icao9303/dg13';
import { parseDg2 } from '../../shared/icao9303/dg2';
import { FILE_ID, readFile, selectEmrtdApplication } from '../../shared/icao9303/files';
import { parseDg1, parseEfCom } from '../../shared/icao9303/lds';
import { cccdAccessKey, mrzCheckDigit, mrzInformation, type MrzAccessKey } from '../../shared/icao9303/mrz';
import { protectCommand, protectResponse, SecureMessaging, unprotectCommand, unprotectResponse } from '../../shared/icao9303/secureMessaging';
import { OID, parseCertificate, parseSod } from '../../shared/icao9303/sod';
import { encodeTlv, readTlv, readTlvHeader, readTlvList } from '../../shared/icao9303/tlv';
import {
  buildDg1,
  buildDg13,
  buildDg2,
  buildFaceJpeg,
  FAKE_CARD,
  FAKE_CARD_DG13_FIELDS,
  FAKE_CARD_MRZ,
  F3_DG1,
  F3_DG13,
  fakeCardFiles,
  OPENSSL_SOD,
} from '../support/cccdChip';

/**
 * ICAO Doc 9303 Part 11 (8th edition, 2021), Appendix D "Worked example: Basic Access Control",
 * https://www.icao.int/publications/Documents/9303_p11_cons_en.pdf — D.2 (keys), D.3 (mutual
 * authentication), D.4 (secure messaging). The values were taken from public test files that
 * reproduce Appendix D, and agree across them:
 * - ZeroPass/dmrtd `test/bac_test.dart` (D.2, D.3: every intermediate value) and
 *   `test/sm_test.dart` (D.4: masked header, DO'87, M, N, CC, K, protected APDUs and responses);
 * - liblogicalaccess/liblogicalaccess `tests/unittest/test_epass_utils.cpp` (D.2's keys before
 *   and after parity adjustment, D.3's EXTERNAL AUTHENTICATE data and session, D.4's APDUs);
 * - tsenger/animamea `SecureMessagingTest.java` (D.4's SELECT and first READ BINARY).
 */
const D = {
  mrzInformation: 'L898902C<369080619406236',
  accessKey: { documentNumber: 'L898902C<', dateOfBirth: '690806', dateOfExpiry: '940623' } satisfies MrzAccessKey,
  kSeed: '239AB9CB282DAF66231DC5A4DF6BFBAE',
  kEncBeforeParity: 'AB94FCEDF2664EDFB9B291F85D7F77F2',
  kEnc: 'AB94FDECF2674FDFB9B391F85D7F76F2',
  kMac: '7962D9ECE03D1ACD4C76089DCE131543',
  rndIc: '4608F91988702212',
  rndIfd: '781723860C06C226',
  kIfd: '0B795240CB7049B01C19B33E32804F0B',
  eIfd: '72C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F2',
  mIfd: '5F1448EEA8AD90A7',
  cardAnswer: '46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449',
  r: '4608F91988702212781723860C06C2260B4F80323EB3191CB04970CB4052790B',
  ksEnc: '979EC13B1CBFE9DCD01AB0FED307EAE5',
  ksMac: 'F1CB1F1FB5ADF208806B89DC579DC1F8',
  ssc: '887022120C06C226',
  /** D.4: each command, its protected form, the chip's protected answer, and the plain answer's data. */
  exchanges: [
    {
      command: { cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: fromHex('011E') },
      protected: '0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800',
      response: '990290008E08FA855A5D4C50A8ED9000',
      data: '',
    },
    {
      command: { cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x00, ne: 4 },
      protected: '0CB000000D9701048E08ED6705417E96BA5500',
      response: '8709019FF0EC34F9922651990290008E08AD55CC17140B2DED9000',
      data: '60145F01',
    },
    {
      command: { cla: 0x00, ins: 0xb0, p1: 0x00, p2: 0x04, ne: 0x12 },
      protected: '0CB000040D9701128E082EA28A70F3C7B53500',
      response: '871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D749000',
      data: '04303130365F36063034303030305C026175',
    },
  ] satisfies { command: CommandApdu; protected: string; response: string; data: string }[],
};

const dKeys = (): DesKeys => ({ enc: fromHex(D.kEnc), mac: fromHex(D.kMac) });
const dSession = (): DesKeys => ({ enc: fromHex(D.ksEnc), mac: fromHex(D.ksMac) });
const dChallenge = () => ({ rndIc: fromHex(D.rndIc), rndIfd: fromHex(D.rndIfd), kIfd: fromHex(D.kIfd) });
/** Appendix D's reader randomness: RND.IFD (8 bytes) and K.IFD (16 bytes). */
const dCrypto: Icao9303Crypto = { ...crypto, randomBytes: (length) => fromHex(length === 8 ? D.rndIfd : D.kIfd) };

async function kioskErrorCode(promise: Promise<unknown> | (() => unknown)): Promise<ErrorCode | 'no error'> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
    return 'no error';
  } catch (error) {
    if (error instanceof KioskError) return error.code;
    throw error;
  }
}

describe('Appendix D.2: the keys from the MRZ', () => {
  test('check digits, 7-3-1 (Doc 9303-3 §4.9): the example document number and dates', () => {
    expect([mrzCheckDigit('L898902C<'), mrzCheckDigit('690806'), mrzCheckDigit('940623')]).toEqual([3, 1, 6]);
  });

  test('MRZ information, K_seed, and K_enc/K_mac with their parity bits adjusted', () => {
    expect(mrzInformation(D.accessKey)).toBe(D.mrzInformation);
    expect(toHex(bacKeySeed(crypto, D.mrzInformation))).toBe(D.kSeed);
    expect(toHex(adjustDesParity(fromHex(D.kEncBeforeParity)))).toBe(D.kEnc);
    const keys = bacKeys(crypto, D.accessKey);
    expect([toHex(keys.enc), toHex(keys.mac)]).toEqual([D.kEnc, D.kMac]);
  });
});

describe('Appendix D.3: mutual authentication', () => {
  test('EXTERNAL AUTHENTICATE data is E_IFD ‖ M_IFD', () => {
    expect(toHex(externalAuthenticateData(crypto, dKeys(), dChallenge()))).toBe(D.eIfd + D.mIfd);
  });

  test("the chip's answer decrypts to R = RND.IC ‖ RND.IFD ‖ K.IC and gives the session keys and SSC", () => {
    expect(toHex(openBacCryptogram(crypto, dKeys(), fromHex(D.cardAnswer))!)).toBe(D.r);
    const session = completeBac(crypto, dKeys(), dChallenge(), fromHex(D.cardAnswer));
    expect([toHex(session.keys.enc), toHex(session.keys.mac), toHex(session.ssc)]).toEqual([D.ksEnc, D.ksMac, D.ssc]);
  });

  test('an answer with a changed byte, or that does not echo our nonce, is card.badMac', async () => {
    const changed = fromHex(D.cardAnswer);
    changed[5]! ^= 0x01;
    expect(await kioskErrorCode(() => completeBac(crypto, dKeys(), dChallenge(), changed))).toBe('card.badMac');
    const otherNonce = { ...dChallenge(), rndIfd: fromHex('0000000000000000') };
    expect(await kioskErrorCode(() => completeBac(crypto, dKeys(), otherNonce, fromHex(D.cardAnswer)))).toBe('card.badMac');
  });
});

describe('Appendix D.4: secure messaging', () => {
  test('CC over N = SSC ‖ padded header ‖ DO87 is the retail MAC under KS_mac', () => {
    const n = fromHex('887022120C06C227' + '0CA4020C80000000' + '8709016375432908C044F6');
    expect(toHex(retailMac(crypto, fromHex(D.ksMac), n))).toBe('BF8B92D635FF24F8');
  });

  test('each command is protected, and each answer unprotected, as published; the SSC counts every APDU', () => {
    const sm = new SecureMessaging(crypto, dSession(), fromHex(D.ssc));
    let ssc = BigInt(`0x${D.ssc}`);
    for (const exchange of D.exchanges) {
      expect(toHex(sm.protect(exchange.command))).toBe(exchange.protected);
      expect(toHex(sm.ssc)).toBe((++ssc).toString(16).toUpperCase());
      const answer = sm.unprotect(fromHex(exchange.response));
      expect({ data: toHex(answer.data), sw: answer.sw }).toEqual({ data: exchange.data, sw: 0x9000 });
      expect(toHex(sm.ssc)).toBe((++ssc).toString(16).toUpperCase());
    }
  });

  test('an answer with a changed byte, or replayed under a later SSC, is card.badMac', async () => {
    const [, readHead] = D.exchanges;
    const changed = fromHex(readHead!.response);
    changed[4]! ^= 0x80; // inside the cryptogram
    const at = (ssc: string) => () => unprotectResponse(crypto, dSession(), fromHex(ssc), changed);
    expect(await kioskErrorCode(at('887022120C06C22A'))).toBe('card.badMac');
    const replayed = () => unprotectResponse(crypto, dSession(), fromHex('887022120C06C22C'), fromHex(readHead!.response));
    expect(await kioskErrorCode(replayed)).toBe('card.badMac');
  });

  test('an error status in plain is believed, a plain success is not', async () => {
    expect(unprotectResponse(crypto, dSession(), fromHex(D.ssc), fromHex('6A82'))).toEqual({ data: new Uint8Array(0), sw: 0x6a82 });
    expect(await kioskErrorCode(() => unprotectResponse(crypto, dSession(), fromHex(D.ssc), fromHex('9000')))).toBe('card.badMac');
  });
});

/** A reader that expects exactly these command APDUs and answers with these responses. */
function scriptedReader(script: readonly (readonly [command: string, response: string])[]): Transmit & { remaining(): number } {
  let step = 0;
  const transmit = async (command: Uint8Array) => {
    const [expected, response] = script[step++] ?? ['(no more commands)', ''];
    expect(toHex(command)).toBe(expected);
    return fromHex(response);
  };
  return Object.assign(transmit, { remaining: () => script.length - step });
}

describe('Appendix D end to end: authenticateWithBac and readFile send exactly the published APDUs', () => {
  test('BAC, then EF.COM read in two READ BINARYs as D.4 does', async () => {
    const reader = scriptedReader([
      ['0084000008', `${D.rndIc}9000`],
      [`0082000028${D.eIfd}${D.mIfd}28`, `${D.cardAnswer}9000`],
      ...D.exchanges.map((exchange) => [exchange.protected, exchange.response] as const),
    ]);
    const channel = await authenticateWithBac(reader, dCrypto, D.accessKey);
    const efCom = await readFile(channel, FILE_ID.com);
    expect(toHex(efCom)).toBe('60145F0104303130365F36063034303030305C026175');
    expect(reader.remaining()).toBe(0);
    expect(parseEfCom(efCom)).toEqual({ ldsVersion: '1.6', unicodeVersion: '4.0.0', dataGroups: [1, 2] });
  });

  test('a chip that refuses EXTERNAL AUTHENTICATE makes card.wrongMrz', async () => {
    const reader = scriptedReader([
      ['0084000008', `${D.rndIc}9000`],
      [`0082000028${D.eIfd}${D.mIfd}28`, '6300'],
    ]);
    expect(await kioskErrorCode(authenticateWithBac(reader, dCrypto, D.accessKey))).toBe('card.wrongMrz');
  });
});

describe('BER-TLV', () => {
  const tags = fc.oneof(
    fc.integer({ min: 0x00, max: 0x1e }).chain((number) => fc.constantFrom(number, number | 0x20, number | 0x40, number | 0x60, number | 0x80, number | 0xa0)),
    fc.integer({ min: 0x1f, max: 0x7f }).map((second) => 0x5f00 + second),
    fc.integer({ min: 0x80, max: 0xff }).chain((second) => fc.integer({ min: 0, max: 0x7f }).map((third) => 0x7f0000 + second * 256 + third)),
  );

  test('encode then read gives the tag and value back, for one- to three-byte tags and any length', () => {
    fc.assert(
      fc.property(tags, fc.uint8Array({ maxLength: 70_000, size: 'large' }), (tag, value) => {
        const encoded = encodeTlv(tag, value);
        const { tlv, end } = readTlv(encoded);
        expect(end).toBe(encoded.length);
        expect(tlv.tag).toBe(tag);
        expect(tlv.value).toEqual(value);
      }),
      { numRuns: 200 },
    );
  });

  test('lengths of 128 and more take long forms; a header cut short asks for more bytes', () => {
    expect(toHex(encodeTlv(0x75, new Uint8Array(128)).subarray(0, 3))).toBe('758180');
    expect(toHex(encodeTlv(0x75, new Uint8Array(0x1234)).subarray(0, 4))).toBe('75821234');
    expect(readTlvHeader(fromHex('7F6182'))).toBeNull();
    expect(readTlvHeader(fromHex('7F61820100'))).toEqual({ tag: 0x7f61, constructed: true, headerLength: 5, valueLength: 256 });
  });

  test.each([
    ['truncated value', '610A5F1F'],
    ['indefinite length', '6180'],
    ['five length bytes', '618500000000010000'],
    ['four tag bytes', '5F8181810100'],
  ])('%s is card.unsupported', async (_name, hex) => {
    expect(await kioskErrorCode(() => readTlvList(fromHex(hex)))).toBe('card.unsupported');
  });
});

describe('APDUs, padding and secure messaging round trips', () => {
  const commands: fc.Arbitrary<CommandApdu> = fc.record(
    {
      cla: fc.constant(0x00),
      ins: fc.constantFrom(0xa4, 0xb0, 0xb1, 0x84, 0x82),
      p1: fc.integer({ min: 0, max: 0xff }),
      p2: fc.integer({ min: 0, max: 0xff }),
      data: fc.uint8Array({ minLength: 1, maxLength: 200 }),
      ne: fc.integer({ min: 1, max: 256 }),
    },
    { requiredKeys: ['cla', 'ins', 'p1', 'p2'] },
  );
  const keys = fc.record({ enc: fc.uint8Array({ minLength: 16, maxLength: 16 }), mac: fc.uint8Array({ minLength: 16, maxLength: 16 }) });
  const ssc = fc.uint8Array({ minLength: 8, maxLength: 8 });

  test('a short command APDU decodes to what was encoded', () => {
    fc.assert(
      fc.property(commands, (command) => {
        expect(decodeCommand(encodeCommand(command))).toEqual(command);
      }),
    );
  });

  test('ISO 9797-1 padding method 2 always adds 1–8 bytes and comes off again', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (data) => {
        const padded = padIso9797(data);
        expect(padded.length % 8).toBe(0);
        expect(padded.length - data.length).toBeGreaterThanOrEqual(1);
        expect(unpadIso9797(padded)).toEqual(data);
      }),
    );
  });

  test('the chip reads back any command the reader protects, and the reader any answer the chip protects', () => {
    fc.assert(
      fc.property(commands, keys, ssc, fc.uint8Array({ maxLength: 223 }), fc.integer({ min: 0x6000, max: 0x9fff }), (command, sessionKeys, counter, data, sw) => {
        const sent = decodeCommand(protectCommand(crypto, sessionKeys, counter, command))!;
        expect(unprotectCommand(crypto, sessionKeys, counter, sent)).toEqual(command);
        const answer = protectResponse(crypto, sessionKeys, counter, command.ins, { data, sw });
        expect(unprotectResponse(crypto, sessionKeys, counter, answer)).toEqual({ data, sw });
      }),
      { numRuns: 60 },
    );
  });

  test('any changed bit in a protected answer (status bytes aside) is refused', async () => {
    await fc.assert(
      fc.asyncProperty(keys, ssc, fc.uint8Array({ minLength: 1, maxLength: 100 }), fc.nat(), fc.integer({ min: 0, max: 7 }), async (sessionKeys, counter, data, at, bit) => {
        const answer = protectResponse(crypto, sessionKeys, counter, 0xb0, { data, sw: 0x9000 });
        answer[at % (answer.length - 2)]! ^= 1 << bit;
        const code = await kioskErrorCode(() => unprotectResponse(crypto, sessionKeys, counter, answer));
        expect(['card.badMac', 'card.unsupported']).toContain(code);
      }),
      { numRuns: 100 },
    );
  });
});

describe('the CCCD access key (domain notes README §6.3)', () => {
  test('the verified public sample: document number = last 9 digits, and its check digits', () => {
    expect(mrzInformation(cccdAccessKey('001093047064', '930105', '330105'))).toBe('093047064' + '1' + '930105' + '4' + '330105' + '2');
  });

  test('the fake card of facts.md §F.3: MRZ information and keys', () => {
    const accessKey = cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry);
    expect(mrzInformation(accessKey)).toBe('190012345790031523003150');
    expect(toHex(bacKeySeed(crypto, mrzInformation(accessKey)))).toBe('6585483615EDDF6DDADEC802F9BEA435');
    const keys = bacKeys(crypto, accessKey);
    expect([toHex(keys.enc), toHex(keys.mac)]).toEqual(['C832A85738F7014A54A86758D9CB70FD', 'D0190E7910E57086D09102C1EC8667EA']);
  });

  test.each([
    ['05619001234', '900315', '300315', 'cccd.numberFormat'],
    ['056190012345', '901315', '300315', 'card.mrzDateInvalid'],
    ['056190012345', '900315', '3003', 'card.mrzDateInvalid'],
  ])('%s, born %s, expiring %s: %s', async (number, born, expires, code) => {
    expect(await kioskErrorCode(() => mrzInformation(cccdAccessKey(number, born, expires)))).toBe(code);
  });
});

describe('DG1', () => {
  test('facts.md §F.3: the TD1 MRZ of the fake card, with the 12-digit number from the optional data', () => {
    expect(parseDg1(F3_DG1)).toEqual({
      lines: [...FAKE_CARD_MRZ],
      documentCode: 'ID',
      issuingState: 'VNM',
      documentNumber: '190012345',
      optionalData: '056190012345<<8',
      dateOfBirth: '900315',
      sex: 'F',
      dateOfExpiry: '300315',
      nationality: 'VNM',
      surname: 'TRAN',
      givenNames: 'THI THU',
      cccdNumber: '056190012345',
      checkDigitsValid: true,
    });
    expect(buildDg1(FAKE_CARD_MRZ)).toEqual(F3_DG1);
  });

  test('a changed digit fails the check digits; an MRZ of another length is card.unsupported', async () => {
    const changed = [FAKE_CARD_MRZ[0], FAKE_CARD_MRZ[1].replace('900315', '900316'), FAKE_CARD_MRZ[2]];
    expect(parseDg1(buildDg1(changed)).checkDigitsValid).toBe(false);
    expect(await kioskErrorCode(() => parseDg1(buildDg1([FAKE_CARD_MRZ[0]])))).toBe('card.unsupported');
  });
});

describe('DG13', () => {
  const fakePerson = {
    idNumber: '056190012345',
    fullName: 'Trần Thị Thử',
    dateOfBirth: { raw: '15/03/1990', date: { year: 1990, month: 3, day: 15 } },
    gender: 'Nữ',
    nationality: 'Việt Nam',
    ethnicity: 'Kinh',
    religion: 'Không',
    issueDate: { raw: '20/04/2021', date: { year: 2021, month: 4, day: 20 } },
    expiryDate: { raw: '15/03/2030', date: { year: 2030, month: 3, day: 15 } },
    fatherName: 'Trần Văn Mẫu',
    motherName: 'Lê Thị Mẫu',
    spouseName: null,
    oldIdNumber: '225000001',
    unreadableFieldIds: [],
  };

  test('facts.md §F.3: the nested layout (version, OID, SET of fields), parents in a SEQUENCE, field 15', () => {
    expect(parseDg13(F3_DG13)).toEqual({
      ...fakePerson,
      placeOfOrigin: 'Khánh Đông, Khánh Vĩnh, Khánh Hòa',
      placeOfResidence: 'Thôn Suối Thơm, Khánh Đông, Khánh Vĩnh, Khánh Hòa',
      identifyingMarks: 'Nốt ruồi C:1cm dưới trước cánh mũi phải',
      extraFields: [{ id: 15, values: ['225000001'] }],
    });
  });

  test('README §6.2: fields straight under 0x6D, parents as two values, old CMND in field 0x10, NFD made NFC', () => {
    const dg13 = parseDg13(buildDg13(FAKE_CARD_DG13_FIELDS));
    expect(dg13).toEqual({
      ...fakePerson,
      placeOfOrigin: 'Diên An, Diên Khánh, Khánh Hòa',
      placeOfResidence: 'Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa',
      identifyingMarks: 'Nốt ruồi C:1cm dưới trước cánh mũi phải',
      extraFields: [{ id: 16, values: ['225000001'] }],
    });
    expect(dg13.religion).toBe('Không'.normalize('NFC'));
  });

  test('defensive: any field order, a spouse, an unknown 16-character value, unreadable values, odd dates', () => {
    const unknownStringType = encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(9)), encodeTlv(0x04, fromHex('C3')));
    const badUtf8 = encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(8)), encodeTlv(0x0c, fromHex('C328')));
    const fields = buildDg13([
      [0x0c, 'Không thời hạn'],
      [0x02, 'Nguyễn Văn Ấn'],
      [0x03, '31/02/1990'],
      [0x0e, 'Phạm Thị Vợ'],
      [0x10, '0123456789ABCDEF'],
      [0x02, 'Second occurrence'],
    ]);
    const dg13 = parseDg13(encodeTlv(0x6d, readTlv(fields).tlv.value, unknownStringType, badUtf8));
    expect(dg13).toMatchObject({
      fullName: 'Nguyễn Văn Ấn',
      dateOfBirth: { raw: '31/02/1990', date: null },
      expiryDate: { raw: 'Không thời hạn', date: null },
      spouseName: 'Phạm Thị Vợ',
      oldIdNumber: null,
      extraFields: [{ id: 16, values: ['0123456789ABCDEF'] }],
      unreadableFieldIds: [9, 8],
      idNumber: null,
    });
  });

  test.each([
    ['truncated', F3_DG13.subarray(0, 200)],
    ['another data group', F3_DG1],
    ['no field at all', encodeTlv(0x6d, encodeTlv(0x04, fromHex('00')))],
  ])('%s is card.unsupported', async (_name, file) => {
    expect(await kioskErrorCode(() => parseDg13(file))).toBe('card.unsupported');
  });
});

describe('DG2', () => {
  const { jpeg, width, height } = buildFaceJpeg();
  const reasonOf = (file: Uint8Array) => {
    try {
      parseDg2(file);
      return 'no error';
    } catch (error) {
      return error instanceof KioskError ? `${error.code} ${String(error.params.reason)}` : String(error);
    }
  };

  test('the CBEFF template and its ISO/IEC 19794-5 facial record give the JPEG, its format and its size', () => {
    expect(toHex(jpeg.subarray(0, 4))).toBe('FFD8FFE0');
    expect(parseDg2(buildDg2(jpeg, width, height))).toEqual({ format: 'jpeg', image: jpeg, width: 64, height: 80 });
  });

  test('JPEG 2000 as a JP2 file in the constructed data block 7F2E, or as a bare codestream; a size of 0 is unknown', () => {
    const jp2 = fromHex('0000000C6A5020200D0A870A00000014667479706A703220');
    expect(parseDg2(buildDg2(jp2, 0, 0, 0x7f2e))).toEqual({ format: 'jpeg2000', image: jp2, width: null, height: null });
    expect(parseDg2(buildDg2(fromHex('FF4FFF51002F0000'), 480, 640))).toMatchObject({ format: 'jpeg2000', width: 480, height: 640 });
  });

  test.each([
    ['another record format', () => fromHex(toHex(buildDg2(jpeg, width, height)).replace('46414300', '46495200')), 'dg2.notFacialRecord'],
    ['a face without image data', () => buildDg2(new Uint8Array(0), width, height), 'dg2.truncated'],
    ['a PNG', () => buildDg2(fromHex('89504E470D0A1A0A'), width, height), 'dg2.imageFormat'],
    ['no biometric template', () => encodeTlv(0x75, encodeTlv(0x7f61, encodeTlv(0x02, Uint8Array.of(0)))), 'dg2.noTemplate'],
  ])('%s is card.unsupported', (_name, build, reason) => {
    expect(reasonOf(build())).toBe(`card.unsupported ${reason}`);
  });
});

const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());

describe('EF.SOD', () => {
  test('a CMS SignedData made by OpenSSL: SHA-256, the hash of DG1 and DG13, one certificate, one signer', () => {
    const sod = parseSod(OPENSSL_SOD);
    expect(sod.hashAlgorithmOid).toBe('2.16.840.1.101.3.4.2.1');
    expect(sod.hashAlgorithm).toBe('sha256');
    expect(sod.dataGroupHashes).toEqual(new Map([[1, sha256(F3_DG1)], [13, sha256(F3_DG13)]]));
    expect(sod.signedData.certificates).toHaveLength(1);
    expect(sod.signedData.signerInfos).toHaveLength(1);
    expect(toHex(sod.signedData.content.subarray(0, 2))).toBe('3060');
  });

  test('its SignerInfo: signer by issuer and serial number, SHA-256, ECDSA, and the signed attributes re-tagged as a SET', () => {
    const sod = parseSod(OPENSSL_SOD);
    const [signer] = sod.signedData.signerInfos;
    const certificate = parseCertificate(sod.signedData.certificates[0]!);
    expect(toHex(certificate.serialNumber)).toBe('3143AA1C2276E0596C16526E3AA739E17D464054');
    expect(toHex(certificate.subjectKeyIdentifier!)).toBe('573C24B4EA5B3BEB65003E9ACEAC5DFB36216B98');
    expect([certificate.notBefore, certificate.notAfter]).toEqual([new Date('2026-11-23T23:14:53Z'), new Date('2036-11-20T23:14:53Z')]);
    expect(signer).toMatchObject({
      signerId: { issuer: certificate.issuer, serialNumber: certificate.serialNumber },
      digestAlgorithm: 'sha256',
      signatureAlgorithm: { scheme: 'ecdsa', hash: 'sha256' },
      signedAttributes: { contentType: OID.ldsSecurityObject, signingTime: new Date('2026-11-23T23:14:56Z'), messageDigest: sha256(sod.signedData.content) },
    });
    expect(sod.signedData.contentType).toBe(OID.ldsSecurityObject);
    // RFC 5652 §5.4: the signature covers the [0] IMPLICIT attributes (A0 81 E1 …) with the SET OF tag.
    const signed = toHex(signer!.signedAttributes!.signed);
    expect(signed.slice(0, 6)).toBe('3181E1');
    expect(toHex(OPENSSL_SOD)).toContain(`A081E1${signed.slice(6)}`);
  });

  test('an SOD whose content is not an LDSSecurityObject is card.unsupported', async () => {
    const otherContent = OPENSSL_SOD.slice();
    const ldsOid = toHex(otherContent).indexOf('0606678108010101') / 2;
    otherContent[ldsOid + 7] = 0x02;
    expect(await kioskErrorCode(() => parseSod(otherContent))).toBe('card.unsupported');
  });
});

describe('the simulated CCCD chip', () => {
  const accessKey = cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry);
  const chip = (options: Partial<Parameters<typeof createSimulatedChip>[0]> = {}) =>
    createSimulatedChip({ crypto, accessKey, files: fakeCardFiles(), ...options });

  test('BAC, then EF.COM, DG1, DG2 past 32 KiB, DG13 and EF.SOD, whose hashes match what was read', async () => {
    const transmit = chip();
    await selectEmrtdApplication(plainChannel(transmit));
    const channel = await authenticateWithBac(transmit, crypto, accessKey);

    const efCom = parseEfCom(await readFile(channel, FILE_ID.com));
    expect(efCom.dataGroups).toEqual([1, 2, 13]);
    const files = new Map<number, Uint8Array>();
    for (const number of efCom.dataGroups) files.set(number, await readFile(channel, FILE_ID.dataGroup(number)));

    const expected = fakeCardFiles();
    expect(files.get(2)).toEqual(expected.get(FILE_ID.dataGroup(2)));
    expect(files.get(2)!.length).toBeGreaterThan(0x7fff);
    expect(parseDg1(files.get(1)!)).toMatchObject({ cccdNumber: FAKE_CARD.number, surname: 'TRAN', givenNames: 'THI THU', checkDigitsValid: true });
    expect(parseDg13(files.get(13)!)).toMatchObject({ fullName: 'Trần Thị Thử', fatherName: 'Trần Văn Mẫu', motherName: 'Lê Thị Mẫu', oldIdNumber: '225000001' });

    const sod = parseSod(await readFile(channel, FILE_ID.sod));
    expect(sod.dataGroupHashes).toEqual(new Map([...files].map(([number, file]) => [number, sha256(file)])));
  });

  test('a DG13 read in chunks of any size is the same file', async () => {
    const transmit = chip();
    const channel = await authenticateWithBac(transmit, crypto, accessKey);
    const dg13 = fakeCardFiles().get(FILE_ID.dataGroup(13));
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 0xdf }), async (chunk) => {
        expect(await readFile(channel, FILE_ID.dataGroup(13), chunk)).toEqual(dg13);
      }),
      { numRuns: 15 },
    );
  });

  test('another birth date opens nothing: card.wrongMrz', async () => {
    const wrongKey = cccdAccessKey(FAKE_CARD.number, '900316', FAKE_CARD.dateOfExpiry);
    expect(await kioskErrorCode(authenticateWithBac(chip(), crypto, wrongKey))).toBe('card.wrongMrz');
  });

  test('files are closed before BAC, and a file the chip lacks is named in the error', async () => {
    const transmit = chip();
    const before = await readFile(plainChannel(transmit), FILE_ID.dataGroup(1)).catch((error: KioskError) => error.params);
    expect(before).toEqual({ reason: 'selectFile', statusWord: '6982', fileId: '0101' });
    const channel = await authenticateWithBac(transmit, crypto, accessKey);
    const missing = await readFile(channel, FILE_ID.dataGroup(14)).catch((error: KioskError) => error.params);
    expect(missing).toEqual({ reason: 'selectFile', statusWord: '6A82', fileId: '010E' });
  });

  test('a byte changed on the way back is card.badMac', async () => {
    const transmit = chip();
    let tamper = false;
    const meddling: Transmit = async (command) => {
      const response = await transmit(command);
      if (tamper) response[3]! ^= 0x01;
      return response;
    };
    const channel = await authenticateWithBac(meddling, crypto, accessKey);
    tamper = true;
    expect(await kioskErrorCode(readFile(channel, FILE_ID.dataGroup(1)))).toBe('card.badMac');
  });

  test('an answer lost on the way puts the counters out of step: the next exchange is card.badMac', async () => {
    const transmit = chip();
    let dropNext = false;
    const lossy: Transmit = async (command) => {
      const response = await transmit(command);
      if (dropNext) {
        dropNext = false;
        throw new Error('reader timeout');
      }
      return response;
    };
    const channel = await authenticateWithBac(lossy, crypto, accessKey);
    dropNext = true;
    await expect(readFile(channel, FILE_ID.com)).rejects.toThrow('reader timeout');
    expect(await kioskErrorCode(readFile(channel, FILE_ID.com))).toBe('card.badMac');
  });
});
