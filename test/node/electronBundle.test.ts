import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { root } from '../support/kiosk';

/** What a bundle built by `npm run build` still loads at run time. */
function requires(bundle: string): string[] {
  const code = readFileSync(path.join(root, 'electron/dist', bundle), 'utf8');
  return [...new Set([...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((match) => match[1]!))].sort();
}

describe('Electron bundles (built here without the Electron binary)', () => {
  test('the sandboxed preload loads nothing but electron', () => {
    expect(requires('preload.cjs')).toEqual(['electron']);
  });

  test('the main process loads only electron and Node built-ins: no node_modules in the package', () => {
    const external = requires('main.cjs').filter((name) => name !== 'electron' && !builtinModules.includes(name.replace(/^node:/, '')));
    expect(external).toEqual([]);
  });
});
