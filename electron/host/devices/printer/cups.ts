import { spawn } from 'node:child_process';
import { KioskError } from '../../../../shared/errors';
import type { PrinterTransport } from './transport';

/**
 * A CUPS queue set up raw (docs/printers.md): `lp -o raw` hands our ESC/POS to the backend
 * unchanged. One-way: CUPS reports no paper or cover state for raw queues. `lp` runs without a
 * shell, so a queue name never reaches one.
 */
export function createCupsTransport(options: { queue: string; lpPath: string; title?: string }): PrinterTransport {
  return {
    twoWay: false,
    send: (job) =>
      new Promise((resolve, reject) => {
        const child = spawn(options.lpPath, ['-d', options.queue, '-o', 'raw', '-t', options.title ?? 'DVC Kiosk receipt', '-'], {
          stdio: ['pipe', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
        child.once('error', (error: NodeJS.ErrnoException) =>
          reject(new KioskError(error.code === 'ENOENT' ? 'printer.notFound' : 'printer.failed', { lp: options.lpPath }, { cause: error })),
        );
        child.once('close', (code) => {
          if (code === 0) return resolve();
          // lp says "The printer or class does not exist." for an unknown queue (CUPS lp.c).
          const missing = /does not exist|not exist|Unknown destination/i.test(stderr);
          reject(new KioskError(missing ? 'printer.notFound' : 'printer.failed', { queue: options.queue, exitCode: code ?? -1 }, { cause: new Error(stderr.trim()) }));
        });
        child.stdin.once('error', () => {}); // lp exiting early closes stdin; its exit code says why
        child.stdin.end(job);
      }),
  };
}
