import { KioskError } from '../errors';
import { readUint } from './bytes';
import { childrenOf, expectTlv, type Tlv } from './tlv';

/**
 * EF.SOD, the Document Security Object (Doc 9303-10; Doc 9303-11 §5.1, passive authentication):
 * a CMS SignedData (RFC 5652) whose signed content is the LDSSecurityObject, the hash of every
 * data group. Also the two other DER structures passive authentication reads: X.509 certificates
 * (RFC 5280) and the ICAO CSCA master list (Doc 9303-12), which is a SignedData too.
 *
 * Everything here walks DER and says what it found; nothing here checks a hash or a signature.
 * The host does that with its crypto library, behind `PassiveAuthentication` below.
 */

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  ldsSecurityObject: '2.23.136.1.1.1',
  cscaMasterList: '2.23.136.1.1.2',
  contentTypeAttribute: '1.2.840.113549.1.9.3',
  messageDigestAttribute: '1.2.840.113549.1.9.4',
  signingTimeAttribute: '1.2.840.113549.1.9.5',
  rsassaPss: '1.2.840.113549.1.1.10',
  mgf1: '1.2.840.113549.1.1.8',
  subjectKeyIdentifier: '2.5.29.14',
} as const;

/** The hash algorithms Doc 9303-10 allows for the LDSSecurityObject and the signature (NIST OIDs, RFC 5754). */
const HASH_ALGORITHMS: Record<string, HashAlgorithm> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
export type HashAlgorithm = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

/**
 * The signature algorithms of eMRTD document signers (ECDSA, RSA PKCS#1 v1.5; RSA-PSS apart), by
 * OID (RFC 3279, RFC 4055, RFC 5758). A null hash means the OID names only the key type (id-ecPublicKey, rsaEncryption,
 * which OpenSSL writes in SignerInfo): the hash is then the SignerInfo's digestAlgorithm.
 */
