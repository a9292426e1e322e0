import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import {
  bytesEqual,
  HttpSignatureFormatError,
  parseContentDigest,
  parseSignature,
  parseSignatureInput,
  PORTAL_KEY_ID,
  requestComponents,
  RESPONSE_COMPONENTS,
  serializeContentDigest,
  serializeSignature,
  serializeSignatureInput,
  SIGNATURE_ALGORITHM,
  SIGNATURE_LABEL,
  signatureBase,
  signatureParamsValue,
  type HttpMessageView,
  type SignatureInput,
  type SignatureParameters,
} from '../../../shared/httpSignature';

/**
 * Signing of portal traffic (docs/portal-protocol.md, "Signing"): the kiosk signs every request with
 * its device key (RFC 9421, ecdsa-p256-sha256) and accepts a response only when the portal key signed
 * it over the request's own nonce, so an old 200, or a captive portal's 200, never counts as received.
 * The reference portal uses the same functions on its side.
 */

export type Body = Uint8Array | string | undefined;
export type HeaderBag = Headers | Readonly<Record<string, string | readonly string[] | number | undefined>>;

function bytesOf(body: Body): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === 'string' ? new TextEncoder().encode(body) : body;
}

/** `sha-256=:…:` for the body (RFC 9530). An absent body digests as empty content. */
export function contentDigest(body: Body): string {
  return serializeContentDigest(createHash('sha256').update(bytesOf(body)).digest());
}

/** True when the field carries a sha-256 digest equal to the body's; other algorithms are ignored. */
export function contentDigestMatches(field: string | undefined, body: Body): boolean {
  if (field === undefined) return false;
  try {
    const digest = parseContentDigest(field).get('sha-256');
    return digest !== undefined && bytesEqual(digest, createHash('sha256').update(bytesOf(body)).digest());
  } catch {
    return false;
  }
}

/** A fresh nonce: 128 random bits, base64url. */
export function newNonce(): string {
  return randomBytes(16).toString('base64url');
}

/** Lower-cased single-string header record, from fetch `Headers` or Node's header objects. */
export function headerRecord(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, key) => (out[key.toLowerCase()] = value));
    return out;
  }
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** The kiosk's device key pair (P-256). The private key never leaves the host vault. */
export function createDeviceKeyPair(): { privateKey: KeyObject; publicKey: KeyObject; publicKeyJwk: JsonWebKey } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, publicKey, publicKeyJwk: publicKey.export({ format: 'jwk' }) };
}

/** Imports an EC P-256 public JWK; throws on any other key. */
export function importPublicKeyJwk(jwk: JsonWebKey): KeyObject {
  if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || typeof jwk.x !== 'string' || typeof jwk.y !== 'string' || 'd' in jwk) {
    throw new HttpSignatureFormatError('not an EC P-256 public JWK');
  }
  return createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: jwk.x, y: jwk.y }, format: 'jwk' });
}

