import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { serviceListening } from '../../electron/host/devices/cardReader/pcsc';

/**
 * pcsc-lite's daemon for the PC/SC tests. Its socket path is built into pcscd, so there is one per
 * machine: a pcscd already running is used as it is; otherwise the tests start their own in the
 * foreground and stop it afterwards. CI installs pcscd and vsmartcard-vpcd (README, test stack).
 */

export const PCSCD_SOCKET = '/run/pcscd/pcscd.comm';
const STARTUP_MS = 5_000;
const STOP_MS = 3_000;

/** The pcscd binary, or null when the package is not installed. */
export function findPcscd(): string | null {
  return ['/usr/sbin/pcscd', '/usr/bin/pcscd', '/sbin/pcscd'].find((path) => existsSync(path)) ?? null;
}

const pcscdListening = () => serviceListening(PCSCD_SOCKET);

export interface Pcscd {
  /** Whether these tests started it, and so may stop it. */
  readonly owned: boolean;
  stop(): Promise<void>;
}

/**
 * Starts pcscd unless one runs. `configDir` replaces /etc/reader.conf.d (an empty folder gives a
 * pcscd without readers); it applies only to a pcscd started here.
 */
export async function startPcscd(options: { configDir?: string } = {}): Promise<Pcscd> {
  const binary = findPcscd();
  if (!binary) throw new Error('pcscd is not installed (apt-get install pcscd vsmartcard-vpcd)');
  if (await pcscdListening()) return { owned: false, stop: async () => {} };

  const args = ['--foreground', ...(options.configDir ? ['--config', options.configDir] : [])];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (data: Buffer) => (output = (output + data.toString()).slice(-4_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let running = true;
  void exited.then(() => (running = false));

  const stop = async () => {
    if (!running) return;
    child.kill('SIGTERM');
    if (await Promise.race([exited.then(() => true), sleep(STOP_MS, false)])) return;
    child.kill('SIGKILL');
    await exited;
  };

  for (const start = Date.now(); !(await pcscdListening()); await sleep(50)) {
    if (!running || Date.now() - start > STARTUP_MS) {
      await stop();
      throw new Error(`pcscd ${args.join(' ')} did not come up:\n${output}`);
    }
  }
  return { owned: true, stop };
}
