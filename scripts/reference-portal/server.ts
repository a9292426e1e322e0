import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, randomUUID, type JsonWebKey, type KeyObject } from 'node:crypto';
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { headerRecord, importPublicKeyJwk, signResponse } from '../../electron/host/portal/signing';
import { parseLookupCode, RendererRestart, UpdateStatus } from '../../shared/contract';
import { ENROLMENT_KEY_ID } from '../../shared/httpSignature';
import { MANIFEST_FILE } from '../../shared/sneakernet';
import { renderAdmin, TRANG_THAI_HO_SO, type AdminView, type Faults } from './admin';
import { demoProvinceSigner } from './provinceKey';
import { signProvisioning } from '../../electron/host/provisioningFile';
import { jwkThumbprint, signProvincial } from '../../electron/host/provincial';
import { CATALOGUE_FORMAT, CatalogueDocument } from '../../shared/dossier/procedures';
import { PROVINCIAL_SETTINGS_FORMAT, ProvincialSettings } from '../../shared/provincialSettings';
import type { ProvisioningSettings } from '../../shared/provisioning';
import { authenticate, NONCE_RETENTION_SECONDS, requestNonce } from './auth';
import { openPortalStore, type Commune, type PortalStore } from './store';
import { importSneakernet, type SneakernetImport } from './sneakernet';
import { createUploads, discardUploadFiles, KIOSK_HEADER } from './uploads';
import { addRelease, type ReleaseArtifact } from '../updateFeed';
import type { Release } from '../../electron/host/update/release';

export const PROTOCOL_VERSION = 'v1';
/** The commune a code is for when none is named (README's example commune). */
export const DEFAULT_COMMUNE: Commune = { code: '22651', name: 'Xã Diên Khánh' };
/** tus chunks up to 1 MiB are accepted; JSON bodies share the limit. */
export const BODY_LIMIT_BYTES = 1024 * 1024;

const Uuid = z
  .string()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i)
  .transform((s) => s.toLowerCase());
const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const IsoTime = z.iso.datetime({ offset: true });

const EnrolBody = z.object({
  enrolmentCode: z.string().min(1).max(100),
  publicKeyJwk: z.looseObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }),
  kiosk: z.object({ name: z.string().min(1).max(200), version: z.string().min(1).max(50) }),
});

/** DongBoHoSoMC vocabulary (domain/facts.md §4.2); other fields pass through as the kiosk sends them. */
const Metadata = z.looseObject({
  MaTTHC: z.string().min(1),
  TenTTHC: z.string().min(1),
  ChuHoSo: z.string().min(1),
  SoGiayToChuHoSo: z.string().min(1),
  KenhThucHien: z.union([z.literal(2), z.literal('2')]),
});
const AnnounceBody = z.object({
  packageSha256: Sha256Hex,
  // Sent only by a repaired dossier (docs/portal-protocol.md "Repairs"); absent is revision 0.
  revision: z.number().int().positive().optional(),
  metadata: Metadata,
  attachments: z
    .array(z.object({ id: z.string().min(1).max(100), documentType: z.string().min(1).max(100), sha256: Sha256Hex, size: z.number().int().min(0) }))
    .max(200)
    .refine((list) => new Set(list.map((a) => a.id)).size === list.length, 'attachment ids must be unique'),
});
const SubmitBody = z.object({ packageSha256: Sha256Hex });
const HeartbeatBody = z.object({
  queueDepth: z.number().int().min(0),
  oldestUnsentAgeSeconds: z.number().min(0).nullable(),
  freeBytes: z.number().int().min(0),
  // Kiosks from before recovery mode do not send it.
  queueStore: z.enum(['indexedDb', 'sealedCopies']).optional(),
  devices: z.unknown(),
  // The watchdog's restarts of the kiosk's screen in the last day; kiosks before it send none.
  rendererRestarts: z.array(RendererRestart).max(100).optional(),
  // The version the kiosk runs, and its last update gone back from (docs/updates.md); older kiosks send none.
  software: z.object({ version: z.string().max(64), rolledBack: UpdateStatus.shape.rolledBack }).optional(),
  clock: IsoTime,
});
const RatingsBody = z.object({
  ratings: z.array(z.object({ uuid: Uuid.optional(), score: z.number().int().min(1).max(5), at: IsoTime })).max(1000),
});

