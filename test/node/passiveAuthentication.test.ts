import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { nodeIcaoCrypto as crypto } from '../../electron/host/devices/cardReader/icaoCrypto';
import { createPassiveAuthentication, loadCscaFile, parseCscaFile } from '../../electron/host/devices/cardReader/passiveAuthentication';
import { createSimulatedChip } from '../../electron/host/devices/cardReader/simulatedChip';
import { asciiBytes, fromHex } from '../../shared/icao9303/bytes';
import { FILE_ID } from '../../shared/icao9303/files';
import { cccdAccessKey, type MrzAccessKey } from '../../shared/icao9303/mrz';
import { readDocument } from '../../shared/icao9303/readDocument';
import { decodeOid, OID, parseSod, type PassiveAuthenticationResult } from '../../shared/icao9303/sod';
import { childrenOf, encodeTlv, type Tlv } from '../../shared/icao9303/tlv';
import { kioskErrorOf } from '../support/errors';
import {
  buildDg13,
  buildEfCom,
  buildLdsSecurityObject,
  buildMasterList,
  F3_DG1,
  F3_DG13,
  FAKE_CARD,
  FAKE_CARD_DG13_FIELDS,
  fakeCard,
  impostorCsca,
  OPENSSL_SOD,
  reissueCsca,
  replaceAt,
  resignSod,
  SIGNER_PROFILES,
  SOD_PATH,
  testPki,
  type FakeCard,
  type SignerProfile,
} from '../support/cccdChip';

/**
 * Passive authentication (Doc 9303-11 §5.1, RFC 5652) against SODs that OpenSSL signs under a
 * test PKI made for this run, and the whole chip read against the simulated CCCD chip.
 */

const certificates = (...pems: string[]) => pems.map((pem) => new X509Certificate(pem));
const verifier = (cscas: readonly string[], now?: () => Date) => createPassiveAuthentication({ cscas: certificates(...cscas), ...(now ? { now } : {}) });

const sodOf = (card: FakeCard) => card.files.get(FILE_ID.sod)!;
const dataGroupsOf = (card: FakeCard) => new Map([1, 2, 13].map((number) => [number, card.files.get(FILE_ID.dataGroup(number))!]));

function verifyCard(
  card: FakeCard,
  { cscas = [card.cscaPem], sod = sodOf(card), dataGroups = dataGroupsOf(card), now }: { cscas?: string[]; sod?: Uint8Array; dataGroups?: Map<number, Uint8Array>; now?: () => Date } = {},
): Promise<PassiveAuthenticationResult> {
  return verifier(cscas, now).verify(parseSod(sod), dataGroups);
}


const flipLastByte = (tlv: Tlv) => {
  const value = tlv.value.slice();
  value[value.length - 1]! ^= 0x01;
  return encodeTlv(tlv.tag, value);
};

/** RFC 5652 §11 attribute OIDs, DER-encoded; an Attribute is SEQUENCE { type, SET { value } }. */
const ATTRIBUTE = {
  contentType: fromHex('06092A864886F70D010903'),
  messageDigest: fromHex('06092A864886F70D010904'),
  signingTime: fromHex('06092A864886F70D010905'),
};
const isAttribute = (tlv: Tlv, oid: string) => decodeOid(childrenOf(tlv)[0]!.value) === oid;
const replaceAttribute = (oid: string, type: Uint8Array, value: Uint8Array) => (attributes: Tlv[]) =>
  attributes.map((attribute) => (isAttribute(attribute, oid) ? encodeTlv(0x30, type, encodeTlv(0x31, value)) : attribute.encoded));

const yearsFromNow = (years: number) => new Date(Date.now() + years * 365.25 * 24 * 3600_000);
/** UTCTime, YYMMDDHHMMSSZ (RFC 5652 §11.3). */
const utcTime = (date: Date) => encodeTlv(0x17, asciiBytes(`${date.toISOString().slice(2, 19).replace(/\D/g, '')}Z`));

const PROFILES = Object.keys(SIGNER_PROFILES) as SignerProfile[];

