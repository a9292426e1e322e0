import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import { KioskConfig, type KioskConfigInput } from '../../shared/config';
import { startWebHost, type WebHost } from '../../electron/webhost';
import { createFileLogger, createLogger } from '../../electron/host/log';
import { chromiumFlags, CHROMIUM_PATH } from '../../scripts/chromium';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { startRawPortListener, type RawPortListener } from './escpos';
import { startFaultProxy, type FaultProxy, type FaultProxyOptions } from './faultProxy';
import { testHelperAccount } from './helper';

export const root = path.resolve(import.meta.dirname, '../..');
/** `npm run build`'s renderer; KIOSK_RENDERER_DIR points at another build (e.g. `vite build --outDir`) to test it side by side. */
export const rendererDir = process.env.KIOSK_RENDERER_DIR ?? path.join(root, 'renderer/dist');
export const assetsDir = path.join(root, 'assets');
/** For files that must resolve the project's node_modules (a bundled host leaves sharp and the drivers there). */
export const projectTempBase = path.join(root, '.tsbuild');

export function tempDir(prefix: string, base = tmpdir()): { dir: string; remove(): void } {
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(path.join(base, `dvc-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A quiet logger that keeps its lines, so tests can assert on what the host logged. */
export function memoryLogger() {
  const lines: string[] = [];
  return { log: createLogger((line) => lines.push(line)), lines };
}

export interface RunningKiosk {
  portalUrl: string;
  portal: Awaited<ReturnType<typeof startReferencePortal>>;
  /** The fault proxy between kiosk and portal, when asked for. */
  link: FaultProxy | null;
  /** The kiosk's own files: enrolment, vault key, sealed copies. */
  dataDir: string;
  webHost: WebHost;
  close(): Promise<void>;
}

export interface KioskOptions {
  /** Put the seeded fault proxy between kiosk and portal; with options, its seed and event listener. */
  link?: boolean | Omit<FaultProxyOptions, 'target'>;
  /** Serve the queue harness (test/harness) instead of the kiosk's screens. */
  harness?: boolean;
  /**
   * A kiosk never set up, as a fresh install is: no config file (the setup wizard writes
   * `<dataDir>/kiosk-config.json`), no helpers, no enrolment code; only the portal's address.
   */
  fresh?: boolean;
  /** Log to daily files in the data folder, as `npm start` and Electron do, rather than to memory. */
  fileLog?: boolean;
}

/**
 * The whole kiosk as `npm start` runs it without Electron: reference portal + web host, on loopback.
 * With `link`, the kiosk reaches the portal through a seeded fault proxy the test controls.
 */
export async function startKiosk(config: KioskConfigInput = {}, options: KioskOptions = {}): Promise<RunningKiosk> {
  const data = tempDir('kiosk');
  const portal = await startReferencePortal({ dbFile: path.join(data.dir, 'portal.sqlite'), port: 0, uploadDir: path.join(data.dir, 'uploads') });
  const link = options.link
    ? await startFaultProxy({ ...(options.link === true ? {} : options.link), target: { host: '127.0.0.1', port: Number(new URL(portal.url).port) } })
    : null;
  const portalUrl = link?.url ?? portal.url;
  const fileLog = options.fileLog ? createFileLogger({ dataDir: data.dir, echo: () => undefined }) : null;
  const webHost = await startWebHost({
    ...(options.fresh
      ? { config: KioskConfig.parse({ portal: { url: portalUrl }, ...config }), configFile: path.join(data.dir, 'kiosk-config.json') }
      : { config: KioskConfig.parse({ portal: { url: portalUrl, enrolmentCode: portal.createEnrolmentCode().code }, helpers: [await testHelperAccount()], ...config }) }),
    rendererDir: options.harness ? await buildQueueHarness() : rendererDir,
    dataDir: data.dir,
    assetsDir,
    version: '0.0.0-test',
    log: fileLog ?? memoryLogger().log,
  });
  return {
    portalUrl: portal.url,
    portal,
    link,
    dataDir: data.dir,
    webHost,
    async close() {
      await webHost.close();
      await fileLog?.close();
      await link?.close();
      await portal.app.close();
      data.remove();
    },
  };
}

export interface RunningBrowser {
  context: BrowserContext;
  page: Page;
  /** Every CSP violation the page reported: a kiosk screen must cause none. */
  cspViolations: string[];
  /** The profile folder (--user-data-dir). */
  profileDir: string;
  /** Closes the browser; the profile goes too unless it is kept to be opened again (`openChromium({ profileDir })`). */
  close(options?: { keepProfile?: boolean }): Promise<void>;
}

/** Debian's Chromium, headless, driven by playwright-core: with a fresh profile, or again with a kept one. */
export async function openChromium({ profileDir }: { profileDir?: string } = {}): Promise<RunningBrowser> {
  const profile = profileDir ? { dir: profileDir, remove: () => rmSync(profileDir, { recursive: true, force: true }) } : tempDir('chromium');
  const context = await chromium.launchPersistentContext(profile.dir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: chromiumFlags(),
    viewport: { width: 1280, height: 800 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const cspViolations: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) cspViolations.push(message.text());
  });
  return {
    context,
    page,
    cspViolations,
    profileDir: profile.dir,
    async close({ keepProfile = false } = {}) {
      await context.close();
      if (!keepProfile) profile.remove();
    },
  };
}

/**
 * A test file's kiosk and browser: started before its tests, stopped after them. Read them inside
 * tests (`env.kiosk`, `env.browser`), once `beforeAll` has run.
 */
export function withKiosk(config: KioskConfigInput = {}, options: KioskOptions = {}) {
  const env = {} as { kiosk: RunningKiosk; browser: RunningBrowser };
  beforeAll(async () => {
    env.kiosk = await startKiosk(config, options);
    env.browser = await openChromium();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.kiosk?.close();
  });
  return env;
}

/**
 * withKiosk whose receipt printer is a network printer's raw port (test/support/escpos.ts) that
 * answers status like an Epson printer, in text mode with Windows-1258, so each decoded job carries
 * the printed words with their diacritics.
 */
export function withPrintingKiosk(options: KioskOptions = {}) {
  const env = {} as { kiosk: RunningKiosk; browser: RunningBrowser; printer: RawPortListener };
  beforeAll(async () => {
    env.printer = await startRawPortListener();
    const tcp = { driver: 'tcp', host: '127.0.0.1', port: env.printer.port, paper: '80mm', codePage: { encoding: 'cp1258' } } as const;
    env.kiosk = await startKiosk({ devices: { ...KioskConfig.parse({}).devices, printer: tcp } }, options);
    env.browser = await openChromium();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.kiosk?.close();
    await env.printer?.close();
  });
  return env;
}

let harnessBuild: Promise<string> | undefined;
/**
 * Builds test/harness (the real queue in a page without the screens) with Vite, once per test
 * process, into a temporary folder.
 */
export function buildQueueHarness(): Promise<string> {
  harnessBuild ??= (async () => {
    const out = tempDir('harness');
    // Benchmarks build it too, outside vitest's hooks.
    process.once('exit', out.remove);
    await build({
      configFile: false,
      root: path.join(root, 'test/harness'),
      base: './',
      logLevel: 'warn',
      build: { outDir: out.dir, emptyOutDir: true, target: 'chrome120' },
    });
    return out.dir;
  })();
  return harnessBuild;
}
