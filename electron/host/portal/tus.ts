import { readFile } from 'node:fs/promises';
import type { ClientRequest } from 'node:http';
import { DefaultHttpStack, DetailedError, Upload, type HttpRequest, type HttpResponse, type HttpStack, type PreviousUpload, type UrlStorage } from 'tus-js-client';
import type { Attachment } from '../../../shared/dossier/dossier';
import { KioskError } from '../../../shared/errors';
import { writeFileAtomic } from '../atomicFile';
import { oneAtATime } from '../oneAtATime';
import { networkFailure, refusalCode } from './failures';
import type { PortalIdentity } from './index';
import { signRequest, verifyResponse } from './signing';

/**
 * Attachments go up by tus 1.0 with tus-js-client (docs/portal-protocol.md, "Attachments"): in
 * chunks, resumable, every request signed and every answer checked like the portal's JSON calls.
 * The portal verifies a chunk's Content-Digest before it keeps a byte, so a chunk cut off by a
 * reset is sent again whole; that bounds what a reset costs to one chunk (target R7).
 */

/** 1 MiB: the largest chunk the portal takes, and R7's default; ~8 s on a 1 Mbit/s link. */
export const CHUNK_BYTES = 1 << 20;
/** 256 kbit/s: a chunk may take this long (~33 s for 1 MiB) before the link counts as dead. */
const SLOWEST_LINK_BYTES_PER_SEC = 32_000;
/** tus-js-client's own retries inside one upload; it starts counting again after every chunk that got through. */
const RETRY_DELAYS_MS = [0, 1_000, 3_000, 5_000];

/**
 * Where each attachment's upload lives at the portal, in a file, so that a kiosk restarted in the
 * middle of a 7 MB dossier resumes with HEAD instead of starting again (tus-js-client's UrlStorage,
 * keyed by `<dossier uuid>/<attachment id>`). tus-js-client waits for `addUpload` before it sends
 * the first chunk, so the URL is on disk before any byte is.
 */
export function createUploadUrls(file: string) {
  let entries: Promise<Record<string, PreviousUpload>> | undefined;
  const serially = oneAtATime();
  const load = () =>
    (entries ??= readFile(file, 'utf8')
      .then((text) => JSON.parse(text) as Record<string, PreviousUpload>)
      .catch((): Record<string, PreviousUpload> => ({})));
  /** Changes are applied and written one at a time, in order. */
  const change = (apply: (all: Record<string, PreviousUpload>) => void) =>
    serially(async () => {
      const all = await load();
      apply(all);
      await writeFileAtomic(file, JSON.stringify(all));
    });

  const storage: UrlStorage = {
    findAllUploads: async () => Object.values(await load()),
    findUploadsByFingerprint: async (fingerprint) => {
      const found = (await load())[fingerprint];
      return found ? [found] : [];
    },
    removeUpload: (key) => change((all) => delete all[key]),
    addUpload: async (fingerprint, upload) => {
      await change((all) => (all[fingerprint] = { ...upload, urlStorageKey: fingerprint }));
      return fingerprint;
    },
  };
  return {
    storage,
    /** Once the portal has the whole dossier, its uploads need no resuming. */
    forgetDossier: (uuid: string) =>
      change((all) => {
        for (const key of Object.keys(all)) if (key.startsWith(`${uuid}/`)) delete all[key];
      }),
  };
}

/**
 * tus-js-client's Node HTTP stack with our signing around it: each request is signed over its body
 * (the chunk), and an answer that is not the portal's signature over that request's nonce is an
 * error, so a captive portal's `204` never moves the offset. A request that shows no progress for
 * `timeoutMs`, plus the time its body needs on the slowest link served, is aborted: the socket's
 * buffers take a chunk at once, so "progress" stops long before a slow link has carried it.
 */
