import { EventEmitter, once } from 'node:events';
import { createServer as createHttpServer } from 'node:http';
import { BlockList, connect, createServer, isIP, type AddressInfo, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { mulberry32 } from '../../shared/random';

/**
 * A seeded loopback TCP fault proxy for tests: the toxics of Shopify/toxiproxy (README, "Toxics":
 * latency, down, bandwidth, timeout, reset_peer, slicer, limit_data) plus a captive portal, in one
 * small Node module, because toxiproxy itself is not installable here
 * (/work/shared/reference/test-stack.md, "Network faults") and targets R2, R7 and P8 need it.
 *
 * Only ever listens on and forwards to loopback. All randomness comes from the seed, split into one
 * mulberry32 stream per connection, direction and fault, so a failing run replays from its seed no
 * matter how the event loop interleaves connections.
 */

/** `up` is client → target (requests, uploads); `down` is target → client (responses). */
export type Direction = 'up' | 'down';
export type Directions = Direction | 'both';

/**
 * The faults in force. `setFaults` replaces the whole set (`setFaults({})` heals the link); every
 * field may be combined with the others.
 */
export interface Faults {
  /** Link down: open connections are reset now, new ones are reset right after accept (ECONNRESET). */
  down?: boolean;
  /**
   * Black hole (toxiproxy `timeout` with timeout 0, but lossless like TCP over a dead route):
   * connections are accepted and read, nothing is forwarded or answered. New connections do not
   * reach the target until the hole lifts; open ones stall and resume in order when it lifts.
   */
  blackHole?: boolean;
  /** New connections are answered by a hotel/village Wi-Fi login page, never reaching the target. */
  captivePortal?: boolean | { html: string };
  /** Each chunk is held `ms ± jitterMs` (uniform, seeded, floored at 0) after it arrived; order is kept. */
  latency?: { ms: number; jitterMs?: number; direction?: Directions };
  /** Bytes per second, per direction; unset means unlimited. */
  bandwidth?: { upBytesPerSec?: number; downBytesPerSec?: number };
  /**
   * Cuts the stream into slices of `averageSize ± sizeVariation` bytes (uniform, seeded, at least
   * 1) and waits `delayMs` after each slice. Slice boundaries are byte offsets of the stream, so
   * the same seed cuts at the same offsets however TCP happened to deliver the bytes.
   */
  slicer?: { averageSize: number; sizeVariation?: number; delayMs?: number; direction?: Directions };
  /**
   * toxiproxy `reset_peer` by volume: once `bytes` have been forwarded (summed over `direction`),
   * both sockets are reset (RST). Exactly `bytes` are forwarded before the reset.
   */
  resetAfter?: { bytes: number; direction?: Directions };
  /** Every `resetEveryMs` (from this `setFaults`), every open connection is reset (RST). */
  resetEveryMs?: number;
  /**
   * toxiproxy `limit_data`: once `bytes` have been forwarded (summed over `direction`), both
   * sockets are closed cleanly (FIN). Exactly `bytes` are forwarded before the close.
   */
  limitData?: { bytes: number; direction?: Directions };
}

export interface FaultProxyStats {
  /** Connections accepted, whatever happened to them. */
  connections: number;
  /** Connections not yet closed. */
  open: number;
  /** Bytes forwarded to the target. */
  bytesUp: number;
  /** Bytes forwarded to the client (captive-portal pages not included). */
  bytesDown: number;
  /** Connections reset by `resetAfter`, `resetEveryMs` or `down` after they were accepted. */
  resetsInjected: number;
  /** Connections reset at accept because the link was `down`. */
  refused: number;
  /** Connections closed by `limitData`. */
  limitsHit: number;
  /** HTTP requests the captive portal answered. */
  captiveResponses: number;
}

/** What the proxy did, in order: a nemesis history for Jepsen-style checkers and for replay. */
export type FaultEvent =
  | { type: 'accept'; conn: number; mode: 'forward' | 'refused' | 'blackHole' | 'captive' }
  | { type: 'delay'; conn: number; direction: Direction; ms: number }
  | { type: 'slice'; conn: number; direction: Direction; size: number }
  | { type: 'reset'; conn: number; reason: 'resetAfter' | 'resetEvery' | 'down' }
  | { type: 'limit'; conn: number }
  | { type: 'captive'; conn: number; method: string; url: string };

export interface FaultProxyOptions {
  /** Must be a loopback address literal: 127.0.0.0/8 or ::1. Host names are refused. */
  target: { host: string; port: number };
  /** 32-bit seed; a random one is chosen (and exposed as `seed`) when omitted. */
  seed?: number;
  faults?: Faults;
  onEvent?: (event: FaultEvent) => void;
}

export interface FaultProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly seed: number;
  setFaults(faults: Faults): void;
  stats(): FaultProxyStats;
  /** Stops listening, destroys every open connection and waits until the port is released. */
  close(): Promise<void>;
}