interface Answer {
  status: number;
  body: unknown;
}

/** The catalogue in this repository's assets/procedures, as the province would publish it. */
function bundledCatalogueDocument(at: Date): CatalogueDocument {
  const folder = path.join(import.meta.dirname, '../../assets/procedures');
  const read = (file: string): unknown => JSON.parse(readFileSync(path.join(folder, file), 'utf8'));
  const files = readdirSync(folder).filter((file) => file.endsWith('.json') && file !== 'index.json');
  return CatalogueDocument.parse({ index: read('index.json'), files: files.map(read), issuedAt: at.toISOString() });
}

export interface ReferencePortalOptions {
  store: PortalStore;
  /** Where tus keeps attachment bytes. */
  uploadDir: string;
  /** The province's feed of kiosk releases, served under `/updates/` (docs/updates.md). */
  updateDir: string;
  logger?: boolean;
  /** The portal clock (tests move it). */
  now?: () => Date;
  /** Random source for the error-rate knob (tests make it deterministic). */
  random?: () => number;
}

export interface EnrolmentCodeOptions {
  /** A chosen code (the CLI's `--enrolment-code`); otherwise a random one. */
  code?: string;
  commune?: Commune;
  /** Default one hour. */
  ttlSeconds?: number;
}

export interface ProvisioningOptions {
  /** The address kiosks reach this portal at. */
  portalUrl: string;
  communeCode?: string;
  name?: string;
  procedures?: string[];
  paper?: ProvisioningSettings['paper'];
  /** Default 7 days. */
  ttlDays?: number;
}

export interface ReferencePortal {
  app: FastifyInstance;
  store: PortalStore;
  portalPublicKey: KeyObject;
  portalPublicKeyJwk: JsonWebKey;
  createEnrolmentCode(options?: EnrolmentCodeOptions): { code: string; commune: Commune; expiresAt: string; usedAt: string | null };
  /** Publishes a procedure catalogue (index and procedure files, as in assets/procedures): kiosks fetch it, signed, from `GET /v1/catalogue`. */
  publishCatalogue(document: Omit<CatalogueDocument, 'issuedAt'>): void;
  /**
   * Publishes settings for the province's kiosks (or the communes named), issued now: kiosks fetch
   * the newest that is for them, signed, from `GET /v1/settings`. Each issue is whole: a kiosk
   * takes only the newest, so an issue repeats what still holds from earlier ones.
   */
  publishSettings(settings: Omit<ProvincialSettings, 'issuedAt'>): ProvincialSettings;
  /** A kiosk's provisioning for the setup wizard, signed with the (demo) province key: its text, for a QR or a `.dvcsetup` file. */
  createProvisioning(options: ProvisioningOptions): string;
  setFaults(faults: Partial<Faults>): Faults;
  faults(): Faults;
  /** Moves a submitted dossier to a TrangThaiHoSo status (1–10); false if it has no MaHoSo yet. */
  setDossierStatus(uuid: string, status: number): boolean;
  /**
   * Imports dossiers carried on a USB stick (sneakernet.ts): a kiosk's folder
   * (`…/chuyen-tay/<kioskId>`, with its manifest) or the folder of several.
   */
  importSneakernet(folder: string): Promise<SneakernetImport>;
  /** Publishes a kiosk release in the feed kiosks read from `/updates/` (scripts/updateFeed.ts), signed with the (demo) province key. */
  publishRelease(release: { version: string; notes?: Release['notes']; artifacts: ReleaseArtifact[] }): Promise<Release>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The stand-in provincial portal: a real HTTP server implementing docs/portal-protocol.md, so the
 * kiosk is developed and tested against the wire, never against a mock. Product code never
 * imports this folder.
 */
export function createReferencePortal(options: ReferencePortalOptions): ReferencePortal {
  const { store, logger = false } = options;
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const province = demoProvinceSigner();
  // What the province publishes: the catalogue bundled with this build until a newer one is published.
  let catalogueDocument: CatalogueDocument = bundledCatalogueDocument(now());
  // The settings the province has issued, oldest first.
  const settingsIssued: ProvincialSettings[] = [];
  // Closing drops kept-alive connections too: a streamed reply (an update's file) can leave its socket
  // busy for a moment after the client has it all, and Fastify's close would then wait out the keep-alive.
  const app = Fastify({ logger, bodyLimit: BODY_LIMIT_BYTES, forceCloseConnections: true });

  const privateKey = createPrivateKey(
    store.portalKey(
      () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      now(),
    ),
  );
  const portalPublicKey = createPublicKey(privateKey);
  const portalPublicKeyJwk = portalPublicKey.export({ format: 'jwk' });
  let faults: Faults = { latencyMs: 0, errorRatePercent: 0, down: false };
  const uploads = createUploads({ store, directory: options.uploadDir, now });

  // Bodies stay bytes until the signature and Content-Digest are checked.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));

  app.addHook('onRequest', async (request, reply) => {
    if (request.url === '/admin' || request.url.startsWith('/admin/')) return;
    if (faults.down || (faults.errorRatePercent > 0 && random() * 100 < faults.errorRatePercent)) {
      return reply.code(503).header('retry-after', '5').send({ error: 'portal.unavailable' });
    }
    if (faults.latencyMs > 0) await sleep(faults.latencyMs);
  });

  const targetUri = (request: FastifyRequest) => `http://${request.headers.host ?? '127.0.0.1'}${request.url}`;
  const rawBody = (request: FastifyRequest) => (Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0));

