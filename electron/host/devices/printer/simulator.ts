import sharp from 'sharp';
import { escapeReceiptProperty, escapeReceiptText } from '../../../../shared/receipt';
import type { PrinterProfile } from '../../../../shared/config';
import { decodeEscPos, type DecodedJob } from './decoder';
import { rasteriseReceipt, type MonoBitmap, type ReceiptFonts } from './escpos';
import { statusBytes, STATUS_REQUESTS, type RealTimeStatus } from './status';
import type { PrinterChannel, TwoWayTransport } from './transport';

export type PrinterFault = 'paperOut' | 'coverOpen';

/** What the simulated printer received for one job, and how it would look on paper. */
export interface PrintedJob {
  bytes: Uint8Array;
  decoded: DecodedJob;
  png: Uint8Array;
}

/**
 * A printer in software, behind the same two-way transport as a real one: it answers `DLE EOT`
 * as an Epson TM printer does (faults included), takes the job, decodes it and renders it to PNG,
 * for demos and for tests of everything above the transport.
 */
export interface SimulatedPrinterLine extends TwoWayTransport {
  setFault(fault: PrinterFault | null): void;
  readonly jobs: readonly PrintedJob[];
  /** Heard once each job is decoded and rendered (the simulator's PNG output uses it). */
  onJob(listener: (job: PrintedJob) => void): () => void;
}

export function createSimulatedPrinterLine(profile: PrinterProfile, fonts: ReceiptFonts): SimulatedPrinterLine {
  let fault: PrinterFault | null = null;
  const jobs: PrintedJob[] = [];
  const listeners = new Set<(job: PrintedJob) => void>();
  const requestFor = new Map<number, keyof RealTimeStatus>(Object.entries(STATUS_REQUESTS).map(([name, n]) => [n, name as keyof RealTimeStatus]));

  const open = async (): Promise<PrinterChannel> => {
    const answers: number[] = [];
    const received: Uint8Array[] = [];
    return {
      async write(bytes) {
        const which = bytes.length === 3 && bytes[0] === 0x10 && bytes[1] === 0x04 ? requestFor.get(bytes[2]!) : undefined;
        if (which) answers.push(statusBytes(fault)[which]);
        else received.push(bytes);
      },
      readByte: async () => answers.shift() ?? null,
      async close() {
        if (!received.length) return;
        const bytes = Buffer.concat(received);
        const decoded = decodeEscPos(bytes);
        const job = { bytes: new Uint8Array(bytes), decoded, png: await renderJobPng(decoded, profile, fonts) };
        jobs.push(job);
        for (const listener of listeners) listener(job);
      },
    };
  };

  return {
    twoWay: true,
    open,
    setFault: (next) => void (fault = next),
    jobs,
    onJob(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

/**
 * The paper as PNG: raster bands as they are; text-mode lines and native QR codes laid out again
 * through the receipt rasteriser, so a text job is just as visible as a raster one.
 */
export async function renderJobPng(job: DecodedJob, profile: PrinterProfile, fonts: ReceiptFonts): Promise<Uint8Array> {
  const pictures = [...job.rasters];
  if (job.lines.some((line) => line.trim())) {
    const markup = [...job.lines.map((line) => `|${escapeReceiptText(line) || ' '}`), ...job.qrCodes.map((text) => `{code:${escapeReceiptProperty(text)};option:qrcode,6,m}`)];
    pictures.push(await rasteriseReceipt(markup.join('\n'), { ...profile, upsideDown: false }, fonts));
  }
  return monoToPng(stackBitmaps(pictures));
}

function stackBitmaps(bitmaps: readonly MonoBitmap[]): MonoBitmap {
  const width = Math.max(8, ...bitmaps.map((bitmap) => bitmap.width));
  const rowBytes = width / 8;
  const height = bitmaps.reduce((sum, bitmap) => sum + bitmap.height, 0);
  const bits = new Uint8Array(rowBytes * height);
  let row = 0;
  for (const bitmap of bitmaps) {
    const sourceRowBytes = bitmap.width / 8;
    for (let y = 0; y < bitmap.height; y++, row++) bits.set(bitmap.bits.subarray(y * sourceRowBytes, (y + 1) * sourceRowBytes), row * rowBytes);
  }
  return { width, height, bits };
}

/** 1-bit bitmap (1 = ink) → greyscale PNG, black ink on white paper. */
async function monoToPng(bitmap: MonoBitmap): Promise<Uint8Array> {
  const rowBytes = Math.ceil(bitmap.width / 8);
  const grey = Buffer.alloc(bitmap.width * Math.max(1, bitmap.height), 255);
  for (let y = 0; y < bitmap.height; y++) {
    for (let x = 0; x < bitmap.width; x++) {
      if (bitmap.bits[y * rowBytes + (x >> 3)]! & (0x80 >> (x & 7))) grey[y * bitmap.width + x] = 0;
    }
  }
  return new Uint8Array(await sharp(grey, { raw: { width: bitmap.width, height: Math.max(1, bitmap.height), channels: 1 } }).png().toBuffer());
}
