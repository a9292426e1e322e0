import { KioskError } from '../../../../shared/errors';
import { spawnJob } from './spawnJob';
import type { OneWayTransport } from './transport';

/**
 * A CUPS queue set up raw (docs/printers.md): `lp -o raw` hands our ESC/POS to the backend
 * unchanged. One-way: CUPS reports no paper or cover state for raw queues. `lp` runs without a
 * shell, so a queue name never reaches one.
 */
export function createCupsTransport(options: { queue: string; lpPath: string; title?: string }): OneWayTransport {
  return {
    twoWay: false,
    async send(job) {
      const { code, stderr } = await spawnJob(options.lpPath, ['-d', options.queue, '-o', 'raw', '-t', options.title ?? 'DVC Kiosk receipt', '-'], job);
      if (code === 0) return;
      throw new KioskError(lpFoundNoQueue(stderr) ? 'printer.notFound' : 'printer.failed', { queue: options.queue, exitCode: code }, { cause: new Error(stderr) });
    },
  };
}

/** lp says "The printer or class does not exist." for an unknown queue (CUPS lp.c). */
export const lpFoundNoQueue = (stderr: string): boolean => /does not exist|not exist|Unknown destination/i.test(stderr);