  function sendSigned(reply: FastifyReply, answer: Answer, nonce: string | undefined, extraHeaders: Record<string, string> = {}) {
    const body = answer.body === undefined ? '' : JSON.stringify(answer.body);
    const headers = signResponse({ status: answer.status, body }, { privateKey, requestNonce: nonce, now: now().getTime() });
    reply.code(answer.status).headers({ ...extraHeaders, ...headers });
    if (body) reply.header('content-type', 'application/json; charset=utf-8');
    return reply.send(body);
  }

  const badRequest = (issues: z.ZodError): Answer => ({ status: 400, body: { error: 'portal.badRequest', issues: issues.issues.map((i) => `${i.path.join('.')}: ${i.message}`) } });

  function parseJson(body: Buffer): unknown {
    if (body.length === 0) return undefined;
    try {
      return JSON.parse(body.toString('utf8'));
    } catch {
      return Symbol.for('invalid');
    }
  }

  function authenticateKiosk(request: FastifyRequest, keyFor: (keyid: string) => KeyObject | undefined) {
    const nowSeconds = Math.floor(now().getTime() / 1000);
    return authenticate(
      { method: request.method, targetUri: targetUri(request), headers: headerRecord(request.headers), body: rawBody(request) },
      keyFor,
      (nonce, keyid) => store.rememberNonce(nonce, keyid, nowSeconds, NONCE_RETENTION_SECONDS),
      nowSeconds,
    );
  }

  /** A route that only an enrolled kiosk may call; `handle` gets the kiosk and the parsed JSON body. */
  function signed(handle: (ctx: { kioskId: string; unitCode: string; json: unknown; request: FastifyRequest }) => Answer | Promise<Answer>) {
    return async (request: FastifyRequest, reply: FastifyReply) => {
      const auth = authenticateKiosk(request, (keyid) => {
        const kiosk = store.kiosk(keyid);
        if (!kiosk) return undefined;
        try {
          return importPublicKeyJwk(JSON.parse(kiosk.publicKeyJwk) as JsonWebKey);
        } catch {
          return undefined;
        }
      });
      if (!auth.ok) return sendSigned(reply, { status: auth.status, body: { error: auth.error } }, auth.nonce);
      const kiosk = store.kiosk(auth.keyid);
      if (!kiosk) return sendSigned(reply, { status: 401, body: { error: 'portal.signatureInvalid' } }, auth.nonce);
      const json = parseJson(rawBody(request));
      if (typeof json === 'symbol') return sendSigned(reply, { status: 400, body: { error: 'portal.badRequest' } }, auth.nonce);
      return sendSigned(reply, await handle({ kioskId: kiosk.kioskId, unitCode: kiosk.commune.code, json, request }), auth.nonce);
    };
  }

  app.get('/v1/health', async () => ({
    status: 'ok' as const,
    service: 'dvc-reference-portal',
    protocol: PROTOCOL_VERSION,
    time: now().toISOString(),
    dossiers: store.dossierCount(),
  }));

