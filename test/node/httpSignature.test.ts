import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import {
  contentDigest,
  contentDigestMatches,
  createDeviceKeyPair,
  headerRecord,
  signRequest,
  signResponse,
  verifyMessage,
  verifyResponse,
} from '../../electron/host/portal/signing';
import {
  parseContentDigest,
  parseSignature,
  parseSignatureInput,
  serializeSignatureInput,
  signatureBase,
} from '../../shared/httpSignature';

// RFC 9421 Appendix B.1.3 (test-key-ecc-p256) and B.1.4 (test-key-ed25519), public halves.
const rfcP256 = createPublicKey(`-----BEGIN PUBLIC KEY-----
MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqIVYZVLCrPZHGHjP17CTW0/+D9Lf
w0EkjqF7xB4FivAxzic30tMM4GF+hR6Dxh71Z50VGGdldkkDXZCnTNnoXQ==
-----END PUBLIC KEY-----`);
const rfcEd25519 = createPublicKey(`-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAJrQLj5P/89iXES9+vFgrIy29clF9CC/oPPsw3c5D0bs=
-----END PUBLIC KEY-----`);

// RFC 9421 Appendix B.2's test response and B.2.4's signature of it.
const b24Response = {
  status: 200,
  body: '{"message": "good dog"}',
  headers: {
    'content-type': 'application/json',
    'content-digest': 'sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
    'content-length': '23',
    'signature-input': 'sig-b24=("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"',
    signature: 'sig-b24=:wNmSUAhwb5LxtOtOpNa6W5xj067m5hFrj0XQ4fvpaCLx0NKocgPquLgyahnzDnDAUy5eCdlYUEkLIj+32oiasw==:',
  },
};
const b24Base = [
  '"@status": 200',
  '"content-type": application/json',
  '"content-digest": sha-512=:mEWXIS7MaLRuGgxOBdODa3xqM1XdEvxoYhvlCFJ41QJgJc4GTsPp29l5oGX69wWdXymyU0rjJuahq4l5aGgfLQ==:',
  '"content-length": 23',
  '"@signature-params": ("@status" "content-type" "content-digest" "content-length");created=1618884473;keyid="test-key-ecc-p256"',
].join('\n');

