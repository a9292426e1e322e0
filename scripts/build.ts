import path from 'node:path';
import { build as bundle, type BuildOptions } from 'esbuild';
import { build as buildRenderer } from 'vite';
import { nativeModules } from './nativeModules';
import { copyTessdata } from './tessdata';

/**
 * `npm run build`: the renderer (Vite → renderer/dist), the Electron entry points (esbuild →
 * electron/dist) and the OCR model (assets/tessdata). Electron itself is not needed to build: it stays external, resolved at run time,
 * as do the drivers' native modules.
 */
const root = path.resolve(import.meta.dirname, '..');

await buildRenderer({ configFile: path.join(root, 'vite.config.ts'), logLevel: 'warn' });
await copyTessdata(root);

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node22',
  external: ['electron', ...nativeModules],
  sourcemap: true,
  logLevel: 'warning',
};
await Promise.all([
  bundle({ ...common, entryPoints: [path.join(root, 'electron/main.ts')], outfile: path.join(root, 'electron/dist/main.cjs') }),
  // The sandboxed preload can require only `electron` and a few built-ins, so everything else is inlined.
  bundle({ ...common, entryPoints: [path.join(root, 'electron/preload.ts')], outfile: path.join(root, 'electron/dist/preload.cjs') }),
]);
console.log('build: renderer/dist, electron/dist and assets/tessdata are ready');
