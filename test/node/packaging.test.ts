import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { DebugLogger } from 'builder-util';
import type { Configuration, TargetConfiguration } from 'electron-builder';
import { load } from 'js-yaml';
import { minimatch } from 'minimatch';
import { describe, expect, test } from 'vitest';
import { nativeModules } from '../../scripts/nativeModules';
import { root } from '../support/kiosk';

/**
 * electron-builder.yml against what issue 9 promises of the packages, read here without the
 * Electron binary: the packing itself, and the fuses of the packed binary, are checked by
 * test/electron/packaging.test.ts where the binary exists (`npm run test:electron`).
 */
const config = load(readFileSync(path.join(root, 'electron-builder.yml'), 'utf8')) as Configuration;

type Platform = { target?: Array<string | TargetConfiguration> | string | TargetConfiguration | null } | null | undefined;

/** A platform's targets as `{ target: archs }`; an arch left to the machine that packs is `host`. */
function targetsOf(platform: Platform): Record<string, string[]> {
  return Object.fromEntries(
    [platform?.target ?? []].flat().map((entry) => (typeof entry === 'string' ? [entry, ['host']] : [entry.target, [entry.arch ?? 'host'].flat()])),
  );
}

/** electron-builder's file patterns: in when a pattern takes it and no `!` pattern leaves it out. */
function matches(patterns: unknown, file: string): boolean {
  const list = [patterns ?? []].flat() as string[];
  const match = (pattern: string) => minimatch(file, pattern, { dot: true });
  return list.some((pattern) => !pattern.startsWith('!') && match(pattern)) && !list.some((pattern) => pattern.startsWith('!') && match(pattern.slice(1)));
}
const packs = (file: string) => config.asar === true && matches(config.files, file);
/** Production dependencies are packed whatever `files` says; unpacked ones go beside the asar. */
const unpacks = (file: string) => config.asar === true && matches(config.asarUnpack, file);

/** Production dependencies with a binding.gyp of their own: those @electron/rebuild compiles for Electron. */
function addonDependencies(): string[] {
  const { dependencies = {}, optionalDependencies = {} } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
  return Object.keys({ ...dependencies, ...optionalDependencies }).filter((name) => existsSync(path.join(root, 'node_modules', name, 'binding.gyp')));
}

describe('electron-builder.yml', () => {
  test('is valid for electron-builder itself: no misspelt or misplaced option', async () => {
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
    // It is strict: one wrong letter fails it.
    await expect(validateConfiguration({ ...structuredClone(config), nsis: { ...config.nsis, oneclick: true } as Configuration['nsis'] }, new DebugLogger(false))).rejects.toThrow(/nsis/);
  });

  test('packs a Windows NSIS installer for x64 that installs for the kiosk account in one click (updates need no UAC prompt), with no desktop shortcut', () => {
    expect(targetsOf(config.win)).toEqual({ nsis: ['x64'] });
    expect(config.nsis).toMatchObject({ oneClick: true, perMachine: false, createDesktopShortcut: false, runAfterFinish: false, deleteAppDataOnUninstall: false });
  });

  test('packs an AppImage and a deb for Linux x64', () => {
    expect(targetsOf(config.linux)).toEqual({ AppImage: ['x64'], deb: ['x64'] });
  });

  test('blows the fuses: no running as Node, no NODE_OPTIONS, no inspector; the app only from its asar, checked', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  test('packs the entry points, the renderer and every asset into the asar, without source maps', () => {
    const { main } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { main: string };
    for (const file of ['package.json', main, 'electron/dist/preload.cjs', 'renderer/dist/index.html', 'renderer/dist/assets/index-0000.js']) {
      expect(packs(file), file).toBe(true);
    }
    // assets/ as the repository has it (fonts, procedures, trust keys…) and as the build adds to it (tessdata).
    const assets = readdirSync(path.join(root, 'assets'), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => path.relative(root, path.join(entry.parentPath, entry.name)).replaceAll('\\', '/'));
    expect(assets.filter((file) => file.startsWith('assets/procedures/')).length).toBeGreaterThan(0);
    expect(assets.filter((file) => !packs(file))).toEqual([]);
    expect(packs('assets/tessdata/vie.traineddata.gz')).toBe(true);
    for (const file of [`${main}.map`, 'renderer/dist/assets/index-0000.js.map', 'electron/main.ts', 'test/node/packaging.test.ts']) {
      expect(packs(file), file).toBe(false);
    }
  });

  test('rebuilds the native addons for Electron and unpacks them, and what reads files with plain fs, beside the asar', () => {
    expect(config.npmRebuild).not.toBe(false);
    // node-gyp in the app's own folder: it has no binding.gyp.
    expect(existsSync(path.join(root, 'binding.gyp'))).toBe(false);
    expect(config.nodeGypRebuild).not.toBe(true);

    for (const name of nativeModules) expect(unpacks(`node_modules/${name}/package.json`), name).toBe(true);
    const addons = addonDependencies();
    expect(addons).toContain('node-hid');
    for (const name of addons) {
      expect(nativeModules, name).toContain(name);
      expect(unpacks(`node_modules/${name}/build/Release/addon.node`), name).toBe(true);
    }
    expect(packs('assets/tessdata/vie.traineddata.gz') && unpacks('assets/tessdata/vie.traineddata.gz')).toBe(true);
    // The rest stays inside, under the asar's integrity check.
    expect(unpacks('electron/dist/main.cjs')).toBe(false);
    expect(unpacks('renderer/dist/index.html')).toBe(false);
    expect(unpacks('assets/trust/province-keys.json')).toBe(false);
  });
});
