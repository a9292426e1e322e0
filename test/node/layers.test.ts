import path from 'node:path';
import { ESLint } from 'eslint';
import ts from 'typescript';
import { describe, expect, test } from 'vitest';
import { root } from '../support/kiosk';

/** The layer table, checked by linting imports as if they were written in each folder. */
const eslint = new ESLint({ cwd: root });
async function importFails(file: string, specifier: string): Promise<boolean> {
  const [result] = await eslint.lintText(`import x from '${specifier}';\nexport default x;\n`, { filePath: path.join(root, file) });
  return (result?.messages ?? []).some((message) => message.ruleId === 'no-restricted-imports');
}

describe('ESLint enforces the layer table', () => {
  test.each([
    ['shared/dossier/new.ts', 'node:fs'],
    ['shared/new.ts', 'fs'],
    ['shared/new.ts', 'electron'],
    ['shared/new.ts', 'react'],
    ['shared/new.ts', 'dexie'],
    ['shared/new.ts', '../renderer/host'],
    ['shared/new.ts', '../electron/host/log'],
    ['renderer/new.ts', 'node:path'],
    ['renderer/queue/new.ts', 'crypto'],
    ['renderer/new.ts', 'electron'],
    ['renderer/new.ts', '../electron/host/log'],
    ['renderer/citizen/New.tsx', 'dexie'],
    ['renderer/new.ts', '../scripts/reference-portal/server'],
    ['electron/host/new.ts', 'electron'],
    ['electron/webhost.ts', 'electron'],
    ['electron/host/new.ts', '../../renderer/host'],
    ['electron/host/portal/new.ts', '../../../scripts/reference-portal/server'],
  ])('%s may not import %s', async (file, specifier) => {
    expect(await importFails(file, specifier)).toBe(true);
  });

  test.each([
    ['shared/new.ts', 'zod'],
    ['shared/dossier/new.ts', '../errors'],
    ['renderer/queue/new.ts', 'dexie'],
    ['renderer/queue/new.ts', './crypto'],
    ['renderer/new.ts', '../shared/contract'],
    ['electron/main.ts', 'electron'],
    ['electron/preload.ts', 'electron'],
    ['electron/host/new.ts', 'node:fs'],
    ['test/node/new.test.ts', '../../scripts/reference-portal/server'],
  ])('%s may import %s', async (file, specifier) => {
    expect(await importFails(file, specifier)).toBe(false);
  });
});

describe("shared/'s tsconfig has no DOM and no Node", () => {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(root, 'shared/tsconfig.json'), {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'));
    },
  })!;

  function compile(source: string): string[] {
    const file = path.join(root, 'shared/__layer_probe__.ts');
    const compilerHost = ts.createCompilerHost(config.options);
    const readFile = compilerHost.readFile.bind(compilerHost);
    compilerHost.readFile = (name) => (path.resolve(name) === file ? source : readFile(name));
    const fileExists = compilerHost.fileExists.bind(compilerHost);
    compilerHost.fileExists = (name) => path.resolve(name) === file || fileExists(name);
    const program = ts.createProgram({ rootNames: [file], options: { ...config.options, noEmit: true, composite: false, emitDeclarationOnly: false, declaration: false }, host: compilerHost });
    return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
  }

  test.each([
    ['document.title', "Cannot find name 'document'"],
    ['window.localStorage', "Cannot find name 'window'"],
    ['process.env.HOME', "Cannot find name 'process'"],
    ["Buffer.from('x')", "Cannot find name 'Buffer'"],
  ])('using %s there is a compile error', (expression, message) => {
    expect(compile(`export const probe = ${expression};\n`).join('\n')).toContain(message);
  });

  test('plain ES2023 compiles there', () => {
    expect(compile("export const probe = ['b', 'a'].toSorted().at(0);\n")).toEqual([]);
  });
});
