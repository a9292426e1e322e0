import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { cleanScan } from '../../electron/host/imaging';
import { createOcrEngine, MODEL_FILE, MODEL_VARIANT, tessdataDir } from '../../electron/host/ocr';
import { ASSETS_DIR, BIRTH_CERTIFICATE_LINES, DENSE_PAGE_LINES, characterErrorRate, imitateScan, renderTextPage } from '../support/testPages';
import { percentile, type Bench } from './bench';

const run = promisify(execFile);
const DPI = 200;

interface OcrPage {
  id: string;
  title: string;
  p95Ms: number;
  lines: readonly string[];
  fontSize?: number;
  topPt?: number;
}

/**
 * OCR of one scanned A4 page (200 dpi, 1.5° skew, sensor noise, cleaned by the pipeline):
 * tesseract.js in its warm worker against Debian's native `tesseract` on the same JPEG with the
 * same Vietnamese model. Target: tesseract.js at most 1.3× native, both at most 2 % character errors.
 * Native runs with one thread (OMP_THREAD_LIMIT=1), as each tesseract.js worker does.
 */
function ocrBench({ id, title, p95Ms, lines, fontSize, topPt }: OcrPage): Bench {
  return {
    id,
    title,
    target: { p95Ms },
    runs: 5,
    async run(runs) {
      const expected = lines.join('\n');
      const rendered = await renderTextPage({ lines, dpi: DPI, fontSize, topPt });
      const page = await cleanScan(await imitateScan(rendered, { degrees: 1.5, noise: 8 }), { dpi: DPI });
      const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-ocr-bench-'));
      const jpegPath = path.join(dir, 'page.jpg');
      await writeFile(jpegPath, page.jpeg);
      const engine = createOcrEngine({ langPath: tessdataDir(ASSETS_DIR), poolSize: 1 });
      try {
        await engine.recognize(page.jpeg); // loads the model, as the kiosk does once at start
        const js: number[] = [];
        let jsText = '';
        for (let i = 0; i < runs; i += 1) {
          const started = performance.now();
          jsText = (await engine.recognize(page.jpeg)).text;
          js.push(performance.now() - started);
        }
        // Native reads the pages from a list in one process, so its model loads once, as the warm
        // worker's did: the ratio compares recognition, not process starts. Pages end with a form feed.
        const listPath = path.join(dir, 'pages.txt');
        await writeFile(listPath, `${Array(runs).fill(jpegPath).join('\n')}\n`);
        // The same model for both, so the ratio compares engines: Debian's tesseract-ocr-vie is the
        // smaller tessdata_fast network, about twice as fast and less accurate on poor scans.
        await writeFile(path.join(dir, 'vie.traineddata'), gunzipSync(await readFile(path.join(tessdataDir(ASSETS_DIR), MODEL_FILE))));
        const started = performance.now();
        const env = { ...process.env, OMP_THREAD_LIMIT: '1' };
        const args = [listPath, '-', '--tessdata-dir', dir, '-l', 'vie', '--oem', '1', '--dpi', String(DPI)];
        const nativeOut = (await run('tesseract', args, { encoding: 'utf8', env })).stdout;
        const nativeMedian = (performance.now() - started) / runs;
        const nativeText = nativeOut.split('\f')[0]!;
        const jsMedian = percentile(js, 50);
        const { stdout: version } = await run('tesseract', ['--version'], { encoding: 'utf8' });
        return {
          samples: js,
          notes: [
            `${id}: tesseract.js ${jsMedian.toFixed(0)} ms, native ${version.split('\n')[0]} ${nativeMedian.toFixed(0)} ms per page (both with vie ${MODEL_VARIANT}, one thread): ratio ${(jsMedian / nativeMedian).toFixed(2)}× (target ≤ 1.3×: ${jsMedian / nativeMedian <= 1.3 ? 'met' : '**missed**'})`,
            `${id}: character error rate tesseract.js ${(100 * characterErrorRate(expected, jsText)).toFixed(2)} %, native ${(100 * characterErrorRate(expected, nativeText)).toFixed(2)} % (target ≤ 2 %)`,
          ],
        };
      } finally {
        await engine.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

export const ocr = ocrBench({ id: 'OCR', title: 'OCR of a scanned A4 form page at 200 dpi (tesseract.js, warm worker)', p95Ms: 1500, lines: BIRTH_CERTIFICATE_LINES });
export const ocrDense = ocrBench({
  id: 'OCRd',
  title: 'OCR of a dense A4 page of 10 pt running text at 200 dpi (tesseract.js, warm worker)',
  p95Ms: 6000,
  lines: DENSE_PAGE_LINES,
  fontSize: 10,
  topPt: 50,
});
