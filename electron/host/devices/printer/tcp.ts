import { Socket } from 'node:net';
import { KioskError } from '../../../../shared/errors';
import { asPrinterError, type PrinterChannel, type PrinterTransport } from './transport';

/**
 * The raw port of an Ethernet printer (9100, "JetDirect"): what is written is printed, and the
 * printer answers real-time status requests on the same socket.
 */
export function createTcpTransport(options: { host: string; port: number; connectTimeoutMs: number }): PrinterTransport {
  return { twoWay: true, open: () => connect(options) };
}

function connect({ host, port, connectTimeoutMs }: { host: string; port: number; connectTimeoutMs: number }): Promise<PrinterChannel> {
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    // A printer that is off leaves SYNs unanswered; the OS would wait minutes.
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new KioskError('printer.offline', { host, reason: 'connectTimeout' }));
    }, connectTimeoutMs);
    socket.once('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const unreachable = ['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(error.code ?? '');
      reject(unreachable ? new KioskError('printer.notFound', { host, reason: error.code ?? '' }, { cause: error }) : asPrinterError(error));
    });
    socket.connect(port, host, () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socketChannel(socket));
    });
  });
}

function socketChannel(socket: Socket): PrinterChannel {
  const received: number[] = [];
  let waiting: (() => void) | null = null;
  let failure: Error | null = null;
  socket.on('data', (chunk: Buffer) => {
    received.push(...chunk);
    waiting?.();
  });
  socket.on('error', (error) => {
    failure = error;
    waiting?.();
  });
  socket.on('close', () => waiting?.());

  return {
    write: (bytes) =>
      new Promise((resolve, reject) => {
        if (failure) return reject(asPrinterError(failure));
        socket.write(bytes, (error) => (error ? reject(asPrinterError(error)) : resolve()));
      }),
    async readByte(timeoutMs) {
      if (!received.length && !failure && !socket.destroyed) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timeoutMs);
          waiting = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        waiting = null;
      }
      return received.shift() ?? null;
    },
    close: () =>
      new Promise((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
      }),
  };
}