/** Mixes numbers into one 32-bit seed (FNV-1a steps with a murmur3 finaliser), for sub-streams. */
function deriveSeed(...parts: number[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    hash = Math.imul(hash ^ (part >>> 0), 0x01000193);
    hash ^= hash >>> 16;
    hash = Math.imul(hash, 0x85ebca6b);
    hash ^= hash >>> 13;
  }
  return hash >>> 0;
}

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** Throws unless `host` is an IPv4 address in 127.0.0.0/8 or the IPv6 loopback ::1. */
export function assertLoopbackTarget(target: { host: string; port: number }): void {
  const family = isIP(target.host);
  if (family === 0 || !loopback.check(target.host, family === 4 ? 'ipv4' : 'ipv6')) {
    throw new Error(`fault proxy: target ${JSON.stringify(target.host)} is not a loopback address (127.0.0.0/8 or ::1)`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new Error(`fault proxy: target port ${target.port} is not a TCP port`);
  }
}

function assertFaults(faults: Faults): void {
  const check = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && !(Number.isFinite(value) && value >= min)) {
      throw new Error(`fault proxy: ${name} must be a finite number ≥ ${min}, got ${value}`);
    }
  };
  check('latency.ms', faults.latency?.ms, 0);
  check('latency.jitterMs', faults.latency?.jitterMs, 0);
  check('bandwidth.upBytesPerSec', faults.bandwidth?.upBytesPerSec, 1);
  check('bandwidth.downBytesPerSec', faults.bandwidth?.downBytesPerSec, 1);
  check('slicer.averageSize', faults.slicer?.averageSize, 1);
  check('slicer.sizeVariation', faults.slicer?.sizeVariation, 0);
  check('slicer.delayMs', faults.slicer?.delayMs, 0);
  check('resetAfter.bytes', faults.resetAfter?.bytes, 0);
  check('resetEveryMs', faults.resetEveryMs, 1);
  check('limitData.bytes', faults.limitData?.bytes, 0);
}

const applies = (selected: Directions | undefined, direction: Direction) =>
  selected === undefined || selected === 'both' || selected === direction;

/** Read-ahead per direction before the source is paused, so a slow link pushes back on the sender. */
const HIGH_WATER = 64 * 1024;
const LOW_WATER = 16 * 1024;
/** Bandwidth is metered in slices of 10 ms worth of bytes, on an absolute schedule (no drift). */
const METER_SLICE_S = 0.01;
/** A connection closed by `limitData` that the peer does not close is destroyed after this. */
const LINGER_MS = 2000;
/**
 * `resetAfter` sends its RST this long after the N-th byte, as a real RST trails the data on the
 * wire. Sent at once, it would reach a peer that has not yet read those bytes, and libuv reports a
 * reset that arrives with unread bytes as a clean EOF (the POLLHUP short-circuit in
 * `uv__stream_io`, libuv src/unix/stream.c), so the peer would never see ECONNRESET.
 */