  app.post('/v1/enrol', async (request, reply) => {
    const json = parseJson(rawBody(request));
    const body = EnrolBody.safeParse(json);
    if (!body.success) return sendSigned(reply, badRequest(body.error), requestNonce(headerRecord(request.headers)));
    let newKey: KeyObject;
    try {
      newKey = importPublicKeyJwk(body.data.publicKeyJwk as JsonWebKey);
    } catch {
      return sendSigned(reply, { status: 400, body: { error: 'portal.badRequest', issues: ['publicKeyJwk: not an EC P-256 public key'] } }, undefined);
    }
    // Proof of possession: the request is signed by the key it enrols, under keyid "enrol".
    const auth = authenticateKiosk(request, (keyid) => (keyid === ENROLMENT_KEY_ID ? newKey : undefined));
    if (!auth.ok) return sendSigned(reply, { status: auth.status, body: { error: auth.error } }, auth.nonce);
    // Idempotent by (code, key): the same key asking again, in a new signed request, gets its enrolment back.
    const enrolment = store.enrol({
      code: body.data.enrolmentCode,
      kioskId: `kiosk-${randomUUID()}`,
      publicKeyJwk: JSON.stringify({ kty: 'EC', crv: 'P-256', x: body.data.publicKeyJwk.x, y: body.data.publicKeyJwk.y }),
      name: body.data.kiosk.name,
      version: body.data.kiosk.version,
      now: now(),
    });
    if (!enrolment) return sendSigned(reply, { status: 403, body: { error: 'portal.enrolmentRefused' } }, auth.nonce);
    const { kind, kioskId, commune } = enrolment;
    return sendSigned(reply, { status: kind === 'created' ? 201 : 200, body: { kioskId, commune, portalPublicKeyJwk, portalTime: now().toISOString() } }, auth.nonce);
  });

  app.get(
    '/v1/dossiers/changes',
    signed(({ kioskId, request }) => {
      const raw = (request.query as Record<string, string | undefined>).cursor ?? '0';
      if (!/^\d{1,15}$/.test(raw)) return { status: 400, body: { error: 'portal.badRequest', issues: ['cursor: not a number'] } };
      const cursor = Number(raw);
      const changes = store.changes(kioskId, cursor, 100);
      return {
        status: 200,
        body: { changes: changes.map(({ uuid, maHoSo, status, at }) => ({ uuid, maHoSo, status, at })), cursor: changes.at(-1)?.seq ?? cursor },
      };
    }),
  );

  // The province's procedure catalogue, signed with its key: the kiosk keeps it if it is newer.
  app.get(
    '/v1/catalogue',
    signed(() => ({ status: 200, body: { catalogue: signProvincial(CATALOGUE_FORMAT, catalogueDocument, province) } })),
  );

  // The province's settings for this kiosk's commune, signed with its key: the kiosk takes them if newer.
  app.get(
    '/v1/settings',
    signed(({ unitCode }) => {
      const newest = settingsIssued.findLast((settings) => !settings.communeCodes || settings.communeCodes.includes(unitCode));
      return { status: 200, body: { settings: newest ? signProvincial(PROVINCIAL_SETTINGS_FORMAT, newest, province) : null } };
    }),
  );

  // Any enrolled kiosk may ask: a citizen checks at whichever kiosk is near. The store answers public fields only.
  app.get(
    '/v1/dossiers/lookup',
    signed(({ request }) => {
      const raw = (request.query as Record<string, unknown>).code;
      const code = typeof raw === 'string' ? parseLookupCode(raw) : null;
      if (!code) return { status: 400, body: { error: 'portal.badRequest', issues: ['code: not a dossier UUID, reference or MaHoSo'] } };
      const [first, second] = store.lookup(code);
      if (!first) return { status: 404, body: { error: 'portal.dossierUnknown' } };
      if (second) return { status: 409, body: { error: 'portal.dossierAmbiguous' } };
      return { status: 200, body: first };
    }),
  );

  app.put(
    '/v1/dossiers/:uuid',
    signed(async ({ kioskId, json, request }) => {
      const uuid = Uuid.safeParse((request.params as { uuid: string }).uuid);
      if (!uuid.success) return badRequest(uuid.error);
      const body = AnnounceBody.safeParse(json);
      if (!body.success) return badRequest(body.error);
      const outcome = store.announce(uuid.data, kioskId, { ...body.data, revision: body.data.revision ?? 0 }, now());
      switch (outcome.kind) {
        case 'created':
          return { status: 201, body: { uuid: uuid.data, state: 'announced' } };
        case 'revised':
          // The kiosk goes on as with any announced dossier: it uploads what is missing, then submits.
          await discardUploadFiles(options.uploadDir, outcome.discardedUploads);
          return { status: 200, body: { uuid: uuid.data, state: 'announced' } };
        case 'same':
          return outcome.maHoSo === null
            ? { status: 200, body: { uuid: uuid.data, state: 'announced' } }
            : { status: 200, body: { uuid: uuid.data, state: 'submitted', maHoSo: outcome.maHoSo } };
        case 'conflict':
          return { status: 409, body: { error: 'portal.hashConflict' } };
      }
    }),
  );

