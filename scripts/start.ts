import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createFileLogger } from '../electron/host/log';
import { loadConfig } from '../electron/host/provisioning';
import { startWebHost } from '../electron/webhost';
import { DEFAULT_PORTAL_URL } from '../shared/config';
import { chromiumFlags, CHROMIUM_PATH } from './chromium';
import { startReferencePortal } from './reference-portal/server';

/**
 * `npm start`: build if the sources changed, start the reference portal (the kiosk's default
 * portal), then the kiosk — under Electron when its binary is installed, otherwise the web host
 * plus Chromium as an app window (or, with no display, the URL to open). Ctrl-C stops it all.
 */
const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.resolve(process.env.KIOSK_DATA_DIR ?? path.join(root, '.data'));
// A fixed web-host port keeps the page's origin, and so its IndexedDB queue, the same across runs.
const webHostPort = Number(process.env.KIOSK_PORT ?? 5180);
const portalPort = process.env.PORTAL_PORT;
const stops: Array<() => Promise<void> | void> = [];

function newestChange(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((newest, entry) => {
    if (entry.name === 'dist' || entry.name === 'node_modules') return newest;
    const full = path.join(dir, entry.name);
    return Math.max(newest, entry.isDirectory() ? newestChange(full) : statSync(full).mtimeMs);
  }, 0);
}

function buildIfNeeded() {
  const outputs = ['renderer/dist/index.html', 'electron/dist/main.cjs'].map((file) => path.join(root, file));
  const builtAt = Math.min(...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  const changedAt = Math.max(...['renderer', 'electron', 'shared', 'assets'].map((dir) => newestChange(path.join(root, dir))));
  if (changedAt <= builtAt) return;
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/build.ts')], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

function electronBinary(): string | null {
  try {
    // The electron package exports its binary's path, and throws when the binary was never downloaded.
    return createRequire(import.meta.url)('electron') as string;
  } catch {
    return null;
  }
}

function watch(child: ChildProcess, name: string) {
  stops.push(() => void child.kill());
  child.once('exit', (code) => {
    console.log(`${name} exited (${code ?? 'signal'}); stopping.`);
    void stop();
  });
}

async function stop() {
  for (const fn of stops.splice(0).reverse()) await fn();
  process.exit(0);
}
process.once('SIGINT', () => void stop());
process.once('SIGTERM', () => void stop());

buildIfNeeded();
const portal = await startReferencePortal({
  dbFile: path.join(dataDir, 'portal.sqlite'),
  port: Number(portalPort ?? new URL(DEFAULT_PORTAL_URL).port),
});
stops.push(() => portal.app.close());
console.log(`reference portal: ${portal.url}`);

const electron = electronBinary();
if (electron) {
  watch(spawn(electron, [root], { stdio: 'inherit' }), 'Electron');
} else {
  const version = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
  // The portal operator's one-time code: typed into the setup wizard on a kiosk's first start, and
  // given to an already set-up kiosk not yet enrolled with this portal, which enrols on its first
  // sync. PORTAL_PORT moves the reference portal, and a set-up kiosk follows it.
  const { code } = portal.createEnrolmentCode();
  const configFile = path.join(dataDir, 'kiosk-config.json');
  const stored = await loadConfig(configFile);
  const setUp = existsSync(configFile);
  const config = await loadConfig(configFile, { portal: { ...stored.portal, ...(portalPort ? { url: portal.url } : {}), ...(setUp ? { enrolmentCode: code } : {}) } });
  if (!setUp) console.log(`setup wizard: portal ${portal.url}, enrolment code ${code}`);
  const log = createFileLogger({ dataDir });
  const webHost = await startWebHost({ config, configFile, rendererDir: path.join(root, 'renderer/dist'), dataDir, assetsDir: path.join(root, 'assets'), version, port: webHostPort, log });
  stops.push(() => webHost.close().finally(() => log.close()));
  const display = process.env.DISPLAY || process.env.WAYLAND_DISPLAY;
  if (display && existsSync(CHROMIUM_PATH)) {
    const mode = process.env.KIOSK_FULLSCREEN === '1' ? '--kiosk' : '--new-window';
    const profile = `--user-data-dir=${path.join(dataDir, 'chromium-profile')}`;
    watch(spawn(CHROMIUM_PATH, [...chromiumFlags(), profile, mode, `--app=${webHost.url}`], { stdio: 'ignore' }), 'Chromium');
    console.log('kiosk: opened in Chromium (no Electron binary here; see README).');
  } else {
    console.log(`kiosk: no display found; open this address in Chromium:\n  ${webHost.url}`);
  }
}
