import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { auditScreen } from '../support/a11y';
import { tempDir, withKiosk } from '../support/kiosk';

// SANE's test backend as the scanner a technician plugs in later: `scanimage -L` lists the backends
// in dll.conf, where Debian leaves it out, so a private config folder lists only it.
const saneConfig = tempDir('settings-sane');
writeFileSync(path.join(saneConfig.dir, 'dll.conf'), 'test\n');
process.env.SANE_CONFIG_DIR = saneConfig.dir;
afterAll(() => saneConfig.remove());
const SANE_TEST_DEVICE = 'Noname frontend-tester virtual device (test:0)';

const env = withKiosk({}, { fresh: true });
const TECHNICIAN = { name: 'Trần Văn Kỹ', pin: '135790' };

async function signIn(page: Page, name: string, pin: string) {
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await page.getByRole('button', { name }).click();
  await page.getByLabel(`Nhập mã PIN của ${name}`).fill(pin);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

test("a technician changes the settings after setup: a scanner plugged in later, a new helper, one who left; the kiosk runs on them and the technician stays signed in", { timeout: 90_000 }, async () => {
  const { page } = env.browser;
  const { portal, webHost, dataDir } = env.kiosk;
  // Set up already (test/e2e/setupWizard.test.ts walks the wizard).
  await webHost.host.handlers['setup.save']({
    communeCode: '22651',
    name: 'Điểm hỗ trợ DVC Diên Khánh',
    portal: { url: env.kiosk.portalUrl, enrolmentCode: portal.createEnrolmentCode().code },
    technician: TECHNICIAN,
    helpers: [{ name: 'Nguyễn Thị Lan', pin: '246810' }],
    procedures: ['1.001193', '2.000815'],
    paper: '80mm',
  });
  const config = () => KioskConfig.parse(JSON.parse(readFileSync(path.join(dataDir, 'kiosk-config.json'), 'utf8')));

  await page.goto(webHost.url);
  await signIn(page, TECHNICIAN.name, TECHNICIAN.pin);
  await page.getByRole('button', { name: 'Công cụ kỹ thuật viên' }).click();
  await page.getByRole('button', { name: 'Thay đổi cài đặt' }).click();
  const overview = page.getByTestId('settings');
  await expect.poll(() => overview.innerText()).toMatch(/Thiết bị\s+Máy in biên nhận: simulator; Máy quét mã QR: simulator; Máy quét giấy tờ: simulator; Đầu đọc chip thẻ căn cước: simulator/);
  expect(await overview.innerText()).toMatch(/Cán bộ hỗ trợ\s+Nguyễn Thị Lan/);
  expect(await auditScreen(page)).toEqual({ violations: [], smallTargets: [] });

  // The scanner plugged in: found, chosen, saved; the others are left as they are.
  await page.getByRole('button', { name: 'Sửa: Thiết bị' }).click();
  const scanners = page.getByRole('group', { name: 'Máy quét giấy tờ' });
  await scanners.getByRole('radio', { name: SANE_TEST_DEVICE }).waitFor({ timeout: 30_000 });
  expect(await scanners.getByRole('radio', { name: 'Thiết bị mô phỏng (chỉ để thử)' }).isChecked()).toBe(true);
  await scanners.getByRole('radio', { name: SANE_TEST_DEVICE }).check();
  await page.getByRole('button', { name: 'Lưu thay đổi' }).click();
  await expect.poll(() => page.getByTestId('settings-saved').textContent()).toBe('Đã lưu thay đổi. Máy đã chạy lại theo cài đặt mới.');
  await expect.poll(() => overview.innerText()).toContain('Máy quét giấy tờ: sane');
  expect(config().devices.documentScanner).toMatchObject({ driver: 'sane', device: 'test:0' });
  expect(config().devices.qrScanner?.driver).toBe('simulator');

  // A new helper with a PIN; the one who left, removed.
  await page.getByRole('button', { name: 'Sửa: Cán bộ hỗ trợ' }).click();
  await page.getByRole('button', { name: 'Thêm cán bộ hỗ trợ' }).click();
  await page.getByLabel('Tên cán bộ hỗ trợ').fill('Lê Văn Mới');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  for (const label of ['Mã PIN cho Lê Văn Mới', 'Nhập lại mã PIN cho Lê Văn Mới']) {
    await page.getByLabel(label).fill('112233');
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
  }
  await expect.poll(() => overview.innerText()).toMatch(/Cán bộ hỗ trợ\s+Nguyễn Thị Lan, Lê Văn Mới/);
  await page.getByRole('button', { name: 'Sửa: Cán bộ hỗ trợ' }).click();
  await page.getByRole('button', { name: 'Bỏ Nguyễn Thị Lan' }).click();
  await expect.poll(() => overview.innerText()).toMatch(/Cán bộ hỗ trợ\s+Lê Văn Mới/);
  expect(config().helpers.map(({ name, role }) => [name, role])).toEqual([
    ['Trần Văn Kỹ', 'technician'],
    ['Lê Văn Mới', 'helper'],
  ]);

  // Still signed in on the host built on the new settings: the scanner chosen passes its test, through SANE.
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Kiểm tra thiết bị' }).click();
  await page.getByRole('button', { name: 'Kiểm tra: Máy quét giấy tờ' }).click();
  await expect.poll(() => page.getByTestId('self-test-documentScanner').locator('.badge').textContent(), { timeout: 30_000 }).toBe('Đạt');
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();

  // The new helper signs in with the PIN given; the one removed is no longer offered.
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  expect(await page.getByRole('button', { name: 'Nguyễn Thị Lan' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await signIn(page, 'Lê Văn Mới', '112233');
  await page.getByRole('heading', { level: 1, name: 'Cán bộ hỗ trợ: Lê Văn Mới' }).waitFor();
  // A helper has no technician's tools.
  expect(await page.getByRole('button', { name: 'Công cụ kỹ thuật viên' }).count()).toBe(0);
});

test("the province's settings reach the kiosk by themselves, at its start screen", async () => {
  const { page } = env.browser;
  const { portal, webHost } = env.kiosk;
  portal.publishSettings({ policy: { idleSeconds: 45, retentionDays: 14 } });
  expect((await webHost.host.handlers['app.info']()).idleSeconds).toBe(90);
  // The kiosk starts again (a reload: the same page), at its start screen; the sync loop's first look at the portal takes them.
  await page.reload();
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  await expect.poll(async () => (await webHost.host.handlers['app.info']()).idleSeconds, { timeout: 30_000 }).toBe(45);
  expect((await webHost.host.handlers['app.info']()).retentionDays).toBe(14);
});
