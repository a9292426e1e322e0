import { KioskError, type ErrorCode } from '../../../../shared/errors';
import { spawnJob } from './spawnJob';
import type { OneWayTransport } from './transport';

/**
 * A printer installed in Windows (any driver, "Generic / Text Only" included), sent the job with
 * the RAW datatype so the spooler passes our ESC/POS through untouched (docs/printers.md). The
 * spooler API (winspool.drv) is reached from Windows PowerShell 5.1, which every Windows 10/11
 * has, through a small C# class it compiles: no native addon to rebuild for Electron.
 *
 * The whole script, job included, goes on PowerShell's stdin: a receipt raster is larger than a
 * command line may be, and the printer's name and the job are embedded as base64 literals, so no
 * name can break out of its string. The command line carries only a fixed bootstrap.
 */

/** The spooler's answer, as the script's exit code. */
const EXIT_CODES: Record<number, ErrorCode> = { 10: 'printer.notFound', 11: 'printer.paperOut', 12: 'printer.coverOpen', 13: 'printer.offline', 14: 'printer.failed' };

/**
 * Reads the script from stdin whole (`-Command -` would run it line by line and break the
 * here-string) and exits with the spooler's answer, the script's last value. The script is ASCII
 * only (names and job are base64), so the console's input code page cannot garble it.
 */
const BOOTSTRAP = 'exit [int](Invoke-Expression ([Console]::In.ReadToEnd()))';

export const POWERSHELL_ARGS = ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-EncodedCommand', encodeCommand(BOOTSTRAP)] as const;

/** `-EncodedCommand` takes base64 of UTF-16LE. */
function encodeCommand(command: string): string {
  return Buffer.from(command, 'utf16le').toString('base64');
}

/**
 * The spooler calls: OpenPrinter, the printer's status (GetPrinter level 6, PRINTER_STATUS_* bits
 * from winspool.h) so a job is not spooled into a printer without paper, then one RAW document.
 */
const SPOOLER_CLASS = String.raw`
using System;
using System.Runtime.InteropServices;
public static class KioskRawPrinter {
  [StructLayout(LayoutKind.Sequential, CharSet = CharSet.Unicode)]
  public class DocInfo1 { public string pDocName; public string pOutputFile; public string pDatatype; }
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)] static extern bool OpenPrinterW(string name, out IntPtr printer, IntPtr defaults);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool ClosePrinter(IntPtr printer);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)] static extern int StartDocPrinterW(IntPtr printer, int level, DocInfo1 info);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool EndDocPrinter(IntPtr printer);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool StartPagePrinter(IntPtr printer);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool EndPagePrinter(IntPtr printer);
  [DllImport("winspool.drv", SetLastError = true)] static extern bool WritePrinter(IntPtr printer, byte[] bytes, int count, out int written);
  [DllImport("winspool.drv", CharSet = CharSet.Unicode, SetLastError = true)] static extern bool GetPrinterW(IntPtr printer, int level, byte[] info, int size, out int needed);
  const int PaperJam = 0x8, PaperOut = 0x10, Offline = 0x80, NotAvailable = 0x1000, DoorOpen = 0x400000, Paused = 0x1, Error = 0x2;
  public static int Print(string name, string title, byte[] job) {
    IntPtr printer;
    if (!OpenPrinterW(name, out printer, IntPtr.Zero)) return 10;
    try {
      byte[] info = new byte[4];
      int needed;
      if (GetPrinterW(printer, 6, info, info.Length, out needed)) {
        int status = BitConverter.ToInt32(info, 0);
        if ((status & PaperOut) != 0) return 11;
        if ((status & DoorOpen) != 0) return 12;
        if ((status & (Offline | NotAvailable | Paused)) != 0) return 13;
        if ((status & (PaperJam | Error)) != 0) return 14;
      }
      DocInfo1 doc = new DocInfo1 { pDocName = title, pDatatype = "RAW" };
      if (StartDocPrinterW(printer, 1, doc) == 0) return 14;
      try {
        if (!StartPagePrinter(printer)) return 14;
        int written;
        bool ok = WritePrinter(printer, job, job.Length, out written) && written == job.Length;
        EndPagePrinter(printer);
        return ok ? 0 : 14;
      } finally { EndDocPrinter(printer); }
    } finally { ClosePrinter(printer); }
  }
}`;

const base64Text = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const fromBase64 = (literal: string, asText: boolean) =>
  asText ? `[Text.Encoding]::UTF8.GetString([Convert]::FromBase64String('${literal}'))` : `[Convert]::FromBase64String('${literal}')`;

/** The script PowerShell runs for one job; exported so tests can read back what it would send. */
export function windowsRawScript(printerName: string, job: Uint8Array, title: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    `Add-Type -TypeDefinition @'${SPOOLER_CLASS}\n'@`,
    `[KioskRawPrinter]::Print(${fromBase64(base64Text(printerName), true)}, ${fromBase64(base64Text(title), true)}, ${fromBase64(Buffer.from(job).toString('base64'), false)})`,
    '',
  ].join('\n');
}

export function createWindowsTransport(options: { printerName: string; powershellPath?: string; title?: string }): OneWayTransport {
  const powershell = options.powershellPath ?? 'powershell.exe';
  return {
    twoWay: false,
    async send(job) {
      const { code, stderr } = await spawnJob(powershell, POWERSHELL_ARGS, windowsRawScript(options.printerName, job, options.title ?? 'DVC Kiosk receipt'));
      if (code === 0) return;
      throw new KioskError(EXIT_CODES[code] ?? 'printer.failed', { printer: options.printerName, exitCode: code }, { cause: new Error(stderr) });
    },
  };
}
