import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import path from 'node:path';
import { KioskConfig } from '../../shared/config';
import type { RendererRestart } from '../../shared/contract';
import { watchdogChannels } from '../../shared/contractNames';
import { createHost } from '../../electron/host/createHost';
import { paintedFrameProbe } from '../../electron/ipc';
import { createRestartLog, createWatchdog, type WatchdogOptions } from '../../electron/watchdog';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { assetsDir, memoryLogger, tempDir } from '../support/kiosk';

const useFakeTime = () => {
  beforeEach(() => vi.useFakeTimers({ now: Date.parse('2026-11-25T08:00:00.000Z') }));
  afterEach(() => vi.useRealTimers());
};

/**
 * A renderer under watch: `healthy` says whether it paints and answers now. A sick one never
 * answers: the probe gives up after its timeout, as the real one (electron/main.ts) does.
 */
function renderer(options: Partial<WatchdogOptions> = {}) {
  const state = { healthy: true, restarts: [] as RendererRestart[], reasons: [] as string[] };
  const watchdog = createWatchdog({
    probe: (timeoutMs) => (state.healthy ? Promise.resolve(true) : new Promise((resolve) => setTimeout(() => resolve(false), timeoutMs))),
    restart: (reason) => state.reasons.push(reason),
    record: (restart) => state.restarts.push(restart),
    now: Date.now,
    ...options,
  });
  return { state, watchdog };
}
const minutes = (n: number) => vi.advanceTimersByTimeAsync(n * 60_000);
const seconds = (n: number) => vi.advanceTimersByTimeAsync(n * 1000);

describe('the renderer watchdog', () => {
  useFakeTime();
  test('leaves a renderer that paints and answers alone', async () => {
    const { state, watchdog } = renderer();
    watchdog.start();
    await minutes(30);
    expect(state.reasons).toEqual([]);
    watchdog.stop();
  });

  test('restarts a renderer that stopped answering after two missed probes, and records why', async () => {
    const { state, watchdog } = renderer();
    watchdog.start();
    await seconds(15);
    state.healthy = false;
    // One miss is no hang: a probe may fall on a busy second.
    await seconds(15);
    expect(state.reasons).toEqual([]);
    await seconds(15);
    expect(state.reasons).toEqual(['noAnswer']);
    expect(state.restarts).toEqual([{ at: expect.any(String), reason: 'noAnswer', delayMs: 0 }]);
    state.healthy = true;
    await minutes(5);
    expect(state.reasons).toHaveLength(1);
    watchdog.stop();
  });

  test('backs off a renderer that keeps dying, so restarts never storm, and forgets once it has run stable', async () => {
    const { state, watchdog } = renderer();
    state.healthy = false;
    watchdog.start();
    await minutes(30);
    const delays = state.restarts.map((restart) => restart.delayMs);
    expect(delays.slice(0, 7)).toEqual([0, 5_000, 10_000, 20_000, 40_000, 80_000, 160_000]);
    expect(Math.max(...delays)).toBe(300_000);
    // Under ten restarts in half an hour, where a restart every probe would be ninety.
    expect(state.restarts.length).toBeLessThan(12);

    state.healthy = true;
    await minutes(11);
    const before = state.restarts.length;
    state.healthy = false;
    await minutes(1);
    expect(state.restarts.slice(before).map((restart) => restart.delayMs)).toEqual([0]);
    watchdog.stop();
  });

  test("restarts at once on Chromium's word that the renderer crashed, then under the back-off", async () => {
    const { state, watchdog } = renderer();
    watchdog.start();
    watchdog.report('crashed');
    await seconds(0);
    expect(state.reasons).toEqual(['crashed']);
    // Hung again at once: restarted after the back-off, once it still does not answer.
    state.healthy = false;
    watchdog.report('unresponsive');
    await seconds(1);
    expect(state.reasons).toEqual(['crashed']);
    await seconds(10);
    expect(state.reasons).toEqual(['crashed', 'unresponsive']);
    watchdog.stop();
  });

  test('a renderer that answers again during the back-off is not restarted', async () => {
    const { state, watchdog } = renderer();
    watchdog.start();
    watchdog.report('crashed');
    await seconds(30);
    watchdog.report('unresponsive');
    // Busy for a moment, then fine: the probe before the restart finds it answering.
    await seconds(4);
    expect(state.reasons).toEqual(['crashed']);
    await minutes(5);
    expect(state.reasons).toEqual(['crashed']);
    watchdog.stop();
  });

  test('stopped, it neither probes nor restarts', async () => {
    const probe = vi.fn(() => Promise.resolve(false));
    const { state, watchdog } = renderer({ probe });
    watchdog.start();
    watchdog.stop();
    watchdog.report('crashed');
    await minutes(5);
    expect(probe).not.toHaveBeenCalled();
    expect(state.reasons).toEqual([]);
  });
});

