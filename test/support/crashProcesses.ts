import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { chromiumFlags, CHROMIUM_PATH } from '../../scripts/chromium';
import { nativeModules } from '../../scripts/nativeModules';
import { assetsDir } from './kiosk';

/**
 * The processes a crash test kills: the web host as a child process, and Chromium with a profile
 * that outlives it. Each is killed with SIGKILL by its process id, then started again the same way.
 */

/**
 * test/support/webHostProcess.ts bundled into one file (esbuild), so a restart costs ~150 ms of
 * Node start instead of ~600 ms of tsx compiling the host's sources again. `outDir` must be inside
 * the project (`projectTempBase`): the bundle loads sharp and the drivers from its node_modules.
 */
export async function bundleWebHostProcess(outDir: string): Promise<string> {
  const outfile = path.join(outDir, 'webHostProcess.mjs');
  await build({
    entryPoints: [path.join(import.meta.dirname, 'webHostProcess.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    // ws loads these optional native helpers when present.
    external: ['bufferutil', 'utf-8-validate', ...nativeModules],
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  return outfile;
}

export interface HostProcessOptions {
  entry: string;
  port: number;
  dataDir: string;
  rendererDir: string;
  portalUrl: string;
  enrolmentCode: string;
  /** More environment for the child, such as its crash point (see webHostProcess.ts). */
  env?: Record<string, string>;
}

export interface HostProcess {
  pid: number;
  /** The page to open, with this run's token. */
  url: string;
  /** SIGKILL, then waits until the process is gone (and its port free). */
  kill(): Promise<void>;
  /** The last lines it wrote on stderr (its log), for a failure report. */
  stderr(): string[];
  /** Whether it is still running: both null while it is. */
  state(): { exitCode: number | null; signalCode: NodeJS.Signals | null };
  /** Calls `listener` with each JSON line it writes on stdout after `webHostUrl` (crash point reports), those already written first. */
  onReport(listener: (report: Record<string, unknown>) => void): void;
  /** Resolves when the process has exited, however. */
  exited: Promise<unknown>;
}

export async function startHostProcess(options: HostProcessOptions, attempts = 20): Promise<HostProcess> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await startHostOnce(options);
    } catch (error) {
      // The port of a host just killed can take a moment to be free.
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function startHostOnce(options: HostProcessOptions): Promise<HostProcess> {
  const child: ChildProcess = spawn(process.execPath, [options.entry], {
    env: {
      ...process.env,
      CRASH_HOST_PORT: String(options.port),
      CRASH_HOST_DATA_DIR: options.dataDir,
      CRASH_HOST_RENDERER_DIR: options.rendererDir,
      CRASH_HOST_ASSETS_DIR: assetsDir,
      CRASH_HOST_PORTAL_URL: options.portalUrl,
      CRASH_HOST_ENROLMENT_CODE: options.enrolmentCode,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    log.push(line);
    if (log.length > 50) log.shift();
  });
  const exited = once(child, 'exit');
  const reports: Array<Record<string, unknown>> = [];
  const listeners: Array<(report: Record<string, unknown>) => void> = [];
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (typeof parsed.webHostUrl === 'string') return resolve(parsed.webHostUrl);
      reports.push(parsed);
      for (const listener of listeners) listener(parsed);
    });
    void exited.then(([code]) => reject(new Error(`web host exited (${String(code)}) before listening:\n${log.join('\n')}`)));
  });
  return {
    pid: child.pid!,
    url,
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
    stderr: () => [...log],
    state: () => ({ exitCode: child.exitCode, signalCode: child.signalCode }),
    onReport(listener) {
      for (const report of reports) listener(report);
      listeners.push(listener);
    },
    exited,
  };
}

/** The processes killed and the instant (ms since the epoch) the signals went out. */
export interface Killed {
  pids: number[];
  at: number;
}

export interface KioskChromium {
  context: BrowserContext;
  page: Page;
  /** SIGKILL of every process of this Chromium (browser, storage service, renderers…) at once. */
  killAll(): Promise<Killed>;
  /** SIGKILL of the kiosk page's renderer process only (a tab crash); the browser lives on. */
  killRenderer(): Promise<Killed>;
  /** A fresh tab after the renderer was killed. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

const pgrep = (pattern: string) =>
  new Promise<Array<{ pid: number; command: string }>>((resolve, reject) =>
    execFile('pgrep', ['-af', pattern], (error, stdout) => {
      if (error && (error as NodeJS.ErrnoException & { code?: number }).code !== 1) return reject(error);
      resolve(
        stdout
          .split('\n')
          .filter(Boolean)
          .map((line) => ({ pid: Number(line.slice(0, line.indexOf(' '))), command: line.slice(line.indexOf(' ') + 1) })),
      );
    }),
  );

const sigkill = (pids: number[]): Killed => {
  const at = Date.now();
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  return { pids, at };
};

/**
 * Debian's Chromium with a persistent profile in `profileDir` (the kiosk's IndexedDB lives there),
 * launched again with the same dir after a kill. A persistent context exposes no browser process,
 * so its processes are found by the profile dir on their command line (all of them carry it).
 */
export async function launchKioskChromium(profileDir: string, preparePage: (page: Page) => Promise<void>): Promise<KioskChromium> {
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumFlags(),
    viewport: { width: 1280, height: 800 },
  });
  const closed = new Promise<void>((resolve) => context.once('close', () => resolve()));
  let page = context.pages()[0] ?? (await context.newPage());
  await preparePage(page);
  const mine = () => pgrep(`user-data-dir=${profileDir}`);
  return {
    context,
    get page() {
      return page;
    },
    async killAll() {
      const killed = sigkill((await mine()).map(({ pid }) => pid));
      await closed;
      return killed;
    },
    async killRenderer() {
      // The kiosk page's renderer: not the browser's own UI renderer (--top-chrome-webui).
      const renderers = (await mine()).filter(({ command }) => command.includes('--type=renderer') && !command.includes('--top-chrome-webui'));
      const gone = new Promise<void>((resolve) => {
        page.once('crash', () => resolve());
        page.once('close', () => resolve());
        setTimeout(resolve, 5_000);
      });
      const killed = sigkill(renderers.map(({ pid }) => pid));
      await gone;
      return killed;
    },
    async newPage() {
      await page.close().catch(() => undefined);
      page = await context.newPage();
      await preparePage(page);
      return page;
    },
    async close() {
      await context.close().catch(() => undefined);
    },
  } as KioskChromium;
}

/** A port free on loopback now, for a process that must come back on the same one after a kill. */
export const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Closes what a crash test left running (browser, host, portal), then removes its folders. */
export async function closeCrashRig(rig: { browser?: KioskChromium; host?: HostProcess; portal?: { app: { close(): Promise<unknown> } }; dirs: Array<{ remove(): void }> }) {
  await rig.browser?.close();
  await rig.host?.kill();
  await rig.portal?.app.close();
  for (const dir of rig.dirs) dir.remove();
}
