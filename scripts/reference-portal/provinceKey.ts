import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ProvinceSigner } from '../../electron/host/provincial';

const SigningKeyFile = z.object({ kid: z.string(), privateKeyJwk: z.record(z.string(), z.unknown()) });

/**
 * The province's signing key, as the reference portal stands in for the province: a DEMO key whose
 * private half is in this repository (demo-province-key.json), its public half pinned in
 * assets/trust/province-keys.json marked `demo`, which packaged kiosks refuse. A real province
 * keeps its key offline and signs with its own tool.
 */
export function demoProvinceSigner(): ProvinceSigner {
  return provinceSignerFrom(path.join(import.meta.dirname, 'demo-province-key.json'));
}

/** A province's signing key from a file in the demo key's form: `{ kid, privateKeyJwk }`. */
export function provinceSignerFrom(file: string): ProvinceSigner {
  const { kid, privateKeyJwk } = SigningKeyFile.parse(JSON.parse(readFileSync(file, 'utf8')));
  return { keyId: kid, privateKey: createPrivateKey({ key: privateKeyJwk as JsonWebKey, format: 'jwk' }) };
}