const SIGNATURE_ALGORITHMS: Record<string, { scheme: 'ecdsa' | 'rsaPkcs1'; hash: HashAlgorithm | null }> = {
  '1.2.840.10045.2.1': { scheme: 'ecdsa', hash: null },
  '1.2.840.10045.4.1': { scheme: 'ecdsa', hash: 'sha1' },
  '1.2.840.10045.4.3.1': { scheme: 'ecdsa', hash: 'sha224' },
  '1.2.840.10045.4.3.2': { scheme: 'ecdsa', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { scheme: 'ecdsa', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { scheme: 'ecdsa', hash: 'sha512' },
  '1.2.840.113549.1.1.1': { scheme: 'rsaPkcs1', hash: null },
  '1.2.840.113549.1.1.5': { scheme: 'rsaPkcs1', hash: 'sha1' },
  '1.2.840.113549.1.1.14': { scheme: 'rsaPkcs1', hash: 'sha224' },
  '1.2.840.113549.1.1.11': { scheme: 'rsaPkcs1', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { scheme: 'rsaPkcs1', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { scheme: 'rsaPkcs1', hash: 'sha512' },
};

/** What the host needs to check a signature; `unsupported` carries the OID for the error it reports. */
export type SignatureAlgorithm =
  | { scheme: 'ecdsa' | 'rsaPkcs1'; hash: HashAlgorithm }
  | { scheme: 'rsaPss'; hash: HashAlgorithm; saltLength: number }
  | { scheme: 'unsupported'; oid: string };

/** SignerIdentifier (RFC 5652 §5.3): the signer's certificate by issuer and serial number, or by its key identifier. */
export type SignerId = { issuer: Uint8Array; serialNumber: Uint8Array } | { subjectKeyIdentifier: Uint8Array };

export interface SignedAttributes {
  /** What the signature covers: the DER of the attributes with the SET OF tag 0x31 instead of [0] (RFC 5652 §5.4). */
  signed: Uint8Array;
  /** The contentType attribute's OID; null when absent. */
  contentType: string | null;
  /** The messageDigest attribute: the digest of the eContent; null when absent. */
  messageDigest: Uint8Array | null;
  signingTime: Date | null;
}

export interface SignerInfo {
  signerId: SignerId;
  digestAlgorithmOid: string;
  /** null for a hash outside Doc 9303's list. */
  digestAlgorithm: HashAlgorithm | null;
  /** null when absent: Doc 9303-10 requires them in an SOD. */
  signedAttributes: SignedAttributes | null;
  signatureAlgorithm: SignatureAlgorithm;
  signature: Uint8Array;
}

export interface SecurityObject {
  hashAlgorithmOid: string;
  /** null for an OID outside Doc 9303's list: passive authentication will then report the card unsupported. */
  hashAlgorithm: HashAlgorithm | null;
  /** Data-group number → the hash the issuer signed. */
  dataGroupHashes: ReadonlyMap<number, Uint8Array>;
  /** The CMS pieces passive authentication verifies. */
  signedData: {
    /** The eContentType OID: what the contentType signed attribute must name. */
    contentType: string;
    /** The DER LDSSecurityObject, the signed content (eContent). */
    content: Uint8Array;
    /** Each certificate's DER (the document signer's certificate, on every known eMRTD). */
    certificates: Uint8Array[];
    signerInfos: SignerInfo[];
  };
}

const TAG = {
  integer: 0x02,
  octetString: 0x04,
  oid: 0x06,
  utcTime: 0x17,
  generalizedTime: 0x18,
  sequence: 0x30,
  set: 0x31,
  sod: 0x77,
  implicit0: 0x80,
  explicit0: 0xa0,
  explicit3: 0xa3,
} as const;

const malformed = (reason: string) => new KioskError('card.unsupported', { reason: `sod.${reason}` });

function expect(tlv: Tlv | undefined, tag: number, reason: string): Tlv {
  if (tlv?.tag !== tag) throw malformed(reason);
  return tlv;
}

/** X.690 §8.19: the first byte holds two arcs, each later arc is base 128 with a continuation bit. */
export function decodeOid(value: Uint8Array): string {
  if (value.length === 0 || (value.at(-1)! & 0x80) !== 0) throw malformed('oid');
  const arcs: number[] = [];
  let arc = 0;
  for (const byte of value) {
    arc = arc * 128 + (byte & 0x7f);
    if (byte & 0x80) continue;
    if (arcs.length === 0) arcs.push(arc < 80 ? Math.floor(arc / 40) : 2, arc < 80 ? arc % 40 : arc - 80);
    else arcs.push(arc);
    arc = 0;
  }
  return arcs.join('.');
}

const oidOf = (tlv: Tlv | undefined, reason: string) => decodeOid(expect(tlv, TAG.oid, reason).value);

const smallInteger = (tlv: Tlv | undefined, reason: string): number => {
  const value = expect(tlv, TAG.integer, reason).value;
  if (value.length === 0 || value.length > 4 || (value[0]! & 0x80) !== 0) throw malformed(reason);
  return readUint(value);
};

/** AlgorithmIdentifier ::= SEQUENCE { algorithm OID, parameters ANY OPTIONAL } */
function algorithmIdentifier(tlv: Tlv | undefined, reason: string): { oid: string; parameters: Tlv | undefined } {
  const [algorithm, parameters] = childrenOf(expect(tlv, TAG.sequence, reason));
  return { oid: oidOf(algorithm, reason), parameters };
}

const hashOf = (tlv: Tlv | undefined, reason: string): HashAlgorithm | null => HASH_ALGORITHMS[algorithmIdentifier(tlv, reason).oid] ?? null;

/**
 * UTCTime (YYMMDDHHMMSSZ, years 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ), the only forms
 * RFC 5280 §4.1.2.5 and RFC 5652 §11.3 allow.
 */
const TIME_FORMS: Record<number, RegExp> = {
  [TAG.utcTime]: /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/,
  [TAG.generalizedTime]: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/,
};

function parseTime(tlv: Tlv | undefined, reason: string): Date {
  const match = tlv && TIME_FORMS[tlv.tag]?.exec(String.fromCharCode(...tlv.value));
  if (!match) throw malformed(reason);
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const fullYear = tlv.tag === TAG.utcTime ? (year < 50 ? 2000 + year : 1900 + year) : year;
  return new Date(Date.UTC(fullYear, month - 1, day, hour, minute, second));
}

/**
 * RSASSA-PSS-params (RFC 4055 §3.1): [0] hash (default SHA-1), [1] mask generation (default
 * MGF1 with SHA-1), [2] salt length (default 20), [3] trailer field (default 1). Node's verify
 * uses MGF1 with the signature's own hash, so any other mask is unsupported.
 */
function pssAlgorithm(parameters: Tlv | undefined): SignatureAlgorithm {
  const fields = parameters ? childrenOf(expect(parameters, TAG.sequence, 'pssParameters')) : [];
  const field = (number: number) => {
    const explicit = fields.find((tlv) => tlv.tag === TAG.explicit0 + number);
    return explicit && childrenOf(explicit)[0];
  };
  const hashField = field(0);
  const maskField = field(1);
  const hash = hashField ? hashOf(hashField, 'pssHash') : 'sha1';
  let maskHash: HashAlgorithm | null = 'sha1';
  if (maskField) {
    const mask = algorithmIdentifier(maskField, 'pssMask');
    maskHash = mask.oid === OID.mgf1 ? hashOf(mask.parameters, 'pssMask') : null;
  }
  const saltField = field(2);
  const trailerField = field(3);
  const saltLength = saltField ? smallInteger(saltField, 'pssSalt') : 20;
  const trailer = trailerField ? smallInteger(trailerField, 'pssTrailer') : 1;
  if (!hash || maskHash !== hash || trailer !== 1) return { scheme: 'unsupported', oid: OID.rsassaPss };
  return { scheme: 'rsaPss', hash, saltLength };
}

function signatureAlgorithm(tlv: Tlv | undefined, digestAlgorithm: HashAlgorithm | null): SignatureAlgorithm {
  const { oid, parameters } = algorithmIdentifier(tlv, 'signatureAlgorithm');
  if (oid === OID.rsassaPss) return pssAlgorithm(parameters);
  const known = SIGNATURE_ALGORITHMS[oid];
  const hash = known?.hash ?? digestAlgorithm;
  return known && hash ? { scheme: known.scheme, hash } : { scheme: 'unsupported', oid };
}

/** Attribute ::= SEQUENCE { attrType OID, attrValues SET OF value }; RFC 5652 §5.3 and §11 allow one of each of ours, with one value. */
function parseSignedAttributes(tlv: Tlv): SignedAttributes {
  const values = new Map<string, Tlv[]>();
  for (const attribute of childrenOf(tlv)) {
    const [type, set] = childrenOf(expect(attribute, TAG.sequence, 'attribute'));
    const oid = oidOf(type, 'attributeType');
    if (values.has(oid)) throw malformed('attributeRepeated');
    values.set(oid, childrenOf(expect(set, TAG.set, 'attributeValues')));
  }
  const single = (oid: string): Tlv | undefined => {
    const found = values.get(oid);
    if (found && found.length !== 1) throw malformed('attributeValues');
    return found?.[0];
  };
  const contentType = single(OID.contentTypeAttribute);
  const messageDigest = single(OID.messageDigestAttribute);
  const signingTime = single(OID.signingTimeAttribute);
  const signed = tlv.encoded.slice();
  signed[0] = TAG.set;
  return {
    signed,
    contentType: contentType ? oidOf(contentType, 'contentTypeAttribute') : null,
    messageDigest: messageDigest ? expect(messageDigest, TAG.octetString, 'messageDigestAttribute').value : null,
    signingTime: signingTime ? parseTime(signingTime, 'signingTimeAttribute') : null,
  };
}

/**
 * SignerInfo ::= SEQUENCE { version, sid SignerIdentifier, digestAlgorithm, signedAttrs [0]
 * IMPLICIT OPTIONAL, signatureAlgorithm, signature OCTET STRING, unsignedAttrs [1] OPTIONAL },
 * SignerIdentifier ::= CHOICE { IssuerAndSerialNumber SEQUENCE { issuer Name, serialNumber }, [0] SubjectKeyIdentifier }.
 */
function parseSignerInfo(tlv: Tlv): SignerInfo {
  const [, sid, digest, ...rest] = childrenOf(expect(tlv, TAG.sequence, 'signerInfo'));
  const attributes = rest[0]?.tag === TAG.explicit0 ? rest.shift() : undefined;
  const [algorithm, signature] = rest;

  let signerId: SignerId;
  if (sid?.tag === TAG.implicit0) signerId = { subjectKeyIdentifier: sid.value };
  else {
    const [issuer, serialNumber] = childrenOf(expect(sid, TAG.sequence, 'signerId'));
    signerId = { issuer: expect(issuer, TAG.sequence, 'signerIssuer').encoded, serialNumber: expect(serialNumber, TAG.integer, 'signerSerial').value };
  }
  const digestAlgorithm = algorithmIdentifier(digest, 'digestAlgorithm');
  const digestHash = HASH_ALGORITHMS[digestAlgorithm.oid] ?? null;
  return {
    signerId,
    digestAlgorithmOid: digestAlgorithm.oid,
    digestAlgorithm: digestHash,
    signedAttributes: attributes ? parseSignedAttributes(attributes) : null,
    signatureAlgorithm: signatureAlgorithm(algorithm, digestHash),
    signature: expect(signature, TAG.octetString, 'signature').value,
  };
}

/**
 * ContentInfo { contentType signedData, [0] SignedData }, with SignedData ::= SEQUENCE { version,
 * digestAlgorithms SET, encapContentInfo { eContentType, [0] eContent OCTET STRING }, [0]
 * certificates OPTIONAL, [1] crls OPTIONAL, signerInfos SET }.
 */
function parseSignedData(contentInfo: Tlv | undefined) {
  const [contentType, wrapped] = childrenOf(expect(contentInfo, TAG.sequence, 'contentInfo'));
  if (oidOf(contentType, 'contentType') !== OID.signedData) throw malformed('notSignedData');
  const signedData = childrenOf(expect(childrenOf(expect(wrapped, TAG.explicit0, 'content'))[0], TAG.sequence, 'signedData'));

  const [eContentType, eContent] = childrenOf(expect(signedData[2], TAG.sequence, 'encapContentInfo'));
  const certificates = signedData.find((tlv) => tlv.tag === TAG.explicit0);
  return {
    contentType: oidOf(eContentType, 'eContentType'),
    content: expect(childrenOf(expect(eContent, TAG.explicit0, 'eContent'))[0], TAG.octetString, 'eContent').value,
    certificates: certificates ? childrenOf(certificates).map((certificate) => certificate.encoded) : [],
    signerInfos: childrenOf(expect(signedData.at(-1), TAG.set, 'signerInfos')),
  };
}

/** LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm AlgorithmIdentifier, dataGroupHashValues SEQUENCE OF DataGroupHash, ldsVersionInfo OPTIONAL } */
function parseLdsSecurityObject(content: Uint8Array): Pick<SecurityObject, 'hashAlgorithmOid' | 'hashAlgorithm' | 'dataGroupHashes'> {
  const [, algorithm, hashes] = childrenOf(expectTlv(content, TAG.sequence));
  const hashAlgorithmOid = algorithmIdentifier(algorithm, 'hashAlgorithm').oid;
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of childrenOf(expect(hashes, TAG.sequence, 'dataGroupHashes'))) {
    const [number, hash] = childrenOf(expect(entry, TAG.sequence, 'dataGroupHash'));
    dataGroupHashes.set(smallInteger(number, 'dataGroupNumber'), expect(hash, TAG.octetString, 'dataGroupHash').value);
  }
  return { hashAlgorithmOid, hashAlgorithm: HASH_ALGORITHMS[hashAlgorithmOid] ?? null, dataGroupHashes };
}

/** EF.SOD = [APPLICATION 23] ContentInfo, whose SignedData encapsulates an LDSSecurityObject. */
export function parseSod(file: Uint8Array): SecurityObject {
  const signedData = parseSignedData(childrenOf(expectTlv(file, TAG.sod))[0]);
  if (signedData.contentType !== OID.ldsSecurityObject) throw malformed('notLdsSecurityObject');
  return {
    ...parseLdsSecurityObject(signedData.content),
    signedData: { ...signedData, signerInfos: signedData.signerInfos.map(parseSignerInfo) },
  };
}

/**
 * The certificates of a CSCA master list (Doc 9303-12): a ContentInfo whose SignedData
 * encapsulates CscaMasterList ::= SEQUENCE { version, certList SET OF Certificate }. Only the
 * list is read; the master list signer's own signature is not checked (see passiveAuthentication.ts).
 */
export function parseCscaMasterList(file: Uint8Array): Uint8Array[] {
  const signedData = parseSignedData(expectTlv(file, TAG.sequence));
  if (signedData.contentType !== OID.cscaMasterList) throw malformed('notMasterList');
  const [, certList] = childrenOf(expectTlv(signedData.content, TAG.sequence));
  return childrenOf(expect(certList, TAG.set, 'certList')).map((certificate) => expect(certificate, TAG.sequence, 'certificate').encoded);
}

/** What passive authentication needs of an X.509 certificate (RFC 5280 §4.1) besides its key and signature. */
export interface CertificateFields {
  serialNumber: Uint8Array;
  /** The issuer Name's DER, compared byte for byte with a SignerInfo's issuer. */
  issuer: Uint8Array;
  notBefore: Date;
  notAfter: Date;
  subjectKeyIdentifier: Uint8Array | null;
}

/**
 * TBSCertificate ::= SEQUENCE { [0] version DEFAULT v1, serialNumber, signature, issuer, validity
 * { notBefore, notAfter }, subject, subjectPublicKeyInfo, [1] [2] unique ids, [3] extensions }
 * with Extension ::= SEQUENCE { extnID, critical DEFAULT FALSE, extnValue OCTET STRING }.
 */
export function parseCertificate(der: Uint8Array): CertificateFields {
  const fields = childrenOf(expect(childrenOf(expectTlv(der, TAG.sequence))[0], TAG.sequence, 'tbsCertificate'));
  const [serialNumber, , issuer, validity] = fields.slice(fields[0]?.tag === TAG.explicit0 ? 1 : 0);
  const [notBefore, notAfter] = childrenOf(expect(validity, TAG.sequence, 'validity'));
  const extensions = fields.find((tlv) => tlv.tag === TAG.explicit3);
  const keyIdentifier = (extensions ? childrenOf(expect(childrenOf(extensions)[0], TAG.sequence, 'extensions')) : [])
    .map((extension) => childrenOf(expect(extension, TAG.sequence, 'extension')))
    .find(([id]) => oidOf(id, 'extensionId') === OID.subjectKeyIdentifier);
  return {
    serialNumber: expect(serialNumber, TAG.integer, 'serialNumber').value,
    issuer: expect(issuer, TAG.sequence, 'issuer').encoded,
    notBefore: parseTime(notBefore, 'notBefore'),
    notAfter: parseTime(notAfter, 'notAfter'),
    subjectKeyIdentifier: keyIdentifier
      ? expectTlv(expect(keyIdentifier.at(-1), TAG.octetString, 'subjectKeyIdentifier').value, TAG.octetString).value
      : null,
  };
}

/**
 * What passive authentication reports (Doc 9303-11 §5.1):
 * - `genuine`: every data group read matches its hash, the signature holds, and the document
 *   signer chains to a CSCA the kiosk was given and was valid when it signed;
 * - `issuerUnknown`: nothing was altered and the signature holds, but the kiosk cannot vouch for
 *   the signer: no CSCA was provisioned (Vietnam's may not be: facts.md §2.6), none issued the
 *   document signer, or a certificate was outside its validity at signing time;
 * - `altered`: a data group does not match its hash (or the SOD has none for it), or the
 *   signature does not cover the content (`signatureValid: false`).
 */
export type PassiveAuthenticationResult =
  | { outcome: 'genuine' }
  | { outcome: 'issuerUnknown'; reason: 'noCscaLoaded' | 'notChained' | 'outsideValidity' }
  | { outcome: 'altered'; dataGroups: number[]; signatureValid: boolean };

/** Checks an SOD against the data groups read, with the host's certificates and crypto. */
export interface PassiveAuthentication {
  verify(sod: SecurityObject, dataGroups: ReadonlyMap<number, Uint8Array>): Promise<PassiveAuthenticationResult>;
}
