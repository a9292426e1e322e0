import { connect as connectSocket } from 'node:net';
import type { DeviceStatus } from '../../../../shared/contract';
import { KioskError } from '../../../../shared/errors';
import type { Transmit } from '../../../../shared/icao9303/apdu';
import type { Device } from '../index';

/**
 * The chip reader over PC/SC (pcsc-lite's pcscd on Linux), through @pokusew/pcsclite.
 *
 *   const reader = createPcscCardReader();
 *   const document = await reader.withCard((transmit) => readDocument({ transmit, crypto, accessKey, … }), { timeoutMs: 30_000 });
 *
 * Readers come and go (hot-plug) and cards are put down and taken off; `status()` says whether a
 * reader is there (`ready`, `busy` during a session, `offline` without one, `error` without the
 * module or pcscd), `readers()` what lies on each. `withCard` waits for a card, connects (shared,
 * T=0 or T=1), hands the pure ICAO 9303 code a `Transmit`, and resets the card when done.
 * Failures arrive as KioskErrors: `card.noReader`, `card.noCard`, `card.removed`,
 * `card.readerUnplugged` (the reader or pcscd went away), `card.notResponding` and
 * `card.driverUnavailable` (the native module does not load, or pcscd is not running).
 */

/** What lies on one reader. A mute card is present but gave no ATR. */
export interface PcscReaderState {
  name: string;
  card: 'absent' | 'present' | 'mute';
  atr: Uint8Array | null;
}

export interface WaitOptions {
  /** Give up after this long: `card.noCard`, or what keeps the card from being seen (`card.noReader`…). */
  timeoutMs?: number;
  /** Aborting rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface PcscCardReader extends Device {
  readers(): PcscReaderState[];
  /** Called when a reader comes or goes, or a card is put down or taken off. */
  onReaders(listener: (readers: PcscReaderState[]) => void): () => void;
  /** Why the state is `offline` or `error`; null otherwise. */
  problem(): KioskError | null;
  /** The first reader with a card on it, now or once one is put down. */
  waitForCard(options?: WaitOptions): Promise<PcscReaderState>;
  /** Resolves once no reader has a card on it, e.g. before asking for the next citizen's card. */
  waitForRemoval(options?: Pick<WaitOptions, 'signal'>): Promise<void>;
  /** One session with the card: at most one runs at a time, later ones wait their turn. */
  withCard<T>(run: (transmit: Transmit, card: PcscReaderState) => Promise<T>, options?: WaitOptions): Promise<T>;
}

