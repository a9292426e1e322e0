import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import jsQR from 'jsqr';
import { createT } from '../../shared/i18n/index';
import { ReceiptData } from '../../shared/receipt';
import { decodeEscPos, type DecodedJob } from '../../electron/host/devices/printer/decoder';
import type { MonoBitmap } from '../../electron/host/devices/printer/escpos';
import { statusBytes, STATUS_REQUESTS } from '../../electron/host/devices/printer/status';

export { decodeEscPos, type DecodedJob };

const vietnamese = createT('vi');
/** The two stage notices as a Vietnamese receipt prints them. */
export const STAGE_RECEIVED = vietnamese('receipt.stageReceived');
export const STAGE_ACCEPTED = vietnamese('receipt.stageAccepted');

/** A stage-1 receipt with every kind of line: Vietnamese text, documents, a fee, a due date. */
export const SAMPLE_RECEIPT: ReceiptData = ReceiptData.parse({
  dossierId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
  procedure: { code: '2.000815', name: 'Chứng thực bản sao từ bản chính' },
  documents: [
    { name: 'Bản chính giấy tờ cần chứng thực', pages: 2 },
    { name: 'Giấy tờ tùy thân của người đi đăng ký', pages: 0 },
  ],
  feeVnd: 50_000,
  expectedResultDate: '2026-11-25',
  delivery: 'atOffice',
  kiosk: { name: 'Điểm hỗ trợ DVC trực tuyến', commune: 'UBND xã Diên Khánh' },
  receivedAt: '2026-11-24T04:50:00Z',
  portal: null,
});

/** Whether the dot at (x, y) is burnt. */
export const inkAt = (bitmap: MonoBitmap, x: number, y: number): boolean =>
  (bitmap.bits[y * Math.ceil(bitmap.width / 8) + (x >> 3)]! & (0x80 >> (x & 7))) !== 0;

/** Dots of ink per row: text lines show as bands of ink between blank gaps. */
export function inkPerRow(bitmap: MonoBitmap): number[] {
  return Array.from({ length: bitmap.height }, (_, y) => {
    let count = 0;
    for (let x = 0; x < bitmap.width; x++) if (inkAt(bitmap, x, y)) count++;
    return count;
  });
}

/** Runs of rows with ink, as [top, bottom) pairs: one per printed line (or QR code). */
export function inkBands(bitmap: MonoBitmap): [number, number][] {
  const bands: [number, number][] = [];
  inkPerRow(bitmap).forEach((ink, y) => {
    const last = bands.at(-1);
    if (ink === 0) return;
    if (last && last[1] === y) last[1] = y + 1;
    else bands.push([y, y + 1]);
  });
  return bands;
}

/** Reads a QR code from the raster as a phone camera would (jsQR), with a quiet zone around it. */
export function readQrFromRaster(bitmap: MonoBitmap): string | null {
  const margin = 16;
  const width = bitmap.width + 2 * margin;
  const height = bitmap.height + 2 * margin;
  const rgba = new Uint8ClampedArray(width * height * 4).fill(255);
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      if (!inkAt(bitmap, x, y)) continue;
      const i = ((y + margin) * width + x + margin) * 4;
      rgba[i] = rgba[i + 1] = rgba[i + 2] = 0;
    }
  }
  return jsQR(rgba, width, height)?.data ?? null;
}

/**
 * A network printer's raw port, for the tests: it keeps every byte received on each connection,
 * and answers `DLE EOT n` like an Epson printer in the given state (or stays mute).
 */
export interface RawPortListener {
  port: number;
  /** The bytes of each finished connection, in order. */
  readonly connections: Uint8Array[];
  /** Resolves with the next connection's bytes once the client closes it. */
  nextJob(): Promise<Uint8Array>;
  setFault(fault: 'paperOut' | 'coverOpen' | null): void;
  setMute(mute: boolean): void;
  close(): Promise<void>;
}

export async function startRawPortListener(): Promise<RawPortListener> {
  let fault: 'paperOut' | 'coverOpen' | null = null;
  let mute = false;
  const connections: Uint8Array[] = [];
  const waiters: ((bytes: Uint8Array) => void)[] = [];
  const sockets = new Set<Socket>();
  const statusNames = new Map<number, 'printer' | 'offlineCause' | 'paperSensor'>(
    Object.entries(STATUS_REQUESTS).map(([name, n]) => [n, name as 'printer' | 'offlineCause' | 'paperSensor']),
  );
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // Answer each DLE EOT in this chunk; real printers answer them ahead of queued print data.
      for (let i = 0; i + 2 < chunk.length; i++) {
        const which = chunk[i] === 0x10 && chunk[i + 1] === 0x04 ? statusNames.get(chunk[i + 2]!) : undefined;
        if (which && !mute) socket.write(Uint8Array.of(statusBytes(fault)[which]));
      }
    });
    socket.on('end', () => socket.end());
    socket.on('close', () => {
      sockets.delete(socket);
      const bytes = new Uint8Array(Buffer.concat(chunks));
      connections.push(bytes);
      waiters.shift()?.(bytes);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('listener has no port');
  return {
    port: address.port,
    connections,
    nextJob: () => new Promise((resolve) => waiters.push(resolve)),
    setFault: (next) => void (fault = next),
    setMute: (next) => void (mute = next),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
