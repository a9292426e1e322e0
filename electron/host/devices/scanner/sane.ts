import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KioskError, type ErrorCode } from '../../../../shared/errors';
import { GEOMETRY_OPTIONS, type DocumentScannerConfig } from '../../../../shared/config';
import type { DocumentScanner, ScanControl, ScannedPage, ScanOptions } from './index';
import { describePage } from './pages';
import { scannerStateAfter } from './outcome';
import { createScannerStatus, scannerDevice, watchPresence } from './status';

export type SaneScannerConfig = Extract<DocumentScannerConfig, { driver: 'sane' }>;

/**
 * What scanimage reports for each SANE_Status that means something to the citizen. The texts are
 * sane_strstatus()'s (sane-backends `backend/sane_strstatus.c`, printed after "sane_start:" or
 * "sane_read:"); scanimage also exits with the status number when sane_start or sane_read fails
 * (`frontend/scanimage.c`), which is the fallback when a text is missing. Backends print in
 * English: strstatus texts are not translated, and the driver runs scanimage with LC_ALL=C.
 */
const SANE_STATUSES: readonly { status: number; text: string; code: ErrorCode; reason?: string }[] = [
  { status: 3, text: 'Device busy', code: 'scanner.busy' },
  { status: 6, text: 'Document feeder jammed', code: 'scanner.jammed' },
  { status: 7, text: 'Document feeder out of documents', code: 'scanner.noPaper' },
  { status: 8, text: 'Scanner cover is open', code: 'scanner.coverOpen' },
  { status: 9, text: 'Error during device I/O', code: 'scanner.failed', reason: 'ioError' },
  { status: 10, text: 'Out of memory', code: 'scanner.failed', reason: 'outOfMemory' },
  { status: 11, text: 'Access to resource has been denied', code: 'scanner.failed', reason: 'accessDenied' },
];
const NO_DOCS = 7;

/**
 * The error a finished scanimage run comes to, or null when it went well. An ADF batch always
 * ends with "out of documents": that is the normal end once a page came, and `scanner.noPaper`
 * before any. Exported so the faults SANE's test backend cannot produce at open time are tested
 * on recorded stderr lines.
 */
export function saneFailure(run: { stderr: string; exitCode: number | null; pages: number; timedOut?: boolean }): KioskError | null {
  // "open of device X failed: Device busy" is another program holding it; any other reason
  // (usually "Invalid argument") means no such device, as does an empty device list.
  const open = /open of device .* failed: (.*)$/m.exec(run.stderr);
  if (open) return open[1]?.trim() === 'Device busy' ? new KioskError('scanner.busy') : new KioskError('scanner.notFound');
  if (/no SANE devices found/.test(run.stderr)) return new KioskError('scanner.notFound');
  const option = /setting of option --(\S+) failed/.exec(run.stderr);
  if (option) return new KioskError('scanner.failed', { reason: `option ${option[1]}` });

  const known =
    SANE_STATUSES.find(({ text }) => run.stderr.includes(text)) ??
    SANE_STATUSES.find(({ status }) => status === run.exitCode);
  if (known?.status === NO_DOCS) return run.pages > 0 ? null : new KioskError('scanner.noPaper');
  if (known) return new KioskError(known.code, known.reason ? { reason: known.reason } : {});
  if (run.timedOut) return new KioskError('scanner.failed', { reason: 'timeout' });
  if (run.exitCode !== 0) return new KioskError('scanner.failed', { reason: `exit ${run.exitCode ?? 'signal'}` });
  return run.pages > 0 ? null : new KioskError('scanner.failed', { reason: 'noPages' });
}

/** SIGTERM lets scanimage call sane_cancel, so the device stops feeding; SIGKILL if it hangs. */
const TERMINATE_GRACE_MS = 2000;
/** Enough of stderr to find the status line, never a whole log. */
const STDERR_KEPT = 8_000;

function killGroup(pid: number | undefined, signal: NodeJS.Signals) {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // ESRCH: the group is gone already.
  }
}

interface Run {
  args: string[];
  signal: AbortSignal;
  /** Called with each line scanimage prints on stdout. */
  onLine?: (line: string) => void;
  /** Stops the run when it prints nothing for this long; it then ends as `timedOut`. */
  quietTimeoutMs: number;
}

interface RunResult {
  stderr: string;
  exitCode: number | null;
  timedOut: boolean;
}

/**
 * Runs scanimage in its own process group, never through a shell, and resolves once it exited
 * and its output is read. Aborting kills the whole group (a backend may fork helpers, e.g. the
 * net backend's connections) and rejects; falling quiet kills it too, and resolves as timed out
 * so a fault it printed before hanging (backends do hang in cleanup after one) is still read.
 */
