import { KioskError } from '../../../../shared/errors';

/**
 * ESC/POS real-time status, `DLE EOT n` (ESC/POS reference, "DLE EOT"): the printer answers one
 * byte at once, even in the middle of a job or while offline. Every answer has bits 1 and 4 set
 * and bits 0 and 7 clear, which tells a status byte from anything else on the line.
 */
export const STATUS_REQUESTS = { printer: 1, offlineCause: 2, paperSensor: 4 } as const;
export type StatusRequest = keyof typeof STATUS_REQUESTS;

export const statusRequest = (which: StatusRequest): Uint8Array => Uint8Array.of(0x10, 0x04, STATUS_REQUESTS[which]);

const FIXED_MASK = 0x93;
const FIXED_BITS = 0x12;
const isStatusByte = (byte: number): boolean => (byte & FIXED_MASK) === FIXED_BITS;

const PRINTER_OFFLINE = 0x08;
const COVER_OPEN = 0x04;
const STOPPED_AT_PAPER_END = 0x20;
const ERROR_OCCURRED = 0x40;
const ROLL_PAPER_END = 0x60;

export interface RealTimeStatus {
  printer: number;
  offlineCause: number;
  paperSensor: number;
}

/**
 * Why the printer cannot print, most specific first: a citizen's helper fixes "no paper" or
 * "cover open" on the spot, whereas "offline" alone says nothing they can act on.
 */
export function statusProblem(status: RealTimeStatus): KioskError | null {
  for (const [name, byte] of Object.entries(status)) {
    if (!isStatusByte(byte)) return new KioskError('printer.failed', { status: name, byte });
  }
  if (status.paperSensor & ROLL_PAPER_END || status.offlineCause & STOPPED_AT_PAPER_END) return new KioskError('printer.paperOut');
  if (status.offlineCause & COVER_OPEN) return new KioskError('printer.coverOpen');
  if (status.offlineCause & ERROR_OCCURRED) return new KioskError('printer.failed', { status: 'error' });
  if (status.printer & PRINTER_OFFLINE) return new KioskError('printer.offline');
  return null;
}

/** A printer with paper, cover closed, online: what a healthy printer answers to n = 1, 2, 4. */
const HEALTHY_STATUS: RealTimeStatus = { printer: FIXED_BITS, offlineCause: FIXED_BITS, paperSensor: FIXED_BITS };

/** The bytes a printer in this state answers, for the simulator and the tests' printer stand-in. */
export function statusBytes(fault: 'paperOut' | 'coverOpen' | null): RealTimeStatus {
  switch (fault) {
    case null:
      return HEALTHY_STATUS;
    case 'paperOut':
      return { printer: FIXED_BITS | PRINTER_OFFLINE, offlineCause: FIXED_BITS | STOPPED_AT_PAPER_END, paperSensor: FIXED_BITS | ROLL_PAPER_END };
    case 'coverOpen':
      return { printer: FIXED_BITS | PRINTER_OFFLINE, offlineCause: FIXED_BITS | COVER_OPEN, paperSensor: FIXED_BITS };
  }
}
