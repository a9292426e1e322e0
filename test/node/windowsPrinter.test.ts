import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createWindowsTransport, POWERSHELL_ARGS, windowsRawScript } from '../../electron/host/devices/printer/windows';
import { KioskError } from '../../shared/errors';
import { tempDir } from '../support/kiosk';

/**
 * The Windows RAW spooler driver, as far as it runs off Windows: the script it hands PowerShell
 * (names and job survive any content, and read back exactly) and how it reads PowerShell's answer.
 * The spooler itself needs Windows; here a stand-in `powershell` records what it was given and
 * answers with the exit code the test asks for.
 */
const dir = tempDir('windows-printer');
afterAll(() => dir.remove());

const HOSTILE_NAME = "Máy in hóa đơn'; Remove-Item C:\\ -Recurse; '\"$(calc)\"@\n'@";
const JOB = new Uint8Array([0x1b, 0x40, ...Buffer.from('Xin cảm ơn', 'utf8'), 0x00, 0x27, 0x40, 0x1d, 0x56, 0x00]);

/** The base64 literals in a script, decoded: the printer name, the title, the job. */
function literals(script: string): Buffer[] {
  return [...script.matchAll(/FromBase64String\('([A-Za-z0-9+/=]*)'\)/g)].map((match) => Buffer.from(match[1]!, 'base64'));
}

describe('the script', () => {
  test('carries the printer name, title and job as base64, so they read back exactly and nothing else is quoted', () => {
    const script = windowsRawScript(HOSTILE_NAME, JOB, 'Biên nhận hồ sơ');
    const [name, title, job] = literals(script);
    expect(name!.toString('utf8')).toBe(HOSTILE_NAME);
    expect(title!.toString('utf8')).toBe('Biên nhận hồ sơ');
    expect(new Uint8Array(job!)).toEqual(JOB);
    // The only quotes are the literals' own and the C# here-string's: the same as for a plain name.
    const quotes = (text: string) => text.match(/'/g)!.length;
    expect(quotes(script)).toBe(quotes(windowsRawScript('EPSON TM-T82', JOB, 'x')));
    // ASCII only, so the console's input code page cannot change a byte of it.
    expect([...script].every((char) => char === '\n' || (char >= ' ' && char <= '~'))).toBe(true);
  });

  test('sends the job RAW, after a status check, through winspool', () => {
    const script = windowsRawScript('EPSON TM-T82', JOB, 'x');
    expect(script).toContain('pDatatype = "RAW"');
    expect(script.indexOf('GetPrinterW(printer, 6')).toBeLessThan(script.indexOf('StartDocPrinterW(printer, 1'));
    expect(script.trimEnd().split('\n').at(-1)).toMatch(/^\[KioskRawPrinter\]::Print\(/);
  });

  test('its C# compiles as C# 5, the language Windows PowerShell 5.1 compiles Add-Type in (Mono mcs)', () => {
    const [, csharp] = /@'\n([\s\S]*)\n'@/.exec(windowsRawScript('EPSON TM-T82', JOB, 'x'))!;
    const source = path.join(dir.dir, 'KioskRawPrinter.cs');
    writeFileSync(source, csharp!);
    execFileSync('mcs', ['-target:library', '-langversion:5', `-out:${path.join(dir.dir, 'KioskRawPrinter.dll')}`, source], { stdio: 'pipe' });
    expect(existsSync(path.join(dir.dir, 'KioskRawPrinter.dll'))).toBe(true);
  });
});

describe('the transport', () => {
  /** A stand-in for powershell.exe: keeps its arguments and stdin, exits with EXIT_CODE. */
  function standIn(exitCode: number): string {
    const file = path.join(dir.dir, `powershell-${exitCode}`);
    writeFileSync(file, `#!/bin/sh\nprintf '%s\\n' "$@" > "${file}.args"\ncat > "${file}.stdin"\necho "spooler says $1" >&2\nexit ${exitCode}\n`);
    chmodSync(file, 0o755);
    return file;
  }

  test('hands PowerShell the fixed bootstrap on the command line and the whole script on stdin', async () => {
    const powershell = standIn(0);
    await createWindowsTransport({ printerName: HOSTILE_NAME, powershellPath: powershell }).send(JOB);
    const args = readFileSync(`${powershell}.args`, 'utf8').trimEnd().split('\n');
    expect(args).toEqual([...POWERSHELL_ARGS]);
    expect(Buffer.from(args.at(-1)!, 'base64').toString('utf16le')).toBe('exit [int](Invoke-Expression ([Console]::In.ReadToEnd()))');
    expect(args.join(' ')).not.toContain('Máy in');
    expect(readFileSync(`${powershell}.stdin`, 'utf8')).toBe(windowsRawScript(HOSTILE_NAME, JOB, 'DVC Kiosk receipt'));
  });

  test.each([
    [10, 'printer.notFound'],
    [11, 'printer.paperOut'],
    [12, 'printer.coverOpen'],
    [13, 'printer.offline'],
    [14, 'printer.failed'],
    [1, 'printer.failed'],
  ])('exit code %i is %s', async (exitCode, code) => {
    const error = await createWindowsTransport({ printerName: 'EPSON TM-T82', powershellPath: standIn(exitCode) })
      .send(JOB)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KioskError);
    expect(error).toMatchObject({ code, params: { printer: 'EPSON TM-T82', exitCode } });
  });

  test('no PowerShell at all is printer.notFound', async () => {
    const error = await createWindowsTransport({ printerName: 'EPSON TM-T82', powershellPath: path.join(dir.dir, 'missing') })
      .send(JOB)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'printer.notFound' });
  });
});