  app.post(
    '/v1/dossiers/:uuid/submit',
    signed(({ kioskId, unitCode, json, request }) => {
      const uuid = Uuid.safeParse((request.params as { uuid: string }).uuid);
      if (!uuid.success) return badRequest(uuid.error);
      const body = SubmitBody.safeParse(json);
      if (!body.success) return badRequest(body.error);
      const outcome = store.submit(uuid.data, kioskId, body.data.packageSha256, unitCode, now());
      switch (outcome.kind) {
        case 'created':
        case 'replay':
          return {
            status: outcome.kind === 'created' ? 201 : 200,
            body: { uuid: uuid.data, maHoSo: outcome.maHoSo, receivedAt: outcome.receivedAt },
          };
        case 'conflict':
          return { status: 409, body: { error: 'portal.hashConflict' } };
        case 'notAnnounced':
          return { status: 404, body: { error: 'portal.notAnnounced' } };
        case 'attachmentsMissing':
          return { status: 422, body: { error: 'portal.attachmentsMissing', missing: outcome.missing } };
      }
    }),
  );

  app.post(
    '/v1/heartbeat',
    signed(({ kioskId, json }) => {
      const body = HeartbeatBody.safeParse(json);
      if (!body.success) return badRequest(body.error);
      store.recordHeartbeat(kioskId, body.data, now());
      return { status: 200, body: { portalTime: now().toISOString() } };
    }),
  );

  app.post(
    '/v1/ratings',
    signed(({ kioskId, json }) => {
      const body = RatingsBody.safeParse(json);
      if (!body.success) return badRequest(body.error);
      return { status: 200, body: { accepted: store.recordRatings(kioskId, body.data.ratings, now()) } };
    }),
  );

