import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { AnnounceOutcome, PortalChanges, PortalDossierStatus, PortalReceipt, type PortalHealth } from '../../../shared/contract';
import { canonicalJson, type DossierPackage } from '../../../shared/dossier/portalPackage';
import { KioskError, type ErrorCode } from '../../../shared/errors';
import { ENROLMENT_KEY_ID } from '../../../shared/httpSignature';
import { createPortalConnections, type PortalConnections } from './connections';
import { networkFailure, refusalCode } from './failures';
import { createTusUploader, createUploadUrls } from './tus';
import type { Portal, PortalIdentity } from './index';
import { importPublicKeyJwk, signRequest, verifyResponse, type RequestSigner } from './signing';
import { sha256Hex } from '../sha256';

/** The portal's answer to `GET /v1/health` (docs/portal-protocol.md). */
const HealthResponse = z.object({ status: z.literal('ok'), protocol: z.string() });
const EnrolResponse = z.object({
  kioskId: z.string().min(1),
  commune: z.object({ code: z.string(), name: z.string() }),
  portalPublicKeyJwk: z.record(z.string(), z.unknown()),
});

export interface HttpPortalOptions {
  baseUrl: string;
  timeoutMs: number;
  /** The kiosk's enrolment with this portal; rejects with portal.notEnrolled when there is none. */
  identity: () => Promise<PortalIdentity>;
  /** Where the upload URLs of unfinished attachments are kept across restarts. */
  uploadUrlsFile: string;
}

interface Answer {
  status: number;
  body: Uint8Array;
  headers: Record<string, string>;
  nonce: string;
}


/** The package hash the kiosk declares must be the hash of the package it sends. */
export function checkPackageHash(pkg: DossierPackage, packageSha256: string): void {
  if (sha256Hex(canonicalJson(pkg)) !== packageSha256) throw new KioskError('host.badInput', { field: 'packageSha256' });
}

