import { execFileSync } from 'node:child_process';
import { constants, createHash, sign, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { asciiBytes, concatBytes, fromHex } from '../../shared/icao9303/bytes';
import { FILE_ID } from '../../shared/icao9303/files';
import { dataGroupTag } from '../../shared/icao9303/lds';
import { OID, parseCertificate } from '../../shared/icao9303/sod';
import { childrenOf, encodeTlv, readTlv, type Tlv } from '../../shared/icao9303/tlv';

/**
 * A fake CCCD chip's files, for the ICAO 9303 tests and the simulated chip. All people and
 * numbers are invented (the founders' domain notes: README §6, facts.md §2.5 and §F.3).
 *
 * Its EF.SOD is signed by a test PKI (CSCA → document signer) that OpenSSL makes in a temporary
 * folder the first time a test asks for it: no key is ever committed, and each run has new ones.
 */

/** facts.md §F.3: the fake card 056190012345, born 15-03-1990, expiring 15-03-2030. */
export const FAKE_CARD = { number: '056190012345', dateOfBirth: '900315', dateOfExpiry: '300315' } as const;

/** facts.md §F.3, its TD1 MRZ. */
export const FAKE_CARD_MRZ = [
  'IDVNM1900123457056190012345<<8',
  '9003152F3003150VNM<<<<<<<<<<<0',
  'TRAN<<THI<THU<<<<<<<<<<<<<<<<<',
] as const;

/** facts.md §F.3: EF.DG1 (95 bytes) as printed there. */
export const F3_DG1 = fromHex(
  '615D5F1F5A4944564E4D313930303132333435373035363139303031323334353C3C38393030333135324633303033313530564E4D3C3C3C3C3C3C3C3C3C3C3C305452414E3C3C5448493C5448553C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C3C',
);

/**
 * facts.md §F.3: EF.DG13 (403 bytes) in the nested layout of facts.md §2.5 (version, OID, SET of
 * fields; parents as a nested SEQUENCE; old ID number in field 15).
 */
export const F3_DG13 = fromHex(
  '6D82018F3082018B020101060628D3160100083182017C3011020101130C30353631393030313233343530170201020C125472E1BAA76E205468E1BB8B205468E1BBAD300F020103130A31352F30332F3139393030090201040C044EE1BBAF300F0201050C0A5669E1BB8774204E616D30090201060C044B696E68300B0201070C064B68C3B46E67302D0201080C284B68C3A16E6820C490C3B46E672C204B68C3A16E682056C4A96E682C204B68C3A16E682048C3B26130410201090C3C5468C3B46E205375E1BB9169205468C6A16D2C204B68C3A16E6820C490C3B46E672C204B68C3A16E682056C4A96E682C204B68C3A16E682048C3B261303A02010A0C354EE1BB9174207275E1BB936920433A31636D2064C6B0E1BB9B69207472C6B0E1BB9B632063C3A16E68206DC5A969207068E1BAA369300F02010B130A32302F30342F32303231300F02010C130A31352F30332F32303330302902010D30240C115472E1BAA76E2056C4836E204DE1BAAB750C0F4CC3AA205468E1BB8B204DE1BAAB75300E02010F1309323235303030303031',
);

/**
 * An EF.SOD over F3_DG1 (DG 1) and F3_DG13 (DG 13), SHA-256, made by OpenSSL 3.0.19, so the DER
 * walker meets a CMS it did not write: signed attributes, a certificate, an ECDSA signature.
 * The LDSSecurityObject was written with `encodeTlv`, then:
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ds.key \
 *     -out ds.crt -subj "/C=VN/CN=DVC Kiosk test document signer" -days 3650
 *   openssl cms -sign -in lso.der -binary -nodetach -outform DER -econtent_type 2.23.136.1.1.1 \
 *     -signer ds.crt -inkey ds.key -md sha256 -out sod.cms
 * and wrapped in tag 0x77. `openssl cms -verify -CAfile ds.crt` accepts it (the key was not kept).
 */
export const OPENSSL_SOD = fromHex(
  '77820403308203FF06092A864886F70D010702A08203F0308203EC020103310D300B0609608648016503040201306E0606678108010101A064046230' +
  '60020100300B0609608648016503040201304E30250201010420F94181950918E737CC7500417673E67FA7A0260794CF60D03B455B63229F04113025' +
  '02010D0420E2D339050B1A7E0C25747B7EC7331A489CF4DDD50A39D376FC7629FA966F61B7A08201C4308201C030820167A00302010202143143AA1C' +
  '2276E0596C16526E3AA739E17D464054300A06082A8648CE3D0403023036310B300906035504061302564E3127302506035504030C1E445643204B69' +
  '6F736B207465737420646F63756D656E74207369676E6572301E170D3236313132333233313435335A170D3336313132303233313435335A3036310B' +
  '300906035504061302564E3127302506035504030C1E445643204B696F736B207465737420646F63756D656E74207369676E65723059301306072A86' +
  '48CE3D020106082A8648CE3D030107034200042CB36123614A2221406AA66E5E53BF0050CAD2C2715A7EE0B076F2CD6EE3DC68B3EDA4B69D95E7130E' +
  '3A0CC97981CF74CD71766AE252D0A4D3C5CD5C568C34D5A3533051301D0603551D0E04160414573C24B4EA5B3BEB65003E9ACEAC5DFB36216B98301F' +
  '0603551D23041830168014573C24B4EA5B3BEB65003E9ACEAC5DFB36216B98300F0603551D130101FF040530030101FF300A06082A8648CE3D040302' +
  '034700304402201B1FFE69BD037B516E135231B3DED57714D482EB11D497EFF2E0F6CCCE6D825C022009331B299C7F9DB10B1447D1370659769451D2' +
  '1B55E0D1B0A84189B93341B5143182019E3082019A020101304E3036310B300906035504061302564E3127302506035504030C1E445643204B696F73' +
  '6B207465737420646F63756D656E74207369676E657202143143AA1C2276E0596C16526E3AA739E17D464054300B0609608648016503040201A081E1' +
  '301506092A864886F70D01090331080606678108010101301C06092A864886F70D010905310F170D3236313132333233313435365A302F06092A8648' +
  '86F70D01090431220420F1C6BE730BA1CA3CA9DCFC4C9A56A574BAA991D7749E4FE0C73798EE3C5CED28307906092A864886F70D01090F316C306A30' +
  '0B060960864801650304012A300B0609608648016503040116300B0609608648016503040102300A06082A864886F70D0307300E06082A864886F70D' +
  '030202020080300D06082A864886F70D0302020140300706052B0E030207300D06082A864886F70D0302020128300A06082A8648CE3D040302044830' +
  '460221008D212CA8C0FFA2E12D9D33B0F469AAE1439AA3DC2EED1D1C0AC727D5141B507002210085E8A3BC36153C13E241B11B4ED46C37C3CC5961E8' +
  '9379D5DDEC82E3167D8B4F'
);

const UTF8_STRING = 0x0c;
const field = (id: number, ...values: string[]) =>
  encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(id)), ...values.map((value) => encodeTlv(UTF8_STRING, new TextEncoder().encode(value))));

