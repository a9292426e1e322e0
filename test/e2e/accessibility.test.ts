import { afterAll, beforeAll, expect, test } from 'vitest';
import { auditScreen } from '../support/a11y';
import { openChromium, startKiosk, type RunningBrowser, type RunningKiosk } from '../support/kiosk';

let kiosk: RunningKiosk;
let browser: RunningBrowser;
beforeAll(async () => {
  kiosk = await startKiosk();
  browser = await openChromium();
});
afterAll(async () => {
  await browser?.close();
  await kiosk?.close();
});

test('every screen of the journey has no WCAG 2.2 A/AA violation and no touch target under 48 px', async () => {
  const { page } = browser;
  const audits: Record<string, Awaited<ReturnType<typeof auditScreen>>> = {};
  const heading = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();

  await page.goto(kiosk.webHost.url);
  await heading('Điểm hỗ trợ dịch vụ công trực tuyến');
  audits.attract = await auditScreen(page);

  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await page.getByText('Chưa có hồ sơ nào.').waitFor();
  audits.emptyQueue = await auditScreen(page);
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();

  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await heading('Bạn cần làm thủ tục nào?');
  audits.procedures = await auditScreen(page);

  await page.getByRole('button', { name: /Đăng ký tạm trú/ }).click();
  await heading('Đăng ký tạm trú');
  audits.question = await auditScreen(page);

  await page.getByRole('button', { name: 'Gửi hồ sơ' }).click();
  await page.getByRole('alert').waitFor();
  audits.questionWithError = await auditScreen(page);

  await page.getByLabel('Số điện thoại của bạn').fill('0912345678');
  await page.getByRole('button', { name: 'Gửi hồ sơ' }).click();
  await heading('Đã lưu hồ sơ');
  audits.saved = await auditScreen(page);

  await page.getByRole('button', { name: 'Về màn hình chính' }).click();
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await page.getByTestId('queue-list').waitFor();
  audits.queue = await auditScreen(page);

  await page.getByRole('button', { name: 'English' }).click();
  await heading('Applications on this kiosk');
  audits.queueInEnglish = await auditScreen(page);

  for (const [screen, audit] of Object.entries(audits)) {
    expect(audit.violations, screen).toEqual([]);
    expect(audit.smallTargets, screen).toEqual([]);
  }
  expect(browser.cspViolations).toEqual([]);
});
