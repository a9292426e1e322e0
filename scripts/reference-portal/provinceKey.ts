import { createPrivateKey, type JsonWebKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { ProvinceSigner } from '../../electron/host/provincial';

const DemoKey = z.object({ kid: z.string(), privateKeyJwk: z.record(z.string(), z.unknown()) });

/**
 * The province's signing key, as the reference portal stands in for the province: a DEMO key whose
 * private half is in this repository (demo-province-key.json), its public half pinned in
 * assets/trust/province-keys.json marked `demo`, which packaged kiosks refuse. A real province
 * keeps its key offline and signs with its own tool.
 */
export function demoProvinceSigner(): ProvinceSigner {
  const { kid, privateKeyJwk } = DemoKey.parse(JSON.parse(readFileSync(path.join(import.meta.dirname, 'demo-province-key.json'), 'utf8')));
  return { keyId: kid, privateKey: createPrivateKey({ key: privateKeyJwk as JsonWebKey, format: 'jwk' }) };
}
