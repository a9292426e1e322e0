import type { DeviceStatus } from '../../../../shared/contract';
import { KioskError } from '../../../../shared/errors';

/**
 * The status a scanner shows after a scan that failed: paper problems and a cancel leave it ready
 * (the citizen fixes them), a missing scanner is offline, anything else is an error for the helper.
 */
export function scannerStateAfter(error: unknown): DeviceStatus['state'] {
  if (!(error instanceof KioskError)) return 'error';
  switch (error.code) {
    case 'scanner.notFound':
      return 'offline';
    case 'scanner.noPaper':
    case 'scanner.jammed':
    case 'scanner.coverOpen':
    case 'scanner.busy':
    case 'scanner.cancelled':
      return 'ready';
    default:
      return 'error';
  }
}
