import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { KioskError } from '../../../../shared/errors';
import { asPrinterError, type PrinterChannel, type PrinterTransport } from './transport';

/** How often a read of the printer's answer is retried while it has sent nothing yet. */
const READ_POLL_MS = 10;

/**
 * A USB printer-class device as Linux's `usblp` driver exposes it: `/dev/usb/lp0`, written like a
 * file; reads return what the printer sends back (its status bytes). Opened non-blocking, so a
 * silent printer costs a timeout, not a stuck thread.
 */
export function createUsbTransport(devicePath: string): PrinterTransport {
  return {
    twoWay: true,
    async open() {
      let handle: FileHandle;
      try {
        handle = await open(devicePath, constants.O_RDWR | constants.O_NONBLOCK);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? '';
        if (code === 'ENOENT' || code === 'ENODEV' || code === 'ENXIO') throw new KioskError('printer.notFound', { devicePath, reason: code }, { cause: error });
        if (code === 'EBUSY') throw new KioskError('printer.offline', { devicePath, reason: code }, { cause: error });
        throw asPrinterError(error, { devicePath });
      }
      return fileChannel(handle);
    },
  };
}

function fileChannel(handle: FileHandle): PrinterChannel {
  const one = new Uint8Array(1);
  return {
    async write(bytes) {
      for (let offset = 0; offset < bytes.length; ) {
        try {
          offset += (await handle.write(bytes, offset)).bytesWritten;
        } catch (error) {
          // The printer's buffer is full (it is busy printing): wait and go on.
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw asPrinterError(error);
          await sleep(READ_POLL_MS);
        }
      }
    },
    async readByte(timeoutMs) {
      for (const deadline = Date.now() + timeoutMs; Date.now() <= deadline; await sleep(READ_POLL_MS)) {
        try {
          if ((await handle.read(one, 0, 1, null)).bytesRead === 1) return one[0]!;
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw asPrinterError(error);
        }
      }
      return null;
    },
    close: () => handle.close(),
  };
}
