import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { vietnamToday } from '../../shared/dossier/formEngine';
import { addWorkingDays } from '../../shared/dossier/receiptData';
import { formatVietnamDate, parseReceiptQr } from '../../shared/receipt';
import { auditScreen, type ScreenAudit } from '../support/a11y';
import { decodeEscPos, type DecodedJob } from '../support/escpos';
import { submitCertifiedCopy } from '../support/journey';
import { withPrintingKiosk } from '../support/kiosk';

/** The receipt goes to a network printer's raw port, so printer faults are real `DLE EOT` answers. */
const env = withPrintingKiosk();

/** The jobs that reached the paper: connections that only asked for status printed nothing. */
const printedJobs = (): DecodedJob[] => env.printer.connections.map((bytes) => decodeEscPos(bytes)).filter((job) => job.cuts > 0);
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
/** The ratings kept in the kiosk's own queue (IndexedDB), sent or not. */
const keptRatings = (page: Page) =>
  page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const count = open.result.transaction('ratings').objectStore('ratings').count();
          count.onsuccess = () => resolve(count.result);
          count.onerror = () => reject(count.error);
        };
      }),
  );
/** The ratings the reference portal stored, read from its database. */
function portalRatings(): { dossier_uuid: string | null; score: number }[] {
  const db = new Database(path.join(env.kiosk.dataDir, 'portal.sqlite'), { readonly: true });
  try {
    return db.prepare<[], { dossier_uuid: string | null; score: number }>('SELECT dossier_uuid, score FROM ratings').all();
  } finally {
    db.close();
  }
}
const audits: Record<string, ScreenAudit> = {};

test('after submit the receipt prints once with the reference, the procedure and the date; "Hài lòng" reaches the portal', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  const reference = await submitCertifiedCopy(page);
  await page.getByRole('status').filter({ hasText: 'Đã in biên nhận. Vui lòng lấy giấy ở khe máy in.' }).waitFor();

  expect(printedJobs()).toHaveLength(1);
  const [job] = printedJobs();
  const printed = job!.lines.join('\n');
  // Certified copies are done the same working day (a weekend counts from Monday).
  const due = formatVietnamDate(addWorkingDays(vietnamToday(), 0));
  for (const expected of [reference, 'Chứng thực bản sao từ bản chính', 'Mã thủ tục: 2.000815', due, 'Bản chính giấy tờ cần chứng thực', 'nộp tại quầy', 'Đã tiếp nhận tại ki-ốt']) {
    expect(printed).toContain(expected);
  }
  const dossierId = parseReceiptQr(job!.qrCodes[0] ?? '');
  expect(dossierId?.toUpperCase().startsWith(reference)).toBe(true);

  // The same facts on screen, with the QR the citizen can photograph.
  const facts = await page.locator('.receipt-facts').innerText();
  for (const expected of ['Chứng thực bản sao từ bản chính', due, 'Bản chính giấy tờ cần chứng thực: nộp tại quầy']) expect(facts).toContain(expected);
  await page.getByRole('img', { name: `Mã QR tra cứu hồ sơ ${reference}` }).waitFor();
  audits.printed = await auditScreen(page);

  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect.poll(() => heading(page)).toBe('Bạn có hài lòng với dịch vụ hôm nay không?');
  audits.rate = await auditScreen(page);
  await page.getByRole('button', { name: 'Hài lòng', exact: true }).click();
  await expect.poll(() => heading(page)).toBe('Cảm ơn bạn đã đánh giá!');
  audits.thanks = await auditScreen(page);
  expect(await keptRatings(page)).toBe(1);
  // "Hài lòng" is 4 on the portal's 1–5 scale, tied to the dossier.
  await expect.poll(portalRatings, { timeout: 20_000 }).toEqual([{ dossier_uuid: dossierId, score: 4 }]);

  await page.getByRole('button', { name: 'Về màn hình chính' }).click();
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  // The receipt was printed once, whatever the screens did since.
  expect(printedJobs()).toHaveLength(1);
});

test('out of paper: the screen says so and that the dossier is saved; "In lại" prints once the paper is in; skipping rates nothing', async () => {
  const { page } = env.browser;
  // From a fresh start, whatever screen the test before left.
  await page.goto(env.kiosk.webHost.url);
  env.printer.setFault('paperOut');
  const reference = await submitCertifiedCopy(page);
  const alert = page.getByRole('alert');
  await expect.poll(() => alert.textContent()).toContain('Máy in đã hết giấy.');
  expect(await alert.textContent()).toContain('Hồ sơ của bạn vẫn được lưu an toàn.');
  expect(printedJobs()).toHaveLength(1);
  audits.printFailed = await auditScreen(page);

  env.printer.setFault(null);
  await page.getByRole('button', { name: 'In lại' }).click();
  await page.getByRole('status').filter({ hasText: 'Đã in biên nhận.' }).waitFor();
  expect(printedJobs()).toHaveLength(2);
  expect(printedJobs()[1]!.lines.join('\n')).toContain(reference);

  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('button', { name: 'Bỏ qua' }).click();
  await expect.poll(() => heading(page)).toBe('Cảm ơn bạn đã sử dụng dịch vụ!');
  // Back to the start by itself, for the next citizen.
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor({ timeout: 10_000 });
  expect(await keptRatings(page)).toBe(1);
  expect(portalRatings()).toHaveLength(1);
});

test('the receipt and rating screens pass axe and the 48 px audit', () => {
  for (const [screen, audit] of Object.entries(audits)) {
    expect(audit.violations, screen).toEqual([]);
    expect(audit.smallTargets, screen).toEqual([]);
  }
  expect(Object.keys(audits).sort()).toEqual(['printFailed', 'printed', 'rate', 'thanks']);
  expect(env.browser.cspViolations).toEqual([]);
});
