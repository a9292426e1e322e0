import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { auditScreen } from '../support/a11y';
import { Effort } from '../support/effort';
import { leaveAfterSubmit, startInVietnamese, submitCertifiedCopy } from '../support/journey';
import { tempDir, withPrintingKiosk } from '../support/kiosk';
import { decodeEscPos } from '../support/escpos';
import type { SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';

// `scanimage -L` lists the backends in dll.conf, where Debian leaves SANE's test backend out: a
// private config folder lists only it, for this test's process (the detection reads process.env).
const saneConfig = tempDir('wizard-sane');
writeFileSync(path.join(saneConfig.dir, 'dll.conf'), 'test\n');
process.env.SANE_CONFIG_DIR = saneConfig.dir;
afterAll(() => saneConfig.remove());
const SANE_TEST_DEVICE = 'Noname frontend-tester virtual device (test:0)';

const env = withPrintingKiosk({ fresh: true });

test('a fresh kiosk is set up through the wizard and takes its first dossier to the portal', { timeout: 120_000 }, async () => {
  const { page } = env.browser;
  const { portal } = env.kiosk;
  const effort = new Effort(page);
  const { code } = portal.createEnrolmentCode();
  await page.goto(env.kiosk.webHost.url);

  await effort.screen('Cài đặt máy lần đầu');
  const audits = [await auditScreen(page)];
  await effort.tap('Bắt đầu cài đặt');

  await effort.screen('Máy đặt ở xã, phường nào?');
  await page.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Tỉnh Khánh Hòa' });
  effort.taps += 2;
  await effort.type('Xã, phường (gõ tên để tìm)', 'dien khanh');
  await effort.tap('Xã Diên Khánh');
  audits.push(await auditScreen(page));
  await effort.tap('Tiếp tục');

  await effort.screen('Tên điểm hỗ trợ');
  expect(await page.getByLabel('Tên điểm hỗ trợ').inputValue()).toBe('Điểm hỗ trợ dịch vụ công xã Diên Khánh');
  await effort.tap('Tiếp tục');

  await effort.screen('Địa chỉ cổng dịch vụ công');
  expect(await page.getByLabel('Địa chỉ cổng dịch vụ công').inputValue()).toBe(env.kiosk.portalUrl);
  await effort.tap('Tiếp tục');

  await effort.screen('Mã đăng ký máy');
  await effort.tap('Tiếp tục');
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Vui lòng nhập thông tin này.');
  await effort.type('Mã đăng ký máy', code);
  await effort.tap('Tiếp tục');

  await effort.screen('Tên kỹ thuật viên');
  await effort.type('Tên kỹ thuật viên', 'Trần Văn Kỹ');
  await effort.tap('Tiếp tục');
  await effort.pin('Trần Văn Kỹ', '135790', '135799');
  await effort.pin('Trần Văn Kỹ', '135790');

  await effort.screen('Cán bộ hỗ trợ');
  await effort.tap('Thêm cán bộ hỗ trợ');
  await effort.screen('Tên cán bộ hỗ trợ');
  await effort.type('Tên cán bộ hỗ trợ', 'Nguyễn Thị Lan');
  await effort.tap('Tiếp tục');
  await effort.pin('Nguyễn Thị Lan', '246810');
  await effort.screen('Cán bộ hỗ trợ');
  expect(await page.locator('.setup-people').innerText()).toContain('Nguyễn Thị Lan');
  await effort.tap('Tiếp tục');

  await effort.screen('Điểm hỗ trợ nhận những thủ tục nào?');
  await effort.tap('Đăng ký khai tử', 'checkbox');
  audits.push(await auditScreen(page));
  await effort.tap('Tiếp tục');

  // The devices the system sees: SANE's test backend is the document scanner; the others stay as
  // configured (this machine's other devices, a CUPS queue or a virtual card reader left by another
  // test, are not this kiosk's).
  await effort.screen('Thiết bị của ki-ốt');
  const group = (name: string) => page.getByRole('group', { name });
  await effort.waitFor(group('Máy quét giấy tờ').getByRole('radio', { name: SANE_TEST_DEVICE }).waitFor({ timeout: 30_000 }));
  expect(await group('Máy quét giấy tờ').getByRole('radio', { name: SANE_TEST_DEVICE }).isChecked()).toBe(true);
  await effort.tap(SANE_TEST_DEVICE, 'radio', group('Máy quét giấy tờ'));
  await effort.tap('Thiết bị mô phỏng (chỉ để thử)', 'radio', group('Máy quét mã QR'));
  await effort.tap('Thiết bị mô phỏng (chỉ để thử)', 'radio', group('Đầu đọc chip thẻ căn cước'));
  await effort.tap('Giữ như đang cài đặt (tcp)', 'radio', group('Máy in biên nhận'));
  audits.push(await auditScreen(page));
  await effort.tap('Tiếp tục');

  await effort.screen('Khổ giấy của máy in biên nhận');
  await effort.tap('Giấy 58 mm', 'radio');
  await effort.tap('Tiếp tục');

  await effort.screen('Kiểm tra lại trước khi lưu');
  const review = await page.getByTestId('setup-review').innerText();
  expect(review).toMatch(/Nơi đặt máy\s+Xã Diên Khánh, Tỉnh Khánh Hòa/);
  expect(review).toMatch(/Thủ tục\s+14 trên 15 thủ tục/);
  expect(review).not.toMatch(/135790|246810/);
  audits.push(await auditScreen(page));
  // A change from the review comes back to the review.
  await effort.tap('Sửa: Tên điểm hỗ trợ');
  await effort.type('Tên điểm hỗ trợ', 'Điểm hỗ trợ DVC Diên Khánh');
  await effort.tap('Tiếp tục');
  await effort.screen('Kiểm tra lại trước khi lưu');
  await effort.tap('Lưu và đăng ký máy');
  await effort.waitFor(effort.screen('Đã cài đặt xong'));

  const kioskId = portal.store.enrolmentCodes().find((entry) => entry.code === code)?.kioskId;
  expect(kioskId).toBeTruthy();
  expect(await page.getByText(/^Máy đã đăng ký với cổng dịch vụ công/).textContent()).toContain(kioskId!);
  expect(portal.store.kiosk(kioskId!)).toMatchObject({ name: 'Điểm hỗ trợ DVC Diên Khánh' });
  const written = readFileSync(path.join(env.kiosk.dataDir, 'kiosk-config.json'), 'utf8');
  expect(written).not.toMatch(/135790|246810/);
  expect(written).not.toContain(code);
  const config = KioskConfig.parse(JSON.parse(written));
  expect(config.helpers.map(({ name, role }) => [name, role])).toEqual([['Trần Văn Kỹ', 'technician'], ['Nguyễn Thị Lan', 'helper']]);
  expect(config.devices.printer).toMatchObject({ driver: 'tcp', paper: '58mm' });
  expect(config.devices.documentScanner).toMatchObject({ driver: 'sane', device: 'test:0' });
  expect(config.devices.qrScanner?.driver).toBe('simulator');

  // Each device tested for real before the kiosk opens; the QR scanner reads the test receipt's QR.
  await effort.tap('Kiểm tra thiết bị');
  await effort.screen('Kiểm tra thiết bị');
  const verdict = (kind: string) => page.getByTestId(`self-test-${kind}`).locator('.badge').textContent();
  await effort.tap('Kiểm tra: Máy in biên nhận');
  await effort.waitFor(expect.poll(() => verdict('printer'), { timeout: 20_000 }).toBe('Đạt'));
  const token = env.printer.connections.flatMap((bytes) => decodeEscPos(bytes).qrCodes).find((text) => text.startsWith('DVC-TEST:'));
  expect(token).toMatch(/^DVC-TEST:[0-9A-F]{16}$/);
  await effort.tap('Kiểm tra: Máy quét mã QR');
  await page.getByText('Quét mã QR trên phiếu in thử bằng máy quét QR của ki-ốt.').waitFor();
  // The scanner the new config made is up after its simulated boot (a person is slower than that).
  const scanner = env.kiosk.webHost.host.devices.qrScanner as SimulatedQrScanner;
  await expect.poll(() => scanner.status().state).toBe('ready');
  await scanner.scan(token!);
  await effort.waitFor(expect.poll(() => verdict('qrScanner'), { timeout: 20_000 }).toBe('Đạt'));
  await effort.tap('Kiểm tra: Máy quét giấy tờ');
  await effort.waitFor(expect.poll(() => verdict('documentScanner'), { timeout: 20_000 }).toBe('Đạt'));
  await effort.tap('Kiểm tra: Đầu đọc chip thẻ căn cước');
  await effort.waitFor(expect.poll(() => verdict('cardReader'), { timeout: 20_000 }).toBe('Đạt'));
  audits.push(await auditScreen(page));
  await effort.tap('Lưu kết quả (PDF)');
  await effort.waitFor(page.getByTestId('self-test-saved').waitFor());
  const pdf = (await page.getByTestId('self-test-saved').textContent())!.match(/\S+\.pdf/)![0];
  const reportText = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8' });
  expect(reportText).toContain('Điểm hỗ trợ DVC Diên Khánh');
  expect(reportText.match(/: Đạt/g)).toHaveLength(4);
  await effort.tap('Quay lại');

  await effort.screen('Đã cài đặt xong');
  await effort.tap('Bắt đầu phục vụ');
  await effort.waitFor(page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor());

  // The kiosk now runs on its config: the helper signs in with the PIN given in the wizard...
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await page.getByRole('button', { name: 'Nguyễn Thị Lan' }).click();
  await page.getByLabel('Nhập mã PIN của Nguyễn Thị Lan').fill('246810');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('heading', { level: 1, name: 'Cán bộ hỗ trợ: Nguyễn Thị Lan' }).waitFor();
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();

  // ...the procedure left out is not offered...
  await startInVietnamese(page);
  await page.getByRole('button', { name: /^Đăng ký khai sinh/ }).waitFor();
  expect(await page.getByRole('button', { name: /^Đăng ký khai tử/ }).count()).toBe(0);
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();

  // ...and the first dossier reaches the portal under the kiosk the wizard enrolled.
  const reference = await submitCertifiedCopy(page);
  const atPortal = () => portal.store.dossiers().filter((dossier) => dossier.uuid.toUpperCase().startsWith(reference));
  await expect.poll(() => atPortal().map((dossier) => dossier.maHoSo !== null), { timeout: 30_000 }).toEqual([true]);
  expect(atPortal()[0]!.kioskId).toBe(kioskId);
  await leaveAfterSubmit(page);

  for (const audit of audits) {
    expect(audit.violations).toEqual([]);
    expect(audit.smallTargets).toEqual([]);
  }
  expect(env.browser.cspViolations).toEqual([]);
  const minutes = effort.minutes();
  console.log(`setup wizard: ${effort.screens} screens, ${effort.taps} taps, ${effort.characters} characters, ${(effort.waitMs / 1000).toFixed(1)} s of waits ≈ ${minutes.toFixed(1)} min of a technician's time`);
  expect(minutes).toBeLessThanOrEqual(15);
});
