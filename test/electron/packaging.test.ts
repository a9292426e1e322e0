import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { listPackage, statFile } from '@electron/asar';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { nativeModules } from '../../scripts/nativeModules';
import { root, tempDir } from '../support/kiosk';
import { electronBinary, launchKiosk, windowPreferences, windowState } from './electronApp';

/**
 * The packaging step, for real: `electron-builder --dir` with electron-builder.yml (its Linux
 * unpacked app, what the AppImage and the deb hold), then the fuses of the packed binary, the
 * asar's contents, and the packed app started: its native modules load in Electron, its window is
 * a kiosk that cannot open devtools.
 *
 * electron-builder rebuilds node-hid and @pokusew/pcsclite for Electron in node_modules itself;
 * afterwards Node gets its own build of pcsclite back (node-hid's is Node-API, good for both).
 */
const electron = electronBinary();
const skipped = electron.missing ?? (process.platform === 'linux' ? null : 'packaging is checked on Linux (its unpacked dir); Windows packs its own NSIS installer');
if (skipped && !electron.missing) console.warn(skipped);

const run = promisify(execFile);
/** The wire's bytes are the ASCII digits: '0' is off, '1' is on (@electron/fuses' FuseState). */
const OFF = '0'.charCodeAt(0);
const ON = '1'.charCodeAt(0);

describe.skipIf(skipped)('the packed kiosk (electron-builder --dir)', () => {
  let out: ReturnType<typeof tempDir>;
  let appDir: string;
  let binary: string;
  let asar: string;

  beforeAll(async () => {
    out = tempDir('pack');
    await run(process.execPath, [path.join(root, 'node_modules/electron-builder/cli.js'), '--dir', '--config', 'electron-builder.yml', `-c.directories.output=${out.dir}`], {
      cwd: root,
      timeout: 900_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    const unpacked = readdirSync(out.dir).find((name) => /^linux(-\w+)?-unpacked$/.test(name));
    if (!unpacked) throw new Error(`electron-builder left no linux-unpacked folder in ${out.dir}`);
    appDir = path.join(out.dir, unpacked);
    const { linux } = load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as { linux: { executableName: string } };
    binary = path.join(appDir, linux.executableName);
    asar = path.join(appDir, 'resources/app.asar');
  }, 900_000);

  afterAll(async () => {
    out?.remove();
    await run('npm', ['rebuild', '@pokusew/pcsclite'], { cwd: root, timeout: 300_000 });
  }, 300_000);

  test('the fuses are blown: no running as Node, no NODE_OPTIONS, no inspector; the app only from its asar, checked', async () => {
    const wire = await getCurrentFuseWire(binary);
    expect({
      runAsNode: wire[FuseV1Options.RunAsNode],
      nodeOptions: wire[FuseV1Options.EnableNodeOptionsEnvironmentVariable],
      inspect: wire[FuseV1Options.EnableNodeCliInspectArguments],
      onlyFromAsar: wire[FuseV1Options.OnlyLoadAppFromAsar],
      asarIntegrity: wire[FuseV1Options.EnableEmbeddedAsarIntegrityValidation],
      fileProtocolPrivileges: wire[FuseV1Options.GrantFileProtocolExtraPrivileges],
    }).toEqual({ runAsNode: OFF, nodeOptions: OFF, inspect: OFF, onlyFromAsar: ON, asarIntegrity: ON, fileProtocolPrivileges: OFF });
  });

  test('app.asar holds the bundles and the assets; the native modules and the OCR model are unpacked beside it', () => {
    const entries = new Set(listPackage(asar, { isPack: false }).map((entry) => entry.replaceAll('\\', '/').replace(/^\//, '')));
    for (const file of ['package.json', 'electron/dist/main.cjs', 'electron/dist/preload.cjs', 'renderer/dist/index.html']) {
      expect(entries, file).toContain(file);
    }
    expect([...entries].filter((entry) => entry.endsWith('.map'))).toEqual([]);
    // Every asset the repository has is packed, in the asar or unpacked beside it.
    const assets = readdirSync(path.join(root, 'assets'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).replaceAll('\\', '/'));
    expect(assets.filter((asset) => !entries.has(asset))).toEqual([]);

    const unpacked = (file: string) =>
      (statFile(asar, file) as { unpacked?: boolean }).unpacked === true && existsSync(path.join(`${asar}.unpacked`, file));
    const tessdata = assets.filter((asset) => asset.startsWith('assets/tessdata/'));
    expect(tessdata.length).toBeGreaterThan(0);
    for (const file of tessdata) expect(unpacked(file), file).toBe(true);
    for (const name of nativeModules) expect(unpacked(`node_modules/${name}/package.json`), name).toBe(true);
    // Addons and the libraries beside them (sharp's libvips) are dlopen()ed from disk.
    const binaries = [...entries].filter((entry) => /\.(node|so(\.\d+)*)$/.test(entry));
    expect(binaries.length).toBeGreaterThan(0);
    for (const file of binaries) expect(unpacked(file), file).toBe(true);
    // @electron/rebuild compiled the modules with a binding.gyp for Electron, into build/Release.
    for (const name of ['node-hid', '@pokusew/pcsclite']) {
      expect([...entries].some((entry) => entry.startsWith(`node_modules/${name}/build/Release/`) && entry.endsWith('.node')), name).toBe(true);
    }
  });

  test('started, the packed app is a kiosk window that cannot open devtools, and its native modules load in Electron', { timeout: 180_000 }, async () => {
    // playwright-core drives Electron through the Node inspector, which the packed binary refuses
    // (the fuse above): a copy with that one fuse back on stands in for it, with the same app.
    const inspectable = `${binary}-inspectable`;
    copyFileSync(binary, inspectable);
    await flipFuses(inspectable, { version: FuseVersion.V1, [FuseV1Options.EnableNodeCliInspectArguments]: true });
    const kiosk = await launchKiosk(inspectable, []);
    try {
      const { app, page } = kiosk;
      expect(await app.evaluate(({ app: electronApp }) => electronApp.isPackaged)).toBe(true);
      expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().map((window) => window.isKiosk()))).toEqual([true]);
      expect(await windowPreferences(app)).toMatchObject({ devTools: false, sandbox: true, contextIsolation: true, nodeIntegration: false });

      await page.waitForFunction(() => document.querySelector('h1') !== null);
      for (const combo of ['F12', 'Control+Shift+i', 'Control+Shift+j']) await page.keyboard.press(combo);
      const opened = await app.evaluate(async ({ BrowserWindow }) => {
        const contents = BrowserWindow.getAllWindows()[0]!.webContents;
        contents.openDevTools({ mode: 'detach' });
        await new Promise((resolve) => setTimeout(resolve, 1000));
        return contents.isDevToolsOpened();
      });
      expect(opened).toBe(false);
      expect(await windowState(app)).toMatchObject({ windows: 1, contents: 1, devToolsOpened: false });

      // Loaded from the asar, as main.cjs loads them: an addon built for Node's ABI would throw here.
      const loaded = await app.evaluate(({ app: electronApp }, modules) => {
        const load = process.getBuiltinModule('node:module').createRequire(`${electronApp.getAppPath()}/electron/dist/main.cjs`);
        return modules.map((name) => {
          try {
            const exported = load(name) as { devices?: () => unknown[] };
            // node-hid loads its addon on first use.
            if (name === 'node-hid') exported.devices?.();
            return [name, 'loaded'];
          } catch (error) {
            return [name, String(error)];
          }
        });
      }, nativeModules);
      expect(loaded).toEqual(nativeModules.map((name) => [name, 'loaded']));
    } finally {
      await kiosk.close();
    }
  });
});