/**
 * DG13 in the layout of the domain notes' README §6.2: field SEQUENCEs straight under the root
 * 0x6D, UTF-8 values, the parents as two values of field 0x0D, the old CMND in field 0x10.
 */
export const buildDg13 = (fields: ReadonlyArray<readonly [id: number, ...values: string[]]>): Uint8Array =>
  encodeTlv(0x6d, ...fields.map(([id, ...values]) => field(id, ...values)));

/** The fake card's person, with diacritics; religion arrives decomposed (NFD), as some encoders write it. */
export const FAKE_CARD_DG13_FIELDS = [
  [0x01, '056190012345'],
  [0x02, 'Trần Thị Thử'],
  [0x03, '15/03/1990'],
  [0x04, 'Nữ'],
  [0x05, 'Việt Nam'],
  [0x06, 'Kinh'],
  [0x07, 'Không'.normalize('NFD')],
  [0x08, 'Diên An, Diên Khánh, Khánh Hòa'],
  [0x09, 'Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa'],
  [0x0a, 'Nốt ruồi C:1cm dưới trước cánh mũi phải'],
  [0x0b, '20/04/2021'],
  [0x0c, '15/03/2030'],
  [0x0d, 'Trần Văn Mẫu', 'Lê Thị Mẫu'],
  [0x10, '225000001'],
] as const;

