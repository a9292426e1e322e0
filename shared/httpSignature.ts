import {
  parseDictionary,
  serializeDictionary,
  serializeInnerList,
  type InnerList,
  type Item,
  type Parameters,
} from 'structured-headers';

/**
 * HTTP Message Signatures (RFC 9421) and Content-Digest (RFC 9530), the pure part: building the
 * signature base and reading and writing the `Signature-Input`, `Signature` and `Content-Digest`
 * fields. Hashing and the ECDSA operation itself live in `electron/host/portal/signing.ts`, because
 * `shared/` has no crypto API. Structured fields (RFC 8941/9651) are parsed and serialised by the
 * `structured-headers` package, never by hand.
 *
 * Supported: derived components `@method`, `@target-uri`, `@authority`, `@scheme`, `@path`,
 * `@query`, `@status` (RFC 9421 §2.2) and plain header fields (§2.1). Component parameters
 * (`;sf`, `;req`, `;key`, `@query-param;name=`) are refused: the protocol does not use them.
 */

/** RFC 9421 §3.3.4: ECDSA over P-256 with SHA-256, signature = raw r‖s (64 bytes). */
export const SIGNATURE_ALGORITHM = 'ecdsa-p256-sha256';
/** The one signature label the protocol uses (docs/portal-protocol.md). */
export const SIGNATURE_LABEL = 'sig1';
/** keyid of every portal response signature. */
export const PORTAL_KEY_ID = 'portal';
/** keyid of the enrolment request, signed by the new key it carries (proof of possession). */
export const ENROLMENT_KEY_ID = 'enrol';

/** Components a kiosk request signature must cover: content-digest only when there is a body. */
export function requestComponents(hasBody: boolean): string[] {
  return hasBody ? ['@method', '@target-uri', 'content-digest'] : ['@method', '@target-uri'];
}
/** Components every portal response signature covers. */
export const RESPONSE_COMPONENTS: readonly string[] = ['@status', 'content-digest'];

export class HttpSignatureFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpSignatureFormatError';
  }
}

/** The parts of an HTTP message a signature can cover. Header names are matched case-insensitively. */
export interface HttpMessageView {
  method?: string;
  /** The absolute target URI, as the client requested it (RFC 9421 §2.2.2). */
  targetUri?: string;
  status?: number;
  headers: Readonly<Record<string, string | undefined>>;
}

export interface SignatureParameters {
  created?: number;
  expires?: number;
  nonce?: string;
  alg?: string;
  keyid?: string;
  tag?: string;
}

export interface SignatureInput {
  components: string[];
  params: SignatureParameters;
  /** The serialised inner list: the exact value of the `@signature-params` line. */
  paramsValue: string;
}

const paramOrder = ['created', 'expires', 'nonce', 'alg', 'keyid', 'tag'] as const;

function innerList(components: readonly string[], params: SignatureParameters): InnerList {
  const map: Parameters = new Map();
  for (const name of paramOrder) {
    const value = params[name];
    if (value !== undefined) map.set(name, value);
  }
  return [components.map((id): Item => [id, new Map()]), map];
}

/** The `@signature-params` value for these components and parameters (RFC 9421 §2.3). */
export function signatureParamsValue(components: readonly string[], params: SignatureParameters): string {
  return serializeInnerList(innerList(components, params));
}

function headerValue(headers: HttpMessageView['headers'], name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === name && value !== undefined) return value;
  }
  return undefined;
}