describe('RFC 9421 signature base', () => {
  test('the B.2.4 response base is rebuilt byte for byte from its Signature-Input', () => {
    const input = parseSignatureInput(b24Response.headers['signature-input']).get('sig-b24');
    expect(input).toBeDefined();
    expect(signatureBase(b24Response, input!.components, input!.paramsValue)).toBe(b24Base);
  });

  test("the RFC's own ecdsa-p256-sha256 signature of B.2.4 verifies over our base, as raw r||s", () => {
    const result = verifyMessage({ status: 200, headers: b24Response.headers }, (p) => (p.keyid === 'test-key-ecc-p256' ? rfcP256 : undefined), 'sig-b24');
    expect(result.ok).toBe(true);
    expect(parseSignature(b24Response.headers.signature).get('sig-b24')).toHaveLength(64);
  });

  test('changing the status breaks the RFC signature', () => {
    const result = verifyMessage({ status: 201, headers: b24Response.headers }, () => rfcP256, 'sig-b24');
    expect(result).toEqual({ ok: false, reason: 'badSignature' });
  });

  test('a request base (B.2.6) derives @method, @path and @authority from the target URI and the RFC signature verifies', () => {
    const request = {
      method: 'POST',
      targetUri: 'https://example.com/foo?param=Value&Pet=dog',
      headers: { date: 'Tue, 20 Apr 2021 02:07:55 GMT', 'content-type': 'application/json', 'content-length': '18' },
    };
    const components = ['date', '@method', '@path', '@authority', 'content-type', 'content-length'];
    const input = parseSignatureInput(serializeSignatureInput('sig-b26', components, { created: 1618884473, keyid: 'test-key-ed25519' })).get('sig-b26')!;
    const base = signatureBase(request, input.components, input.paramsValue);
    expect(base).toBe(
      [
        '"date": Tue, 20 Apr 2021 02:07:55 GMT',
        '"@method": POST',
        '"@path": /foo',
        '"@authority": example.com',
        '"content-type": application/json',
        '"content-length": 18',
        '"@signature-params": ("date" "@method" "@path" "@authority" "content-type" "content-length");created=1618884473;keyid="test-key-ed25519"',
      ].join('\n'),
    );
    const rfcSignature = Buffer.from('wqcAqbmYJ2ji2glfAMaRy4gruYYnx2nEFN2HN6jrnDnQCK1u02Gb04v9EDgwUPiu4A0w6vuQv5lIp5WPpBKRCw==', 'base64');
    expect(verify(null, Buffer.from(base), rfcEd25519, rfcSignature)).toBe(true);
  });

  test('@target-uri is the absolute URI as requested (RFC 9421 §2.2.2), @query keeps its "?"', () => {
    const message = { method: 'POST', targetUri: 'https://www.example.com/path?param=value', headers: {} };
    const input = parseSignatureInput(serializeSignatureInput('s', ['@target-uri', '@query'], { created: 1 })).get('s')!;
    expect(signatureBase(message, input.components, input.paramsValue).split('\n').slice(0, 2)).toEqual([
      '"@target-uri": https://www.example.com/path?param=value',
      '"@query": ?param=value',
    ]);
  });

  test.each([
    ['a component that is missing from the message', 'sig1=("x-missing");created=1'],
    ['component parameters', 'sig1=("content-type";sf);created=1'],
    ['an unknown derived component', 'sig1=("@request-target");created=1'],
    ['a created that is not an integer', 'sig1=("@method");created="yesterday"'],
  ])('refuses %s', (_name, field) => {
    expect(() => {
      const input = parseSignatureInput(field).get('sig1')!;
      signatureBase({ method: 'GET', headers: { 'content-type': 'a' } }, input.components, input.paramsValue);
    }).toThrow();
  });

  test('Content-Digest is sha-256 in RFC 9530 form and other algorithms are ignored when matching', () => {
    expect(contentDigest('{"hello": "world"}')).toBe('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:');
    expect(parseContentDigest('sha-512=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:').has('sha-256')).toBe(true);
    expect(contentDigestMatches('sha-512=:AAAA:, sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', '{"hello": "world"}')).toBe(true);
    expect(contentDigestMatches('sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:', '{"hello": "World"}')).toBe(false);
    expect(contentDigestMatches('not a dictionary ((', 'x')).toBe(false);
  });
});