describe('passive authentication (Doc 9303-11 §5.1)', () => {
  test.each(PROFILES)('%s: hashes, signed attributes, signature and chain hold: genuine', async (profile) => {
    const card = fakeCard(profile);
    expect(await verifyCard(card)).toEqual({ outcome: 'genuine' });
  });

  test('the profiles really differ: ECDSA, RSA-PSS with its parameters, RSA PKCS#1 v1.5; by issuer and serial or key identifier', () => {
    const signer = (profile: SignerProfile) => parseSod(sodOf(fakeCard(profile))).signedData.signerInfos[0]!;
    expect(signer('ecdsaP256')).toMatchObject({ signatureAlgorithm: { scheme: 'ecdsa', hash: 'sha256' }, signerId: { serialNumber: expect.any(Uint8Array) } });
    expect(signer('ecdsaBrainpoolP384')).toMatchObject({ signatureAlgorithm: { scheme: 'ecdsa', hash: 'sha384' }, signerId: { subjectKeyIdentifier: expect.any(Uint8Array) } });
    expect(signer('rsaPss')).toMatchObject({ signatureAlgorithm: { scheme: 'rsaPss', hash: 'sha256', saltLength: 32 }, signerId: { subjectKeyIdentifier: expect.any(Uint8Array) } });
    expect(signer('rsaPkcs1')).toMatchObject({ signatureAlgorithm: { scheme: 'rsaPkcs1', hash: 'sha256' } });
    expect(parseSod(sodOf(fakeCard('ecdsaBrainpoolP384'))).hashAlgorithm).toBe('sha384');
  });

  test('no CSCA provisioned: issuerUnknown', async () => {
    expect(await verifyCard(fakeCard(), { cscas: [] })).toEqual({ outcome: 'issuerUnknown', reason: 'noCscaLoaded' });
  });

  test('another CSCA, the document signer itself, an impostor with the same name and key identifier, or the right key under another name: issuerUnknown', async () => {
    const card = fakeCard();
    const notChained = { outcome: 'issuerUnknown', reason: 'notChained' };
    expect(await verifyCard(card, { cscas: [reissueCsca(testPki('ecP256'), 3650, '/C=VN/O=DVC Kiosk test/CN=Renamed CSCA')] })).toEqual(notChained);
    expect(await verifyCard(card, { cscas: [testPki('ecP256', 'Other').cscaPem] })).toEqual(notChained);
    expect(await verifyCard(card, { cscas: [testPki('ecP256').dsPem] })).toEqual(notChained);
    expect(await verifyCard(card, { cscas: [impostorCsca(testPki('ecP256'))] })).toEqual(notChained);
    // Among several, the right one is found.
    expect(await verifyCard(card, { cscas: [testPki('ecP256', 'Other').cscaPem, card.cscaPem] })).toEqual({ outcome: 'genuine' });
  });

  test.each(['ecdsaP256', 'rsaPss'] as const)('%s: among several certificates in the SOD, the one SignerInfo names signs', async (profile) => {
    const card = fakeCard(profile);
    // The CSCA's certificate first: same issuer as the document signer's, another serial number and key identifier.
    const csca = new X509Certificate(card.cscaPem).raw;
    const sod = replaceAt(sodOf(card), SOD_PATH.certificates, (tlv) => encodeTlv(tlv.tag, csca, tlv.value));
    expect(parseSod(sod).signedData.certificates).toHaveLength(2);
    expect(await verifyCard(card, { sod })).toEqual({ outcome: 'genuine' });
  });

  test.each([
    ['an RSA signature labelled ECDSA', 'rsaPkcs1', '06082A8648CE3D040302'],
    ['an ECDSA signature labelled RSA', 'ecdsaP256', '06092A864886F70D01010B'],
  ] as const)('%s does not verify with the other kind of key: altered', async (_name, profile, oid) => {
    const card = fakeCard(profile);
    const sod = replaceAt(sodOf(card), SOD_PATH.signatureAlgorithm, () => encodeTlv(0x30, fromHex(oid)));
    expect(await verifyCard(card, { sod })).toEqual({ outcome: 'altered', dataGroups: [], signatureValid: false });
  });

  test('one byte of DG13 changed: altered, DG13 named, the signature itself still valid', async () => {
    const card = fakeCard();
    const dataGroups = dataGroupsOf(card);
    const dg13 = dataGroups.get(13)!.slice();
    dg13[dg13.length - 1]! ^= 0x01;
    dataGroups.set(13, dg13);
    expect(await verifyCard(card, { dataGroups })).toEqual({ outcome: 'altered', dataGroups: [13], signatureValid: true });
  });

  test('a data group the SOD does not list is altered too', async () => {
    const card = fakeCard();
    const dataGroups = dataGroupsOf(card).set(14, fromHex('6E00'));
    expect(await verifyCard(card, { dataGroups })).toEqual({ outcome: 'altered', dataGroups: [14], signatureValid: true });
  });

  test.each(['ecdsaP256', 'rsaPss'] as const)('%s: one bit of the signature changed: altered, signature invalid', async (profile) => {
    const card = fakeCard(profile);
    const sod = replaceAt(sodOf(card), SOD_PATH.signature, flipLastByte);
    expect(await verifyCard(card, { sod })).toEqual({ outcome: 'altered', dataGroups: [], signatureValid: false });
  });

  test('a signed attribute changed (the signing time): altered, signature invalid', async () => {
    const card = fakeCard();
    const laterTime = replaceAttribute(OID.signingTimeAttribute, ATTRIBUTE.signingTime, encodeTlv(0x17, asciiBytes('300101000000Z')));
    const sod = replaceAt(sodOf(card), SOD_PATH.signedAttributes, (attributes) => encodeTlv(attributes.tag, ...laterTime(childrenOf(attributes))));
    expect(await verifyCard(card, { sod })).toEqual({ outcome: 'altered', dataGroups: [], signatureValid: false });
  });

  test("the SOD's hashes rewritten for a changed DG13: they match, but the signed messageDigest does not", async () => {
    const card = fakeCard();
    const dataGroups = dataGroupsOf(card).set(13, buildDg13([[0x02, 'Nguyễn Văn Giả']]));
    const sod = replaceAt(sodOf(card), SOD_PATH.eContent, () => encodeTlv(0x04, buildLdsSecurityObject(dataGroups)));
    expect(await verifyCard(card, { sod, dataGroups })).toEqual({ outcome: 'altered', dataGroups: [], signatureValid: false });
  });

  describe('signed attributes that lie, signed again with the document signer key', () => {
    const card = () => fakeCard('rsaPss');
    const resigned = (edit: (attributes: Tlv[]) => Uint8Array[]) => resignSod(sodOf(card()), 'rsaPss', edit);

    test('unchanged, the re-signed SOD is genuine (so the cases below fail for their change alone)', async () => {
      expect(await verifyCard(card(), { sod: resigned((attributes) => attributes.map((attribute) => attribute.encoded)) })).toEqual({ outcome: 'genuine' });
    });

    test('a messageDigest that is not the content’s, or a contentType that is not the LDSSecurityObject: altered', async () => {
      const wrongDigest = resigned(replaceAttribute(OID.messageDigestAttribute, ATTRIBUTE.messageDigest, encodeTlv(0x04, new Uint8Array(32))));
      const wrongType = resigned(replaceAttribute(OID.contentTypeAttribute, ATTRIBUTE.contentType, fromHex('06092A864886F70D010701')));
      const missingDigest = resigned((attributes) => attributes.filter((attribute) => !isAttribute(attribute, OID.messageDigestAttribute)).map((attribute) => attribute.encoded));
      for (const sod of [wrongDigest, wrongType, missingDigest]) {
        expect(await verifyCard(card(), { sod })).toEqual({ outcome: 'altered', dataGroups: [], signatureValid: false });
      }
    });

    test('signed in 2000, before the document signer certificate: issuerUnknown, outside validity', async () => {
      const sod = resigned(replaceAttribute(OID.signingTimeAttribute, ATTRIBUTE.signingTime, encodeTlv(0x17, asciiBytes('000101000000Z'))));
      expect(await verifyCard(card(), { sod })).toEqual({ outcome: 'issuerUnknown', reason: 'outsideValidity' });
    });

    test('signed when the document signer certificate had expired, though its CSCA had not: outside validity', async () => {
      const sod = resigned(replaceAttribute(OID.signingTimeAttribute, ATTRIBUTE.signingTime, utcTime(yearsFromNow(12))));
      expect(await verifyCard(card(), { sod })).toEqual({ outcome: 'issuerUnknown', reason: 'outsideValidity' });
    });

    test('signed after a CSCA copy expired: outside validity, unless another copy of the same CSCA was valid', async () => {
      const shortCsca = reissueCsca(testPki('rsa'), 1);
      const signedAt = (days: number) => resigned(replaceAttribute(OID.signingTimeAttribute, ATTRIBUTE.signingTime, utcTime(yearsFromNow(days / 365))));
      expect(await verifyCard(card(), { sod: signedAt(0.5), cscas: [shortCsca] })).toEqual({ outcome: 'genuine' });
      expect(await verifyCard(card(), { sod: signedAt(2), cscas: [shortCsca] })).toEqual({ outcome: 'issuerUnknown', reason: 'outsideValidity' });
      expect(await verifyCard(card(), { sod: signedAt(2), cscas: [shortCsca, card().cscaPem] })).toEqual({ outcome: 'genuine' });
    });

    test('without a signing time, validity is judged by the kiosk clock', async () => {
      const sod = resigned((attributes) => attributes.filter((attribute) => !isAttribute(attribute, OID.signingTimeAttribute)).map((attribute) => attribute.encoded));
      expect(parseSod(sod).signedData.signerInfos[0]!.signedAttributes!.signingTime).toBeNull();
      expect(await verifyCard(card(), { sod })).toEqual({ outcome: 'genuine' });
      expect(await verifyCard(card(), { sod, now: () => new Date('2000-01-01T00:00:00Z') })).toEqual({ outcome: 'issuerUnknown', reason: 'outsideValidity' });
      expect(await verifyCard(card(), { sod, now: () => new Date('2100-01-01T00:00:00Z') })).toEqual({ outcome: 'issuerUnknown', reason: 'outsideValidity' });
    });
  });

  test('the OpenSSL fixture (facts.md §F.3 data groups): issuerUnknown, or genuine with its own certificate as CSCA', async () => {
    const sod = parseSod(OPENSSL_SOD);
    const dataGroups = new Map([
      [1, F3_DG1],
      [13, F3_DG13],
    ]);
    const ownCertificate = new X509Certificate(sod.signedData.certificates[0]!).toString();
    expect(await verifier([]).verify(sod, dataGroups)).toEqual({ outcome: 'issuerUnknown', reason: 'noCscaLoaded' });
    expect(await verifier([ownCertificate]).verify(sod, dataGroups)).toEqual({ outcome: 'genuine' });
    expect(await verifier([ownCertificate]).verify(sod, new Map([[1, F3_DG13]]))).toEqual({ outcome: 'altered', dataGroups: [1], signatureValid: true });
  });

  describe('what the kiosk cannot verify is card.unsupported', () => {
    const sod = () => sodOf(fakeCard());
    const dropSignerInfoField = (index: number) => replaceAt(sod(), SOD_PATH.signerInfo, (tlv) => encodeTlv(tlv.tag, ...childrenOf(tlv).filter((_, i) => i !== index).map((field) => field.encoded)));
    const pss = (mgf1Hash: string) =>
      encodeTlv(
        0x30,
        fromHex('06092A864886F70D01010A'),
        encodeTlv(
          0x30,
          encodeTlv(0xa0, encodeTlv(0x30, fromHex('0609608648016503040201'))),
          encodeTlv(0xa1, encodeTlv(0x30, fromHex('06092A864886F70D010108'), encodeTlv(0x30, fromHex(mgf1Hash)))),
          encodeTlv(0xa2, fromHex('020120')),
        ),
      );

    test.each([
      ['a DSA signature', () => replaceAt(sod(), SOD_PATH.signatureAlgorithm, () => encodeTlv(0x30, fromHex('0609608648016503040302'))), 'signatureAlgorithm'],
      ['RSA-PSS whose mask uses SHA-1 under SHA-256', () => replaceAt(sodOf(fakeCard('rsaPss')), SOD_PATH.signatureAlgorithm, () => pss('06052B0E03021A')), 'signatureAlgorithm'],
      ['an MD5 LDSSecurityObject', () => replaceAt(sod(), SOD_PATH.eContent, (tlv) => encodeTlv(0x04, replaceAt(tlv.value, [1], () => encodeTlv(0x30, fromHex('06082A864886F70D0205'))))), 'hashAlgorithm'],
      ['no signed attributes', () => dropSignerInfoField(3), 'noSignedAttributes'],
      ['no document signer certificate', () => replaceAt(sod(), [0, 1, 0], (tlv) => encodeTlv(tlv.tag, ...childrenOf(tlv).filter((field) => field.tag !== 0xa0).map((field) => field.encoded))), 'noSignerCertificate'],
    ])('%s', async (_name, build, reason) => {
      const error = await kioskErrorOf(verifyCard(fakeCard(), { sod: build() }));
      expect([error.code, error.params.reason]).toEqual(['card.unsupported', `passiveAuthentication.${reason}`]);
    });

    test('RSA-PSS with SHA-256 throughout is read as such (the case above fails for its mask alone)', () => {
      const sod = replaceAt(sodOf(fakeCard('rsaPss')), SOD_PATH.signatureAlgorithm, () => pss('0609608648016503040201'));
      expect(parseSod(sod).signedData.signerInfos[0]!.signatureAlgorithm).toEqual({ scheme: 'rsaPss', hash: 'sha256', saltLength: 32 });
    });
  });
});