const RESET_GRACE_MS = 25;

const STREAM = { latency: 1, slicer: 2 } as const;

const DEFAULT_CAPTIVE_HTML = `<!doctype html>
<html lang="vi"><head><meta charset="utf-8"><title>Đăng nhập Wi-Fi</title></head>
<body><h1>Chào mừng đến với Wi-Fi miễn phí</h1>
<form method="post" action="/login"><label>Số điện thoại <input name="phone"></label>
<button>Đăng nhập</button></form></body></html>
`;

class LinkClosed extends Error {}

interface ProxyState {
  readonly target: { host: string; port: number };
  readonly seed: number;
  faults: Faults;
  readonly changes: EventEmitter;
  readonly counters: FaultProxyStats;
  emit(event: FaultEvent): void;
}

/** One client connection and its target connection. */
class Link {
  readonly abort = new AbortController();
  /** Bytes forwarded since the connection opened or since the last `setFaults`, for the limits. */
  readonly counted = { up: 0, down: 0 };
  target: Socket | undefined;
  private readonly targetReady: Promise<Socket>;
  private resolveTarget!: (socket: Socket) => void;
  private rejectTarget!: (error: Error) => void;
  private cut = false;
  private finished = false;

  constructor(
    private readonly proxy: ProxyState,
    readonly id: number,
    readonly client: Socket,
    private readonly onFinish: (link: Link) => void,
  ) {
    this.targetReady = new Promise<Socket>((resolve, reject) => {
      this.resolveTarget = resolve;
      this.rejectTarget = reject;
    });
    this.targetReady.catch(() => undefined);
    this.watch(client);
    // Each pipe wires itself to its source socket's events; the link needs no handle on it.
    new Pipe(proxy, this, 'up', client);
  }

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  async start(blackHoled: boolean): Promise<void> {
    let target: Socket | undefined;
    // Behind a black hole the client's SYN would never have arrived, so a client that gives up
    // before the hole lifts has sent nothing: its bytes must not reach the target later.
    const abandon = () => this.destroy();
    try {
      if (blackHoled) {
        this.client.once('end', abandon);
        await this.whileBlackHoled();
        this.client.off('end', abandon);
      }
      target = connect({ host: this.proxy.target.host, port: this.proxy.target.port, allowHalfOpen: true });
      target.on('error', () => undefined);
      await once(target, 'connect', { signal: this.signal });
      target.setNoDelay(true);
      this.target = target;
      this.watch(target);
      new Pipe(this.proxy, this, 'down', target);
      this.resolveTarget(target);
    } catch {
      target?.destroy();
      // The target refused or vanished: a transparent proxy can only pass that on as a reset.
      if (!this.signal.aborted) this.client.resetAndDestroy();
    }
  }

  destination(direction: Direction): Promise<Socket> {
    return direction === 'up' ? this.targetReady : Promise.resolve(this.client);
  }

  /** Data arriving after a `limitData` close is dropped, as the link is gone. */
  get isCut(): boolean {
    return this.cut || this.finished;
  }

  async whileBlackHoled(): Promise<void> {
    while (this.proxy.faults.blackHole) await once(this.proxy.changes, 'change', { signal: this.signal });
  }

  /** The nearest volume limit in `direction`: how many bytes may still pass, and what happens then. */
  nextLimit(direction: Direction): { remaining: number; kind: 'reset' | 'limit' } | undefined {
    const { resetAfter, limitData } = this.proxy.faults;
    const used = (selected: Directions | undefined) =>
      (applies(selected, 'up') ? this.counted.up : 0) + (applies(selected, 'down') ? this.counted.down : 0);
    let next: { remaining: number; kind: 'reset' | 'limit' } | undefined;
    if (resetAfter && applies(resetAfter.direction, direction)) {
      next = { remaining: Math.max(0, resetAfter.bytes - used(resetAfter.direction)), kind: 'reset' };
    }
    if (limitData && applies(limitData.direction, direction)) {
      const remaining = Math.max(0, limitData.bytes - used(limitData.direction));
      if (!next || remaining < next.remaining) next = { remaining, kind: 'limit' };
    }
    return next;
  }