describe('kiosk request signing', () => {
  const device = createDeviceKeyPair();
  const request = { method: 'PUT', url: 'http://127.0.0.1:8787/v1/dossiers/6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10', body: '{"packageSha256":"ab"}' };
  const signed = signRequest(request, { kioskId: 'kiosk-1', privateKey: device.privateKey }, { now: 1_800_000_000_000 });
  const asReceived = (overrides: Partial<{ method: string; targetUri: string; headers: Record<string, string> }> = {}) => ({
    method: 'PUT',
    targetUri: request.url,
    headers: signed.headers,
    ...overrides,
  });
  const check = (message: ReturnType<typeof asReceived>) => verifyMessage(message, (p) => (p.keyid === 'kiosk-1' ? device.publicKey : undefined));

  test('signs sig1 over method, target URI and content-digest, with created, nonce, keyid and alg', () => {
    const input = parseSignatureInput(signed.headers['signature-input']!).get('sig1')!;
    expect(input.components).toEqual(['@method', '@target-uri', 'content-digest']);
    expect(input.params).toEqual({ created: 1_800_000_000, nonce: signed.nonce, keyid: 'kiosk-1', alg: 'ecdsa-p256-sha256' });
    expect(signed.nonce).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(parseSignature(signed.headers.signature!).get('sig1')).toHaveLength(64);
    expect(contentDigestMatches(signed.headers['content-digest'], request.body)).toBe(true);
  });

  test('a request without a body covers no content-digest', () => {
    const get = signRequest({ method: 'get', url: 'http://127.0.0.1:8787/v1/dossiers/changes?cursor=3' }, { kioskId: 'k', privateKey: device.privateKey });
    expect(get.headers['content-digest']).toBeUndefined();
    expect(parseSignatureInput(get.headers['signature-input']!).get('sig1')!.components).toEqual(['@method', '@target-uri']);
  });

  test('sign then verify round-trips', () => {
    expect(check(asReceived()).ok).toBe(true);
  });

  test.each([
    ['method', asReceived({ method: 'POST' })],
    ['target URI', asReceived({ targetUri: `${request.url}?x=1` })],
    ['body digest', asReceived({ headers: { ...signed.headers, 'content-digest': contentDigest('{"packageSha256":"cd"}') } })],
    ['created', asReceived({ headers: { ...signed.headers, 'signature-input': signed.headers['signature-input']!.replace('created=1800000000', 'created=1800000001') } })],
    ['nonce', asReceived({ headers: { ...signed.headers, 'signature-input': signed.headers['signature-input']!.replace(signed.nonce, 'A'.repeat(22)) } })],
    ['keyid', asReceived({ headers: { ...signed.headers, 'signature-input': signed.headers['signature-input']!.replace('kiosk-1', 'kiosk-2') } })],
  ])('a tampered %s fails verification', (_name, message) => {
    expect(check(message).ok).toBe(false);
  });

  test('another key does not verify', () => {
    const other = createDeviceKeyPair();
    expect(verifyMessage(asReceived(), () => other.publicKey)).toEqual({ ok: false, reason: 'badSignature' });
  });
});

describe('portal response verification', () => {
  const portal = createDeviceKeyPair();
  const body = '{"uuid":"u","maHoSo":"22651-20261122-0000001"}';
  const headers = signResponse({ status: 201, body }, { privateKey: portal.privateKey, requestNonce: 'n'.repeat(22) });
  const expected = { portalPublicKey: portal.publicKey, requestNonce: 'n'.repeat(22) };

  test("verifies with the request's nonce", () => {
    expect(verifyResponse({ status: 201, body, headers: new Headers(headers) }, expected)).toBe(true);
  });

  test('fails with another nonce: an old answer to another request never counts', () => {
    expect(verifyResponse({ status: 201, body, headers }, { ...expected, requestNonce: 'm'.repeat(22) })).toBe(false);
  });

  test('fails for another status, another body, another key, or no signature (a captive portal)', () => {
    expect(verifyResponse({ status: 200, body, headers }, expected)).toBe(false);
    expect(verifyResponse({ status: 201, body: body.replace('0000001', '0000002'), headers }, expected)).toBe(false);
    expect(verifyResponse({ status: 201, body, headers }, { ...expected, portalPublicKey: createDeviceKeyPair().publicKey })).toBe(false);
    expect(verifyResponse({ status: 200, body: '<html>Đăng nhập Wi-Fi</html>', headers: { 'content-type': 'text/html' } }, expected)).toBe(false);
  });

  test('a kiosk-signed message is not a portal response even with the right nonce', () => {
    const kiosk = signResponse({ status: 201, body }, { privateKey: portal.privateKey, requestNonce: 'n'.repeat(22) });
    const relabelled = { ...kiosk, 'signature-input': kiosk['signature-input']!.replace('keyid="portal"', 'keyid="kiosk-1"') };
    expect(verifyResponse({ status: 201, body, headers: relabelled }, expected)).toBe(false);
    expect(headerRecord(new Headers({ A: '1' }))).toEqual({ a: '1' });
  });
});