describe('the CSCA file a technician provides', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvc-csca-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: Uint8Array | string) => {
    writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  };
  const card = fakeCard();
  const other = testPki('ecP256', 'Other').cscaPem;
  const verifyWith = async (cscas: X509Certificate[]) => createPassiveAuthentication({ cscas }).verify(parseSod(sodOf(card)), dataGroupsOf(card));

  test('a PEM bundle, a DER certificate and an ICAO master list each give the CSCAs', async () => {
    const bundle = await loadCscaFile(file('bundle.pem', `${other}\n${card.cscaPem}`));
    const der = await loadCscaFile(file('csca.cer', new X509Certificate(card.cscaPem).raw));
    const masterList = await loadCscaFile(file('masterlist.ml', buildMasterList([other, card.cscaPem])));
    expect([bundle.length, der.length, masterList.length]).toEqual([2, 1, 2]);
    for (const cscas of [bundle, der, masterList]) expect(await verifyWith(cscas)).toEqual({ outcome: 'genuine' });
    expect(await verifyWith(parseCscaFile(buildMasterList([other])))).toEqual({ outcome: 'issuerUnknown', reason: 'notChained' });
  });

  test('anything else, or no file at all, is card.cscaFileInvalid', async () => {
    const invalid = [
      () => loadCscaFile(path.join(dir, 'missing.pem')),
      () => loadCscaFile(file('garbage.pem', 'not a certificate')),
      async () => parseCscaFile(sodOf(card)),
      async () => parseCscaFile(fromHex('3003020100')),
    ];
    for (const load of invalid) expect((await kioskErrorOf(load())).code).toBe('card.cscaFileInvalid');
  });
});

