import type { RendererRestart } from '../shared/contract';

/**
 * The main process's watch over the kiosk's screen (issue 9): the renderer must paint and answer.
 * Every `intervalMs` it is asked for a painted frame (`probe`); `missesBeforeRestart` misses in a
 * row, a crash or Chromium's "unresponsive" restart it. Restarts back off (none at first, then
 * `backoff.baseMs` doubling up to `backoff.capMs`) so a renderer that dies at once does not restart
 * in a loop that starves the machine; once it has run `stableMs` without a restart the back-off
 * starts again from none. Each restart is recorded, for the heartbeat to tell the province.
 */
export interface WatchdogOptions {
  /** Resolves true once the renderer has painted a frame and answered, false when it did not within `timeoutMs`. */
  probe(timeoutMs: number): Promise<boolean>;
  restart(reason: RendererRestart['reason']): void;
  record(restart: RendererRestart): void;
  intervalMs?: number;
  timeoutMs?: number;
  missesBeforeRestart?: number;
  /** After a restart, the page's time to load before it is asked again. */
  graceMs?: number;
  backoff?: { baseMs: number; capMs: number };
  stableMs?: number;
  now?: () => number;
}

export interface Watchdog {
  start(): void;
  stop(): void;
  /** Chromium's own word that the renderer crashed or hangs: a restart without waiting for the next probe. */
  report(reason: Extract<RendererRestart['reason'], 'crashed' | 'unresponsive'>): void;
}

export function createWatchdog({
  probe,
  restart,
  record,
  intervalMs = 10_000,
  timeoutMs = 5_000,
  missesBeforeRestart = 2,
  graceMs = 20_000,
  backoff = { baseMs: 5_000, capMs: 5 * 60_000 },
  stableMs = 10 * 60_000,
  now = Date.now,
}: WatchdogOptions): Watchdog {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let misses = 0;
  /** Restarts since the renderer last ran `stableMs` without one. */
  let restarts = 0;
  let lastRestartAt = -Infinity;
  let restarting = false;

  const next = (ms: number, work: () => void) => {
    clearTimeout(timer);
    if (running) timer = setTimeout(work, ms);
  };

  async function check(): Promise<void> {
    const answered = await probe(timeoutMs).catch(() => false);
    if (!running || restarting) return;
    if (answered) {
      misses = 0;
      if (now() - lastRestartAt >= stableMs) restarts = 0;
    } else if (++misses >= missesBeforeRestart) {
      return restartAfterBackoff('noAnswer');
    }
    next(intervalMs, () => void check());
  }

  function restartAfterBackoff(reason: RendererRestart['reason']): void {
    if (restarting) return;
    restarting = true;
    const delayMs = restarts === 0 ? 0 : Math.min(backoff.capMs, backoff.baseMs * 2 ** (restarts - 1));
    next(delayMs, () => void restartNow(reason, delayMs));
  }

  async function restartNow(reason: RendererRestart['reason'], delayMs: number): Promise<void> {
    // Come back by itself during the back-off: no restart needed.
    if (delayMs > 0 && (await probe(timeoutMs).catch(() => false))) {
      restarting = false;
      misses = 0;
      return next(intervalMs, () => void check());
    }
    if (!running) return;
    restarts += 1;
    lastRestartAt = now();
    record({ at: new Date(lastRestartAt).toISOString(), reason, delayMs });
    restart(reason);
    restarting = false;
    misses = 0;
    next(graceMs, () => void check());
  }

  return {
    start() {
      if (running) return;
      running = true;
      next(intervalMs, () => void check());
    },
    stop() {
      running = false;
      restarting = false;
      clearTimeout(timer);
    },
    report: (reason) => {
      if (running) restartAfterBackoff(reason);
    },
  };
}

/** The restarts of the last day, at most `max`, for each heartbeat to repeat: a heartbeat lost on the way loses none. */
export function createRestartLog({ keepMs = 24 * 3_600_000, max = 50, now = Date.now }: { keepMs?: number; max?: number; now?: () => number } = {}) {
  let restarts: RendererRestart[] = [];
  return {
    record(restart: RendererRestart): void {
      restarts = [...restarts, restart].slice(-max);
    },
    recent(): RendererRestart[] {
      restarts = restarts.filter((restart) => now() - Date.parse(restart.at) < keepMs);
      return restarts;
    },
  };
}

