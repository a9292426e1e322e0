import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanScan } from '../../electron/host/imaging';
import { createOcrEngine, ocrPoolSize, tessdataDir, type OcrEngine } from '../../electron/host/ocr';
import { KioskError } from '../../shared/errors';
import { copyTessdata } from '../../scripts/tessdata';
import { ASSETS_DIR, BIRTH_CERTIFICATE_LINES, characterErrorRate, imitateScan, renderTextPage } from '../support/testPages';

const isCode = (code: string) => (error: unknown) => error instanceof KioskError && error.code === code;

let engine: OcrEngine;
/** The certificate at 150 dpi on a small page: tesseract reads it in about half a second. */
let page: Uint8Array;

beforeAll(async () => {
  engine = createOcrEngine({ langPath: tessdataDir(ASSETS_DIR), poolSize: 1 });
  const rendered = await renderTextPage({ lines: BIRTH_CERTIFICATE_LINES, dpi: 150, widthPt: 420, heightPt: 360, fontSize: 12 });
  page = (await cleanScan(await imitateScan(rendered, { degrees: 1.5, noise: 6 }), { dpi: 150 })).jpeg;
});

afterAll(async () => {
  await engine.close();
});

test('a scanned Vietnamese form is read with its diacritics, at most 2 % of characters wrong', async () => {
  const progress: number[] = [];
  const result = await engine.recognize(page, { onProgress: (value) => progress.push(value) });
  expect(characterErrorRate(BIRTH_CERTIFICATE_LINES.join('\n'), result.text)).toBeLessThanOrEqual(0.02);
  expect(result.confidence).toBeGreaterThan(80);
  expect(result.lines.map((line) => line.words.map((word) => word.text).join(' '))).toContain('Họ, chữ đệm, tên: Nguyễn Thị Hương');
  // Words come with boxes inside the page and their own confidence.
  const name = result.words.find((word) => word.text === 'Hương')!;
  expect(name.box.x1).toBeGreaterThan(name.box.x0);
  expect(name.box.y1).toBeGreaterThan(name.box.y0);
  expect(name.confidence).toBeGreaterThan(50);
  expect(progress.length).toBeGreaterThan(1);
  expect(progress.at(-1)).toBe(1);
});

describe('cancel', () => {
  test('a page being read is dropped at once, and the next page is read by a fresh worker', async () => {
    const controller = new AbortController();
    const started = performance.now();
    const reading = engine.recognize(page, {
      signal: controller.signal,
      onProgress: (value) => value > 0 && value < 1 && controller.abort(),
    });
    await expect(reading).rejects.toSatisfy(isCode('ocr.cancelled'));
    expect(performance.now() - started).toBeLessThan(5_000);
    const next = await engine.recognize(page);
    expect(next.text).toContain('GIẤY KHAI SINH');
  });

  test('a page waiting for a worker leaves the queue; the one being read finishes', async () => {
    const controller = new AbortController();
    const first = engine.recognize(page);
    const second = engine.recognize(page, { signal: controller.signal });
    controller.abort();
    await expect(second).rejects.toSatisfy(isCode('ocr.cancelled'));
    expect((await first).text).toContain('Độc lập - Tự do - Hạnh phúc');
  });

  test('an already aborted signal is refused before any work', async () => {
    await expect(engine.recognize(page, { signal: AbortSignal.abort() })).rejects.toSatisfy(isCode('ocr.cancelled'));
  });
});

test('bytes that are no image fail as ocr.failed, and the engine still reads the next page', async () => {
  await expect(engine.recognize(new TextEncoder().encode('not an image'))).rejects.toSatisfy(isCode('ocr.failed'));
  expect((await engine.recognize(page)).confidence).toBeGreaterThan(80);
});

test('without the model the engine fails as ocr.failed instead of fetching one', async () => {
  const empty = await mkdtemp(path.join(os.tmpdir(), 'kiosk-tessdata-'));
  const offline = createOcrEngine({ langPath: empty, poolSize: 1 });
  try {
    await expect(offline.recognize(page)).rejects.toSatisfy(isCode('ocr.failed'));
  } finally {
    await offline.close();
    await rm(empty, { recursive: true, force: true });
  }
});

test('close rejects the pages still waiting and stops the workers', async () => {
  const closing = createOcrEngine({ langPath: tessdataDir(ASSETS_DIR), poolSize: 1 });
  const outcomes = Promise.allSettled([closing.recognize(page), closing.recognize(page)]);
  await closing.close();
  for (const outcome of await outcomes) {
    expect(outcome.status).toBe('rejected');
    expect(isCode('ocr.cancelled')((outcome as PromiseRejectedResult).reason)).toBe(true);
  }
  await expect(closing.recognize(page)).rejects.toSatisfy(isCode('ocr.cancelled'));
});

test('the pool has one worker per core while memory allows, and never none', () => {
  const gib = 2 ** 30;
  expect(ocrPoolSize(16 * gib, 4)).toBe(4);
  expect(ocrPoolSize(1 * gib, 8)).toBe(2);
  expect(ocrPoolSize(0.1 * gib, 4)).toBe(1);
});

test('the model is found in assets/tessdata once the build copied it, and in node_modules before', async () => {
  const root = await mkdtemp(path.join(os.tmpdir(), 'kiosk-root-'));
  try {
    await mkdir(path.join(root, 'assets'));
    await symlink(path.resolve(ASSETS_DIR, '../node_modules'), path.join(root, 'node_modules'));
    const assets = path.join(root, 'assets');
    expect(tessdataDir(assets)).toBe(path.join(root, 'node_modules/@tesseract.js-data/vie/4.0.0_best_int'));
    const copied = await copyTessdata(root);
    expect(tessdataDir(assets)).toBe(path.dirname(copied));
    expect(copied).toBe(path.join(assets, 'tessdata/vie.traineddata.gz'));
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