describe('the restart log', () => {
  useFakeTime();
  test("keeps the last day's restarts, at most its limit, for every heartbeat to repeat", async () => {
    const log = createRestartLog({ max: 3 });
    const at = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
    log.record({ at: at(0), reason: 'crashed', delayMs: 0 });
    await minutes(60 * 20);
    for (const delayMs of [5_000, 10_000, 20_000]) log.record({ at: at(0), reason: 'noAnswer', delayMs });
    expect(log.recent().map((restart) => restart.delayMs)).toEqual([5_000, 10_000, 20_000]);
    await minutes(60 * 24);
    expect(log.recent()).toEqual([]);
  });
});

describe("the watchdog's probe over Electron IPC", () => {
  /** ipcMain and the kiosk window's webContents as far as the probe uses them; `answer` is the preload. */
  function electron() {
    const listeners = new Map<string, (event: { sender: unknown }, id: unknown) => void>();
    const sent: unknown[] = [];
    const contents = { destroyed: false, send: (_channel: string, id: unknown) => void sent.push(id), isDestroyed: () => contents.destroyed };
    const ipcMain = {
      on: (channel: string, listener: (event: { sender: unknown }, id: unknown) => void) => void listeners.set(channel, listener),
      removeListener: (channel: string) => void listeners.delete(channel),
    };
    const answer = (id: unknown, sender: unknown = contents) => listeners.get(watchdogChannels.pong)?.({ sender }, id);
    return { ipcMain, contents, sent, answer, listeners };
  }

  test("answered by the window's own preload with the same id: painted; by another sender, another id, or not at all: not", async () => {
    const { ipcMain, contents, sent, answer, listeners } = electron();
    const { probe, stop } = paintedFrameProbe({ ipcMain: ipcMain as never, contents: contents as never });
    const first = probe(200);
    answer(sent[0]);
    expect(await first).toBe(true);

    const second = probe(200);
    answer(sent[1], { other: 'window' });
    answer(Number(sent[1]) + 1);
    expect(await second).toBe(false);

    contents.destroyed = true;
    expect(await probe(200)).toBe(false);
    stop();
    expect(listeners.size).toBe(0);
  });
});

test('the heartbeat carries the watchdog\'s restarts to the portal', async () => {
  const data = tempDir('heartbeat');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  const restart: RendererRestart = { at: '2026-11-25T07:59:00.000Z', reason: 'crashed', delayMs: 0 };
  const host = createHost({
    config: KioskConfig.parse({ portal: { url: portal.url, enrolmentCode: portal.createEnrolmentCode().code } }),
    kind: 'electron',
    version: '0.0.0-test',
    dataDir: data.dir,
    assetsDir,
    log: memoryLogger().log,
    rendererRestarts: () => [restart],
  });
  try {
    await host.handlers['portal.heartbeat']({ queueDepth: 0, oldestUnsentAgeSeconds: null, freeBytes: 1, queueStore: 'indexedDb' });
    expect(portal.store.lastHeartbeats()[0]?.report).toMatchObject({ rendererRestarts: [restart] });
  } finally {
    await host.close();
    await portal.app.close();
    data.remove();
  }
});