describe('the whole chip read against the simulated CCCD chip', () => {
  const accessKey = cccdAccessKey(FAKE_CARD.number, FAKE_CARD.dateOfBirth, FAKE_CARD.dateOfExpiry);
  const read = (card: FakeCard, { cscas = [card.cscaPem], key = accessKey }: { cscas?: string[]; key?: MrzAccessKey } = {}) =>
    readDocument({
      transmit: createSimulatedChip({ crypto, accessKey, files: card.files }),
      crypto,
      accessKey: key,
      passiveAuthentication: verifier(cscas),
    });

  test.each(['ecdsaP256', 'rsaPss'] as const)('%s: MRZ, personal data and face, genuine', async (profile) => {
    const document = await read(fakeCard(profile));
    expect(document.dataGroups).toEqual([1, 2, 13]);
    expect(document.mrz).toMatchObject({ cccdNumber: FAKE_CARD.number, surname: 'TRAN', givenNames: 'THI THU', checkDigitsValid: true });
    expect(document.personalData).toMatchObject({ idNumber: FAKE_CARD.number, fullName: 'Trần Thị Thử', motherName: 'Lê Thị Mẫu' });
    expect(document.face).toMatchObject({ format: 'jpeg', width: 64, height: 80 });
    expect(document.passiveAuthentication).toEqual({ outcome: 'genuine' });
  });

  test('without a CSCA the data are read and reported issuerUnknown', async () => {
    const document = await read(fakeCard(), { cscas: [] });
    expect(document.personalData?.fullName).toBe('Trần Thị Thử');
    expect(document.passiveAuthentication).toEqual({ outcome: 'issuerUnknown', reason: 'noCscaLoaded' });
  });

  test('another birth date opens nothing: card.wrongMrz', async () => {
    const error = await kioskErrorOf(read(fakeCard(), { key: cccdAccessKey(FAKE_CARD.number, '900316', FAKE_CARD.dateOfExpiry) }));
    expect(error.code).toBe('card.wrongMrz');
  });

  test('a chip whose DG13 was rewritten: the new name is read, and reported altered', async () => {
    const card = fakeCard();
    card.files.set(FILE_ID.dataGroup(13), buildDg13(FAKE_CARD_DG13_FIELDS.map((field) => (field[0] === 0x02 ? [0x02, 'Nguyễn Văn Giả'] : field))));
    const document = await read(card);
    expect(document.personalData?.fullName).toBe('Nguyễn Văn Giả');
    expect(document.passiveAuthentication).toEqual({ outcome: 'altered', dataGroups: [13], signatureValid: true });
  });

  test('a DG13 altered past parsing is card.altered, not card.unsupported', async () => {
    const card = fakeCard();
    card.files.set(FILE_ID.dataGroup(13), fromHex('6D020400'));
    const error = await kioskErrorOf(read(card));
    expect([error.code, error.params]).toEqual(['card.altered', { dataGroups: '13' }]);
  });

  test('an EF.COM that hides DG2 does not hide it from the read: the SOD lists it', async () => {
    const card = fakeCard();
    card.files.set(FILE_ID.com, buildEfCom([1, 13]));
    const document = await read(card);
    expect(document.dataGroups).toEqual([1, 13]);
    expect(document.face?.format).toBe('jpeg');
    expect(document.passiveAuthentication).toEqual({ outcome: 'genuine' });
  });
});
