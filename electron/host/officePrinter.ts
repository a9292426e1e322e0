import type { OfficePrinterConfig } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { lpFoundNoQueue } from './devices/printer/cups';
import { spawnJob } from './devices/printer/spawnJob';

/**
 * Prints an A4 PDF (a report) on the commune office's printer through its CUPS queue, which
 * turns the PDF into what the printer speaks. officePrinter.notSet without one in the config,
 * officePrinter.notFound when CUPS has no such queue (or no `lp`), officePrinter.failed otherwise.
 */
export async function printOnOfficePrinter(config: OfficePrinterConfig | null, pdf: Uint8Array, title: string): Promise<void> {
  if (!config) throw new KioskError('officePrinter.notSet');
  const { code, stderr } = await spawnJob(config.lpPath, ['-d', config.queue, '-t', title, '-'], pdf).catch((error: unknown) => {
    throw new KioskError('officePrinter.notFound', { queue: config.queue }, { cause: error });
  });
  if (code !== 0) throw new KioskError(lpFoundNoQueue(stderr) ? 'officePrinter.notFound' : 'officePrinter.failed', { queue: config.queue, exitCode: code }, { cause: new Error(stderr) });
}
