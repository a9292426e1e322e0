import { constants, createHash, verify, X509Certificate, type KeyObject, type VerifyKeyObjectInput } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { KioskError } from '../../../../shared/errors';
import { bytesEqual } from '../../../../shared/icao9303/bytes';
import { childrenOf, expectTlv } from '../../../../shared/icao9303/tlv';
import {
  parseCertificate,
  parseCscaMasterList,
  type CertificateFields,
  type HashAlgorithm,
  type PassiveAuthentication,
  type PassiveAuthenticationResult,
  type SecurityObject,
  type SignatureAlgorithm,
  type SignerId,
  type SignerInfo,
} from '../../../../shared/icao9303/sod';

/**
 * Passive authentication (Doc 9303-11 §5.1) with node:crypto:
 * 1. every data group read hashes to the value the SOD lists for it;
 * 2. the signed attributes bind the content: contentType names the LDSSecurityObject and
 *    messageDigest is the digest of the eContent (RFC 5652 §5.4, §11.1, §11.2);
 * 3. the document signer's signature over the signed attributes holds (ECDSA, RSA PKCS#1 v1.5
 *    or RSA-PSS), with the certificate in the SOD that the SignerInfo names;
 * 4. that certificate was issued (name, key identifiers, key usage, signature) by a CSCA the
 *    technician provisioned, and both were valid when the SOD was signed.
 *
 * Validity is judged at the signing time, not today: a CCCD stays valid for many years, maybe
 * longer than its document signer's certificate, and an expired card is a question for DG1's
 * expiry date, not for passive authentication. The signing time is the signingTime signed
 * attribute (OpenSSL and most issuers write it); without one, it is the kiosk's clock. Trusting
 * it means a leaked document signer key could backdate an SOD: a CRL (later) is the answer.
 *
 * The CSCAs are all trusted alike, as the technician's file gives them: a master list's own
 * signature is not checked (its signer chains to one country's CSCA, which would again come
 * from the technician), and no CRL is consulted. Both are later work.
 */

export interface PassiveAuthenticationOptions {
  /** The CSCA certificates the kiosk trusts; empty when none was provisioned. */
  cscas: readonly X509Certificate[];
  /** The clock for an SOD without a signingTime attribute. */
  now?: () => Date;
}

const unsupported = (reason: string, params: Record<string, string> = {}) =>
  new KioskError('card.unsupported', { reason: `passiveAuthentication.${reason}`, ...params });

const digest = (algorithm: HashAlgorithm, data: Uint8Array) => new Uint8Array(createHash(algorithm).update(data).digest());

function requireHash(algorithm: HashAlgorithm | null, oid: string): HashAlgorithm {
  if (!algorithm) throw unsupported('hashAlgorithm', { oid });
  return algorithm;
}

/** The data groups read that do not match their hash in the SOD, or that the SOD does not list at all. */
function alteredDataGroups(sod: SecurityObject, dataGroups: ReadonlyMap<number, Uint8Array>): number[] {
  const algorithm = requireHash(sod.hashAlgorithm, sod.hashAlgorithmOid);
  return [...dataGroups]
    .filter(([number, file]) => {
      const signed = sod.dataGroupHashes.get(number);
      return !signed || !bytesEqual(digest(algorithm, file), signed);
    })
    .map(([number]) => number)
    .sort((a, b) => a - b);
}

interface SignerCertificate {
  certificate: X509Certificate;
  publicKey: KeyObject;
  fields: CertificateFields;
}

const identifies = (id: SignerId, fields: CertificateFields) =>
  'subjectKeyIdentifier' in id
    ? fields.subjectKeyIdentifier !== null && bytesEqual(fields.subjectKeyIdentifier, id.subjectKeyIdentifier)
    : bytesEqual(fields.issuer, id.issuer) && bytesEqual(fields.serialNumber, id.serialNumber);

function signerCertificate(sod: SecurityObject, signer: SignerInfo): SignerCertificate {
  const found = sod.signedData.certificates.map((der) => ({ der, fields: parseCertificate(der) })).find(({ fields }) => identifies(signer.signerId, fields));
  // Doc 9303-10 puts the document signer's certificate in every SOD; fetching it from a PKD is not built.
  if (!found) throw unsupported('noSignerCertificate');
  try {
    const certificate = new X509Certificate(found.der);
    return { certificate, publicKey: certificate.publicKey, fields: found.fields };
  } catch (error) {
    // A key OpenSSL cannot load (an unknown curve, explicit parameters it refuses).
    throw new KioskError('card.unsupported', { reason: 'passiveAuthentication.signerKey' }, { cause: error });
  }
}

type KnownSignatureAlgorithm = Exclude<SignatureAlgorithm, { scheme: 'unsupported' }>;

