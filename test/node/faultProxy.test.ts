import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer as createHttpServer, type RequestListener } from 'node:http';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, test } from 'vitest';
import { startFaultProxy, type FaultEvent, type FaultProxy, type Faults } from '../support/faultProxy';

// One seed per run, in the suite's name: a failing run prints it, FAULT_PROXY_SEED=<n> replays it.
const seed = Number(process.env.FAULT_PROXY_SEED ?? Math.floor(Math.random() * 2 ** 32));

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

/** A raw TCP target on loopback that hands each accepted socket to `onSocket`. */
async function tcpTarget(onSocket: (socket: Socket) => void = () => undefined) {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  const port = await listen(server);
  cleanups.push(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise((resolve) => server.close(resolve));
  });
  return { port, sockets };
}

/** A real node:http target on loopback that counts the connections and requests reaching it. */
async function httpTarget(handler: RequestListener) {
  const counts = { connections: 0, requests: 0 };
  const server = createHttpServer((request, response) => {
    counts.requests += 1;
    handler(request, response);
  });
  server.on('connection', () => (counts.connections += 1));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanups.push(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));
  return { port: (server.address() as AddressInfo).port, counts };
}

async function proxyTo(port: number, faults?: Faults, onEvent?: (event: FaultEvent) => void): Promise<FaultProxy> {
  const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port }, seed, faults, onEvent });
  cleanups.push(() => proxy.close());
  return proxy;
}

async function dial(port: number): Promise<Socket> {
  const socket = connect({ host: '127.0.0.1', port });
  cleanups.push(() => socket.destroy());
  await once(socket, 'connect');
  return socket;
}

/** Everything a socket receives until it closes, and the error it closed with, if any. */
function collect(socket: Socket) {
  const chunks: Buffer[] = [];
  let error: NodeJS.ErrnoException | undefined;
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  socket.on('error', (cause) => (error = cause));
  return new Promise<{ data: Buffer; chunks: number; error: NodeJS.ErrnoException | undefined }>((resolve) =>
    socket.on('close', () => resolve({ data: Buffer.concat(chunks), chunks: chunks.length, error })),
  );
}

async function until(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function received(socket: Socket): () => Buffer {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks);
}

