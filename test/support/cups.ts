import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll } from 'vitest';
import { startRawPortListener, type RawPortListener } from './escpos';

/**
 * A private CUPS scheduler for the receipt-printer tests: its own config, spool and a Unix socket
 * in a temporary folder, so it never touches the machine's CUPS. `lp` and `lpadmin` reach it
 * through `CUPS_SERVER=<socket>`. cupsd refuses to run filters as root, so it runs jobs as `lp`
 * (Debian's cups-daemon creates that user).
 */

const CUPSD = '/usr/sbin/cupsd';
const STARTUP_MS = 10_000;

/** Why cupsd cannot run here, or null when it can. */
export function cupsUnavailable(): string | null {
  if (!existsSync(CUPSD)) return 'cupsd is not installed (apt-get install cups)';
  if (process.getuid?.() !== 0) return 'cupsd needs root to start its own scheduler';
  if (spawnSync('id', ['lp']).status !== 0) return 'the lp user that cupsd runs jobs as does not exist';
  return null;
}

export interface Cupsd {
  /** For `CUPS_SERVER`: lp and lpadmin talk to this scheduler only. */
  socket: string;
  env: NodeJS.ProcessEnv;
  /** Adds a raw queue that sends each job to `deviceUri` byte for byte. */
  addRawQueue(name: string, deviceUri: string): void;
  stop(): Promise<void>;
}

export async function startCupsd(): Promise<Cupsd> {
  const root = await mkdtemp(path.join(tmpdir(), 'dvc-cups-'));
  await chmod(root, 0o755);
  const dirs = ['spool', 'cache', 'state', 'tmp', 'log'].map((name) => path.join(root, name));
  for (const dir of dirs) {
    await mkdir(dir);
    await chown(dir, uid('lp'), gid('lp'));
  }
  const socket = path.join(root, 'cups.sock');
  const log = path.join(root, 'log');
  await writeFile(
    path.join(root, 'cupsd.conf'),
    [`Listen ${socket}`, 'LogLevel warn', 'Browsing No', 'WebInterface No', 'DefaultAuthType None', '<Location />', '  Order allow,deny', '  Allow all', '</Location>', '<Policy default>', '  <Limit All>', '    Order deny,allow', '  </Limit>', '</Policy>'].join('\n'),
  );
  await writeFile(
    path.join(root, 'cups-files.conf'),
    [
      `ServerRoot ${root}`,
      `RequestRoot ${root}/spool`,
      `CacheDir ${root}/cache`,
      `StateDir ${root}/state`,
      `TempDir ${root}/tmp`,
      'ServerBin /usr/lib/cups',
      'DataDir /usr/share/cups',
      'User lp',
      'Group lp',
      `ErrorLog ${log}/error_log`,
      `AccessLog ${log}/access_log`,
      `PageLog ${log}/page_log`,
    ].join('\n'),
  );
  const child = spawn(CUPSD, ['-f', '-c', path.join(root, 'cupsd.conf'), '-s', path.join(root, 'cups-files.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data: Buffer) => (output = (output + data.toString()).slice(-4_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let running = true;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve((running = false) as never)));
  const env = { ...process.env, CUPS_SERVER: socket };

  const stop = async () => {
    if (running) {
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3_000)]);
      if (running) child.kill('SIGKILL');
      await exited;
    }
    await rm(root, { recursive: true, force: true });
  };

  for (const start = Date.now(); spawnSync('lpstat', ['-r'], { env }).stdout?.toString().trim() !== 'scheduler is running'; await sleep(100)) {
    if (!running || Date.now() - start > STARTUP_MS) {
      await stop();
      throw new Error(`cupsd did not come up:\n${output}`);
    }
  }

  return {
    socket,
    env,
    addRawQueue(name, deviceUri) {
      // `-m raw` is deprecated since CUPS 2.2 but still honoured by 2.4 (it warns): no filter, bytes as sent.
      const result = spawnSync('lpadmin', ['-p', name, '-E', '-v', deviceUri, '-m', 'raw'], { env });
      if (result.status !== 0) throw new Error(`lpadmin failed: ${result.stderr.toString()}`);
    },
    stop,
  };
}

const idOf = (flag: '-u' | '-g', name: string) => Number(spawnSync('id', [flag, name]).stdout.toString().trim());
const uid = (name: string) => idOf('-u', name);
const gid = (name: string) => idOf('-g', name);

/**
 * For a describe block: a private cupsd with one raw queue sending each job to a TCP listener (the
 * printer, as the test sees it), and `lp` pointed at that cupsd through CUPS_SERVER meanwhile.
 */
export function withRawCupsQueue(queue: string): { readonly printer: RawPortListener } {
  const env = {} as { cups: Cupsd; printer: RawPortListener };
  let savedServer: string | undefined;
  beforeAll(async () => {
    [env.cups, env.printer] = await Promise.all([startCupsd(), startRawPortListener()]);
    env.cups.addRawQueue(queue, `socket://127.0.0.1:${env.printer.port}`);
    // lp reads CUPS_SERVER from the environment it inherits from the host.
    savedServer = process.env.CUPS_SERVER;
    process.env.CUPS_SERVER = env.cups.socket;
  }, 20_000);
  afterAll(async () => {
    if (savedServer === undefined) delete process.env.CUPS_SERVER;
    else process.env.CUPS_SERVER = savedServer;
    await Promise.all([env.cups?.stop(), env.printer?.close()]);
  });
  return env;
}
