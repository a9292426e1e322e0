import { KioskError, type ErrorParams } from '../../../../shared/errors';
import { statusProblem, statusRequest, type RealTimeStatus, type StatusRequest } from './status';

/** A two-way line to the printer, open for one job: write bytes, read the printer's answers. */
export interface PrinterChannel {
  write(bytes: Uint8Array): Promise<void>;
  /** The next byte the printer sends, or null when none comes within `timeoutMs`. */
  readByte(timeoutMs: number): Promise<number | null>;
  close(): Promise<void>;
}

/**
 * How bytes reach the printer. Two-way transports (TCP 9100, USB printer class) open a channel, so
 * the job can be refused before it is sent into a printer with no paper; one-way ones (a CUPS raw
 * queue) only send.
 */
export type PrinterTransport = TwoWayTransport | OneWayTransport;
export interface OneWayTransport {
  readonly twoWay: false;
  send(job: Uint8Array): Promise<void>;
}
export interface TwoWayTransport {
  readonly twoWay: true;
  open(): Promise<PrinterChannel>;
}

/** Asks `DLE EOT 1, 2, 4` in turn; a printer that stays silent is offline. */
export async function readRealTimeStatus(channel: PrinterChannel, timeoutMs: number): Promise<RealTimeStatus> {
  const status: Partial<RealTimeStatus> = {};
  for (const which of ['printer', 'offlineCause', 'paperSensor'] as const satisfies readonly StatusRequest[]) {
    await channel.write(statusRequest(which));
    const byte = await channel.readByte(timeoutMs);
    if (byte === null) throw new KioskError('printer.offline', { noAnswerTo: which });
    status[which] = byte;
  }
  return status as RealTimeStatus;
}

/** Sends one job: on a two-way transport only after the printer said it can print it. */
export async function sendJob(transport: PrinterTransport, job: Uint8Array, statusTimeoutMs: number): Promise<void> {
  if (!transport.twoWay) return transport.send(job);
  const channel = await transport.open();
  try {
    const problem = statusProblem(await readRealTimeStatus(channel, statusTimeoutMs));
    if (problem) throw problem;
    await channel.write(job);
  } finally {
    await channel.close();
  }
}

/** Errors from a transport are codes; anything unexpected is `printer.failed`, its cause kept for the log. */
export const asPrinterError = (error: unknown, params: ErrorParams = {}): KioskError =>
  error instanceof KioskError ? error : new KioskError('printer.failed', params, { cause: error });