/** How node:crypto verifies `algorithm` with `key`; null when the key is not of the type the algorithm names. */
function verifyInput(algorithm: KnownSignatureAlgorithm, key: KeyObject): VerifyKeyObjectInput | null {
  const keyType = key.asymmetricKeyType;
  switch (algorithm.scheme) {
    case 'ecdsa':
      return keyType === 'ec' ? { key, dsaEncoding: 'der' } : null;
    case 'rsaPkcs1':
      return keyType === 'rsa' ? { key, padding: constants.RSA_PKCS1_PADDING } : null;
    case 'rsaPss':
      return keyType === 'rsa' || keyType === 'rsa-pss' ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: algorithm.saltLength } : null;
  }
}

/** The document signer's signature over the re-tagged signed attributes. */
function signatureHolds(algorithm: KnownSignatureAlgorithm, signature: Uint8Array, signed: Uint8Array, key: KeyObject): boolean {
  const input = verifyInput(algorithm, key);
  try {
    return input !== null && verify(algorithm.hash, signed, input, signature);
  } catch {
    // OpenSSL refuses a signature it cannot even decode (a bad DER sequence, a wrong length): not a valid one.
    return false;
  }
}

const validAt = (fields: CertificateFields, at: Date) => fields.notBefore <= at && at <= fields.notAfter;

function issuedBy(certificate: X509Certificate, csca: X509Certificate): boolean {
  try {
    // X509_check_issued: names, key identifiers, and keyCertSign when the CSCA states its key usage.
    return certificate.checkIssued(csca) && certificate.verify(csca.publicKey);
  } catch {
    return false; // a CSCA whose key OpenSSL cannot use issued nothing we can check
  }
}

export function createPassiveAuthentication(options: PassiveAuthenticationOptions): PassiveAuthentication {
  const now = options.now ?? (() => new Date());

  function trust(ds: SignerCertificate, signingTime: Date | null): PassiveAuthenticationResult {
    if (options.cscas.length === 0) return { outcome: 'issuerUnknown', reason: 'noCscaLoaded' };
    const cscas = options.cscas.filter((csca) => issuedBy(ds.certificate, csca));
    if (cscas.length === 0) return { outcome: 'issuerUnknown', reason: 'notChained' };
    const at = signingTime ?? now();
    // A CSCA renewed with the same key (a link certificate's pair) is one issuer: any valid copy will do.
    const valid = validAt(ds.fields, at) && cscas.some((csca) => validAt(parseCertificate(csca.raw), at));
    return valid ? { outcome: 'genuine' } : { outcome: 'issuerUnknown', reason: 'outsideValidity' };
  }

  return {
    async verify(sod, dataGroups) {
      const altered = alteredDataGroups(sod, dataGroups);
      const [signer, ...others] = sod.signedData.signerInfos;
      // Doc 9303-10: exactly one SignerInfo, with signed attributes.
      if (!signer || others.length > 0) throw unsupported('signerCount');
      const attributes = signer.signedAttributes;
      if (!attributes) throw unsupported('noSignedAttributes');
      const digestAlgorithm = requireHash(signer.digestAlgorithm, signer.digestAlgorithmOid);
      const algorithm = signer.signatureAlgorithm;
      if (algorithm.scheme === 'unsupported') throw unsupported('signatureAlgorithm', { oid: algorithm.oid });
      const ds = signerCertificate(sod, signer);

      const contentBound =
        attributes.contentType === sod.signedData.contentType &&
        attributes.messageDigest !== null &&
        bytesEqual(digest(digestAlgorithm, sod.signedData.content), attributes.messageDigest);
      const signatureValid = signatureHolds(algorithm, signer.signature, attributes.signed, ds.publicKey) && contentBound;
      if (altered.length > 0 || !signatureValid) return { outcome: 'altered', dataGroups: altered, signatureValid };
      return trust(ds, attributes.signingTime);
    },
  };
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g;
const TAG = { sequence: 0x30, oid: 0x06 } as const;

/**
 * The CSCAs in a technician's file: a PEM bundle, one DER certificate, or an ICAO CSCA master
 * list (DER). The ICAO PKD's LDIF is not read yet: its master lists can be extracted to DER.
 */
export function parseCscaFile(bytes: Uint8Array): X509Certificate[] {
  try {
    const pems = Buffer.from(bytes).toString('latin1').match(PEM_CERTIFICATE);
    if (pems) return pems.map((pem) => new X509Certificate(pem));
    // A master list is a ContentInfo, SEQUENCE { OID, … }; a certificate is SEQUENCE { SEQUENCE, … }.
    const masterList = childrenOf(expectTlv(bytes, TAG.sequence))[0]?.tag === TAG.oid;
    return (masterList ? parseCscaMasterList(bytes) : [bytes]).map((der) => new X509Certificate(der));
  } catch (error) {
    throw new KioskError('card.cscaFileInvalid', { reason: 'format' }, { cause: error });
  }
}

export async function loadCscaFile(path: string): Promise<X509Certificate[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new KioskError('card.cscaFileInvalid', { reason: 'unreadable' }, { cause: error });
  }
  return parseCscaFile(bytes);
}