describe(`fault proxy (seed ${seed}; replay with FAULT_PROXY_SEED=${seed})`, () => {
  test('forwards an HTTP request and its response byte for byte when no fault is set', async () => {
    const target = await httpTarget((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        response.writeHead(201, { 'x-dossier': String(request.headers['x-dossier']) });
        response.end(Buffer.concat(chunks).reverse());
      });
    });
    const proxy = await proxyTo(target.port);
    const body = randomBytes(64 * 1024);

    const response = await fetch(`${proxy.url}/v1/dossiers`, {
      method: 'POST',
      headers: { 'x-dossier': 'd-42' },
      body,
    });

    expect(response.status).toBe(201);
    expect(response.headers.get('x-dossier')).toBe('d-42');
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(body).reverse())).toBe(true);
    expect(target.counts.requests).toBe(1);
    expect(proxy.stats()).toMatchObject({ connections: 1, resetsInjected: 0 });
    expect(proxy.stats().bytesUp).toBeGreaterThan(body.length);
    expect(proxy.stats().bytesDown).toBeGreaterThan(body.length);
  });

  test('delays each configured direction by at least the latency, and only those directions', async () => {
    const target = await tcpTarget((socket) => socket.pipe(socket));
    const proxy = await proxyTo(target.port, { latency: { ms: 100 } });
    const client = await dial(proxy.port);
    const roundTrip = async (message: string) => {
      const started = performance.now();
      client.write(message);
      const [echo] = (await once(client, 'data')) as [Buffer];
      expect(echo.toString()).toBe(message);
      return performance.now() - started;
    };

    const both = await roundTrip('ping-both');
    proxy.setFaults({ latency: { ms: 100, direction: 'down' } });
    const downOnly = await roundTrip('ping-down');

    expect(both).toBeGreaterThanOrEqual(200);
    expect(both).toBeLessThan(350);
    expect(downOnly).toBeGreaterThanOrEqual(100);
    expect(downOnly).toBeLessThan(200);
  });

  test('limits download bandwidth to the configured rate, measured over 200 KB', async () => {
    const size = 200_000;
    const target = await tcpTarget((socket) => socket.end(randomBytes(size)));
    const proxy = await proxyTo(target.port, { bandwidth: { downBytesPerSec: 400_000 } });

    const started = performance.now();
    const { data, error } = await collect(await dial(proxy.port));
    const rate = size / ((performance.now() - started) / 1000);

    expect(error).toBeUndefined();
    expect(data.length).toBe(size);
    expect(rate).toBeGreaterThan(400_000 * 0.75);
    expect(rate).toBeLessThan(400_000 * 1.1);
  });

  test('limits upload bandwidth to the configured rate, measured over 200 KB', async () => {
    const size = 200_000;
    let total = 0;
    let completed = 0;
    const target = await tcpTarget((socket) =>
      socket.on('data', (chunk: Buffer) => {
        total += chunk.length;
        if (total === size) completed = performance.now();
      }),
    );
    const proxy = await proxyTo(target.port, { bandwidth: { upBytesPerSec: 400_000 } });

    const client = await dial(proxy.port);
    const started = performance.now();
    client.write(randomBytes(size));
    await until(() => completed > 0);
    const rate = size / ((completed - started) / 1000);

    expect(total).toBe(size);
    expect(rate).toBeGreaterThan(400_000 * 0.75);
    expect(rate).toBeLessThan(400_000 * 1.1);
  });

  test('reset after N downstream bytes: the client gets exactly N bytes, then ECONNRESET', async () => {
    const target = await tcpTarget((socket) => socket.write(randomBytes(100_000)));
    const proxy = await proxyTo(target.port, { resetAfter: { bytes: 5000, direction: 'down' } });

    const { data, error } = await collect(await dial(proxy.port));

    expect(error?.code).toBe('ECONNRESET');
    expect(data.length).toBe(5000);
    expect(proxy.stats()).toMatchObject({ resetsInjected: 1, bytesDown: 5000 });
  });

  test('reset after N upstream bytes: the target gets exactly N bytes and both ends see a reset', async () => {
    const targetSide: Array<ReturnType<typeof collect>> = [];
    const target = await tcpTarget((socket) => targetSide.push(collect(socket)));
    const proxy = await proxyTo(target.port, { resetAfter: { bytes: 3000, direction: 'up' } });

    const client = await dial(proxy.port);
    const clientSide = collect(client);
    client.write(randomBytes(100_000));

    const { error: clientError } = await clientSide;
    await until(() => targetSide.length === 1);
    const { data, error: targetError } = await targetSide[0]!;
    expect(['ECONNRESET', 'EPIPE']).toContain(clientError?.code);
    expect(targetError?.code).toBe('ECONNRESET');
    expect(data.length).toBe(3000);
    expect(target.sockets).toHaveLength(1);
  });

  test('limit_data closes the connection cleanly after exactly N bytes', async () => {
    const target = await tcpTarget((socket) => socket.write(randomBytes(50_000)));
    const proxy = await proxyTo(target.port, { limitData: { bytes: 10_000 } });

    const { data, error } = await collect(await dial(proxy.port));

    expect(error).toBeUndefined();
    expect(data.length).toBe(10_000);
    expect(proxy.stats()).toMatchObject({ limitsHit: 1, resetsInjected: 0 });
  });

  test('a black hole makes a fetch with AbortSignal.timeout(300) abort, and nothing reaches the target', async () => {
    const target = await httpTarget((_request, response) => response.end('reached'));
    const proxy = await proxyTo(target.port, { blackHole: true });

    const started = performance.now();
    const attempt = fetch(`${proxy.url}/v1/health`, { signal: AbortSignal.timeout(300) });

    await expect(attempt).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(target.counts).toEqual({ connections: 0, requests: 0 });
    expect(proxy.stats().connections).toBe(1);

    // The client gave up before the hole lifted: its request must not reach the target late.
    // (undici may open a fresh idle connection after the abort; that one may connect, silently.)
    await sleep(50);
    proxy.setFaults({});
    await sleep(100);
    expect(target.counts.requests).toBe(0);
  });

  test('a black hole stalls new and open connections without losing bytes; they resume in order when it lifts', async () => {
    const target = await tcpTarget();
    const proxy = await proxyTo(target.port);
    const open = await dial(proxy.port);
    await until(() => target.sockets.length === 1);
    const openArrived = received(target.sockets[0]!);

    proxy.setFaults({ blackHole: true });
    open.write('dossier-1;');
    open.write('dossier-2;');
    const fresh = await dial(proxy.port);
    fresh.write('dossier-3;');
    await sleep(150);
    expect(openArrived().toString()).toBe('');
    expect(target.sockets).toHaveLength(1);

    proxy.setFaults({});
    await until(() => target.sockets.length === 2);
    const freshArrived = received(target.sockets[1]!);
    await until(() => openArrived().length === 20 && freshArrived().length === 10);
    expect(openArrived().toString()).toBe('dossier-1;dossier-2;');
    expect(freshArrived().toString()).toBe('dossier-3;');
  });

  test('down refuses new connections with a reset and resets the open ones', async () => {
    const target = await httpTarget((_request, response) => response.end('reached'));
    const proxy = await proxyTo(target.port);
    const open = collect(await dial(proxy.port));

    proxy.setFaults({ down: true });
    const attempt = fetch(`${proxy.url}/v1/health`);

    await expect(attempt).rejects.toMatchObject({ cause: { code: 'ECONNRESET' } });
    expect((await open).error?.code).toBe('ECONNRESET');
    expect(target.counts.requests).toBe(0);
    expect(proxy.stats()).toMatchObject({ refused: 1, resetsInjected: 1, open: 0 });
  });

  test('reset every T ms cuts a long-lived connection with ECONNRESET', async () => {
    const target = await tcpTarget();
    const proxy = await proxyTo(target.port, { resetEveryMs: 100 });

    const started = performance.now();
    const { error } = await collect(await dial(proxy.port));

    expect(error?.code).toBe('ECONNRESET');
    expect(performance.now() - started).toBeLessThan(400);
    expect(proxy.stats().resetsInjected).toBe(1);
  });

  test('a captive portal answers 200 with an HTML login page and the target sees nothing', async () => {
    const target = await httpTarget((_request, response) => response.end('{"receipt":"R-1"}'));
    const proxy = await proxyTo(target.port, { captivePortal: true });

    const response = await fetch(`${proxy.url}/v1/dossiers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'd-1' }),
    });

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await response.text()).toContain('<form');
    expect(target.counts).toEqual({ connections: 0, requests: 0 });
    expect(proxy.stats().captiveResponses).toBe(1);
  });

  test('the slicer delivers every byte, in order, in many small slices of the configured size', async () => {
    const payload = randomBytes(20_000);
    const target = await tcpTarget((socket) => socket.end(payload));
    const slices: number[] = [];
    const proxy = await proxyTo(
      target.port,
      { slicer: { averageSize: 500, sizeVariation: 400, delayMs: 1, direction: 'down' } },
      (event) => event.type === 'slice' && slices.push(event.size),
    );

    const { data, chunks } = await collect(await dial(proxy.port));

    expect(data.equals(payload)).toBe(true);
    expect(chunks).toBeGreaterThanOrEqual(10);
    expect(Math.min(...slices)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...slices)).toBeLessThanOrEqual(900);
    expect(new Set(slices).size).toBeGreaterThan(1);
    expect(proxy.stats().bytesDown).toBe(payload.length);
  });

  test('the same seed replays the same slicing and jitter; another seed does not', async () => {
    const run = async (runSeed: number) => {
      const target = await tcpTarget();
      const events: string[] = [];
      const proxy = await startFaultProxy({
        target: { host: '127.0.0.1', port: target.port },
        seed: runSeed,
        faults: { latency: { ms: 5, jitterMs: 5 }, slicer: { averageSize: 700, sizeVariation: 650 } },
        onEvent: (event) => {
          if (event.type === 'delay') events.push(`delay ${event.direction} ${event.ms.toFixed(6)}`);
          if (event.type === 'slice') events.push(`slice ${event.direction} ${event.size}`);
        },
      });
      cleanups.push(() => proxy.close());
      const client = await dial(proxy.port);
      await until(() => target.sockets.length === 1);
      const arrived = received(target.sockets[0]!);
      // One write at a time, each after the last fully arrived, so each is one chunk at the proxy.
      for (let message = 1; message <= 5; message += 1) {
        client.write(Buffer.alloc(3000, message));
        await until(() => arrived().length === message * 3000);
      }
      return events;
    };

    const first = await run(seed);
    const replay = await run(seed);
    const other = await run(seed ^ 0x5bd1e995);

    expect(first.filter((line) => line.startsWith('delay'))).toHaveLength(5);
    expect(first.filter((line) => line.startsWith('slice')).length).toBeGreaterThan(5);
    expect(replay).toEqual(first);
    expect(other).not.toEqual(first);
  });

  test.each([
    ['a private address', '10.0.0.1'],
    ['a LAN address', '192.168.1.10'],
    ['the cloud metadata address', '169.254.169.254'],
    ['the unspecified IPv4 address', '0.0.0.0'],
    ['the unspecified IPv6 address', '::'],
    ['the first address past 127/8', '128.0.0.1'],
    ['an IPv4-mapped public address', '::ffff:8.8.8.8'],
    ['a host name, even localhost', 'localhost'],
    ['a host name that starts like loopback', '127.0.0.1.nip.io'],
    ['an address with a space', ' 127.0.0.1'],
    ['an empty host', ''],
  ])('refuses a non-loopback target: %s (%j)', async (_name, host) => {
    await expect(startFaultProxy({ target: { host, port: 80 }, seed })).rejects.toThrow(/not a loopback address/);
  });

  test.each([0, 65_536, 80.5, Number.NaN])('refuses target port %s', async (port) => {
    await expect(startFaultProxy({ target: { host: '127.0.0.1', port }, seed })).rejects.toThrow(/not a TCP port/);
  });

  test.each(['127.0.0.1', '127.45.6.7', '::1'])('accepts the loopback target %s and listens on 127.0.0.1', async (host) => {
    const proxy = await startFaultProxy({ target: { host, port: 9 }, seed });
    cleanups.push(() => proxy.close());
    expect(proxy.url).toBe(`http://127.0.0.1:${proxy.port}`);
    expect(proxy.seed).toBe(seed >>> 0);
  });

  test('refuses fault values that make no sense', async () => {
    const target = await tcpTarget();
    const proxy = await proxyTo(target.port);
    expect(() => proxy.setFaults({ latency: { ms: -1 } })).toThrow(/latency\.ms/);
    expect(() => proxy.setFaults({ bandwidth: { upBytesPerSec: 0 } })).toThrow(/upBytesPerSec/);
    expect(() => proxy.setFaults({ slicer: { averageSize: Number.NaN } })).toThrow(/averageSize/);
    expect(() => proxy.setFaults({ resetEveryMs: 0 })).toThrow(/resetEveryMs/);
  });

  test('close() ends open connections and releases the port', async () => {
    const target = await tcpTarget();
    const proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: target.port }, seed });
    const client = await dial(proxy.port);
    await until(() => target.sockets.length === 1);
    const clientClosed = collect(client);
    const targetClosed = collect(target.sockets[0]!);

    await proxy.close();

    await clientClosed;
    await targetClosed;
    const refused = connect({ host: '127.0.0.1', port: proxy.port });
    const [error] = (await once(refused, 'error')) as [NodeJS.ErrnoException];
    expect(error.code).toBe('ECONNREFUSED');
    const successor = createServer();
    await new Promise<void>((resolve) => successor.listen(proxy.port, '127.0.0.1', resolve));
    await new Promise((resolve) => successor.close(resolve));
  });
});
