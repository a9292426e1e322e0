import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { readAuditLog } from '../../electron/host/audit';
import { signInTestHelper, TEST_HELPER } from '../support/helper';
import { answerAfterScanToReview, answerCertifiedCopyToScan, leaveAfterSubmit, pressSubmit, submitCertifiedCopy } from '../support/journey';
import { withKiosk } from '../support/kiosk';

const env = withKiosk();

/** The citizen before: what of theirs must never show to the helper who serves the next one. */
const EARLIER = { name: 'Nguyễn Văn An', number: '056090001234', phone: '0912345678' };
/** The citizen the helper assists, on a card of their own. */
const ASSISTED = { name: 'Trần Thị Bình', number: '056185007890', phone: '0987654321' };
const ASSISTED_QR = `${ASSISTED.number}||${ASSISTED.name.toUpperCase()}|02071985|Nữ|Thôn Võ Cang, Xã Vĩnh Trung, Thành phố Nha Trang, Khánh Hòa|10052022\r\n`;

const screenText = (page: Page) => page.locator('body').innerText();

/** The assisted citizen from the attract screen to the scan of their paper. */
const assistedCitizenToScan = (page: Page) => answerCertifiedCopyToScan(page, '2', ASSISTED_QR);

test('a helper holds the version to take over the next citizen’s session: nothing of the citizen before shows, and each assisted screen is in the audit log under the helper’s id with no personal data', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);

  await assistedCitizenToScan(page);
  const paperAtCounter = page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' });
  await paperAtCounter.waitFor();
  const signInHeading = page.getByRole('heading', { name: 'Cán bộ hỗ trợ: chọn tên của bạn' });

  // A tap on the version does nothing; two seconds' hold opens the desk.
  const version = page.getByTestId('app-version');
  await version.click();
  await page.waitForTimeout(2_500);
  expect(await signInHeading.count()).toBe(0);
  await version.hover();
  await page.mouse.down();
  await signInHeading.waitFor();
  await page.mouse.up();

  await signInTestHelper(page);
  await page.getByRole('heading', { name: `Cán bộ hỗ trợ: ${TEST_HELPER.name}` }).waitFor();
  await page.getByRole('button', { name: 'Hồ sơ trên máy' }).click();
  await page.getByTestId('queue-list').waitFor();
  const desk = [await screenText(page)];
  await page.getByRole('button', { name: 'Quay lại' }).click();
  desk.push(await screenText(page));
  for (const text of desk) for (const canary of Object.values(EARLIER)) expect(text).not.toContain(canary);

  // Taken over where the citizen was, answers kept; the status bar says who is helping.
  await page.getByRole('button', { name: 'Hỗ trợ người dân đang làm hồ sơ' }).click();
  await paperAtCounter.check();
  expect(await page.getByTestId('assisting').textContent()).toContain(`Cán bộ ${TEST_HELPER.name} đang hỗ trợ`);
  await answerAfterScanToReview(page, ASSISTED.phone);
  expect(await screenText(page)).toContain(ASSISTED.name);
  for (const canary of Object.values(EARLIER)) expect(await screenText(page)).not.toContain(canary);
  await pressSubmit(page);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Đã lưu hồ sơ');
  const reference = (await page.getByTestId('saved-reference').textContent())!.match(/[0-9A-F]{8}$/)![0];

  // The session's end signs the helper out.
  await leaveAfterSubmit(page);
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  expect(await page.getByTestId('assisting').count()).toBe(0);

  const auditFile = path.join(env.kiosk.dataDir, 'audit.jsonl');
  const { entries, brokenAt } = await readAuditLog(auditFile);
  expect(brokenAt).toBeNull();
  expect(entries.every((entry) => entry.helper === TEST_HELPER.id)).toBe(true);
  const assisted = entries.filter((entry) => entry.action.startsWith('assist.'));
  expect(assisted[0]).toMatchObject({ action: 'assist.start' });
  const steps = assisted.map((entry) => entry.step);
  // Taken over at the scan, then every screen the helper saw, in order: the form's own questions by their catalogue ids.
  expect(steps.indexOf('review')).toBeGreaterThan(1);
  expect(steps.slice(steps.indexOf('review'))).toEqual(['review', 'fee', 'saved', 'rate']);
  const saved = assisted.find((entry) => entry.step === 'saved')!;
  expect(saved.dossier?.slice(0, 8).toUpperCase()).toBe(reference);
  expect(entries.at(-1)?.action).toBe('helper.signOut');

  const text = readFileSync(auditFile, 'utf8');
  for (const canary of [...Object.values(EARLIER), ...Object.values(ASSISTED), EARLIER.name.toUpperCase(), ASSISTED.name.toUpperCase(), 'Giấy khai sinh', TEST_HELPER.name, TEST_HELPER.pin]) {
    expect(text).not.toContain(canary);
  }
});

test('Ctrl+Alt+H opens the desk mid-journey; guidance-only people are counted for today; signing out returns to the citizen’s screen as it was', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await assistedCitizenToScan(page);
  const paperAtCounter = page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' });
  await paperAtCounter.check();

  await page.keyboard.press('Control+Alt+KeyH');
  await signInTestHelper(page);
  const guided = page.getByRole('button', { name: 'Đã hướng dẫn một người (không làm hồ sơ)' });
  const count = page.getByTestId('guidance-today');
  await guided.click();
  await expect.poll(() => count.textContent()).toBe('Đã ghi nhận. Hôm nay đã hướng dẫn 1 người.');
  await guided.click();
  await expect.poll(() => count.textContent()).toBe('Đã ghi nhận. Hôm nay đã hướng dẫn 2 người.');

  await page.getByRole('button', { name: 'Đăng xuất, về màn hình của người dân' }).click();
  expect(await paperAtCounter.isChecked()).toBe(true);
  expect(await page.getByTestId('assisting').count()).toBe(0);
  // Signed out: the desk asks for the PIN again.
  await page.keyboard.press('Control+Alt+KeyH');
  await page.getByRole('heading', { name: 'Cán bộ hỗ trợ: chọn tên của bạn' }).waitFor();

  const { entries } = await readAuditLog(path.join(env.kiosk.dataDir, 'audit.jsonl'));
  expect(entries.slice(-4).map(({ action }) => action)).toEqual(['helper.signIn', 'guidance.given', 'guidance.given', 'helper.signOut']);
});