/** Signs a message: returns the `Signature-Input` and `Signature` field values for `label`. */
export function signMessage(
  message: HttpMessageView,
  components: readonly string[],
  params: SignatureParameters,
  privateKey: KeyObject,
  label = SIGNATURE_LABEL,
): { 'signature-input': string; signature: string } {
  const base = signatureBase(message, components, signatureParamsValue(components, params));
  // RFC 9421 §3.3.4: the signature value is r‖s, each 32 bytes big-endian (IEEE P1363), not DER.
  const signature = sign('sha256', Buffer.from(base, 'utf8'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return { 'signature-input': serializeSignatureInput(label, components, params), signature: serializeSignature(label, signature) };
}

export type VerifiedSignature = { ok: true; input: SignatureInput } | { ok: false; reason: 'missing' | 'malformed' | 'unknownKey' | 'badSignature' };

/**
 * Checks the `label` signature of a message. `keyFor` picks the key from the signature's parameters
 * (keyid), so an unknown keyid is told apart from a bad signature. Policy (which components, which
 * nonce, how fresh) is the caller's.
 */
export function verifyMessage(
  message: HttpMessageView,
  keyFor: (params: SignatureParameters) => KeyObject | undefined,
  label = SIGNATURE_LABEL,
): VerifiedSignature {
  const inputField = message.headers['signature-input'];
  const signatureField = message.headers['signature'];
  if (inputField === undefined || signatureField === undefined) return { ok: false, reason: 'missing' };
  let input: SignatureInput | undefined;
  let signature: Uint8Array | undefined;
  let base: string;
  try {
    input = parseSignatureInput(inputField).get(label);
    signature = parseSignature(signatureField).get(label);
    if (!input || !signature) return { ok: false, reason: 'missing' };
    if (input.params.alg !== undefined && input.params.alg !== SIGNATURE_ALGORITHM) return { ok: false, reason: 'malformed' };
    base = signatureBase(message, input.components, input.paramsValue);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const key = keyFor(input.params);
  if (!key) return { ok: false, reason: 'unknownKey' };
  if (signature.length !== 64) return { ok: false, reason: 'badSignature' };
  let valid: boolean;
  try {
    valid = verify('sha256', Buffer.from(base, 'utf8'), { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    valid = false;
  }
  return valid ? { ok: true, input } : { ok: false, reason: 'badSignature' };
}

export interface SignableRequest {
  method: string;
  /** Absolute URL, exactly as it will be fetched. */
  url: string;
  body?: Uint8Array | string;
}

export interface RequestSigner {
  /** The kioskId the portal gave at enrolment ("enrol" for the enrolment call itself). */
  kioskId: string;
  privateKey: KeyObject;
}

export interface SignedRequest {
  /** Headers to add to the request: signature-input, signature, and content-digest when there is a body. */
  headers: Record<string, string>;
  /** Keep it: the portal's response must be signed over this nonce (`verifyResponse`). */
  nonce: string;
  created: number;
}

/**
 * Signs a kiosk request: label `sig1` over ("@method" "@target-uri" ["content-digest"]), with
 * created, nonce, keyid and alg. `now` (ms) and `nonce` are for tests.
 */
export function signRequest(
  request: SignableRequest,
  signer: RequestSigner,
  options: { now?: number; nonce?: string } = {},
): SignedRequest {
  const method = request.method.toUpperCase();
  const targetUri = new URL(request.url).href;
  const body = bytesOf(request.body);
  const hasBody = body.length > 0;
  const headers: Record<string, string> = {};
  if (hasBody) headers['content-digest'] = contentDigest(body);
  const nonce = options.nonce ?? newNonce();
  const created = Math.floor((options.now ?? Date.now()) / 1000);
  const params: SignatureParameters = { created, nonce, keyid: signer.kioskId, alg: SIGNATURE_ALGORITHM };
  Object.assign(headers, signMessage({ method, targetUri, headers }, requestComponents(hasBody), params, signer.privateKey));
  return { headers, nonce, created };
}

export interface PortalResponse {
  status: number;
  body: Uint8Array | string;
  headers: HeaderBag;
}

/**
 * True only when the response carries a valid portal signature (label `sig1`, keyid "portal") over
 * ("@status" "content-digest"), the Content-Digest matches the body, and the signature's nonce is
 * the nonce of the request this is an answer to. `created` is not checked: the kiosk's clock may be
 * wrong, and the nonce already ties the answer to this request.
 */
export function verifyResponse(response: PortalResponse, expected: { portalPublicKey: KeyObject; requestNonce: string }): boolean {
  const headers = headerRecord(response.headers);
  if (!contentDigestMatches(headers['content-digest'], response.body)) return false;
  const result = verifyMessage({ status: response.status, headers }, (params) =>
    params.keyid === PORTAL_KEY_ID ? expected.portalPublicKey : undefined,
  );
  if (!result.ok) return false;
  const { components, params } = result.input;
  return (
    components.length === RESPONSE_COMPONENTS.length &&
    components.every((id, i) => id === RESPONSE_COMPONENTS[i]) &&
    params.alg === SIGNATURE_ALGORITHM &&
    params.nonce === expected.requestNonce
  );
}

/** Signs a portal response over the request's nonce (used by the reference portal). */
export function signResponse(
  response: { status: number; body: Body },
  signer: { privateKey: KeyObject; requestNonce: string | undefined; now?: number },
): Record<string, string> {
  const headers: Record<string, string> = { 'content-digest': contentDigest(response.body) };
  const params: SignatureParameters = {
    created: Math.floor((signer.now ?? Date.now()) / 1000),
    nonce: signer.requestNonce,
    keyid: PORTAL_KEY_ID,
    alg: SIGNATURE_ALGORITHM,
  };
  return { ...headers, ...signMessage({ status: response.status, headers }, RESPONSE_COMPONENTS, params, signer.privateKey) };
}