function transport(baseUrl: string, timeoutMs: number, connections: PortalConnections) {
  /** One signed request. Network failures are the link's, never the dossier's. */
  return async function send(method: string, path: string, body: unknown, signer: RequestSigner): Promise<Answer> {
    const url = new URL(path, baseUrl).href;
    const text = body === undefined ? undefined : JSON.stringify(body);
    const signed = signRequest({ method, url, ...(text === undefined ? {} : { body: text }) }, signer);
    let response: Awaited<ReturnType<PortalConnections['fetch']>>;
    try {
      response = await connections.fetch(url, {
        method,
        headers: { ...signed.headers, ...(text === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(text === undefined ? {} : { body: text }),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      throw new KioskError(networkFailure(error), {}, { cause: error });
    }
    return { status: response.status, body: new Uint8Array(await response.arrayBuffer()), headers: Object.fromEntries(response.headers), nonce: signed.nonce };
  };
}

/**
 * Reads a signed answer. Only a response the portal signed over this request's nonce counts: a
 * captive portal, a proxy or a replayed old answer is `portal.badResponse`, which the sync engine
 * treats as "not received" and retries. A refusal keeps the portal's own code.
 */
function read<T>(answer: Answer, portalPublicKey: KeyObject, schema: z.ZodType<T>): T {
  if (!verifyResponse(answer, { portalPublicKey, requestNonce: answer.nonce })) throw new KioskError('portal.badResponse', { reason: 'signature' });
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(answer.body));
  } catch {
    throw new KioskError('portal.badResponse', { reason: 'json' });
  }
  if (answer.status !== 200 && answer.status !== 201) throw new KioskError(refusalCode(json), { status: answer.status });
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new KioskError('portal.badResponse', { reason: 'shape' });
  return parsed.data;
}

/** The provincial portal over HTTP, every call signed (RFC 9421); portal responses are a trust boundary. */
export function createHttpPortal({ baseUrl, timeoutMs, identity, uploadUrlsFile }: HttpPortalOptions): Portal {
  const connections = createPortalConnections();
  const send = transport(baseUrl, timeoutMs, connections);
  const tus = createTusUploader({ baseUrl, timeoutMs, identity, urls: createUploadUrls(uploadUrlsFile) });
  /** An answer that is not the portal's came over a socket something else holds: dial anew next time. */
  const notThePortal = (code: ErrorCode) => {
    if (code === 'portal.badResponse') connections.discard();
  };
  const call = async <T>(method: string, path: string, body: unknown, schema: z.ZodType<T>): Promise<T> => {
    const { kioskId, privateKey, portalPublicKey } = await identity();
    const answer = await send(method, path, body, { kioskId, privateKey });
    try {
      return read(answer, portalPublicKey, schema);
    } catch (error) {
      if (error instanceof KioskError) notThePortal(error.code);
      throw error;
    }
  };
  /** "Only 201/200 carrying our id counts as received" (decision 5). */
  const ours = <T extends { uuid: string }>(schema: z.ZodType<T>, uuid: string): z.ZodType<T> =>
    schema.refine((value) => value.uuid === uuid, 'another dossier');

  return {
    async health() {
      const started = performance.now();
      const down = (errorCode: ErrorCode): PortalHealth => ({ url: baseUrl, reachable: false, latencyMs: null, protocol: null, errorCode });
      let response: Awaited<ReturnType<PortalConnections['fetch']>>;
      try {
        response = await connections.fetch(new URL('/v1/health', baseUrl), { signal: AbortSignal.timeout(timeoutMs) });
      } catch (error) {
        return down(networkFailure(error));
      }
      // A captive portal or a proxy error page answers too; only our JSON counts as the portal.
      const body = HealthResponse.safeParse(await response.json().catch(() => null));
      if (!response.ok || !body.success) {
        notThePortal('portal.badResponse');
        return down('portal.badResponse');
      }
      return { url: baseUrl, reachable: true, latencyMs: Math.round(performance.now() - started), protocol: body.data.protocol, errorCode: null };
    },

    async announce(pkg, packageSha256) {
      checkPackageHash(pkg, packageSha256);
      const { state } = await call(
        'PUT',
        `/v1/dossiers/${pkg.uuid}`,
        { packageSha256, metadata: pkg.metadata, attachments: pkg.attachments, ...(pkg.revision ? { revision: pkg.revision } : {}) },
        ours(z.object({ uuid: z.string(), ...AnnounceOutcome.shape }), pkg.uuid),
      );
      return { state };
    },

    async upload(uuid, attachment, bytes) {
      if (bytes.length !== attachment.size || sha256Hex(bytes) !== attachment.sha256) throw new KioskError('host.badInput', { field: 'bytes' });
      await tus.upload(uuid, attachment, bytes);
    },

    async submit(uuid, packageSha256) {
      const { maHoSo, receivedAt } = await call('POST', `/v1/dossiers/${uuid}/submit`, { packageSha256 }, ours(z.object({ uuid: z.string(), ...PortalReceipt.shape }), uuid));
      await tus.forgetDossier(uuid);
      return { maHoSo, receivedAt };
    },

    changes: (cursor) => call('GET', `/v1/dossiers/changes?cursor=${cursor}`, undefined, PortalChanges),

    heartbeat: (report) => call('POST', '/v1/heartbeat', report, z.object({ portalTime: z.iso.datetime() })),

    ratings: (ratings) => call('POST', '/v1/ratings', { ratings }, z.object({ accepted: z.number().int().nonnegative() })),

    lookup: (code) => call('GET', `/v1/dossiers/lookup?code=${encodeURIComponent(code)}`, undefined, PortalDossierStatus),
    catalogue: () => call('GET', '/v1/catalogue', undefined, z.object({ catalogue: z.string().max(8 << 20) })).then((answer) => answer.catalogue),
    provincialSettings: () => call('GET', '/v1/settings', undefined, z.object({ settings: z.string().max(64 << 10).nullable() })).then((answer) => answer.settings),
  };
}

/**
 * Enrols this kiosk's device key, proven by signing the enrolment request with it. The caller keeps
 * the key before it calls, so a retry after a lost answer sends the same key, which the portal
 * answers with the same enrolment. The portal's key comes back in the answer, which must verify
 * with that key over our nonce.
 */
export async function enrol(options: { baseUrl: string; timeoutMs: number; enrolmentCode: string; privateKey: KeyObject; kiosk: { name: string; version: string } }) {
  // Its own connections, closed once it is done: a retry (after a captive portal's answer, say) dials anew.
  const connections = createPortalConnections();
  const answer = await transport(options.baseUrl, options.timeoutMs, connections)(
    'POST',
    '/v1/enrol',
    { enrolmentCode: options.enrolmentCode, publicKeyJwk: createPublicKey(options.privateKey).export({ format: 'jwk' }), kiosk: options.kiosk },
    { kioskId: ENROLMENT_KEY_ID, privateKey: options.privateKey },
  ).finally(() => connections.close());
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(answer.body));
  } catch {
    throw new KioskError('portal.badResponse', { reason: 'json' });
  }
  const claimed = EnrolResponse.safeParse(body);
  if (!claimed.success) {
    // A refusal cannot be verified (we learn the portal's key only from a success); at worst a forged
    // refusal delays enrolment, which the technician sees.
    throw new KioskError(refusalCode(body), { status: answer.status });
  }
  const portalPublicKey = importPublicKeyJwk(claimed.data.portalPublicKeyJwk as JsonWebKey);
  const enrolled = read(answer, portalPublicKey, EnrolResponse);
  return {
    identity: { kioskId: enrolled.kioskId, privateKey: options.privateKey, portalPublicKey },
    portalPublicKeyJwk: enrolled.portalPublicKeyJwk,
    commune: enrolled.commune,
  };
}
