import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { paperText, SIMULATED_DOCUMENTS } from '../../electron/host/devices/scanner/simulatedPage';
import { answerAfterScanToReview, answerCertifiedCopyToScan, leaveAfterSubmit, pressSubmit } from '../support/journey';
import { tempDir, withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';
import { characterErrorRate, poppler } from '../support/testPages';

/**
 * A citizen scans the paper a procedure needs, on the real screens with the simulated feeder
 * (two Vietnamese papers a scan, seed 0): previews as pages come, retake, reorder, delete; each
 * page sealed into the session's draft at once; on submit the pages become one searchable PDF,
 * which is what reaches the portal.
 */
const env = withKiosk({ devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 2, seed: 0 } } });

/** Each page is cleaned on the host (deskew, crop, JPEG): most of a second on CI's two cores. */
const SCAN = { timeout: 20_000, interval: 200 };

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

async function toScanStep(page: Page) {
  await page.goto(env.kiosk.webHost.url);
  await answerCertifiedCopyToScan(page, '2');
  await expect.poll(() => heading(page)).toBe('Quét bản chính giấy cần chứng thực');
}

const pageCards = (page: Page) => page.locator('.scan-page');
const draftIds = async (page: Page) => (await rawQueueRows(page)).filter(({ row }) => row.status === 'draft').map(({ row }) => row.id);
/** The draft's page ids in its order, from the raw (sealed) IndexedDB row. */
const draftPageIds = async (page: Page) => {
  const drafts = (await rawQueueRows(page)).filter(({ row }) => row.status === 'draft');
  expect(drafts).toHaveLength(1);
  return drafts[0]!.row.attachments.map((attachment) => attachment.id);
};

test('pages are previewed as they come and sealed into the draft; retake, reorder and delete change the draft; the portal gets one searchable PDF', async () => {
  const { page } = env.browser;
  await toScanStep(page);
  // Nothing scanned, nothing ticked: the step asks for the paper.
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/.+/);

  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await expect.poll(() => pageCards(page).count(), SCAN).toBe(2);
  await expect.poll(() => page.getByRole('img', { name: 'Trang 2' }).evaluate((image: HTMLImageElement) => image.complete && image.naturalWidth)).toBeGreaterThan(1000);
  const scanned = await draftPageIds(page);
  expect(scanned).toHaveLength(2);
  // Sealed at rest: no page bytes in clear (a JPEG starts FF D8).
  for (const { row } of await rawQueueRows(page, 'attachments')) expect(String((row as unknown as { ciphertext: string }).ciphertext)).not.toMatch(/^\xff\xd8/);

  // Page 2 up: the draft's order follows.
  await page.getByRole('button', { name: 'Đưa trang 2 lên trước' }).click();
  await expect.poll(() => draftPageIds(page), SCAN).toEqual([scanned[1], scanned[0]]);
  // Scan one more sheet (the feeder gives two), delete the last, retake the first.
  await page.getByRole('button', { name: 'Quét thêm trang' }).click();
  await expect.poll(() => pageCards(page).count(), SCAN).toBe(4);
  await page.getByRole('button', { name: 'Xóa trang 4' }).click();
  await page.getByRole('button', { name: 'Xóa trang 3' }).click();
  await expect.poll(() => draftPageIds(page), SCAN).toEqual([scanned[1], scanned[0]]);
  await page.getByRole('button', { name: 'Quét lại trang 1' }).click();
  await expect.poll(async () => (await draftPageIds(page))[0], SCAN).not.toBe(scanned[1]);
  await expect.poll(() => draftPageIds(page), SCAN).toEqual([expect.not.stringMatching(scanned.join('|')), scanned[0]]);
  // Scanned pages and the counter exclude each other.
  expect(await page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' }).isDisabled()).toBe(true);

  await answerAfterScanToReview(page);
  expect(await page.locator('.answers').innerText()).toContain('2 trang đã quét');
  await pressSubmit(page);
  await expect.poll(() => heading(page), { timeout: 30_000 }).toBe('Đã lưu hồ sơ');

  // The queued dossier holds one PDF for the document, and the portal receives that PDF.
  const [queued] = (await rawQueueRows(page)).filter(({ row }) => row.status !== 'draft');
  expect(queued!.row.attachments.map((attachment) => attachment.mediaType)).toEqual(['application/pdf']);
  // Accepted: the portal holds the whole upload.
  await expect.poll(async () => (await rawQueueRows(page)).find(({ row }) => row.id === queued!.row.id)?.row.status, { timeout: 30_000 }).toBe('accepted');
  const uploadDir = path.join(env.kiosk.dataDir, 'uploads');
  const [upload] = readdirSync(uploadDir).filter((name) => !name.endsWith('.json'));
  const pdf = readFileSync(path.join(uploadDir, upload!));
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  const dir = tempDir('scan-journey');
  try {
    writeFileSync(path.join(dir.dir, 'document.pdf'), pdf);
    expect(await poppler('pdfinfo', [path.join(dir.dir, 'document.pdf')])).toMatch(/^Pages:\s+2$/m);
    // Page 2 is the first sheet of the first scan (moved down by the reorder): the birth certificate.
    const second = (await poppler('pdftotext', [path.join(dir.dir, 'document.pdf'), '-'])).split('\f')[1]!;
    expect(characterErrorRate(paperText(SIMULATED_DOCUMENTS[0]!), second)).toBeLessThan(0.05);
  } finally {
    dir.remove();
  }

  // Home: the session is over and nothing of it is left in the draft tables.
  await leaveAfterSubmit(page);
  expect((await rawQueueRows(page)).filter(({ row }) => row.status === 'draft')).toEqual([]);
});

test('pages scanned by a citizen who leaves without submitting are shredded with the draft', async () => {
  const { page } = env.browser;
  await toScanStep(page);
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await expect.poll(() => pageCards(page).count(), SCAN).toBe(2);
  const [draftId] = await draftIds(page);
  // Back through the questions and the card to the procedure's overview, to the list, then home.
  const other = page.getByRole('button', { name: 'Chọn thủ tục khác' });
  while (!(await other.count())) {
    await page.getByRole('button', { name: 'Quay lại' }).click();
  }
  await other.click();
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();
  await expect.poll(() => draftIds(page)).toEqual([]);
  expect((await rawQueueRows(page, 'attachments')).filter(({ row }) => (row as unknown as { dossierId: string }).dossierId === draftId)).toEqual([]);
  expect((await rawQueueRows(page, 'deletions')).map(({ row }) => row)).toContainEqual(expect.objectContaining({ id: draftId, reason: 'abandoned' }));
});