/** The part of @pokusew/pcsclite this driver uses (its typings do not export their interfaces). */
export interface PcscReaderHandle {
  readonly name: string;
  readonly connected: boolean;
  readonly SCARD_SHARE_SHARED: number;
  readonly SCARD_PROTOCOL_T0: number;
  readonly SCARD_PROTOCOL_T1: number;
  readonly SCARD_STATE_PRESENT: number;
  readonly SCARD_STATE_MUTE: number;
  readonly SCARD_RESET_CARD: number;
  on(event: 'status', listener: (status: { state: number; atr?: Buffer }) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  connect(options: { share_mode: number; protocol: number }, callback: (error: unknown, protocol: number) => void): void;
  disconnect(disposition: number, callback: (error: unknown) => void): void;
  transmit(data: Buffer, responseLength: number, protocol: number, callback: (error: unknown, response: Buffer) => void): void;
  close(): void;
}

export interface PcscContextHandle {
  on(event: 'reader', listener: (reader: PcscReaderHandle) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  close(): void;
}

export type PcscLibrary = () => PcscContextHandle;

export interface PcscCardReaderOptions {
  /** How often to look for pcscd again while it is not running. */
  retryMs?: number;
  /** Loads the native module; tests pass one that fails. */
  load?: () => Promise<PcscLibrary>;
}

/**
 * Loaded on first use, so that a kiosk without the optional module (or without libpcsclite) still
 * starts. Bundlers must keep '@pokusew/pcsclite' external: its `.node` file is found at run time.
 */
const loadPcsclite = async (): Promise<PcscLibrary> => (await import('@pokusew/pcsclite')).default;

/** Room for any answer, extended length included: 65 536 data bytes and SW1 SW2. */
const MAX_RESPONSE = 65_538;
/** pcscd polls readers such as vpcd every 400 ms: three polls show whether a silent card left. */
const PRESENCE_SETTLE_MS = 1_200;
/** pcsclite announces readers one by one and says nothing when there are none: after this, none it is. */
const FIRST_LIST_MS = 500;

/** PC/SC return codes (pcsclite.h) that say the card, or the reader, went away. */
const CARD_GONE = new Set([0x80100069 /* SCARD_W_REMOVED_CARD */, 0x8010000c /* SCARD_E_NO_SMARTCARD */]);
const READER_GONE = new Set([
  0x80100009 /* SCARD_E_UNKNOWN_READER */, 0x80100017 /* SCARD_E_READER_UNAVAILABLE */, 0x8010001d /* SCARD_E_NO_SERVICE */,
  0x8010001e /* SCARD_E_SERVICE_STOPPED */, 0x8010002e /* SCARD_E_NO_READERS_AVAILABLE */,
]);

/** The library's errors carry the code only in their message: "SCardTransmit error: Card was removed.(0x80100069)". */
function pcscCode(error: unknown): number | null {
  const match = error instanceof Error ? /\(0x([0-9a-f]{8})\)/i.exec(error.message) : null;
  return match ? Number.parseInt(match[1]!, 16) : null;
}

const hex = (code: number | null) => (code === null ? 'none' : code.toString(16).toUpperCase());

/**
 * pcscd is looked for before the library starts: its constructor retries SCardEstablishContext for
 * as long as the answer is SCARD_E_NO_SERVICE, blocking the event loop while pcscd is absent.
 */
export function serviceListening(path: string): Promise<boolean> {
  // Elsewhere the PC/SC service (WinSCard, CryptoTokenKit) is not a socket; the library is trusted to find it.
  if (process.platform !== 'linux') return Promise.resolve(true);
  return new Promise((resolve) => {
    const socket = connectSocket(path);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface ReaderEntry extends PcscReaderState {
  handle: PcscReaderHandle;
}

interface Waiter {
  /** Settles the wait when its condition holds (or throws); called after every change. */
  check(): void;
}

export function createPcscCardReader(options: PcscCardReaderOptions = {}): PcscCardReader {
  const retryMs = options.retryMs ?? 2_000;
  // libpcsclite honours PCSCLITE_CSOCK_NAME too.
  const socketPath = process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
  const load = options.load ?? loadPcsclite;

  let phase: 'starting' | 'noModule' | 'noService' | 'running' | 'closed' = 'starting';
  let loadError: unknown = null;
  let context: PcscContextHandle | null = null;
  let listed = false;
  let sessions = 0;
  let sessionQueue: Promise<void> = Promise.resolve();
  let timer: NodeJS.Timeout | undefined;
  const readers = new Map<string, ReaderEntry>();
  const statusListeners = new Set<(status: DeviceStatus) => void>();
  const readerListeners = new Set<(readers: PcscReaderState[]) => void>();
  const waiters = new Set<Waiter>();

  let status: DeviceStatus = { id: 'cardReader-pcsc', kind: 'cardReader', driver: 'pcsc', state: 'connecting' };
  let readersKey = '';

  const snapshot = (): PcscReaderState[] => [...readers.values()].map(({ name, card, atr }) => ({ name, card, atr }));

  function state(): DeviceStatus['state'] {
    switch (phase) {
      case 'starting':
        return 'connecting';
      case 'noModule':
      case 'noService':
        return 'error';
      case 'closed':
        return 'offline';
      case 'running':
        if (readers.size === 0) return listed ? 'offline' : 'connecting';
        return sessions > 0 ? 'busy' : 'ready';
    }
  }

  function problem(): KioskError | null {
    switch (phase) {
      case 'noModule':
        return new KioskError('card.driverUnavailable', { reason: 'module' }, { cause: loadError });
      case 'noService':
        return new KioskError('card.driverUnavailable', { reason: 'service' });
      case 'closed':
        return new KioskError('card.driverUnavailable', { reason: 'closed' });
      default:
        return readers.size === 0 && listed ? new KioskError('card.noReader') : null;
    }
  }

  function changed() {
    const next = state();
    if (next !== status.state) {
      status = { ...status, state: next };
      for (const listener of statusListeners) listener(status);
    }
    const current = snapshot();
    const key = JSON.stringify(current.map(({ name, card, atr }) => [name, card, atr && Buffer.from(atr).toString('hex')]));
    if (key !== readersKey) {
      readersKey = key;
      for (const listener of readerListeners) listener(current);
    }
    for (const waiter of [...waiters]) waiter.check();
  }

  /** Resolves with `check()`'s first defined value, rejecting when it throws, on timeout or on abort. */
  function waitFor<T>(check: () => T | undefined, { timeoutMs, signal }: WaitOptions, onTimeout: () => Error): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let deadline: NodeJS.Timeout | undefined;
      const finish = (settle: () => void) => {
        waiters.delete(waiter);
        clearTimeout(deadline);
        signal?.removeEventListener('abort', onAbort);
        settle();
      };
      const waiter: Waiter = {
        check() {
          try {
            const value = check();
            if (value !== undefined) finish(() => resolve(value));
          } catch (error) {
            finish(() => reject(error));
          }
        },
      };
      const onAbort = () => finish(() => reject(signal?.reason));
      if (signal?.aborted) return onAbort();
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined) deadline = setTimeout(() => finish(() => reject(onTimeout())), timeoutMs);
      waiters.add(waiter);
      waiter.check();
    });
  }

