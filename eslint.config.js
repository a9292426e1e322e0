// The layer table of docs/architecture.md, written as lint rules (the second lock; the first is
// each folder's tsconfig). Every message says which rule of the table an import breaks.
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const builtinsMessage = 'Node built-ins run only in electron/, scripts/ and test/ (docs/architecture.md, layer table).';
// Exact names for the bare built-ins ('crypto', 'path'…), so that a module of ours called ./crypto is not one.
const nodeBuiltins = { group: ['node:*'], message: builtinsMessage };
const nodeBuiltinNames = builtinModules.map((name) => ({ name, message: builtinsMessage }));
const electronPackage = {
  name: 'electron',
  message: 'Only electron/main.ts, preload.ts, ipc.ts and kioskWindow.ts may import electron.',
};
const rendererFolder = {
  group: ['**/renderer', '**/renderer/**'],
  message: 'renderer/ is reached only through the host contract, never imported.',
};
const electronFolder = {
  group: ['**/electron/**', '!**/node_modules/**'],
  message: 'electron/ code runs in Node; reach it through renderer/host.ts and the contract.',
};
const toolingFolders = {
  group: ['**/scripts/**', '**/test/**'],
  message: 'Product code never imports scripts/ (the reference portal among them) or test/.',
};
const serverPackages = ['ws', 'fastify', 'better-sqlite3'].map((name) => ({
  name,
  message: 'Server-side packages belong to electron/ or scripts/.',
}));
const uiPackages = ['react', 'react-dom', 'zustand', 'dexie', 'react-i18next'].map((name) => ({
  name,
  message: 'shared/ is pure TypeScript: no UI or storage packages.',
}));

const restrict = (paths, patterns) => ['error', { paths, patterns }];

export default tseslint.config(
  { ignores: ['**/dist/**', 'node_modules/**', '.tsbuild/**', 'release/**', 'test/fixtures/lint/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.es2023 } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', ignoreRestSiblings: true }],
      '@typescript-eslint/ban-ts-comment': 'error',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [electronPackage, ...nodeBuiltinNames, ...uiPackages, ...serverPackages],
        [nodeBuiltins, rendererFolder, electronFolder, toolingFolders],
      ),
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': restrict(
        [electronPackage, ...nodeBuiltinNames, ...serverPackages],
        [nodeBuiltins, electronFolder, toolingFolders],
      ),
    },
  },
  {
    // Only renderer/queue/ opens IndexedDB (decision 4).
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/queue/**'],
    rules: {
      'no-restricted-imports': restrict(
        [electronPackage, ...nodeBuiltinNames, ...serverPackages, { name: 'dexie', message: 'Only renderer/queue/ opens IndexedDB.' }],
        [nodeBuiltins, electronFolder, toolingFolders],
      ),
    },
  },
  {
    files: ['electron/**/*.ts'],
    languageOptions: { globals: { ...globals.node } },
    rules: {
      'no-restricted-imports': restrict([electronPackage], [rendererFolder, toolingFolders]),
    },
  },
  {
    files: ['electron/main.ts', 'electron/preload.ts', 'electron/ipc.ts', 'electron/kioskWindow.ts'],
    rules: { 'no-restricted-imports': restrict([], [rendererFolder, toolingFolders]) },
  },
  {
    files: ['scripts/**/*.ts', 'test/**/*.ts', '*.config.{ts,js}'],
    languageOptions: { globals: { ...globals.node } },
  },
);