  reset(reason: 'resetAfter' | 'resetEvery' | 'down'): void {
    if (this.finished) return;
    this.proxy.counters.resetsInjected += 1;
    this.proxy.emit({ type: 'reset', conn: this.id, reason });
    this.client.resetAndDestroy();
    this.target?.resetAndDestroy();
    this.finish();
  }

  /** Stops forwarding now and resets both sockets after `RESET_GRACE_MS`. */
  async resetAfterGrace(): Promise<void> {
    if (this.isCut) return;
    this.cut = true;
    this.rejectTarget(new LinkClosed());
    await sleep(RESET_GRACE_MS, undefined, { signal: this.signal });
    this.reset('resetAfter');
  }

  /** toxiproxy `limit_data`: FIN both ways, drop whatever else arrives, destroy when peers close. */
  limit(): void {
    if (this.isCut) return;
    this.cut = true;
    this.proxy.counters.limitsHit += 1;
    this.proxy.emit({ type: 'limit', conn: this.id });
    this.rejectTarget(new LinkClosed());
    for (const socket of [this.client, this.target]) {
      if (!socket) continue;
      socket.resume();
      if (socket.readableEnded) socket.end(() => socket.destroy());
      else {
        socket.once('end', () => socket.destroy());
        socket.end();
      }
    }
    setTimeout(() => this.destroy(), LINGER_MS).unref();
  }

  destroy(): void {
    this.client.destroy();
    this.target?.destroy();
    this.finish();
  }

  private watch(socket: Socket): void {
    socket.on('error', () => undefined);
    socket.on('close', (hadError) => {
      // A transparent proxy passes a reset on as a reset; a clean close waits for the other pipe.
      if (hadError && !this.finished) {
        this.client.resetAndDestroy();
        this.target?.resetAndDestroy();
      }
      if (this.client.destroyed && (this.target === undefined || this.target.destroyed)) this.finish();
    });
  }

  private finish(): void {
    if (this.finished) return;
    this.finished = true;
    this.abort.abort();
    this.rejectTarget(new LinkClosed());
    this.onFinish(this);
  }
}

/** One direction of a link: reads from `source`, applies the faults in force, writes in order. */
class Pipe {
  private readonly queue: Array<{ data: Buffer; at: number }> = [];
  private queued = 0;
  private ended = false;
  private pumping = false;
  private lastRelease = 0;
  private nextSend = 0;
  private sliceLeft = 0;
  private readonly latencyRandom: () => number;
  private readonly sliceRandom: () => number;