export const buildDg1 = (mrz: readonly string[]): Uint8Array => encodeTlv(0x61, encodeTlv(0x5f1f, asciiBytes(mrz.join(''))));

/**
 * EF.CardAccess with one PACEInfo: id-PACE-ECDH-GM with the cipher `cipherArc` (1 3DES, 2–4
 * AES-128/192/256), version 2, and standardized domain parameters `parameterId` (13 is
 * brainpoolP256r1, Doc 9303-11 Table 6).
 */
export const buildCardAccess = (cipherArc: number, parameterId: number): Uint8Array =>
  encodeTlv(
    0x31,
    encodeTlv(0x30, encodeTlv(0x06, fromHex(`04007F0007020204020${cipherArc}`)), encodeTlv(0x02, Uint8Array.of(2)), encodeTlv(0x02, Uint8Array.of(parameterId))),
  );

/** EF.COM for LDS 1.7, Unicode 4.0.0. */
export const buildEfCom = (dataGroups: readonly number[]): Uint8Array =>
  encodeTlv(
    0x60,
    encodeTlv(0x5f01, asciiBytes('0107')),
    encodeTlv(0x5f36, asciiBytes('040000')),
    encodeTlv(0x5c, Uint8Array.from(dataGroups, (number) => dataGroupTag(number)!)),
  );

/**
 * A small portrait as a real baseline JPEG (ITU-T T.81): 8-bit greyscale, every 8×8 block one
 * flat grey, so each block is its DC coefficient and an end-of-block. The DC codes are Annex K's
 * Table K.3; the AC table holds only the end-of-block symbol, with the one-bit code 0.
 */
const FACE_BLOCKS = ['..####..', '.######.', '.#ffff#.', '.fEffEf.', '.ffffff.', '.fffNff.', '.fMMMMf.', '..ffff..', '...ff...', '.CCCCCC.'];
const FACE_GREYS: Record<string, number> = { '.': 235, '#': 60, f: 190, E: 30, N: 160, M: 110, C: 80 };
const DC_CODE_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_CATEGORIES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];

