import type { JsonWebKey, KeyObject } from 'node:crypto';
import {
  createDeviceKeyPair,
  importPublicKeyJwk,
  signRequest,
  verifyResponse,
} from '../../electron/host/portal/signing';
import { ENROLMENT_KEY_ID } from '../../shared/httpSignature';

export interface SignedAnswer {
  status: number;
  body: string;
  /** Parsed JSON body, or undefined when empty or not JSON. */
  json: unknown;
  headers: Headers;
  nonce: string;
  /** The response signature checked against the portal key and this request's nonce. */
  verified: boolean;
}

export interface SendOptions {
  body?: Uint8Array | string | object;
  headers?: Record<string, string>;
  /** Overrides for tests: the signing clock (ms), the nonce, or the signing key id. */
  now?: number;
  nonce?: string;
  kioskId?: string;
  privateKey?: KeyObject;
}

/**
 * A test kiosk: enrols with the reference portal and sends requests signed by
 * electron/host/portal/signing.ts, verifying every answer as the kiosk would.
 */
export class PortalTestClient {
  kioskId = '';
  portalPublicKey: KeyObject | undefined;
  readonly keys = createDeviceKeyPair();

  /** The kiosk's signing clock (ms); tests that move the portal clock move this one too. */
  constructor(
    readonly baseUrl: string,
    public clock: () => number = Date.now,
  ) {}

  async send(method: string, path: string, options: SendOptions = {}): Promise<SignedAnswer> {
    const url = new URL(path, this.baseUrl).href;
    const raw = options.body;
    const body = raw === undefined || typeof raw === 'string' || raw instanceof Uint8Array ? raw : JSON.stringify(raw);
    const signed = signRequest(
      { method, url, ...(body === undefined ? {} : { body }) },
      { kioskId: options.kioskId ?? this.kioskId, privateKey: options.privateKey ?? this.keys.privateKey },
      { now: options.now ?? this.clock(), ...(options.nonce === undefined ? {} : { nonce: options.nonce }) },
    );
    const headers: Record<string, string> = { ...signed.headers, ...options.headers };
    if (body !== undefined && typeof raw === 'object' && !(raw instanceof Uint8Array)) headers['content-type'] = 'application/json';
    if (body !== undefined && headers['content-type'] === undefined) headers['content-type'] = typeof raw === 'string' ? 'application/json' : 'application/offset+octet-stream';
    const fetchBody = body === undefined ? undefined : typeof body === 'string' ? body : new Uint8Array(body);
    const response = await fetch(url, { method, headers, ...(fetchBody === undefined ? {} : { body: fetchBody as BodyInit }) });
    const text = method === 'HEAD' ? '' : await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    const verified =
      this.portalPublicKey !== undefined &&
      verifyResponse({ status: response.status, body: text, headers: response.headers }, { portalPublicKey: this.portalPublicKey, requestNonce: signed.nonce });
    return { status: response.status, body: text, json, headers: response.headers, nonce: signed.nonce, verified };
  }

  /** POST /v1/enrol signed by the new key under keyid "enrol"; on 201 keeps kioskId and the portal key. */
  async enrol(enrolmentCode: string): Promise<SignedAnswer> {
    const answer = await this.send('POST', '/v1/enrol', {
      kioskId: ENROLMENT_KEY_ID,
      body: { enrolmentCode, publicKeyJwk: this.keys.publicKeyJwk, kiosk: { name: 'Ki-ốt thử nghiệm', version: '0.0.0-test' } },
    });
    if (answer.status === 201) {
      const body = answer.json as { kioskId: string; portalPublicKeyJwk: JsonWebKey };
      this.kioskId = body.kioskId;
      this.portalPublicKey = importPublicKeyJwk(body.portalPublicKeyJwk);
      answer.verified = verifyResponse(
        { status: answer.status, body: answer.body, headers: answer.headers },
        { portalPublicKey: this.portalPublicKey, requestNonce: answer.nonce },
      );
    }
    return answer;
  }
}
