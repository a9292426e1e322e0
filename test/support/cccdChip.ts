import { createHash } from 'node:crypto';
import { asciiBytes, fromHex } from '../../shared/icao9303/bytes';
import { FILE_ID } from '../../shared/icao9303/files';
import { dataGroupTag } from '../../shared/icao9303/lds';
import { encodeTlv } from '../../shared/icao9303/tlv';

/**
 * A fake CCCD chip's files, for the ICAO 9303 tests and the simulated chip. All people and
 * numbers are invented (the founders' domain notes: README §6, facts.md §2.5 and §F.3).
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

/** EF.COM for LDS 1.7, Unicode 4.0.0. */
export const buildEfCom = (dataGroups: readonly number[]): Uint8Array =>
  encodeTlv(
    0x60,
    encodeTlv(0x5f01, asciiBytes('0107')),
    encodeTlv(0x5f36, asciiBytes('040000')),
    encodeTlv(0x5c, Uint8Array.from(dataGroups, (number) => dataGroupTag(number)!)),
  );

/** A stand-in portrait past 32 767 bytes, so that reading it needs READ BINARY's long offsets (INS B1). */
export const buildLargeDg2 = (length = 40_000): Uint8Array =>
  encodeTlv(0x75, Uint8Array.of(0xff, 0xd8, 0xff, 0xe0), Uint8Array.from({ length }, (_, i) => (i * 7 + 3) % 251));

const OID_DER = {
  signedData: fromHex('06092A864886F70D010702'),
  ldsSecurityObject: fromHex('0606678108010101'),
  sha256: fromHex('0609608648016503040201'),
};

/**
 * An EF.SOD with the SHA-256 of each data group and no signature (empty certificates and
 * signerInfos): the structure the simulated chip serves until passive authentication arrives.
 */
export function buildUnsignedSod(dataGroups: ReadonlyMap<number, Uint8Array>): Uint8Array {
  const sha256 = (bytes: Uint8Array) => new Uint8Array(createHash('sha256').update(bytes).digest());
  const algorithm = encodeTlv(0x30, OID_DER.sha256);
  const hashes = [...dataGroups].map(([number, file]) => encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(number)), encodeTlv(0x04, sha256(file))));
  const ldsSecurityObject = encodeTlv(0x30, encodeTlv(0x02, Uint8Array.of(0)), algorithm, encodeTlv(0x30, ...hashes));
  const signedData = encodeTlv(
    0x30,
    encodeTlv(0x02, Uint8Array.of(3)),
    encodeTlv(0x31, algorithm),
    encodeTlv(0x30, OID_DER.ldsSecurityObject, encodeTlv(0xa0, encodeTlv(0x04, ldsSecurityObject))),
    encodeTlv(0x31),
  );
  return encodeTlv(0x77, encodeTlv(0x30, OID_DER.signedData, encodeTlv(0xa0, signedData)));
}

/** The fake card's chip: EF.COM, EF.SOD, DG1, a large DG2 and DG13 (README §6.2 layout), by file identifier. */
export function fakeCardFiles(): Map<number, Uint8Array> {
  const dataGroups = new Map([
    [1, buildDg1(FAKE_CARD_MRZ)],
    [2, buildLargeDg2()],
    [13, buildDg13(FAKE_CARD_DG13_FIELDS)],
  ]);
  return new Map([
    [FILE_ID.com, buildEfCom([...dataGroups.keys()])],
    [FILE_ID.sod, buildUnsignedSod(dataGroups)],
    ...[...dataGroups].map(([number, file]) => [FILE_ID.dataGroup(number), file] as const),
  ]);
}
