import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { paperText, SIMULATED_DOCUMENTS } from '../../electron/host/devices/scanner/simulatedPage';
import { withKiosk, tempDir } from '../support/kiosk';
import { characterErrorRate, poppler } from '../support/testPages';

/**
 * Paper to searchable PDF through the contract, as the scan screen will use it: the simulated
 * feeder's sheets (Vietnamese papers with skew and grain) are scanned and cleaned on the host,
 * previewed page by page, read by the bundled tesseract.js model and made into one PDF, all over
 * the web host's frames and events from Chromium.
 */
const env = withKiosk({ devices: { documentScanner: { driver: 'simulator', connectDelayMs: 0, pageDelayMs: 20, adfPages: 2, seed: 0 } } }, { harness: true });

const DOSSIER_ID = '7d3f2a10-5b6c-4e8d-9f01-23456789abcd';

async function openHarness() {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await page.waitForFunction(() => 'queueHarness' in window);
  return page;
}

test('scanned sheets become one searchable PDF: previews as they come, progress to the end, the text with its diacritics, the kiosk in the metadata', async () => {
  const page = await openHarness();
  // The queue's first heartbeat enrols the kiosk; the PDF then names it.
  const enrolled = () => env.kiosk.portal.store.enrolmentCodes().find((code) => code.kioskId)?.kioskId;
  await expect.poll(enrolled, { timeout: 10_000 }).toBeTruthy();
  const kioskId = enrolled()!;

  const scanned = await page.evaluate(() => window.queueHarness.documents.scan(5));
  expect(scanned.previews).toEqual([1, 2]);
  expect(scanned.beforeAnswer, 'the first page is previewed while the second is scanned').toBeGreaterThanOrEqual(1);
  const digitised = await page.evaluate(([id, pages]) => window.queueHarness.documents.digitise(id, pages), [DOSSIER_ID, scanned.pages] as const);
  if (!digitised.ok) throw new Error(`digitising failed: ${digitised.code}`);

  expect(digitised.progress.length).toBeGreaterThan(2);
  expect(digitised.progress).toEqual([...digitised.progress].sort((a, b) => a - b));
  expect(digitised.progress.at(-1)).toBe(1);

  const dir = tempDir('documents');
  try {
    const file = path.join(dir.dir, 'document.pdf');
    writeFileSync(file, Buffer.from(digitised.pdf, 'base64'));
    const info = await poppler('pdfinfo', [file]);
    expect(info).toMatch(/^Pages:\s+2$/m);
    expect(info).toMatch(/^Title:\s+Giấy khai sinh$/m);
    expect(info).toContain(`dossier=${DOSSIER_ID}; kiosk=${kioskId}`);

    // Seed 0 fed the simulator's two papers in order; each page's text comes back from the PDF.
    const pageTexts = (await poppler('pdftotext', [file, '-'])).split('\f');
    SIMULATED_DOCUMENTS.forEach((paper, index) => {
      const extracted = pageTexts[index]!.normalize('NFC');
      expect(extracted).toContain(paper.lines[0]);
      expect(characterErrorRate(paperText(paper), extracted)).toBeLessThan(0.03);
      expect(characterErrorRate(paperText(paper), digitised.texts[index]!)).toBeLessThan(0.03);
    });
  } finally {
    dir.remove();
  }
});

test('a cancel stops the OCR with ocr.cancelled, and the next document is read as if nothing happened', async () => {
  const page = await openHarness();
  const scanned = await page.evaluate(() => window.queueHarness.documents.scan(1));
  const cancelled = await page.evaluate(([id, pages]) => window.queueHarness.documents.digitise(id, pages, 0.1), [DOSSIER_ID, scanned.pages] as const);
  expect(cancelled).toMatchObject({ code: 'ocr.cancelled' });
  expect(cancelled.progress.at(-1)).toBeLessThan(1);

  const again = await page.evaluate(([id, pages]) => window.queueHarness.documents.digitise(id, pages), [DOSSIER_ID, scanned.pages] as const);
  expect(again.ok && again.texts[0]).toContain(SIMULATED_DOCUMENTS[0]!.lines[0]);
});