  constructor(
    private readonly proxy: ProxyState,
    private readonly link: Link,
    private readonly direction: Direction,
    private readonly source: Socket,
  ) {
    const tag = direction === 'up' ? 0 : 1;
    this.latencyRandom = mulberry32(deriveSeed(proxy.seed, link.id, tag, STREAM.latency));
    this.sliceRandom = mulberry32(deriveSeed(proxy.seed, link.id, tag, STREAM.slicer));
    source.on('data', (data: Buffer) => {
      if (link.isCut) return;
      this.queue.push({ data, at: performance.now() });
      this.queued += data.length;
      if (this.queued > HIGH_WATER) source.pause();
      void this.pump();
    });
    source.on('end', () => {
      this.ended = true;
      void this.pump();
    });
  }

  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      for (let item = this.queue.shift(); item; item = this.queue.shift()) {
        this.queued -= item.data.length;
        if (this.queued < LOW_WATER && this.source.isPaused() && !this.link.isCut) this.source.resume();
        if (!(await this.forward(item.data, item.at))) return;
      }
      if (this.ended && !this.link.isCut) {
        const dest = await this.link.destination(this.direction);
        if (!dest.destroyed) dest.end();
      }
    } catch (error) {
      if (!(error instanceof LinkClosed) && !this.link.signal.aborted) this.link.destroy();
    } finally {
      this.pumping = false;
    }
  }

  /** Returns false once a volume limit has closed the link. */
  private async forward(data: Buffer, arrivedAt: number): Promise<boolean> {
    await this.link.whileBlackHoled();
    const latency = this.proxy.faults.latency;
    if (latency && applies(latency.direction, this.direction)) {
      const jitter = latency.jitterMs ?? 0;
      const ms = Math.max(0, latency.ms + (this.latencyRandom() * 2 - 1) * jitter);
      this.proxy.emit({ type: 'delay', conn: this.link.id, direction: this.direction, ms });
      this.lastRelease = Math.max(this.lastRelease, arrivedAt + ms);
      await this.sleepUntil(this.lastRelease);
    }
    let offset = 0;
    while (offset < data.length) {
      const slicer = this.proxy.faults.slicer;
      let size = data.length - offset;
      let pause = 0;
      if (slicer && applies(slicer.direction, this.direction)) {
        if (this.sliceLeft === 0) {
          const variation = slicer.sizeVariation ?? 0;
          this.sliceLeft = Math.max(1, Math.round(slicer.averageSize + (this.sliceRandom() * 2 - 1) * variation));
          this.proxy.emit({ type: 'slice', conn: this.link.id, direction: this.direction, size: this.sliceLeft });
        }
        size = Math.min(size, this.sliceLeft);
        this.sliceLeft -= size;
        if (this.sliceLeft === 0) pause = slicer.delayMs ?? 0;
      } else {
        this.sliceLeft = 0;
      }
      if (!(await this.send(data.subarray(offset, offset + size)))) return false;
      offset += size;
      if (pause > 0) await sleep(pause, undefined, { signal: this.link.signal });
    }
    return true;
  }

  private async send(piece: Buffer): Promise<boolean> {
    let rest = piece;
    while (rest.length > 0) {
      await this.link.whileBlackHoled();
      const dest = await this.link.destination(this.direction);
      const { bandwidth } = this.proxy.faults;
      const rate = this.direction === 'up' ? bandwidth?.upBytesPerSec : bandwidth?.downBytesPerSec;
      let size = rest.length;
      if (rate !== undefined) size = Math.min(size, Math.max(1, Math.floor(rate * METER_SLICE_S)));
      const limit = this.link.nextLimit(this.direction);
      const final = limit && limit.remaining <= size ? limit.kind : undefined;
      if (limit && final) size = limit.remaining;
      if (rate !== undefined && size > 0) {
        this.nextSend = Math.max(this.nextSend, performance.now());
        await this.sleepUntil(this.nextSend);
        this.nextSend += (size / rate) * 1000;
      }
      if (size > 0) await this.write(dest, rest.subarray(0, size));
      rest = rest.subarray(size);
      if (final === 'reset') await this.link.resetAfterGrace();
      if (final === 'limit') this.link.limit();
      if (final) return false;
    }
    return true;
  }

  /** Resolves once the bytes are in the kernel, so a reset that follows cannot overtake them. */
  private write(dest: Socket, data: Buffer): Promise<void> {
    if (dest.destroyed || !dest.writable || this.link.isCut) return Promise.reject(new LinkClosed());
    return new Promise((resolve, reject) => {
      dest.write(data, (error) => (error ? reject(new LinkClosed()) : resolve()));
      this.link.counted[this.direction] += data.length;
      if (this.direction === 'up') this.proxy.counters.bytesUp += data.length;
      else this.proxy.counters.bytesDown += data.length;
    });
  }

  /** libuv timers count whole milliseconds from a cached loop time and may fire early: re-check. */
  private async sleepUntil(time: number): Promise<void> {
    for (let ms = time - performance.now(); ms > 0; ms = time - performance.now()) {
      await sleep(Math.ceil(ms), undefined, { signal: this.link.signal });
    }
  }
}