const u16 = (value: number) => Uint8Array.of(value >> 8, value & 0xff);
const u32 = (value: number) => Uint8Array.of(value >>> 24, (value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff);
const jpegSegment = (marker: number, ...content: Uint8Array[]) => {
  const body = concatBytes(...content);
  return concatBytes(Uint8Array.of(0xff, marker), u16(body.length + 2), body);
};

/** T.81 Annex C: canonical Huffman codes, assigned in order of length. */
function huffmanCodes(counts: readonly number[]): { code: number; length: number }[] {
  const codes: { code: number; length: number }[] = [];
  let code = 0;
  counts.forEach((count, index) => {
    for (let i = 0; i < count; i++) codes.push({ code: code++, length: index + 1 });
    code <<= 1;
  });
  return codes;
}

function entropyCoded(blockGreys: number[]): Uint8Array {
  const dcCodes = huffmanCodes(DC_CODE_COUNTS);
  const bytes: number[] = [];
  let current = 0;
  let filled = 0;
  const put = (value: number, length: number) => {
    for (let bit = length - 1; bit >= 0; bit--) {
      current = (current << 1) | ((value >> bit) & 1);
      if (++filled < 8) continue;
      bytes.push(current);
      if (current === 0xff) bytes.push(0x00); // byte stuffing (T.81 F.1.2.3)
      current = 0;
      filled = 0;
    }
  };
  let previous = 0;
  for (const grey of blockGreys) {
    // With a quantiser of 1 the DC coefficient of a flat block is 8 × (grey − 128) (T.81 A.3.3).
    const dc = 8 * (grey - 128);
    const difference = dc - previous;
    previous = dc;
    const category = difference === 0 ? 0 : Math.floor(Math.log2(Math.abs(difference))) + 1;
    const { code, length } = dcCodes[category]!;
    put(code, length);
    put(difference < 0 ? difference + (1 << category) - 1 : difference, category);
    put(0, 1); // end of block
  }
  if (filled > 0) put(0xff, 8 - filled); // pad with 1-bits
  return Uint8Array.from(bytes);
}

/** The face JPEG, 64 × 80 pixels; `commentLength` pads it with a COM segment. */
export function buildFaceJpeg(commentLength = 0): { jpeg: Uint8Array; width: number; height: number } {
  const width = FACE_BLOCKS[0]!.length * 8;
  const height = FACE_BLOCKS.length * 8;
  const greys = FACE_BLOCKS.flatMap((row) => [...row].map((cell) => FACE_GREYS[cell]!));
  const jpeg = concatBytes(
    Uint8Array.of(0xff, 0xd8),
    jpegSegment(0xe0, asciiBytes('JFIF\0'), Uint8Array.of(1, 1, 0), u16(1), u16(1), Uint8Array.of(0, 0)),
    commentLength > 0 ? jpegSegment(0xfe, Uint8Array.from({ length: commentLength }, (_, i) => 0x20 + (i % 95))) : new Uint8Array(0),
    jpegSegment(0xdb, Uint8Array.of(0), new Uint8Array(64).fill(1)),
    jpegSegment(0xc0, Uint8Array.of(8), u16(height), u16(width), Uint8Array.of(1, 1, 0x11, 0)),
    jpegSegment(0xc4, Uint8Array.of(0x00), Uint8Array.from(DC_CODE_COUNTS), Uint8Array.from(DC_CATEGORIES)),
    jpegSegment(0xc4, Uint8Array.of(0x10), Uint8Array.of(1, ...new Array<number>(15).fill(0)), Uint8Array.of(0x00)),
    jpegSegment(0xda, Uint8Array.of(1, 1, 0x00, 0, 63, 0)),
    entropyCoded(greys),
    Uint8Array.of(0xff, 0xd9),
  );
  return { jpeg, width, height };
}

/**
 * DG2 (Doc 9303-10): CBEFF template group, one template with its header (patron header
 * version 1.1, biometric type "facial features", format owner ISO/IEC JTC 1/SC 37, format type
 * face image) and an ISO/IEC 19794-5:2005 facial record: a full frontal greyscale image.
 */
export function buildDg2(image: Uint8Array, width: number, height: number, dataBlockTag = 0x5f2e): Uint8Array {
  const face = concatBytes(
    u16(0), // feature points
    new Uint8Array(14), // gender, eye and hair colours, feature mask, expression, pose angle and its uncertainty: unspecified
  );
  const imageInformation = concatBytes(Uint8Array.of(1, 0), u16(width), u16(height), Uint8Array.of(3, 2), u16(0), u16(0));
  const faceLength = 4 + face.length + imageInformation.length + image.length;
  const record = concatBytes(asciiBytes('FAC\x00010\x00'), u32(14 + faceLength), u16(1), u32(faceLength), face, imageInformation, image);
  const header = encodeTlv(0xa1, encodeTlv(0x80, u16(0x0101)), encodeTlv(0x81, Uint8Array.of(0x02)), encodeTlv(0x87, u16(0x0101)), encodeTlv(0x88, u16(0x0008)));
  return encodeTlv(0x75, encodeTlv(0x7f61, encodeTlv(0x02, Uint8Array.of(1)), encodeTlv(0x7f60, header, encodeTlv(dataBlockTag, record))));
}

/** The fake card's DG2: the face JPEG padded past 32 767 bytes, so that reading it needs READ BINARY's long offsets (INS B1). */
export function fakeCardDg2(): Uint8Array {
  const { jpeg, width, height } = buildFaceJpeg(40_000);
  return buildDg2(jpeg, width, height);
}

type Hash = 'sha256' | 'sha384';
const HASH_OID_DER: Record<Hash, Uint8Array> = {
  sha256: fromHex('0609608648016503040201'),
  sha384: fromHex('0609608648016503040202'),
};

/** LDSSecurityObject (Doc 9303-10): version 0, the hash algorithm, each data group's hash. */
export function buildLdsSecurityObject(dataGroups: ReadonlyMap<number, Uint8Array>, hash: Hash = 'sha256'): Uint8Array {
  const hashes = [...dataGroups].map(([number, file]) =>
    encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(number)), encodeTlv(0x04, createHash(hash).update(file).digest())),
  );
  return encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(0)), encodeTlv(0x30, HASH_OID_DER[hash]), encodeTlv(0x30, ...hashes));
}

