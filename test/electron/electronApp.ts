import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { root, tempDir } from '../support/kiosk';

/**
 * The Electron job's common ground (`npm run test:electron`, vitest.electron.config.ts): where the
 * Electron binary is, and the real kiosk app launched by playwright-core.
 */

/**
 * The binary `npm run electron:install` downloads: `npm ci` never does (package.json#allowScripts),
 * and a machine without internet cannot. Each file of test/electron/ skips itself, saying why.
 */
export function electronBinary(): { path: string; missing: null } | { path: null; missing: string } {
  let binary: string | null;
  try {
    // The package answers its binary's path, and throws when the binary was never downloaded.
    binary = createRequire(import.meta.url)('electron') as string;
  } catch {
    binary = null;
  }
  if (binary && existsSync(binary)) return { path: binary, missing: null };
  const missing =
    'Electron job skipped: no Electron binary in node_modules/electron/dist (npm ci never downloads it). ' +
    'On a machine with internet: npm run electron:install, then npm run test:electron (README, "Electron").';
  console.warn(missing);
  return { path: null, missing };
}

export interface ElectronKiosk {
  app: ElectronApplication;
  /** The kiosk window's page. */
  page: Page;
  /** Electron's userData: the kiosk's config, queue profile, logs. */
  userData: string;
  close(): Promise<void>;
}

/**
 * Launches the kiosk: the built app (`args: [root]`, whose package.json names electron/dist/main.cjs,
 * as `npm start` does; the folder, not the file, so that app.getAppPath()/assets is the repository's)
 * or a packed binary (`args: []`). Its userData is a fresh folder, given by Chromium's
 * --user-data-dir, which Electron takes for app.getPath('userData') before main.cjs runs.
 *
 * The kiosk is already set up, so it opens at the start screen, as the web host's battery does.
 * The config accepts a weak key store: CI has no keyring, so Electron's safeStorage falls back to
 * basic_text, which main.ts refuses unless a technician accepted it (quality target S7).
 */
export async function launchKiosk(executablePath: string, args: string[]): Promise<ElectronKiosk> {
  const data = tempDir('electron');
  writeFileSync(path.join(data.dir, 'config.json'), JSON.stringify({ acceptWeakKeyStore: true }));
  let app: ElectronApplication | null = null;
  try {
    app = await _electron.launch({ executablePath, args: [...args, `--user-data-dir=${data.dir}`], timeout: 60_000 });
    const page = await app.firstWindow();
    await page.waitForLoadState('domcontentloaded');
    // Not the developer's own profile: the flag was taken.
    expect(await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'))).toBe(data.dir);
    const running = app;
    return {
      app: running,
      page,
      userData: data.dir,
      close: async () => {
        await running.close();
        data.remove();
      },
    };
  } catch (error) {
    await app?.close().catch(() => undefined);
    data.remove();
    throw error;
  }
}

/** The unpacked app, as `npm start` runs it. */
export const launchBuiltKiosk = (binary: string) => launchKiosk(binary, [root]);

export interface WindowState {
  /** BrowserWindows, and every webContents (a devtools or webview one would count). */
  windows: number;
  contents: number;
  url: string;
  devToolsOpened: boolean;
}

/** The kiosk window as the main process sees it. */
export function windowState(app: ElectronApplication): Promise<WindowState> {
  return app.evaluate(({ BrowserWindow, webContents }) => {
    const windows = BrowserWindow.getAllWindows();
    const contents = windows[0]?.webContents;
    return {
      windows: windows.length,
      contents: webContents.getAllWebContents().length,
      url: contents?.getURL() ?? '',
      devToolsOpened: contents?.isDevToolsOpened() ?? false,
    };
  });
}

/**
 * The preferences the kiosk window was really created with. Electron keeps them on its
 * webContents (`getLastWebPreferences`, used by its own code, missing from its typings).
 */
export function windowPreferences(app: ElectronApplication): Promise<Record<string, unknown>> {
  return app.evaluate(({ BrowserWindow }) => {
    const [window, ...others] = BrowserWindow.getAllWindows();
    if (!window || others.length > 0) throw new Error(`expected one window, found ${others.length + (window ? 1 : 0)}`);
    const read: unknown = Reflect.get(window.webContents, 'getLastWebPreferences');
    if (typeof read !== 'function') throw new Error('this Electron has no webContents.getLastWebPreferences: read the preferences another way');
    return JSON.parse(JSON.stringify(Reflect.apply(read, window.webContents, []))) as Record<string, unknown>;
  });
}
