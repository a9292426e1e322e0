import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { vietnamToday } from '../../shared/dossier/formEngine';
import { redact } from '../../shared/redact';

/**
 * Structured log lines (JSON, one per line), redacted before they are written anywhere
 * (shared/redact.ts): no CCCD number, phone, e-mail or value under a personal key reaches stderr
 * or a file.
 */
export interface Logger {
  info(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

const toStderr = (line: string) => void process.stderr.write(`${line}\n`);

export function createLogger(write: (line: string) => void = toStderr, now: () => Date = () => new Date()): Logger {
  const emit = (level: string, event: string, fields: Record<string, unknown> = {}) =>
    write(JSON.stringify(redact({ time: now().toISOString(), level, event, ...fields })));
  return {
    info: (event, fields) => emit('info', event, fields),
    error: (event, fields) => emit('error', event, fields),
  };
}

/** Where the daily log files are: `<dataDir>/logs/kiosk-YYYY-MM-DD.log`, by Vietnam date. */
export const logDir = (dataDir: string): string => path.join(dataDir, 'logs');
const LOG_FILE = /^kiosk-(\d{4}-\d{2}-\d{2})\.log$/;
const logFileName = (day: string) => `kiosk-${day}.log`;

/** The daily log files in the folder, oldest first; none when it does not exist yet. */
export async function logFiles(dir: string): Promise<Array<{ day: string; file: string }>> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  return names
    .flatMap((name) => {
      const day = LOG_FILE.exec(name)?.[1];
      return day ? [{ day, file: path.join(dir, name) }] : [];
    })
    .sort((a, b) => a.day.localeCompare(b.day));
}

/** The oldest Vietnam day among the last `days` days up to `now`'s (Vietnam has no daylight saving, so a day is 24 h). */
export const firstDayKept = (days: number, now: Date): string => vietnamToday(new Date(now.getTime() - (days - 1) * 86_400_000));

export interface FileLogger extends Logger {
  /** Ends the day's file once its lines are on their way to disk. */
  close(): Promise<void>;
}

/**
 * The kiosk's log: each redacted line to stderr as before, and appended to the day's file under
 * `logDir(dataDir)`. Files older than `keepDays` days are deleted when a day's file is opened. The
 * file is an append stream, so a line never waits for the disk.
 */
export function createFileLogger({
  dataDir,
  keepDays = 14,
  now = () => new Date(),
  echo = toStderr,
}: {
  dataDir: string;
  keepDays?: number;
  now?: () => Date;
  echo?: (line: string) => void;
}): FileLogger {
  const dir = logDir(dataDir);
  // Once, at start: the streams open lazily and would fail without their folder.
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  let current: { day: string; stream: WriteStream } | undefined;
  let pruning = Promise.resolve();

  const prune = async () => {
    const oldest = firstDayKept(keepDays, now());
    for (const { day, file } of await logFiles(dir)) if (day < oldest) await rm(file, { force: true });
  };
  const streamFor = (day: string) => {
    if (current?.day === day) return current.stream;
    current?.stream.end();
    const stream = createWriteStream(path.join(dir, logFileName(day)), { flags: 'a', mode: 0o600 });
    // A full or failing disk costs the file its lines, never the kiosk its run: stderr still has
    // them, and the next line opens the file again.
    stream.on('error', () => {
      if (current?.stream === stream) current = undefined;
    });
    current = { day, stream };
    pruning = pruning.then(prune).catch(() => undefined);
    return stream;
  };
  const logger = createLogger((line) => {
    echo(line);
    streamFor(vietnamToday(now())).write(`${line}\n`);
  }, now);

  return {
    ...logger,
    async close() {
      const stream = current?.stream;
      current = undefined;
      if (stream) await new Promise<void>((resolve) => stream.end(() => resolve()));
      await pruning;
    },
  };
}