function inTempDir<T>(work: (file: (name: string) => string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'dvc-test-pki-'));
  try {
    return work((name) => path.join(dir, name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
/** A certificate's subject as `openssl req -subj` takes it. */
const subjectOf = (certificate: X509Certificate) => `/${certificate.subject.split('\n').join('/')}`;

/** Doc 9303-12's profiles in short: a CSCA signs certificates; a document signer only signs SODs. */
const OPENSSL_CONFIG = `[req]
distinguished_name = dn
[dn]
[csca]
basicConstraints = critical,CA:TRUE,pathlen:0
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ds]
keyUsage = critical,digitalSignature
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`;

/** The key kinds of a test PKI; an RSA CSCA signs its certificates with RSA-PSS. */
const KEY_ARGUMENTS = {
  ecP256: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  ecBrainpoolP384: ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:brainpoolP384r1'],
  rsa: ['-newkey', 'rsa:2048', '-sigopt', 'rsa_padding_mode:pss', '-sigopt', 'rsa_pss_saltlen:32'],
} as const;
type KeyKind = keyof typeof KEY_ARGUMENTS;

export interface TestPki {
  cscaPem: string;
  cscaKeyPem: string;
  dsPem: string;
  dsKeyPem: string;
}

const pkis = new Map<string, TestPki>();

/**
 * A CSCA and a document signer it issued, one per kind and name for the whole run. The CSCA
 * outlives its document signer, as in a real PKI: 15 years against 10, both from now.
 */
export function testPki(keys: KeyKind, name = 'Test'): TestPki {
  const id = `${keys}/${name}`;
  const known = pkis.get(id);
  if (known) return known;
  const pki = inTempDir((file) => {
    writeFileSync(file('openssl.cnf'), OPENSSL_CONFIG);
    const request = (...args: string[]) => openssl('req', '-config', file('openssl.cnf'), ...KEY_ARGUMENTS[keys], '-noenc', ...args);
    request('-x509', '-days', '5475', '-keyout', file('csca.key'), '-out', file('csca.pem'), '-subj', `/C=VN/O=DVC Kiosk test/CN=${name} CSCA`, '-extensions', 'csca');
    request('-new', '-days', '3650', '-CA', file('csca.pem'), '-CAkey', file('csca.key'), '-keyout', file('ds.key'), '-out', file('ds.pem'), '-subj', `/C=VN/O=DVC Kiosk test/CN=${name} document signer`, '-extensions', 'ds');
    const read = (name: string) => readFileSync(file(name), 'utf8');
    return { cscaPem: read('csca.pem'), cscaKeyPem: read('csca.key'), dsPem: read('ds.pem'), dsKeyPem: read('ds.key') };
  });
  pkis.set(id, pki);
  return pki;
}

/** The CSCA certificate issued again with the same key, valid for `days` from now: a renewal (same name, as a master list may carry) or a renamed copy. */
export function reissueCsca(pki: TestPki, days: number, subject = subjectOf(new X509Certificate(pki.cscaPem))): string {
  return inTempDir((file) => {
    writeFileSync(file('openssl.cnf'), OPENSSL_CONFIG);
    writeFileSync(file('csca.key'), pki.cscaKeyPem);
    openssl('req', '-config', file('openssl.cnf'), '-x509', '-key', file('csca.key'), '-days', String(days), '-out', file('csca.pem'), '-subj', subject, '-extensions', 'csca');
    return readFileSync(file('csca.pem'), 'utf8');
  });
}

/**
 * How the document signer signs: its keys, the hash (of the data groups and of the signature),
 * RSA padding, and whether SignerInfo names the certificate by subject key identifier instead of
 * issuer and serial number.
 */
export const SIGNER_PROFILES = {
  ecdsaP256: { keys: 'ecP256', hash: 'sha256', padding: null, keyId: false },
  ecdsaBrainpoolP384: { keys: 'ecBrainpoolP384', hash: 'sha384', padding: null, keyId: true },
  rsaPss: { keys: 'rsa', hash: 'sha256', padding: 'pss', keyId: true },
  rsaPkcs1: { keys: 'rsa', hash: 'sha256', padding: 'pkcs1', keyId: false },
} as const satisfies Record<string, { keys: KeyKind; hash: Hash; padding: 'pss' | 'pkcs1' | null; keyId: boolean }>;
export type SignerProfile = keyof typeof SIGNER_PROFILES;

/** `openssl cms -sign`: a CMS SignedData over `content` with signed attributes (contentType, signingTime, messageDigest). */
function cmsSign(content: Uint8Array, eContentType: string, profile: SignerProfile, pkiName?: string): Uint8Array {
  const { keys, hash, padding, keyId } = SIGNER_PROFILES[profile];
  const pki = testPki(keys, pkiName);
  return inTempDir((file) => {
    writeFileSync(file('content.der'), content);
    writeFileSync(file('ds.pem'), pki.dsPem);
    writeFileSync(file('ds.key'), pki.dsKeyPem);
    openssl(
      'cms', '-sign', '-binary', '-nodetach', '-nosmimecap', '-in', file('content.der'), '-outform', 'DER', '-out', file('signed.der'),
      '-econtent_type', eContentType, '-signer', file('ds.pem'), '-inkey', file('ds.key'), '-md', hash,
      ...(keyId ? ['-keyid'] : []),
      ...(padding === 'pss' ? ['-keyopt', 'rsa_padding_mode:pss', '-keyopt', 'rsa_pss_saltlen:32'] : []),
    );
    return new Uint8Array(readFileSync(file('signed.der')));
  });
}

/** EF.SOD: [APPLICATION 23] around the SignedData of the data groups' LDSSecurityObject. */
function signSod(dataGroups: ReadonlyMap<number, Uint8Array>, profile: SignerProfile): Uint8Array {
  const ldsSecurityObject = buildLdsSecurityObject(dataGroups, SIGNER_PROFILES[profile].hash);
  return encodeTlv(0x77, cmsSign(ldsSecurityObject, OID.ldsSecurityObject, profile));
}

/** An ICAO CSCA master list (Doc 9303-12) of these CSCAs, signed by a test document signer standing in for the list signer. */
export function buildMasterList(cscaPems: readonly string[]): Uint8Array {
  const certificates = cscaPems.map((pem) => new Uint8Array(new X509Certificate(pem).raw));
  const list = encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(0)), encodeTlv(0x31, ...certificates));
  return cmsSign(list, OID.cscaMasterList, 'ecdsaP256', 'Master list');
}

export interface FakeCard {
  /** File identifier → content, as createSimulatedChip serves them. */
  files: Map<number, Uint8Array>;
  /** The CSCA that issued the card's document signer. */
  cscaPem: string;
}

const cards = new Map<string, FakeCard>();

/** The fake card's chip: EF.COM, EF.SOD signed under `profile`, DG1, DG2 (a real JPEG face) and DG13 (README §6.2 layout). */
export function fakeCard(profile: SignerProfile = 'ecdsaP256'): FakeCard {
  let card = cards.get(profile);
  if (!card) {
    const dataGroups = new Map([
      [1, buildDg1(FAKE_CARD_MRZ)],
      [2, fakeCardDg2()],
      [13, buildDg13(FAKE_CARD_DG13_FIELDS)],
    ]);
    card = {
      files: new Map([
        [FILE_ID.com, buildEfCom([...dataGroups.keys()])],
        [FILE_ID.sod, signSod(dataGroups, profile)],
        ...[...dataGroups].map(([number, file]) => [FILE_ID.dataGroup(number), file] as const),
      ]),
      cscaPem: testPki(SIGNER_PROFILES[profile].keys).cscaPem,
    };
    cards.set(profile, card);
  }
  // A copy each time: tests change files to tamper with them.
  return { files: new Map(card.files), cscaPem: card.cscaPem };
}

export const fakeCardFiles = (): Map<number, Uint8Array> => fakeCard().files;

/** Rebuilds a DER element with the descendant at `path` (child indices) replaced, every ancestor re-encoded. */
export function replaceAt(encoded: Uint8Array, path: readonly number[], replace: (tlv: Tlv) => Uint8Array): Uint8Array {
  const { tlv } = readTlv(encoded);
  const [index, ...rest] = path;
  if (index === undefined) return replace(tlv);
  return encodeTlv(tlv.tag, ...childrenOf(tlv).map((child, i) => (i === index ? replaceAt(child.encoded, rest, replace) : child.encoded)));
}

/** Where an openssl-made SOD keeps its parts: 77 → ContentInfo → [0] → SignedData → eContent, certificates, the first SignerInfo and its fields. */
export const SOD_PATH = {
  eContent: [0, 1, 0, 2, 1, 0],
  certificates: [0, 1, 0, 3],
  signerInfo: [0, 1, 0, 4, 0],
  signedAttributes: [0, 1, 0, 4, 0, 3],
  signatureAlgorithm: [0, 1, 0, 4, 0, 4],
  signature: [0, 1, 0, 4, 0, 5],
} as const;

/**
 * The SOD with its signed attributes changed by `edit` and signed again with the document
 * signer's key: a signature that holds over attributes that may lie.
 */
export function resignSod(sod: Uint8Array, profile: SignerProfile, edit: (attributes: Tlv[]) => Uint8Array[]): Uint8Array {
  const { keys, hash, padding } = SIGNER_PROFILES[profile];
  let attributes: Uint8Array = new Uint8Array(0);
  const edited = replaceAt(sod, SOD_PATH.signedAttributes, (tlv) => {
    attributes = encodeTlv(tlv.tag, ...edit(childrenOf(tlv)));
    return attributes;
  });
  const signed = attributes.slice();
  signed[0] = 0x31; // RFC 5652 §5.4: signed as SET OF
  const key = testPki(keys).dsKeyPem;
  const signature = sign(hash, signed, padding === 'pss' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } : { key, dsaEncoding: 'der' });
  return replaceAt(edited, SOD_PATH.signature, () => encodeTlv(0x04, signature));
}

/**
 * A certificate that claims to be `pki`'s CSCA: the same subject and subject key identifier, a
 * CA, but another key. Only checking the document signer's certificate signature tells them apart.
 */
export function impostorCsca(pki: TestPki): string {
  const csca = new X509Certificate(pki.cscaPem);
  const keyId = Buffer.from(parseCertificate(new Uint8Array(csca.raw)).subjectKeyIdentifier!).toString('hex');
  return inTempDir((file) => {
    writeFileSync(file('openssl.cnf'), `${OPENSSL_CONFIG}[impostor]\nbasicConstraints = critical,CA:TRUE\nkeyUsage = critical,keyCertSign\nsubjectKeyIdentifier = ${keyId.replace(/(..)(?!$)/g, '$1:')}\n`);
    openssl('req', '-config', file('openssl.cnf'), ...KEY_ARGUMENTS.ecP256, '-noenc', '-days', '3650', '-x509', '-keyout', file('impostor.key'), '-out', file('impostor.pem'), '-subj', subjectOf(csca), '-extensions', 'impostor');
    return readFileSync(file('impostor.pem'), 'utf8');
  });
}
