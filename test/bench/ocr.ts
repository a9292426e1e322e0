import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { cleanScan } from '../../electron/host/imaging';
import { createOcrEngine, tessdataDir } from '../../electron/host/ocr';
import { ASSETS_DIR, BIRTH_CERTIFICATE_LINES, characterErrorRate, imitateScan, renderTextPage } from '../support/testPages';
import { percentile, type Bench } from './bench';

const run = promisify(execFile);
const DPI = 200;

/**
 * OCR of one scanned A4 form page (200 dpi, 1.5° skew, sensor noise, cleaned by the pipeline):
 * tesseract.js in its warm worker against Debian's native `tesseract` with `tesseract-ocr-vie`
 * on the same JPEG. Target: tesseract.js at
 * most 1.3× native, both at most 2 % character errors.
 */
export const ocr: Bench = {
  id: 'OCR',
  title: 'OCR of a scanned A4 form page at 200 dpi (tesseract.js, warm worker)',
  target: { p95Ms: 1500 },
  runs: 5,
  async run(runs) {
    const expected = BIRTH_CERTIFICATE_LINES.join('\n');
    const rendered = await renderTextPage({ lines: BIRTH_CERTIFICATE_LINES, dpi: DPI });
    const page = await cleanScan(await imitateScan(rendered, { degrees: 1.5, noise: 8 }), { dpi: DPI });
    const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-ocr-bench-'));
    const jpegPath = path.join(dir, 'page.jpg');
    await writeFile(jpegPath, page.jpeg);
    const engine = createOcrEngine({ langPath: tessdataDir(ASSETS_DIR), poolSize: 1 });
    try {
      await engine.recognize(page.jpeg); // loads the model, as the kiosk does once at start
      const js: number[] = [];
      let [jsText, nativeText] = ['', ''];
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now();
        jsText = (await engine.recognize(page.jpeg)).text;
        js.push(performance.now() - started);
      }
      // Native reads the pages from a list in one process, so its model loads once, as the warm
      // worker's did: the ratio compares recognition, not process starts. Pages end with a form feed.
      const listPath = path.join(dir, 'pages.txt');
      await writeFile(listPath, `${Array(runs).fill(jpegPath).join('\n')}\n`);
      const started = performance.now();
      const nativeOut = (await run('tesseract', [listPath, '-', '-l', 'vie', '--dpi', String(DPI)], { encoding: 'utf8' })).stdout;
      const nativeMedian = (performance.now() - started) / runs;
      nativeText = nativeOut.split('\f')[0]!;
      const jsMedian = percentile(js, 50);
      const { stdout: version } = await run('tesseract', ['--version'], { encoding: 'utf8' });
      return {
        samples: js,
        notes: [
          `OCR: tesseract.js ${jsMedian.toFixed(0)} ms, native ${version.split('\n')[0]} ${nativeMedian.toFixed(0)} ms per page: ratio ${(jsMedian / nativeMedian).toFixed(2)}× (target ≤ 1.3×)`,
          `OCR: character error rate tesseract.js ${(100 * characterErrorRate(expected, jsText)).toFixed(2)} %, native ${(100 * characterErrorRate(expected, nativeText)).toFixed(2)} % (target ≤ 2 %)`,
        ],
      };
    } finally {
      await engine.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
};