  // tus 1.0: the signature and Content-Digest (over the PATCH chunk) are checked here, then the
  // request is handed to @tus/server as a web Request and its answer is signed like any other.
  const tusRoute = async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = authenticateKiosk(request, (keyid) => {
      const kiosk = store.kiosk(keyid);
      return kiosk ? importPublicKeyJwk(JSON.parse(kiosk.publicKeyJwk) as JsonWebKey) : undefined;
    });
    if (!auth.ok) return sendSigned(reply, { status: auth.status, body: { error: auth.error } }, auth.nonce);
    const headers = new Headers();
    for (const [name, value] of Object.entries(headerRecord(request.headers))) {
      if (name !== KIOSK_HEADER && name !== 'content-length' && name !== 'transfer-encoding') headers.set(name, value);
    }
    headers.set(KIOSK_HEADER, auth.keyid);
    const body = rawBody(request);
    const response = await uploads.handleWeb(
      new Request(targetUri(request), { method: request.method, headers, body: body.length > 0 ? body : undefined }),
    );
    const responseBody = request.method === 'HEAD' ? '' : await response.text();
    const passHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name.startsWith('upload-') || name === 'tus-resumable' || name === 'location' || name === 'tus-version' || name === 'tus-extension' || name === 'tus-max-size' || name === 'cache-control') {
        passHeaders[name] = value;
      }
    });
    const signedHeaders = signResponse({ status: response.status, body: responseBody }, { privateKey, requestNonce: auth.nonce, now: now().getTime() });
    reply.code(response.status).headers({ ...passHeaders, ...signedHeaders });
    if (responseBody && responseBody.startsWith('{')) reply.header('content-type', 'application/json; charset=utf-8');
    return reply.send(responseBody);
  };
  app.route({ method: ['POST', 'HEAD', 'PATCH'], url: '/v1/uploads', handler: tusRoute, exposeHeadRoute: false });
  app.route({ method: ['POST', 'HEAD', 'PATCH'], url: '/v1/uploads/*', handler: tusRoute, exposeHeadRoute: false });

  // The tester's page. Same-origin form posts only: a page elsewhere cannot drive it (CSRF).
  const adminForm = (request: FastifyRequest): URLSearchParams | undefined => {
    const origin = request.headers.origin;
    if (origin !== undefined && origin !== `http://${request.headers.host}`) return undefined;
    if (request.headers['sec-fetch-site'] === 'cross-site') return undefined;
    return new URLSearchParams(rawBody(request).toString('utf8'));
  };
  const showAdmin = (reply: FastifyReply, notice?: string, status = 200, provisioning?: AdminView['provisioning']) =>
    reply
      .code(status)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
      .send(renderAdmin({ dossiers: store.dossiers(), codes: store.enrolmentCodes(), faults, heartbeats: store.lastHeartbeats(), notice, provisioning }));

  // The release feed is static and public: kiosks trust its lines by the province's signature and
  // each installer by the hash in its line, as they would from any mirror.
  app.get('/updates/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    const file = path.join(options.updateDir, name);
    const size = /^\w[\w.-]*$/.test(name) ? await stat(file).then((found) => (found.isFile() ? found.size : null), () => null) : null;
    if (size === null) return reply.code(404).send();
    reply.header('content-type', 'application/octet-stream').header('accept-ranges', 'bytes');
    // The rest of a file from an offset (`bytes=N-`), as a kiosk asks after a cut-off download.
    const from = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? '')?.[1] ?? 0);
    if (from > 0 && from < size) {
      return reply.code(206).header('content-range', `bytes ${from}-${size - 1}/${size}`).header('content-length', size - from).send(createReadStream(file, { start: from }));
    }
    return reply.header('content-length', size).send(createReadStream(file));
  });
  app.get('/admin', async (_request, reply) => showAdmin(reply));
  app.post('/admin/status', async (request, reply) => {
    const form = adminForm(request);
    if (!form) return showAdmin(reply, 'Yêu cầu bị từ chối.', 403);
    const status = Number(form.get('status'));
    const uuid = form.get('uuid') ?? '';
    const ok = Number.isInteger(status) && TRANG_THAI_HO_SO[status] !== undefined && store.setStatus(uuid, status, now());
    return showAdmin(reply, ok ? `Đã chuyển hồ sơ ${uuid} sang trạng thái ${status}.` : 'Không cập nhật được trạng thái.', ok ? 200 : 400);
  });
  app.post('/admin/enrolment-codes', async (request, reply) => {
    const form = adminForm(request);
    if (!form) return showAdmin(reply, 'Yêu cầu bị từ chối.', 403);
    const minutes = Number(form.get('ttlMinutes') ?? '60');
    const code = createEnrolmentCode({
      commune: { code: form.get('communeCode') || DEFAULT_COMMUNE.code, name: form.get('communeName') || DEFAULT_COMMUNE.name },
      ttlSeconds: Number.isFinite(minutes) && minutes > 0 ? minutes * 60 : 3600,
    });
    return showAdmin(reply, `Mã đăng ký mới: ${code.code} (hết hạn ${code.expiresAt}).`);
  });
  app.post('/admin/provisioning', async (request, reply) => {
    const form = adminForm(request);
    if (!form) return showAdmin(reply, 'Yêu cầu bị từ chối.', 403);
    const days = Number(form.get('ttlDays') ?? '7');
    try {
      const text = createProvisioning({
        portalUrl: `http://${request.headers.host}`,
        communeCode: form.get('communeCode') || undefined,
        name: form.get('name') || undefined,
        ttlDays: Number.isFinite(days) && days > 0 ? days : 7,
      });
      return showAdmin(reply, 'Đã tạo mã cài đặt ki-ốt (ký bằng khóa thử của tỉnh).', 200, { text });
    } catch {
      return showAdmin(reply, 'Mã xã hoặc tên không hợp lệ.', 400);
    }
  });
  app.post('/admin/faults', async (request, reply) => {
    const form = adminForm(request);
    if (!form) return showAdmin(reply, 'Yêu cầu bị từ chối.', 403);
    setFaults({
      latencyMs: Number(form.get('latencyMs') ?? 0),
      errorRatePercent: Number(form.get('errorRatePercent') ?? 0),
      down: form.get('down') === '1',
    });
    return showAdmin(reply, 'Đã áp dụng.');
  });

  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: 'portal.notFound' }));
  app.addHook('onClose', async () => store.close());

  function createEnrolmentCode(codeOptions: EnrolmentCodeOptions = {}) {
    // 10 characters from an alphabet without 0/O, 1/I/L: easy to type on a kiosk keyboard.
    const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
    const code = codeOptions.code ?? Array.from(randomBytes(10), (b) => alphabet[b % alphabet.length]).join('');
    const at = now();
    const row = store.putEnrolmentCode(code, codeOptions.commune ?? DEFAULT_COMMUNE, new Date(at.getTime() + (codeOptions.ttlSeconds ?? 3600) * 1000), at);
    return { code: row.code, commune: row.commune, expiresAt: row.expiresAt, usedAt: row.usedAt };
  }


  function createProvisioning({ portalUrl, communeCode = DEFAULT_COMMUNE.code, ttlDays = 7, ...choices }: ProvisioningOptions): string {
    const at = now();
    const expiresAt = new Date(at.getTime() + ttlDays * 86_400_000).toISOString();
    return signProvisioning({ portalUrl, portalKeyThumbprint: jwkThumbprint(portalPublicKey), communeCode, ...choices, issuedAt: at.toISOString(), expiresAt }, province);
  }

  function setFaults(next: Partial<Faults>): Faults {
    const merged = { ...faults, ...next };
    faults = {
      latencyMs: Math.max(0, Number.isFinite(merged.latencyMs) ? merged.latencyMs : 0),
      errorRatePercent: Math.min(100, Math.max(0, Number.isFinite(merged.errorRatePercent) ? merged.errorRatePercent : 0)),
      down: merged.down,
    };
    return faults;
  }

  return {
    app,
    store,
    portalPublicKey,
    portalPublicKeyJwk,
    createEnrolmentCode,
    createProvisioning,
    publishCatalogue(document) {
      catalogueDocument = CatalogueDocument.parse({ ...document, issuedAt: now().toISOString() });
    },
    publishSettings(settings) {
      // Each issue later than the last, even within one millisecond: a kiosk takes only a newer one.
      const at = Math.max(now().getTime(), Date.parse(settingsIssued.at(-1)?.issuedAt ?? '1970-01-01T00:00:00Z') + 1);
      const issued = ProvincialSettings.parse({ ...settings, issuedAt: new Date(at).toISOString() });
      settingsIssued.push(issued);
      return issued;
    },
    setFaults,
    faults: () => faults,
    setDossierStatus: (uuid, status) => TRANG_THAI_HO_SO[status] !== undefined && store.setStatus(uuid.toLowerCase(), status, now()),
    async importSneakernet(folder) {
      const one = (kioskFolder: string) => importSneakernet({ store, uploadDir: options.uploadDir, portalKey: privateKey, now }, kioskFolder);
      if (existsSync(path.join(folder, MANIFEST_FILE))) return one(folder);
      const total: SneakernetImport = { imported: [], already: [], refused: [] };
      for (const entry of await readdir(folder, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const { imported, already, refused } = await one(path.join(folder, entry.name));
        total.imported.push(...imported);
        total.already.push(...already);
        total.refused.push(...refused.map((refusal) => ({ ...refusal, file: path.join(entry.name, refusal.file) })));
      }
      return total;
    },
    publishRelease: (release) => addRelease(options.updateDir, release, province),
  };
}

export interface StartOptions {
  dbFile: string;
  port: number;
  logger?: boolean;
  /** Default: `<dbFile>.uploads` next to the database. */
  uploadDir?: string;
  /** Default: `<dbFile>.updates` next to the database. */
  updateDir?: string;
  now?: () => Date;
  random?: () => number;
}

/** Opens the store and listens on 127.0.0.1 only. */
export async function startReferencePortal(options: StartOptions): Promise<ReferencePortal & { url: string }> {
  const portal = createReferencePortal({
    store: openPortalStore(options.dbFile),
    uploadDir: options.uploadDir ?? `${options.dbFile}.uploads`,
    updateDir: options.updateDir ?? `${options.dbFile}.updates`,
    logger: options.logger ?? false,
    ...(options.now ? { now: options.now } : {}),
    ...(options.random ? { random: options.random } : {}),
  });
  const address = await portal.app.listen({ host: '127.0.0.1', port: options.port });
  return { ...portal, url: address };
}
