import { expect, test } from 'vitest';
import { auditScreen, type ScreenAudit } from '../support/a11y';
import { withKiosk } from '../support/kiosk';
import { leaveAfterSubmit } from '../support/journey';
import { leaveHelperQueue, TEST_HELPER } from '../support/helper';

const env = withKiosk({ payee: { bankBin: '970405', accountNumber: '1234567890123', accountName: 'UBND XA DIEN KHANH' } });

test('every screen and field type has no WCAG 2.2 A/AA violation and no touch target under 48 px', async () => {
  const { page } = env.browser;
  const audits: Record<string, ScreenAudit> = {};
  const at = async (name: string | RegExp) => {
    await page.getByRole('heading', { level: 1, name }).waitFor();
    audits[String(name)] = await auditScreen(page);
  };
  const next = () => page.getByRole('button', { name: 'Tiếp tục' }).click();

  await page.goto(env.kiosk.webHost.url);
  await at('Điểm hỗ trợ dịch vụ công trực tuyến');
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await at('Cán bộ hỗ trợ: chọn tên của bạn');
  audits.helperNames = await auditScreen(page);
  await page.getByRole('button', { name: TEST_HELPER.name }).click();
  await page.getByLabel(`Nhập mã PIN của ${TEST_HELPER.name}`).fill('975310');
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('alert').getByText('Mã PIN chưa đúng. Còn 4 lần thử.').waitFor();
  audits.helperWrongPin = await auditScreen(page);
  await page.getByLabel(`Nhập mã PIN của ${TEST_HELPER.name}`).fill(TEST_HELPER.pin);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await at(`Cán bộ hỗ trợ: ${TEST_HELPER.name}`);
  await page.getByRole('button', { name: 'Hồ sơ trên máy' }).click();
  await page.getByText('Chưa có hồ sơ nào.').waitFor();
  audits.emptyQueue = await auditScreen(page);
  await leaveHelperQueue(page);

  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await at('Chọn ngôn ngữ');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await at('Bạn cần làm thủ tục nào?');
  await page.getByLabel('Tìm thủ tục').fill('tam tru');
  await page.getByRole('button', { name: /^Đăng ký tạm trú/ }).click();
  await at('Đăng ký tạm trú');
  await page.getByRole('button', { name: 'Bắt đầu' }).click();
  await at('Thông tin cá nhân của bạn');
  await page.getByRole('button', { name: 'Không đồng ý' }).click();
  await at('Máy không đọc thông tin của bạn');
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Tôi đồng ý' }).click();

  await at('Đưa mã QR trên thẻ căn cước vào máy quét');
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill('not a card');
  await page.keyboard.press('Enter');
  await page.getByRole('alert').waitFor();
  audits.identifyError = await auditScreen(page);
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill('058195001357||Trần Thị Bích|02111995|Nữ|Khu phố 3, Phường Đô Vinh, Thành phố Phan Rang-Tháp Chàm, Ninh Thuận|10082021');
  await page.keyboard.press('Enter');
  await at('Thông tin trên thẻ của bạn');
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();

  await at('Địa chỉ nơi bạn ở tạm');
  await next();
  await page.getByRole('alert').waitFor();
  audits.addressError = await auditScreen(page);
  await page.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Tỉnh Khánh Hòa' });
  await page.getByLabel('Xã, phường').fill('dien khanh');
  await page.getByRole('button', { name: 'Xã Diên Khánh' }).click();
  await page.getByLabel('Số nhà, đường, thôn hoặc tổ').fill('Thôn Phú Ân Nam 2');
  audits.address = await auditScreen(page);
  await next();

  await at('Chỗ ở đó là nhà của ai?');
  await page.getByRole('radio', { name: 'Nhà người thân' }).check();
  await next();
  await page.getByLabel('Họ, chữ đệm và tên').waitFor();
  audits.personBlock = await auditScreen(page);
  await page.getByLabel('Họ, chữ đệm và tên').fill('Trần Văn Cường');
  await next();
  await page.getByLabel('Số điện thoại', { exact: true }).fill('0905123456');
  await next();

  await at('Bạn ở đây đến ngày nào?');
  await page.getByLabel('Ngày').fill('31');
  await page.getByLabel('Tháng').fill('12');
  await page.getByLabel('Năm').fill('2026');
  audits.date = await auditScreen(page);
  await next();

  await at('Quét giấy tờ về chỗ ở');
  await page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' }).check();
  await next();
  await page.getByLabel('Số điện thoại để cán bộ gọi cho bạn').fill('0912345678');
  await next();
  await at('Bạn muốn nhận kết quả bằng cách nào?');
  await page.getByRole('radio', { name: 'Đến nhận tại bộ phận một cửa của xã' }).check();
  await next();
  await at('Nhắn tin cho bạn khi có kết quả?');
  await page.getByRole('radio', { name: 'Có, nhắn tin cho tôi' }).check();
  await next();

  await at('Kiểm tra lại thông tin');
  await next();
  await at('Nộp lệ phí 7.000 ₫');
  await page.getByRole('radio', { name: /^Chuyển khoản bằng điện thoại/ }).check();
  await page.getByRole('img', { name: /Mã VietQR/ }).waitFor();
  audits.feeByPhone = await auditScreen(page);
  await page.getByRole('button', { name: 'Gửi hồ sơ' }).click();
  await at('Đã lưu hồ sơ');
  await page.getByRole('img', { name: /Mã VietQR/ }).waitFor();
  audits.savedWithPayment = await auditScreen(page);

  await leaveAfterSubmit(page);
  await page.getByRole('button', { name: 'English' }).click();
  await page.getByRole('button', { name: 'For support staff' }).click();
  await at('Helpers: choose your name');
  await page.getByRole('button', { name: TEST_HELPER.name }).click();
  await page.getByLabel(`Enter the PIN of ${TEST_HELPER.name}`).fill(TEST_HELPER.pin);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await at(`Helper: ${TEST_HELPER.name}`);
  await page.getByRole('button', { name: 'Applications on this kiosk' }).click();
  await at('Applications on this kiosk');
  // The dossier just saved, in the helper's care (test/e2e/queueCare.test.ts audits the cancel screen).
  await page.getByTestId('queue-list').getByRole('button').first().click();
  await at(/^Application [0-9A-F]{8}$/);

  for (const [screen, audit] of Object.entries(audits)) {
    expect(audit.violations, screen).toEqual([]);
    expect(audit.smallTargets, screen).toEqual([]);
  }
  expect(Object.keys(audits).length).toBeGreaterThanOrEqual(20);
  expect(env.browser.cspViolations).toEqual([]);
});