function signingHttpStack(identity: () => Promise<PortalIdentity>, timeoutMs: number): HttpStack {
  const inner = new DefaultHttpStack({});
  return {
    getName: () => 'SigningHttpStack',
    createRequest(method, url) {
      const request = inner.createRequest(method, url);
      let onProgress: (bytesSent: number) => void = () => undefined;
      let touch = () => undefined as void;
      request.setProgressHandler((bytesSent) => {
        touch();
        onProgress(bytesSent);
      });
      const signed: HttpRequest = {
        getMethod: () => request.getMethod(),
        getURL: () => request.getURL(),
        setHeader: (name, value) => request.setHeader(name, value),
        getHeader: (name) => request.getHeader(name),
        setProgressHandler: (handler) => void (onProgress = handler),
        abort: () => request.abort(),
        getUnderlyingObject: () => request.getUnderlyingObject(),
        async send(body: Buffer | null) {
          const { kioskId, privateKey, portalPublicKey } = await identity();
          const { headers, nonce } = signRequest({ method, url, ...(body ? { body } : {}) }, { kioskId, privateKey });
          for (const [name, value] of Object.entries(headers)) request.setHeader(name, value);
          const response = await new Promise<HttpResponse>((resolve, reject) => {
            let timer: NodeJS.Timeout | undefined;
            touch = () => {
              clearTimeout(timer);
              timer = setTimeout(() => {
                void request.abort();
                reject(new KioskError('portal.timeout'));
              }, timeoutMs + ((body?.length ?? 0) / SLOWEST_LINK_BYTES_PER_SEC) * 1000);
            };
            touch();
            request.send(body).then(resolve, reject).finally(() => clearTimeout(timer));
          });
          const answer = {
            status: response.getStatus(),
            body: response.getBody(),
            headers: Object.fromEntries(['content-digest', 'signature-input', 'signature'].map((name) => [name, response.getHeader(name)])),
          };
          if (!verifyResponse(answer, { portalPublicKey, requestNonce: nonce })) {
            // The socket this came on is not the portal's (connections.ts): keep-alive must not reuse it.
            (request.getUnderlyingObject() as ClientRequest | undefined)?.socket?.destroy();
            throw new KioskError('portal.badResponse', { reason: 'signature' });
          }
          return response;
        },
      };
      return signed;
    },
  };
}

const portalCodeOf = (response: HttpResponse) => {
  try {
    return refusalCode(JSON.parse(response.getBody()));
  } catch {
    return 'portal.badResponse';
  }
};

/** What a failed upload means for the sync engine: the portal's refusal, or the link's failure. */
function uploadFailure(error: unknown): KioskError {
  const cause = error instanceof DetailedError ? (error.causingError ?? undefined) : error;
  if (cause instanceof KioskError) return cause;
  const response = error instanceof DetailedError ? error.originalResponse : null;
  if (response) return new KioskError(portalCodeOf(response), { status: response.getStatus() });
  return new KioskError(networkFailure(cause), {}, { cause: error });
}

/**
 * Retried inside the upload: no (verified) answer, a busy portal, a locked upload, or tus's own
 * offset conflict (409 without a portal code). A refusal the portal signed is final here.
 */
function shouldRetry(error: DetailedError): boolean {
  const status = error.originalResponse?.getStatus() ?? 0;
  if (status === 409) return portalCodeOf(error.originalResponse!) === 'portal.badResponse';
  return status === 0 || status === 423 || status >= 500;
}

export interface TusUploaderOptions {
  baseUrl: string;
  timeoutMs: number;
  identity: () => Promise<PortalIdentity>;
  urls: ReturnType<typeof createUploadUrls>;
  chunkBytes?: number;
  /** How long to wait before each retry within one upload; after the last, the upload fails. */
  retryDelaysMs?: number[];
}

export function createTusUploader({ baseUrl, timeoutMs, identity, urls, chunkBytes = CHUNK_BYTES, retryDelaysMs = RETRY_DELAYS_MS }: TusUploaderOptions) {
  const httpStack = signingHttpStack(identity, timeoutMs);
  const endpoint = new URL('/v1/uploads', baseUrl).href;
  /** One upload per attachment at a time: a renderer that came back must not race its own earlier call. */
  const running = new Map<string, Promise<void>>();

  async function send(uuid: string, attachment: Attachment, bytes: Buffer): Promise<void> {
    const key = `${uuid}/${attachment.id}`;
    await new Promise<void>((resolve, reject) => {
      const upload = new Upload(bytes, {
        endpoint,
        chunkSize: chunkBytes,
        retryDelays: retryDelaysMs,
        metadata: { dossierUuid: uuid, attachmentId: attachment.id, sha256: attachment.sha256, filetype: attachment.mediaType },
        fingerprint: async () => key,
        urlStorage: urls.storage,
        storeFingerprintForResuming: true,
        // Kept until the dossier is submitted: an upload that finished just before a crash is then
        // confirmed by one HEAD, not sent again.
        removeFingerprintOnSuccess: false,
        httpStack,
        onShouldRetry: (error) => shouldRetry(error),
        onSuccess: () => resolve(),
        onError: (error) => reject(uploadFailure(error)),
      });
      upload
        .findPreviousUploads()
        .then((previous) => {
          if (previous[0]) upload.resumeFromPreviousUpload(previous[0]);
          upload.start();
        })
        .catch((error: unknown) => reject(uploadFailure(error)));
    });
  }

  return {
    /** Sends one attachment; resolves when the portal holds all of it and has checked its sha-256. */
    upload(uuid: string, attachment: Attachment, bytes: Buffer): Promise<void> {
      const key = `${uuid}/${attachment.id}`;
      const current = running.get(key) ?? send(uuid, attachment, bytes).finally(() => running.delete(key));
      running.set(key, current);
      return current;
    },
    forgetDossier: urls.forgetDossier,
  };
}