  const firstCard = () => [...readers.values()].find((entry) => entry.card === 'present');

  /** What to tell a citizen whose card did not show up in time. */
  function noCardError(): KioskError {
    const trouble = problem();
    if (trouble) return trouble;
    if ([...readers.values()].some((entry) => entry.card === 'mute')) return new KioskError('card.notResponding', { reason: 'mute' });
    return new KioskError('card.noCard');
  }

  function waitForCard(options: WaitOptions = {}): Promise<PcscReaderState> {
    return waitFor(
      () => {
        // The module will not appear while the kiosk runs; pcscd and readers may.
        if (phase === 'noModule' || phase === 'closed') throw problem();
        const entry = firstCard();
        return entry && { name: entry.name, card: entry.card, atr: entry.atr };
      },
      options,
      noCardError,
    );
  }

  /**
   * Why a command or a connection failed. Codes that name the cause are believed; otherwise (no
   * answer at all, a transport error) the reader's state tells a card that left from one that went
   * silent, after the few hundred milliseconds pcscd takes to notice.
   */
  async function failure(name: string, error: unknown): Promise<KioskError> {
    const code = pcscCode(error);
    const readerGone = () => new KioskError('card.readerUnplugged', { pcsc: hex(code) });
    if (code !== null && READER_GONE.has(code)) return readerGone();
    if (code !== null && CARD_GONE.has(code)) return new KioskError('card.removed', { pcsc: hex(code) });
    const left = await waitFor(
      () => (readers.get(name)?.card === 'present' ? undefined : true),
      { timeoutMs: PRESENCE_SETTLE_MS },
      () => new Error('still present'),
    ).catch(() => false);
    if (phase !== 'running' || !readers.has(name)) return readerGone();
    return left ? new KioskError('card.removed', { pcsc: hex(code) }) : new KioskError('card.notResponding', { pcsc: hex(code) });
  }

  const disconnect = (handle: PcscReaderHandle) =>
    // A card that left, or a reader that went, cannot be disconnected cleanly; nothing is left to release.
    new Promise<void>((resolve) => handle.disconnect(handle.SCARD_RESET_CARD, () => resolve()));

  async function connect(entry: ReaderEntry): Promise<number> {
    const { handle } = entry;
    // The library answers "connected" without a protocol when a handle is still open.
    if (handle.connected) await disconnect(handle);
    const protocol = await new Promise<number | { error: unknown }>((resolve) =>
      handle.connect({ share_mode: handle.SCARD_SHARE_SHARED, protocol: handle.SCARD_PROTOCOL_T0 | handle.SCARD_PROTOCOL_T1 }, (error, chosen) =>
        resolve(error ? { error } : chosen),
      ),
    );
    if (typeof protocol === 'number') return protocol;
    throw await failure(entry.name, protocol.error);
  }

  const transmitter =
    (entry: ReaderEntry, protocol: number): Transmit =>
    (command) =>
      new Promise((resolve, reject) =>
        entry.handle.transmit(Buffer.from(command), MAX_RESPONSE, protocol, (error, response) => {
          // vpcd, and readers whose card left mid-command, report success with no bytes at all.
          if (!error && response.length >= 2) resolve(new Uint8Array(response));
          else void failure(entry.name, error).then(reject);
        }),
      );

