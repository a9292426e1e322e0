import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { vietnamToday } from '../../shared/dossier/formEngine';
import { signInTestHelper } from '../support/helper';
import { answerAfterScanToReview, answerCertifiedCopyToScan, CARD_QR, leaveAfterSubmit, pressSubmit, submitCertifiedCopy } from '../support/journey';
import { tempDir, withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';

const usb = tempDir('usb');
afterAll(() => usb.remove());
// The office printer's queue is one CUPS does not have here: printing must say so, and lose nothing.
const env = withKiosk({ usbDirs: [usb.dir], officePrinter: { queue: 'office_a4_missing' } }, { link: true });

/** The CSV's records: no field here holds a comma or a quote, so splitting is parsing. */
const csvRecords = (file: string) =>
  readFileSync(file, 'utf8')
    .replace(/^\uFEFF/, '')
    .split('\r\n')
    .filter(Boolean)
    .map((line) => line.split(','));
const valueOf = (records: string[][], label: string) => records.find((record) => record[0] === label)?.[1];

test("the day's report counts what the queue holds and what the helpers logged, on screen and in PDF and CSV on the kiosk and the USB stick, with no personal data", async () => {
  const { page } = env.browser;
  const today = vietnamToday();
  await page.goto(env.kiosk.webHost.url);

  // One citizen alone, who rates the service "Rất hài lòng".
  await submitCertifiedCopy(page);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('button', { name: 'Rất hài lòng' }).click();
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();

  // One a helper takes over at the scan; then, with the link down, a third left waiting.
  await answerCertifiedCopyToScan(page, '2');
  await page.keyboard.press('Control+Alt+KeyH');
  await signInTestHelper(page);
  await page.getByRole('button', { name: 'Hỗ trợ người dân đang làm hồ sơ' }).click();
  await page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' }).check();
  await answerAfterScanToReview(page);
  await pressSubmit(page);
  await page.getByRole('heading', { name: 'Đã lưu hồ sơ' }).waitFor();
  await leaveAfterSubmit(page);
  await expect.poll(() => env.kiosk.portal.store.dossiers().filter((dossier) => dossier.maHoSo).length, { timeout: 30_000 }).toBe(2);
  env.kiosk.link!.setFaults({ down: true });
  await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);

  // Someone only asked the way.
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await signInTestHelper(page);
  await page.getByRole('button', { name: 'Đã hướng dẫn một người (không làm hồ sơ)' }).click();
  await page.getByTestId('guidance-today').waitFor();
  await page.getByRole('button', { name: 'Báo cáo ngày, tháng' }).click();
  await page.getByRole('button', { name: 'Báo cáo hôm nay' }).click();
  await page.getByRole('heading', { name: `Báo cáo ngày ${today.split('-').reverse().join('/')}` }).waitFor();

  // The queue's own count by state, read from IndexedDB, is what the report says.
  const rows = (await rawQueueRows(page)).map(({ row }) => row);
  const count = (...statuses: string[]) => String(rows.filter((row) => statuses.includes(row.status)).length);
  expect([count('accepted'), count('queued', 'sending')]).toEqual(['2', '1']);
  const totals = await page.getByTestId('report-totals').innerText();
  expect(totals).toMatch(/Số người được hỗ trợ\s+2\s+Được hỗ trợ làm hồ sơ\s+1\s+Chỉ được hướng dẫn\s+1\s+Số hồ sơ đã nộp\s+3\s+Đang chờ gửi\s+1\s+Cổng đã nhận\s+2\s+Cần cán bộ xem\s+0/);
  expect(totals).toMatch(/Số lượt đánh giá\s+1\s+Điểm trung bình\s+5/);

  const name = `bao-cao-ngay-${today}`;
  expect(await page.getByTestId('report-files').textContent()).toContain(path.join(usb.dir, 'DVC-Kiosk', 'bao-cao', `${name}.pdf`));
  for (const folder of [path.join(env.kiosk.dataDir, 'reports'), path.join(usb.dir, 'DVC-Kiosk', 'bao-cao')]) {
    const records = csvRecords(path.join(folder, `${name}.csv`));
    expect(valueOf(records, 'Số hồ sơ đã nộp')).toBe(String(rows.length));
    expect(valueOf(records, 'Cổng đã nhận')).toBe(count('accepted'));
    expect(valueOf(records, 'Đang chờ gửi')).toBe(count('queued', 'sending'));
    expect(valueOf(records, 'Số người được hỗ trợ')).toBe('2');
    expect(records.find((record) => record[0] === '2.000815')?.slice(2, 5)).toEqual(['3', '1', '2']);
    const pdf = execFileSync('pdftotext', ['-layout', path.join(folder, `${name}.pdf`), '-'], { encoding: 'utf8' }).normalize('NFC');
    expect(pdf).toContain(`Báo cáo ngày ${today.split('-').reverse().join('/')}`);
    for (const canary of ['Nguyễn Văn An', 'NGUYỄN', CARD_QR.split('|')[0]!, '0912345678']) {
      expect(pdf).not.toContain(canary);
      expect(records.flat().join(',')).not.toContain(canary);
    }
  }

  await page.getByRole('button', { name: 'In báo cáo (máy in văn phòng)' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/máy in văn phòng.*báo cáo vẫn được lưu trên máy/);
});