const uriPattern = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(\?[^#]*)?/;

function uriParts(targetUri: string) {
  const match = uriPattern.exec(targetUri);
  if (!match) throw new HttpSignatureFormatError(`not an absolute URI: ${targetUri}`);
  const scheme = (match[1] ?? '').toLowerCase();
  let authority = (match[2] ?? '').toLowerCase();
  // RFC 9421 §2.2.3: the authority is normalised; a default port is left out.
  if ((scheme === 'http' && authority.endsWith(':80')) || (scheme === 'https' && authority.endsWith(':443'))) {
    authority = authority.slice(0, authority.lastIndexOf(':'));
  }
  return { scheme, authority, path: match[3] || '/', query: match[4] ?? '?' };
}

/** The value of one covered component, or a format error when the message lacks it. */
export function componentValue(message: HttpMessageView, id: string): string {
  const need = <T>(value: T | undefined): T => {
    if (value === undefined) throw new HttpSignatureFormatError(`message has no ${id}`);
    return value;
  };
  switch (id) {
    case '@method':
      return need(message.method);
    case '@target-uri':
      return need(message.targetUri);
    case '@authority':
      return uriParts(need(message.targetUri)).authority;
    case '@scheme':
      return uriParts(need(message.targetUri)).scheme;
    case '@path':
      return uriParts(need(message.targetUri)).path;
    case '@query':
      return uriParts(need(message.targetUri)).query;
    case '@status': {
      const status = need(message.status);
      if (!Number.isInteger(status) || status < 100 || status > 999) throw new HttpSignatureFormatError('bad status');
      return String(status);
    }
    default: {
      if (id.startsWith('@')) throw new HttpSignatureFormatError(`unsupported derived component ${id}`);
      if (id !== id.toLowerCase()) throw new HttpSignatureFormatError(`component names are lower case: ${id}`);
      // RFC 9421 §2.1: leading and trailing whitespace is removed; a combined field keeps ", ".
      return need(headerValue(message.headers, id)).trim();
    }
  }
}

/** The signature base (RFC 9421 §2.5): the exact bytes that are signed, as a string. */
export function signatureBase(message: HttpMessageView, components: readonly string[], paramsValue: string): string {
  if (new Set(components).size !== components.length) throw new HttpSignatureFormatError('duplicate component');
  const lines = components.map((id) => {
    const value = componentValue(message, id);
    if (/[\r\n]/.test(value)) throw new HttpSignatureFormatError(`newline in ${id}`);
    return `"${id}": ${value}`;
  });
  lines.push(`"@signature-params": ${paramsValue}`);
  return lines.join('\n');
}

/** One `Signature-Input` member: `label=("…" "…");created=…;…`. */
export function serializeSignatureInput(label: string, components: readonly string[], params: SignatureParameters): string {
  return serializeDictionary(new Map([[label, innerList(components, params)]]));
}

/** One `Signature` member: `label=:base64:`. */
export function serializeSignature(label: string, signature: Uint8Array): string {
  return serializeDictionary(new Map([[label, [signature, new Map()]]]));
}

function parseDict(field: string, value: string) {
  try {
    return parseDictionary(value);
  } catch {
    throw new HttpSignatureFormatError(`${field} is not a structured dictionary`);
  }
}

/** Every labelled member of a `Signature-Input` field. */
export function parseSignatureInput(value: string): Map<string, SignatureInput> {
  const result = new Map<string, SignatureInput>();
  for (const [label, member] of parseDict('Signature-Input', value)) {
    const [items, rawParams] = member;
    if (!Array.isArray(items)) throw new HttpSignatureFormatError(`Signature-Input ${label} is not an inner list`);
    const components = (items as Item[]).map(([id, itemParams]) => {
      if (typeof id !== 'string') throw new HttpSignatureFormatError('a component identifier is not a string');
      if (itemParams.size > 0) throw new HttpSignatureFormatError(`component parameters are not supported: ${id}`);
      return id;
    });
    const params: SignatureParameters = {};
    for (const [name, raw] of rawParams) {
      switch (name) {
        case 'created':
        case 'expires':
          if (typeof raw !== 'number' || !Number.isInteger(raw)) throw new HttpSignatureFormatError(`${name} is not an integer`);
          params[name] = raw;
          break;
        case 'nonce':
        case 'alg':
        case 'keyid':
        case 'tag':
          if (typeof raw !== 'string') throw new HttpSignatureFormatError(`${name} is not a string`);
          params[name] = raw;
          break;
        default:
          throw new HttpSignatureFormatError(`unknown signature parameter ${name}`);
      }
    }
    result.set(label, { components, params, paramsValue: serializeInnerList([items as Item[], rawParams]) });
  }
  return result;
}

function byteSequence(raw: unknown): Uint8Array | undefined {
  return raw instanceof ArrayBuffer ? new Uint8Array(raw) : undefined;
}

/** Every labelled member of a `Signature` field, as raw signature bytes. */
export function parseSignature(value: string): Map<string, Uint8Array> {
  const result = new Map<string, Uint8Array>();
  for (const [label, member] of parseDict('Signature', value)) {
    const bytes = Array.isArray(member[0]) ? undefined : byteSequence(member[0]);
    if (!bytes) throw new HttpSignatureFormatError(`Signature ${label} is not a byte sequence`);
    result.set(label, bytes);
  }
  return result;
}

/** `Content-Digest: sha-256=:…:` (RFC 9530 §2) for a SHA-256 digest of the content. */
export function serializeContentDigest(sha256: Uint8Array): string {
  if (sha256.length !== 32) throw new HttpSignatureFormatError('a SHA-256 digest is 32 bytes');
  return serializeDictionary(new Map([['sha-256', [sha256, new Map()]]]));
}

/** The digests of a `Content-Digest` field by algorithm; entries that are not byte sequences are skipped. */
export function parseContentDigest(value: string): Map<string, Uint8Array> {
  const result = new Map<string, Uint8Array>();
  for (const [alg, member] of parseDict('Content-Digest', value)) {
    const bytes = Array.isArray(member[0]) ? undefined : byteSequence(member[0]);
    if (bytes) result.set(alg, bytes);
  }
  return result;
}

/** Compares two byte strings without an early exit. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}

/** A nonce the protocol accepts: base64url, at least 128 bits (22 characters). */
export function isValidNonce(nonce: string): boolean {
  return /^[A-Za-z0-9_-]{22,128}$/.test(nonce);
}