function runScanimage(binary: string, run: Run): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, run.args, {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, LC_ALL: 'C' },
    });
    let stderr = '';
    let stdoutRest = '';
    let cancelled = false;
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let quietTimer: NodeJS.Timeout | undefined;

    const stop = () => {
      if (killTimer) return;
      killGroup(child.pid, 'SIGTERM');
      killTimer = setTimeout(() => killGroup(child.pid, 'SIGKILL'), TERMINATE_GRACE_MS);
    };
    const onAbort = () => {
      cancelled = true;
      stop();
    };
    const armQuietTimer = () => {
      clearTimeout(quietTimer);
      quietTimer = setTimeout(() => {
        timedOut = true;
        stop();
      }, run.quietTimeoutMs);
    };
    run.signal.addEventListener('abort', onAbort, { once: true });
    armQuietTimer();

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      armQuietTimer();
      const lines = (stdoutRest + chunk).split('\n');
      stdoutRest = lines.pop() ?? '';
      for (const line of lines) if (line) run.onLine?.(line);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      armQuietTimer();
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    const finish = () => {
      clearTimeout(killTimer);
      clearTimeout(quietTimer);
      run.signal.removeEventListener('abort', onAbort);
    };
    child.once('error', (error: NodeJS.ErrnoException) => {
      finish();
      reject(new KioskError('scanner.failed', { reason: error.code === 'ENOENT' ? 'scanimageMissing' : 'spawn' }, { cause: error }));
    });
    // 'close' comes after the output streams ended, so every printed page has been seen.
    child.once('close', (exitCode) => {
      finish();
      if (cancelled) reject(new KioskError('scanner.cancelled'));
      else resolve({ stderr, exitCode, timedOut });
    });
    if (run.signal.aborted) onAbort();
  });
}

/**
 * A scanner driven through SANE's `scanimage` (Debian sane-utils). Each scan is one batch run into
 * a private temp folder: `--batch-print` prints each page's file name once the file is complete
 * (scanimage writes `<name>.part` and renames it), so pages are read and announced one by one.
 * The device is probed with `scanimage -A` (it opens the device, unlike `-L`, which does not list
 * SANE's `test` backend) while it is not ready; a scan's outcome updates the status too.
 */
export function createSaneScanner(config: SaneScannerConfig): DocumentScanner {
  const status = createScannerStatus('sane');
  const closing = new AbortController();
  let scanning = false;

  const deviceArgs = ['--device-name', config.device];
  const backendArgs = Object.entries(config.options).flatMap(([name, value]) => (GEOMETRY_OPTIONS.has(name) ? [`-${name}`, value] : [`--${name}=${value}`]));

  const presence = watchPresence(
    status,
    async () => {
      const probe = await runScanimage(config.scanimagePath, { args: [...deviceArgs, '--all-options'], signal: closing.signal, quietTimeoutMs: config.pageTimeoutMs });
      // -A exits 1 when the device does not open (missing, unplugged, or held by another program).
      return probe.exitCode === 0 ? 'ready' : 'offline';
    },
    { intervalMs: config.pollIntervalMs, scanning: () => scanning },
  );

  async function scan(options: ScanOptions, control: ScanControl = {}): Promise<ScannedPage[]> {
    if (scanning) throw new KioskError('scanner.busy');
    if (control.signal?.aborted) throw new KioskError('scanner.cancelled');
    scanning = true;
    status.set('busy');
    let folder: string | undefined;
    const pages: ScannedPage[] = [];
    // Pages are read one after another so `onPage` hears them in order.
    let reading: Promise<void> = Promise.resolve();
    const pageCount = options.source === 'flatbed' ? 1 : options.maxPages;
    try {
      folder = await mkdtemp(path.join(tmpdir(), 'kiosk-scan-'));
      const run = await runScanimage(config.scanimagePath, {
        args: [
          ...deviceArgs,
          '--format=png',
          `--source=${config.sources[options.source]}`,
          `--mode=${config.modes[options.colourMode]}`,
          `--resolution=${options.resolution}`,
          ...backendArgs,
          `--batch=${path.join(folder, 'page%d.png')}`,
          '--batch-print',
          ...(pageCount ? [`--batch-count=${pageCount}`] : []),
        ],
        signal: control.signal ? AbortSignal.any([control.signal, closing.signal]) : closing.signal,
        quietTimeoutMs: config.pageTimeoutMs,
        onLine(file) {
          reading = reading.then(async () => {
            const page = await describePage(pages.length + 1, await readFile(file), options.resolution);
            pages.push(page);
            control.onPage?.(page);
          });
        },
      }).finally(() => reading); // the last pages are read, and a page that could not be fails the scan

      const failure = saneFailure({ ...run, pages: pages.length });
      if (failure) throw failure;
      status.set('ready');
      return pages;
    } catch (error) {
      status.set(scannerStateAfter(error));
      throw error;
    } finally {
      scanning = false;
      if (folder) await rm(folder, { recursive: true, force: true });
    }
  }

  return scannerDevice(status, presence, closing, scan);
}