  async function withCard<T>(run: (transmit: Transmit, card: PcscReaderState) => Promise<T>, options: WaitOptions = {}): Promise<T> {
    const previous = sessionQueue;
    let done!: () => void;
    sessionQueue = new Promise((resolve) => (done = resolve));
    try {
      await previous;
      const card = await waitForCard(options);
      const entry = readers.get(card.name);
      if (!entry) throw new KioskError('card.readerUnplugged');
      const protocol = await connect(entry);
      sessions += 1;
      changed();
      try {
        return await run(transmitter(entry, protocol), card);
      } finally {
        sessions -= 1;
        await disconnect(entry.handle);
        changed();
      }
    } finally {
      done();
    }
  }

  /**
   * The library's close() joins native threads while events may still hold the reader's lock, so
   * it runs on a later turn, never from inside one of the library's callbacks.
   */
  function release(ended: PcscContextHandle | null, handles: PcscReaderHandle[]) {
    setImmediate(() => {
      for (const handle of handles) handle.close();
      ended?.close();
    });
  }

  function addReader(owner: PcscContextHandle, handle: PcscReaderHandle) {
    const entry: ReaderEntry = { name: handle.name, card: 'absent', atr: null, handle };
    readers.set(handle.name, entry);
    listed = true;
    handle.on('status', ({ state: flags, atr }) => {
      if (context !== owner || readers.get(handle.name) !== entry) return;
      const present = (flags & handle.SCARD_STATE_PRESENT) !== 0;
      entry.card = !present ? 'absent' : flags & handle.SCARD_STATE_MUTE ? 'mute' : 'present';
      entry.atr = present && atr && atr.length > 0 ? new Uint8Array(atr) : null;
      changed();
    });
    // The status thread stopped (reader unplugged, pcscd gone): 'end' follows, which is what counts.
    handle.on('error', () => {});
    handle.on('end', () => {
      if (readers.get(handle.name) === entry) readers.delete(handle.name);
      release(null, [handle]);
      if (context === owner) changed();
    });
    changed();
  }

  async function connectService(library: PcscLibrary) {
    timer = undefined;
    const listening = await serviceListening(socketPath);
    if (phase === 'closed') return;
    if (!listening) {
      phase = 'noService';
      changed();
      timer = setTimeout(() => void connectService(library), retryMs);
      return;
    }
    // pcscd could stop between the check and here, and the library would then spin: a narrow window.
    const owner = library();
    context = owner;
    phase = 'running';
    listed = false;
    owner.on('reader', (handle) => {
      if (context === owner) addReader(owner, handle);
      else release(null, [handle]);
    });
    // The library's monitor stops on any error (pcscd stopped, most often): start again from the socket check.
    owner.on('error', () => {
      if (context !== owner) return;
      const handles = [...readers.values()].map((entry) => entry.handle);
      readers.clear();
      context = null;
      release(owner, handles);
      clearTimeout(timer);
      phase = 'starting';
      changed();
      void connectService(library);
    });
    timer = setTimeout(() => {
      listed = true;
      changed();
    }, FIRST_LIST_MS);
    changed();
  }

  void load().then(
    (library) => {
      if (phase !== 'closed') void connectService(library);
    },
    (error: unknown) => {
      if (phase === 'closed') return;
      phase = 'noModule';
      loadError = error;
      changed();
    },
  );

  return {
    status: () => status,
    onStatus(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    readers: snapshot,
    onReaders(listener) {
      readerListeners.add(listener);
      return () => readerListeners.delete(listener);
    },
    problem,
    waitForCard,
    waitForRemoval: (options = {}) =>
      waitFor(
        () => {
          if (phase === 'closed') throw problem();
          return [...readers.values()].some((entry) => entry.card !== 'absent') ? undefined : true;
        },
        options,
        noCardError,
      ).then(() => undefined),
    withCard,
    async close() {
      if (phase === 'closed') return;
      phase = 'closed';
      clearTimeout(timer);
      const handles = [...readers.values()].map((entry) => entry.handle);
      readers.clear();
      release(context, handles);
      context = null;
      changed();
      statusListeners.clear();
      readerListeners.clear();
    },
  };
}
