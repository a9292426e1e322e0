import { once } from 'node:events';
import { request } from 'node:http';
import { createConnection } from 'node:net';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import WebSocket from 'ws';
import { AppInfo, createHostClient, DeviceStatus, frameContentType, webHostPaths, webSocketProtocol } from '../../shared/contract';
import { decodeFrame, encodeFrame } from '../../shared/frame';
import { KioskError } from '../../shared/errors';
import { startKiosk, type RunningKiosk } from '../support/kiosk';

let kiosk: RunningKiosk;
beforeAll(async () => {
  kiosk = await startKiosk();
});
afterAll(() => kiosk?.close());

const post = (method: string, body: unknown, token = kiosk.webHost.token) =>
  fetch(`${kiosk.webHost.origin}${webHostPaths.call}${method}`, {
    method: 'POST',
    headers: { 'Content-Type': frameContentType, Authorization: `Bearer ${token}` },
    body: new Blob(encodeFrame(body)),
  });
const replyOf = async (response: Response) => decodeFrame(new Uint8Array(await response.arrayBuffer()));

/** The same client the renderer uses, over fetch from Node. */
const client = () =>
  createHostClient({
    call: async (method, input) => replyOf(await post(method, { input })),
    on: () => () => undefined,
  });

/** Raw HTTP, because fetch would normalise the path and fix the Host header. */
function rawGet(path: string, headers: Record<string, string> = {}) {
  const { port } = new URL(kiosk.webHost.origin);
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('calls', () => {
  test('app.info answered through the web host is parsed by the contract schema', async () => {
    const info = await client().call('app.info');
    expect(AppInfo.parse(info)).toEqual(info);
    expect(info).toMatchObject({ host: 'web', version: '0.0.0-test', portalUrl: kiosk.portalUrl });
  });

  test('portal.health reaches the reference portal', async () => {
    const health = await client().call('portal.health');
    expect(health).toMatchObject({ reachable: true, protocol: 'v1', errorCode: null });
  });

  test('a call without the per-run token is refused with host.unauthorized', async () => {
    const response = await post('app.info', {}, 'not-the-token');
    expect(response.status).toBe(401);
    expect(await replyOf(response)).toEqual({ ok: false, error: { code: 'host.unauthorized', params: {} } });
  });

  test('an unknown method and a bad input come back as error codes, not exceptions', async () => {
    expect(await replyOf(await post('fs.readFile', {}))).toMatchObject({ ok: false, error: { code: 'host.unknownMethod' } });
    expect(await replyOf(await post('app.info', { input: { path: '/etc/passwd' } }))).toMatchObject({
      ok: false,
      error: { code: 'host.badInput', params: { method: 'app.info' } },
    });
    for (const notAFrame of ['{"input": null}', '\0\0\0\x09{"value":', '\0\0\0\x0d{"parts":[9]}']) {
      const refused = await fetch(`${kiosk.webHost.origin}${webHostPaths.call}app.info`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${kiosk.webHost.token}` },
        body: notAFrame,
      });
      expect(refused.status).toBe(400);
      expect(await replyOf(refused)).toMatchObject({ ok: false, error: { code: 'host.badInput' } });
    }
    await expect(client().call('app.info').then(() => 'ok')).resolves.toBe('ok');
  });

  test('errors reach the client as KioskError with their code', async () => {
    const failing = createHostClient({ call: async () => replyOf(await post('app.info', {}, 'wrong')), on: () => () => undefined });
    const error = await failing.call('app.info').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect((error as KioskError).code).toBe('host.unauthorized');
  });
});

describe('files', () => {
  test('the renderer is served with the CSP as a header', async () => {
    const index = await rawGet('/', { Host: new URL(kiosk.webHost.origin).host });
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
    expect(index.headers['content-security-policy']).toContain("script-src 'self'");
    expect(index.headers['content-security-policy']).toContain("connect-src 'self'");
  });

  test.each(['/%2e%2e/package.json', '/../../package.json', '/assets/%2e%2e%2f%2e%2e%2fpackage.json', '/%E0%A4%A'])(
    'a path outside renderer/dist (%s) is 404',
    async (path) => {
      const response = await rawGet(path, { Host: new URL(kiosk.webHost.origin).host });
      expect(response.status).toBe(404);
      expect(response.body).not.toContain('dvc-kiosk');
    },
  );

  test('a request for another Host name (DNS rebinding) is refused', async () => {
    const response = await rawGet('/', { Host: `attacker.example:${new URL(kiosk.webHost.origin).port}` });
    expect(response.status).toBe(421);
  });
});

describe('events', () => {
  const connect = (protocols: string[], origin = kiosk.webHost.origin, target = kiosk) =>
    new WebSocket(`${target.webHost.origin.replace('http', 'ws')}${webHostPaths.events}`, protocols, { origin });

  test('devices.status events arrive over the WebSocket as devices come up', async () => {
    const booting = await startKiosk({
      devices: { qrScanner: { driver: 'simulator', connectDelayMs: 500 }, printer: { driver: 'simulator', connectDelayMs: 500 } },
    });
    const socket = connect([webSocketProtocol, `token.${booting.webHost.token}`], booting.webHost.origin, booting);
    const events: unknown[] = [];
    socket.on('message', (data: Buffer) => events.push(decodeFrame(data)));
    await expect.poll(() => events.length, { timeout: 5000 }).toBe(2);
    socket.close();
    await booting.close();
    const statuses = events.map((event) => {
      expect(event).toMatchObject({ event: 'devices.status' });
      return DeviceStatus.parse((event as { payload: unknown }).payload);
    });
    expect(statuses.map((s) => `${s.kind}:${s.state}`).sort()).toEqual(['printer:ready', 'qrScanner:ready']);
  });

  test.each([
    ['no token', () => [webSocketProtocol]],
    ['a wrong token', () => [webSocketProtocol, 'token.wrong']],
    ['another origin', () => [webSocketProtocol, `token.${kiosk.webHost.token}`], 'http://evil.example'],
  ] as const)('a WebSocket with %s is refused', async (_case, protocols, origin?: string) => {
    const socket = connect([...protocols()], origin);
    const outcome = await new Promise<string>((resolve) => {
      socket.on('open', () => resolve('open'));
      socket.on('error', (error) => resolve(error.message));
    });
    expect(outcome).toMatch(/403/);
  });

  test('a page killed while its WebSocket is refused (the connection reset) leaves the host serving', async () => {
    const port = Number(new URL(kiosk.webHost.origin).port);
    const socket = createConnection(port, '127.0.0.1');
    await once(socket, 'connect');
    socket.write(
      [
        `GET ${webHostPaths.events} HTTP/1.1`,
        `Host: 127.0.0.1:${port}`,
        'Connection: Upgrade',
        'Upgrade: websocket',
        'Sec-WebSocket-Version: 13',
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
        `Sec-WebSocket-Protocol: ${webSocketProtocol}, token.wrong`,
        '',
        '',
      ].join('\r\n'),
    );
    const [refusal] = (await once(socket, 'data')) as [Buffer];
    expect(refusal.toString()).toMatch(/^HTTP\/1.1 403/);
    // What a SIGKILLed browser's kernel does: a reset, not a close.
    socket.resetAndDestroy();
    await once(socket, 'close');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(AppInfo.parse(await client().call('app.info')).version).toBeTruthy();
  });
});
