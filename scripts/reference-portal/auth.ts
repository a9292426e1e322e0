import type { KeyObject } from 'node:crypto';
import { contentDigestMatches, verifyMessage } from '../../electron/host/portal/signing';
import {
  isValidNonce,
  parseSignatureInput,
  requestComponents,
  SIGNATURE_ALGORITHM,
  SIGNATURE_LABEL,
} from '../../shared/httpSignature';

/** How far a request's `created` may be from the portal clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;
/**
 * How long a nonce is remembered. A request created up to 300 s in the future stays fresh until
 * 600 s after it is first seen; 900 s leaves a margin.
 */
export const NONCE_RETENTION_SECONDS = 900;

export interface IncomingSigned {
  method: string;
  targetUri: string;
  headers: Record<string, string>;
  body: Uint8Array;
}

export type AuthFailure = {
  ok: false;
  status: 400 | 401;
  error: 'portal.signatureInvalid' | 'portal.signatureStale' | 'portal.signatureReplayed' | 'portal.contentDigestInvalid';
  /** The request's nonce when it could be read, so even a refusal is signed over it. */
  nonce: string | undefined;
};
export type AuthResult = { ok: true; keyid: string; nonce: string; created: number } | AuthFailure;

/** The nonce of the `sig1` signature, if the request has a readable one. */
export function requestNonce(headers: Record<string, string>): string | undefined {
  const field = headers['signature-input'];
  if (field === undefined) return undefined;
  try {
    const nonce = parseSignatureInput(field).get(SIGNATURE_LABEL)?.params.nonce;
    return nonce !== undefined && isValidNonce(nonce) ? nonce : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Checks a kiosk request as docs/portal-protocol.md ("Signing") says, in this order: a readable
 * `sig1` signature covering the required components with created, nonce, keyid and alg → the
 * Content-Digest (400) → the key and the signature (401 signatureInvalid) → the clock (401
 * signatureStale) → the nonce, last, so that a refused request never burns one (401
 * signatureReplayed).
 */
export function authenticate(
  request: IncomingSigned,
  keyFor: (keyid: string) => KeyObject | undefined,
  rememberNonce: (nonce: string, keyid: string) => boolean,
  nowSeconds: number,
): AuthResult {
  const nonce = requestNonce(request.headers);
  const fail = (status: AuthFailure['status'], error: AuthFailure['error']): AuthFailure => ({ ok: false, status, error, nonce });

  let input;
  try {
    input = request.headers['signature-input'] === undefined ? undefined : parseSignatureInput(request.headers['signature-input']).get(SIGNATURE_LABEL);
  } catch {
    input = undefined;
  }
  const hasBody = request.body.length > 0;
  const required = requestComponents(hasBody);
  if (
    !input ||
    nonce === undefined ||
    input.params.alg !== SIGNATURE_ALGORITHM ||
    input.params.keyid === undefined ||
    input.params.created === undefined ||
    !required.every((id) => input.components.includes(id))
  ) {
    return fail(401, 'portal.signatureInvalid');
  }
  const digest = request.headers['content-digest'];
  if ((hasBody || digest !== undefined) && !contentDigestMatches(digest, request.body)) return fail(400, 'portal.contentDigestInvalid');

  const keyid = input.params.keyid;
  const verified = verifyMessage(
    { method: request.method, targetUri: request.targetUri, headers: request.headers },
    (params) => (params.keyid === undefined ? undefined : keyFor(params.keyid)),
  );
  if (!verified.ok) return fail(401, 'portal.signatureInvalid');

  const created = input.params.created;
  if (Math.abs(nowSeconds - created) > MAX_CLOCK_SKEW_SECONDS) return fail(401, 'portal.signatureStale');
  if (!rememberNonce(nonce, keyid)) return fail(401, 'portal.signatureReplayed');
  return { ok: true, keyid, nonce, created };
}