/** Starts a fault proxy on 127.0.0.1 (a free port) in front of a loopback `target`. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  assertLoopbackTarget(options.target);
  const seed = (options.seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  const changes = new EventEmitter();
  changes.setMaxListeners(0);
  const state: ProxyState = {
    target: { ...options.target },
    seed,
    faults: {},
    changes,
    counters: {
      connections: 0,
      open: 0,
      bytesUp: 0,
      bytesDown: 0,
      resetsInjected: 0,
      refused: 0,
      limitsHit: 0,
      captiveResponses: 0,
    },
    emit: (event) => options.onEvent?.(event),
  };
  const links = new Set<Link>();
  const captiveSockets = new Map<Socket, number>();
  let resetTimer: NodeJS.Timeout | undefined;
  let nextId = 0;

  const captive = createHttpServer((request, response) => {
    const faults = state.faults.captivePortal;
    state.counters.captiveResponses += 1;
    state.emit({
      type: 'captive',
      conn: captiveSockets.get(request.socket) ?? 0,
      method: request.method ?? '',
      url: request.url ?? '',
    });
    request.resume();
    const html = typeof faults === 'object' ? faults.html : DEFAULT_CAPTIVE_HTML;
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    response.end(html);
  });

  const server = createServer({ allowHalfOpen: true, pauseOnConnect: false }, (client) => {
    const id = ++nextId;
    const faults = state.faults;
    state.counters.connections += 1;
    client.on('error', () => undefined);
    if (faults.down) {
      state.counters.refused += 1;
      state.emit({ type: 'accept', conn: id, mode: 'refused' });
      client.resetAndDestroy();
      return;
    }
    client.setNoDelay(true);
    state.counters.open += 1;
    if (faults.captivePortal) {
      state.emit({ type: 'accept', conn: id, mode: 'captive' });
      captiveSockets.set(client, id);
      client.on('close', () => {
        captiveSockets.delete(client);
        state.counters.open -= 1;
      });
      captive.emit('connection', client);
      return;
    }
    state.emit({ type: 'accept', conn: id, mode: faults.blackHole ? 'blackHole' : 'forward' });
    const link = new Link(state, id, client, (done) => {
      if (links.delete(done)) state.counters.open -= 1;
    });
    links.add(link);
    void link.start(faults.blackHole === true);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  const resetAll = (reason: 'resetEvery' | 'down') => {
    for (const link of [...links]) link.reset(reason);
    for (const [socket, conn] of [...captiveSockets]) {
      state.counters.resetsInjected += 1;
      state.emit({ type: 'reset', conn, reason });
      socket.resetAndDestroy();
    }
  };

  const proxy: FaultProxy = {
    port,
    url: `http://127.0.0.1:${port}`,
    seed,
    setFaults(faults) {
      assertFaults(faults);
      state.faults = structuredClone(faults);
      for (const link of links) {
        link.counted.up = 0;
        link.counted.down = 0;
      }
      clearInterval(resetTimer);
      resetTimer = undefined;
      if (faults.resetEveryMs !== undefined) {
        resetTimer = setInterval(() => resetAll('resetEvery'), faults.resetEveryMs);
        resetTimer.unref();
      }
      if (faults.down) resetAll('down');
      changes.emit('change');
    },
    stats: () => ({ ...state.counters }),
    async close() {
      clearInterval(resetTimer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const link of [...links]) link.destroy();
      for (const socket of [...captiveSockets.keys()]) socket.destroy();
      captive.close();
      await closed;
    },
  };
  if (options.faults) proxy.setFaults(options.faults);
  return proxy;
}
