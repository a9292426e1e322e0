import { readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, test } from 'vitest';
import { nativeModules } from '../../scripts/nativeModules';
import { root } from '../support/kiosk';

/** What a bundle built by `npm run build` still loads at run time. */
function requires(bundle: string): string[] {
  const code = readFileSync(path.join(root, 'electron/dist', bundle), 'utf8');
  // Bare names in double quotes only, as esbuild writes its calls: bundled JSDoc comments hold
  // `import('../types/…')` type references, and iconv-lite's messages quote `require('iconv-lite')`.
  return [...new Set([...code.matchAll(/\b(?:require|import)\("([^".][^"]*)"\)/g)].map((match) => match[1]!))].sort();
}

describe('Electron bundles (built here without the Electron binary)', () => {
  test('the sandboxed preload loads nothing but electron', () => {
    expect(requires('preload.cjs')).toEqual(['electron']);
  });

  test('the main process loads electron, Node built-ins and the native drivers only, each a production dependency the package carries', () => {
    // `node:` names only ever resolve to built-ins (node:sqlite, say, is not in Node 20's list).
    const external = requires('main.cjs').filter((name) => name !== 'electron' && !name.startsWith('node:') && !builtinModules.includes(name));
    expect(nativeModules).toEqual(expect.arrayContaining(external));
    const { dependencies, optionalDependencies } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string>>;
    for (const name of external) expect({ ...dependencies, ...optionalDependencies }).toHaveProperty([name]);
  });
});
