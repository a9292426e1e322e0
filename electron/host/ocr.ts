import { existsSync } from 'node:fs';
import { access } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createWorker, OEM, type Line, type Worker } from 'tesseract.js';
import type { OcrLine, OcrWord, PixelBox } from '../../shared/dossier/pdf';
import { KioskError } from '../../shared/errors';

/**
 * OCR of scanned pages with tesseract.js and the bundled Vietnamese model, offline only: the model
 * is read from a local folder (never the jsDelivr CDN, tesseract.js's default), nothing is cached to
 * disk, and in Node the worker script and the WebAssembly core are `require`d from node_modules.
 */

export interface OcrPage {
  text: string;
  /** 0–100, tesseract's mean word confidence. */
  confidence: number;
  lines: OcrLine[];
  words: OcrWord[];
}

export interface RecognizeOptions {
  signal?: AbortSignal;
  /** 0–1 as tesseract recognises the page. */
  onProgress?: (progress: number) => void;
}

export interface OcrEngine {
  recognize(image: Uint8Array, options?: RecognizeOptions): Promise<OcrPage>;
  /** Terminates every worker; pending pages are rejected with `ocr.cancelled`. */
  close(): Promise<void>;
}

export const MODEL_FILE = 'vie.traineddata.gz';
/**
 * tessdata_best converted to integers: what tesseract.js loads by default for the LSTM engine,
 * 1.4 MB gzipped against 3.8 MB for the `4.0.0` build that also carries the legacy engine.
 */
export const MODEL_VARIANT = '4.0.0_best_int';
/** A worker with the Vietnamese model and a 200 dpi A4 page peaks near this much memory. */
const WORKER_MEMORY_BYTES = 400 * 2 ** 20;

/**
 * Where the host finds the Vietnamese model: `assets/tessdata/` once `scripts/tessdata.ts` has
 * copied it there (and in the packaged kiosk), else the npm package it comes from, so tests run
 * before any build.
 */
export function tessdataDir(assetsDir: string): string {
  const bundled = path.join(assetsDir, 'tessdata');
  if (existsSync(path.join(bundled, MODEL_FILE))) return bundled;
  return path.join(assetsDir, '..', 'node_modules', '@tesseract.js-data', 'vie', MODEL_VARIANT);
}

/** One worker per core, as long as each has the memory it needs; at least one. */
export function ocrPoolSize(freeMemory = os.freemem(), cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(cores, Math.floor(freeMemory / WORKER_MEMORY_BYTES)));
}

interface Job {
  image: Uint8Array;
  options: RecognizeOptions;
  resolve(page: OcrPage): void;
  reject(error: KioskError): void;
}

interface Slot {
  /** Started on first use, and again after a cancel or a failed start. */
  worker?: Promise<Worker>;
  job?: Job;
}

export function createOcrEngine(config: { langPath: string; poolSize?: number }): OcrEngine {
  const slots: Slot[] = Array.from({ length: config.poolSize ?? ocrPoolSize() }, () => ({}));
  const queue: Job[] = [];
  let closed = false;

  const startWorker = async (slot: Slot) => {
    // tesseract.js never settles `createWorker` when the model cannot be read, so look first.
    await access(path.join(config.langPath, MODEL_FILE));
    return createWorker('vie', OEM.LSTM_ONLY, {
      langPath: config.langPath,
      gzip: true,
      cacheMethod: 'none',
      logger: (message) => {
        if (message.status === 'recognizing text') slot.job?.options.onProgress?.(message.progress);
      },
      // Without a handler tesseract.js also throws each failure, uncaught; the job's promise rejects anyway.
      errorHandler: () => {},
    });
  };

  const pump = () => {
    for (const slot of slots) {
      if (slot.job || closed) continue;
      const job = queue.shift();
      if (!job) return;
      void run(slot, job);
    }
  };

  const run = async (slot: Slot, job: Job) => {
    slot.job = job;
    const cancel = () => {
      // tesseract.js cannot stop a recognition midway, so the worker goes and a fresh one replaces it.
      void retire(slot);
      finish(slot, () => job.reject(new KioskError('ocr.cancelled')));
    };
    job.options.signal?.addEventListener('abort', cancel, { once: true });
    try {
      slot.worker ??= startWorker(slot);
      const worker = await slot.worker;
      if (slot.job !== job) return; // cancelled while the worker was starting
      const { data } = await worker.recognize(job.image, {}, { text: true, blocks: true });
      const lines = (data.blocks ?? []).flatMap((block) => block.paragraphs.flatMap((paragraph) => paragraph.lines.map(toLine)));
      const page: OcrPage = { text: data.text.normalize('NFC'), confidence: data.confidence, lines, words: lines.flatMap((line) => line.words) };
      finish(slot, () => job.resolve(page));
    } catch (error) {
      if (slot.job !== job) return; // cancelled: the terminated worker's rejection is expected
      // A worker that failed is not trusted with the next page.
      void retire(slot);
      finish(slot, () => job.reject(new KioskError('ocr.failed', {}, { cause: error })));
    } finally {
      job.options.signal?.removeEventListener('abort', cancel);
    }
  };

  const retire = async (slot: Slot) => {
    const worker = slot.worker;
    slot.worker = undefined;
    await worker?.then((running) => running.terminate()).catch(() => {});
  };

  const finish = (slot: Slot, settle: () => void) => {
    if (!slot.job) return;
    slot.job = undefined;
    settle();
    pump();
  };

  return {
    recognize(image, options = {}) {
      return new Promise<OcrPage>((resolve, reject) => {
        if (closed || options.signal?.aborted) return reject(new KioskError('ocr.cancelled'));
        const job: Job = { image, options, resolve, reject };
        queue.push(job);
        // A page still waiting for a worker leaves the queue when its dossier is abandoned.
        options.signal?.addEventListener(
          'abort',
          () => {
            const waiting = queue.indexOf(job);
            if (waiting < 0) return;
            queue.splice(waiting, 1);
            reject(new KioskError('ocr.cancelled'));
          },
          { once: true },
        );
        pump();
      });
    },
    async close() {
      closed = true;
      for (const job of queue.splice(0)) job.reject(new KioskError('ocr.cancelled'));
      await Promise.all(
        slots.map((slot) => {
          const job = slot.job;
          if (job) finish(slot, () => job.reject(new KioskError('ocr.cancelled')));
          return retire(slot);
        }),
      );
    },
  };
}

function toBox({ x0, y0, x1, y1 }: PixelBox): PixelBox {
  return { x0, y0, x1, y1 };
}

function toLine(line: Line): OcrLine {
  const words = line.words
    .map((word) => ({ text: word.text.normalize('NFC'), box: toBox(word.bbox), confidence: word.confidence }))
    .filter((word) => word.text.trim());
  const hasBaseline = line.baseline.x1 > line.baseline.x0;
  return { box: toBox(line.bbox), ...(hasBaseline && { baseline: baselineAcross(line) }), words };
}

/** Tesseract's baseline runs between two points; the PDF wants its height at the line's two ends. */
function baselineAcross(line: Line): { y0: number; y1: number } {
  const { x0, y0, x1, y1 } = line.baseline;
  const slope = (y1 - y0) / (x1 - x0);
  return { y0: y0 + slope * (line.bbox.x0 - x0), y1: y0 + slope * (line.bbox.x1 - x0) };
}
