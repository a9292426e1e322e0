import { KioskError } from '../errors';
import { readUint } from './bytes';
import { childrenOf, expectTlv, type Tlv } from './tlv';

/**
 * EF.SOD, the Document Security Object (Doc 9303-10; Doc 9303-11, passive authentication): a
 * CMS SignedData (RFC 5652) whose signed content is the LDSSecurityObject, the hash of every data
 * group.
 *
 * This slice walks the DER and hands out the hashes and the raw pieces a signature check needs.
 * Verifying the signature and the certificate chain (passive authentication) is a later slice,
 * behind `PassiveAuthentication` below: nothing here says a card is genuine.
 */

export const OID = {
  signedData: '1.2.840.113549.1.7.2',
  ldsSecurityObject: '2.23.136.1.1.1',
} as const;

/** The hash algorithms Doc 9303-10 allows for the LDSSecurityObject (NIST OIDs, RFC 5754). */
const HASH_ALGORITHMS: Record<string, HashAlgorithm> = {
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};
export type HashAlgorithm = 'sha1' | 'sha224' | 'sha256' | 'sha384' | 'sha512';

export interface SecurityObject {
  hashAlgorithmOid: string;
  /** null for an OID outside Doc 9303's list: passive authentication will then report the card unsupported. */
  hashAlgorithm: HashAlgorithm | null;
  /** Data-group number → the hash the issuer signed. */
  dataGroupHashes: ReadonlyMap<number, Uint8Array>;
  /** The raw CMS pieces passive authentication verifies. */
  signedData: {
    /** The DER LDSSecurityObject, the signed content (eContent). */
    content: Uint8Array;
    /** Each certificate's DER (the document signer's certificate, on every known eMRTD). */
    certificates: Uint8Array[];
    /** Each SignerInfo's DER: signed attributes (with the content's digest), algorithms, signature. */
    signerInfos: Uint8Array[];
  };
}

const TAG = { integer: 0x02, octetString: 0x04, oid: 0x06, sequence: 0x30, set: 0x31, explicit0: 0xa0, sod: 0x77 } as const;

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

const smallInteger = (tlv: Tlv, reason: string): number => {
  const value = expect(tlv, TAG.integer, reason).value;
  if (value.length === 0 || value.length > 4 || (value[0]! & 0x80) !== 0) throw malformed(reason);
  return readUint(value);
};

/** LDSSecurityObject ::= SEQUENCE { version, hashAlgorithm AlgorithmIdentifier, dataGroupHashValues SEQUENCE OF DataGroupHash, ldsVersionInfo OPTIONAL } */
function parseLdsSecurityObject(content: Uint8Array): Pick<SecurityObject, 'hashAlgorithmOid' | 'hashAlgorithm' | 'dataGroupHashes'> {
  const [, algorithm, hashes] = childrenOf(expectTlv(content, TAG.sequence));
  const hashAlgorithmOid = decodeOid(expect(childrenOf(expect(algorithm, TAG.sequence, 'hashAlgorithm'))[0], TAG.oid, 'hashAlgorithm').value);
  const dataGroupHashes = new Map<number, Uint8Array>();
  for (const entry of childrenOf(expect(hashes, TAG.sequence, 'dataGroupHashes'))) {
    const [number, hash] = childrenOf(expect(entry, TAG.sequence, 'dataGroupHash'));
    dataGroupHashes.set(smallInteger(expect(number, TAG.integer, 'dataGroupNumber'), 'dataGroupNumber'), expect(hash, TAG.octetString, 'dataGroupHash').value);
  }
  return { hashAlgorithmOid, hashAlgorithm: HASH_ALGORITHMS[hashAlgorithmOid] ?? null, dataGroupHashes };
}

/**
 * EF.SOD = [APPLICATION 23] ContentInfo { contentType signedData, [0] SignedData }, with
 * SignedData ::= SEQUENCE { version, digestAlgorithms SET, encapContentInfo, [0] certificates
 * OPTIONAL, [1] crls OPTIONAL, signerInfos SET }.
 */
export function parseSod(file: Uint8Array): SecurityObject {
  const [contentType, wrapped] = childrenOf(expect(childrenOf(expectTlv(file, TAG.sod))[0], TAG.sequence, 'contentInfo'));
  if (decodeOid(expect(contentType, TAG.oid, 'contentType').value) !== OID.signedData) throw malformed('notSignedData');
  const signedData = childrenOf(expect(childrenOf(expect(wrapped, TAG.explicit0, 'content'))[0], TAG.sequence, 'signedData'));

  const [eContentType, eContent] = childrenOf(expect(signedData[2], TAG.sequence, 'encapContentInfo'));
  if (decodeOid(expect(eContentType, TAG.oid, 'eContentType').value) !== OID.ldsSecurityObject) throw malformed('notLdsSecurityObject');
  const content = expect(childrenOf(expect(eContent, TAG.explicit0, 'eContent'))[0], TAG.octetString, 'eContent').value;

  const certificates = signedData.find((tlv) => tlv.tag === TAG.explicit0);
  const signerInfos = expect(signedData.at(-1), TAG.set, 'signerInfos');
  return {
    ...parseLdsSecurityObject(content),
    signedData: {
      content,
      certificates: certificates ? childrenOf(certificates).map((certificate) => certificate.encoded) : [],
      signerInfos: childrenOf(signerInfos).map((signerInfo) => signerInfo.encoded),
    },
  };
}

/**
 * What passive authentication will report (issue 5): every data-group hash matches and the
 * signature chains to a provisioned CSCA; the signature holds but its issuer is unknown to the
 * kiosk (Vietnam's CSCA may not be provisioned: facts.md §2.6); or something was altered.
 */
export type PassiveAuthenticationResult =
  | { outcome: 'genuine' }
  | { outcome: 'issuerUnknown' }
  | { outcome: 'altered'; dataGroups: number[]; signatureValid: boolean };

/** The later slice's port: checks an SOD against the data groups read, with the host's certificates and crypto. */
export interface PassiveAuthentication {
  verify(sod: SecurityObject, dataGroups: ReadonlyMap<number, Uint8Array>): Promise<PassiveAuthenticationResult>;
}
