import { createHash, createPublicKey, sign, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';

/**
 * Documents the province signs for its kiosks (a kiosk's provisioning, the procedure catalogue),
 * verified offline against the keys the build pins. One text form for all:
 * `<FORMAT>.<key id>.<JSON, base64url>.<ECDSA P-256 SHA-256 signature of what precedes it, base64url>`,
 * so the format is signed too and one kind of document is never taken for another.
 */

const TrustFile = z.object({
  keys: z.array(z.object({ kid: z.string().regex(/^[\w-]{1,64}$/), jwk: z.record(z.string(), z.unknown()), demo: z.boolean().default(false) })),
});

/** The province keys this build trusts, by key id. */
export type ProvinceKeys = ReadonlyMap<string, KeyObject>;

/** Who signs: a province key and its id. */
export interface ProvinceSigner {
  keyId: string;
  privateKey: KeyObject;
}

/**
 * The province keys pinned in the build (`<assets>/trust/province-keys.json`). Keys marked `demo`
 * (the reference portal's, whose private half is in this repository) are left out unless asked
 * for: a packaged kiosk must never trust them.
 */
export function loadProvinceKeys(assetsDir: string, { includeDemo }: { includeDemo: boolean }): Promise<ProvinceKeys> {
  // Read once per process: the build's files do not change under it, and every host (the setup swap makes new ones) shares them.
  const id = `${includeDemo}:${assetsDir}`;
  let keys = loaded.get(id);
  if (!keys) {
    keys = readProvinceKeys(assetsDir, includeDemo);
    loaded.set(id, keys);
    keys.catch(() => loaded.delete(id));
  }
  return keys;
}

const loaded = new Map<string, Promise<ProvinceKeys>>();

async function readProvinceKeys(assetsDir: string, includeDemo: boolean): Promise<ProvinceKeys> {
  const { keys } = TrustFile.parse(JSON.parse(await readFile(path.join(assetsDir, 'trust', 'province-keys.json'), 'utf8')));
  return new Map(keys.filter((key) => includeDemo || !key.demo).map((key) => [key.kid, createPublicKey({ key: key.jwk as JsonWebKey, format: 'jwk' })]));
}

/** RFC 7638: SHA-256 of the key's required members in lexical order, base64url. */
export function jwkThumbprint(key: KeyObject): string {
  const { crv, kty, x, y } = key.export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

/** The province's side (the reference portal, a province's own tool): a document signed into one line. */
export function signProvincial(format: string, document: unknown, signer: ProvinceSigner): string {
  const head = `${format}.${signer.keyId}.${Buffer.from(JSON.stringify(document)).toString('base64url')}`;
  return `${head}.${sign('sha256', Buffer.from(head), { key: signer.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
}

/**
 * A document of `format`, if a pinned key signed exactly this text: its JSON and the key's id.
 * `malformed` when it is not such a text at all, `untrusted` when no pinned key signed it.
 */
export function verifyProvincial(format: string, text: string, keys: ProvinceKeys): { ok: true; document: unknown; keyId: string; text: string } | { ok: false; reason: 'malformed' | 'untrusted' } {
  const line = text.trim();
  const [given, keyId, payload, signature, ...rest] = line.split('.');
  if (given !== format || !keyId || !payload || !signature || rest.length > 0) return { ok: false, reason: 'malformed' };
  const key = keys.get(keyId);
  if (!key || !verify('sha256', Buffer.from(`${given}.${keyId}.${payload}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature, 'base64url'))) {
    return { ok: false, reason: 'untrusted' };
  }
  try {
    return { ok: true, document: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')), keyId, text: line };
  } catch {
    return { ok: false, reason: 'malformed' };
  }
}
