import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import type { SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';
import { auditScreen } from '../support/a11y';
import { Effort } from '../support/effort';
import { withKiosk } from '../support/kiosk';

const env = withKiosk({}, { fresh: true });

test("a fresh kiosk set up from the province's signed QR: a forged one is refused, the real one settles commune, portal, name and paper", async () => {
  const { page } = env.browser;
  const { portal } = env.kiosk;
  const effort = new Effort(page);
  const scanner = () => env.kiosk.webHost.host.devices.qrScanner as SimulatedQrScanner;
  const provisioning = portal.createProvisioning({ portalUrl: env.kiosk.portalUrl, communeCode: '22651', name: 'Điểm hỗ trợ DVC Diên Khánh', paper: '58mm' });
  const { code } = portal.createEnrolmentCode();
  await page.goto(env.kiosk.webHost.url);

  await effort.screen('Cài đặt máy lần đầu');
  await effort.tap('Dùng mã cài đặt của tỉnh');
  await effort.screen('Mã cài đặt của tỉnh');
  await expect.poll(() => scanner().status().state).toBe('ready');
  // A citizen's card, then a provisioning whose settings were changed after signing: neither is taken.
  await scanner().scan('079123456789|225123456|NGUYỄN VĂN AN|15031990|Nam|Thôn 2|20042021');
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Đây không phải mã hoặc tệp cài đặt ki-ốt của tỉnh.');
  const [format, kid, payload, signature] = provisioning.split('.') as [string, string, string, string];
  const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), portalUrl: 'http://127.0.0.1:9' })).toString('base64url');
  await scanner().scan(`${format}.${kid}.${forged}.${signature}`);
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/^Mã cài đặt này không có chữ ký hợp lệ của tỉnh/);
  {
    const audit = await auditScreen(page);
    expect(audit.violations).toEqual([]);
    expect(audit.smallTargets).toEqual([]);
  }
  await scanner().scan(provisioning);

  // Straight to what only the technician knows: the code, then the people.
  await effort.screen('Mã đăng ký máy');
  await effort.type('Mã đăng ký máy', code);
  await effort.tap('Tiếp tục');
  await effort.screen('Tên kỹ thuật viên');
  await effort.type('Tên kỹ thuật viên', 'Trần Văn Kỹ');
  await effort.tap('Tiếp tục');
  await effort.pin('Trần Văn Kỹ', '135790');
  await effort.screen('Cán bộ hỗ trợ');
  await effort.tap('Tiếp tục');
  await effort.screen('Điểm hỗ trợ nhận những thủ tục nào?');
  await effort.tap('Tiếp tục');
  // The devices as proposed: the province settles no device.
  await effort.screen('Thiết bị của ki-ốt');
  await effort.waitFor(page.getByRole('button', { name: 'Tìm lại' }).and(page.locator(':enabled')).waitFor({ timeout: 30_000 }));
  await effort.tap('Tiếp tục');

  await effort.screen('Kiểm tra lại trước khi lưu');
  const review = await page.getByTestId('setup-review').innerText();
  expect(review).toMatch(/Cài đặt\s+Theo mã cài đặt của tỉnh \(chữ ký hợp lệ\)/);
  expect(review).toMatch(/Tên điểm hỗ trợ\s+Điểm hỗ trợ DVC Diên Khánh/);
  expect(review).toMatch(/Khổ giấy\s+58mm/);
  // Settled by the province: shown, not changed here.
  expect(await page.getByRole('button', { name: 'Sửa: Nơi đặt máy' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Sửa: Cổng dịch vụ công' }).count()).toBe(0);
  await effort.tap('Lưu và đăng ký máy');
  await effort.waitFor(effort.screen('Đã cài đặt xong'));

  const config = KioskConfig.parse(JSON.parse(readFileSync(path.join(env.kiosk.dataDir, 'kiosk-config.json'), 'utf8')));
  expect(config).toMatchObject({ name: 'Điểm hỗ trợ DVC Diên Khánh', commune: { code: '22651' }, portal: { url: env.kiosk.portalUrl, keyThumbprint: expect.any(String) } });
  expect(config.devices.printer?.paper).toBe('58mm');
  expect(env.browser.cspViolations).toEqual([]);
  console.log(`setup from the province's QR: ${effort.screens} screens, ${effort.taps} taps, ${effort.characters} characters ≈ ${effort.minutes().toFixed(1)} min of a technician's time`);
  expect(effort.minutes()).toBeLessThanOrEqual(5);
});
