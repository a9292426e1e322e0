import path from 'node:path';
import { expect, test } from 'vitest';
import type { SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';
import { auditScreen } from '../support/a11y';
import { root, withKiosk } from '../support/kiosk';

/** The demo card on the simulated reader (assets/simulator/cccd-card.json): its QR as printed on the card. */
const DEMO_CARD_QR = '056190012345|225000001|Trần Thị Thử|15031990|Nữ|Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa|20042021';

// The technician loaded the demo card's CSCA: the chip reads as genuine.
const env = withKiosk({
  devices: {
    qrScanner: { driver: 'simulator' },
    cardReader: { driver: 'simulator', cscaFile: path.join(root, 'assets/simulator/csca.pem') },
  },
});

test("after the card's QR, its chip is read with the dates printed on the card: a wrong date is told, the right one shows the chip's data, portrait and authenticity, and fills the dossier", async () => {
  const { page } = env.browser;
  const heading = () => page.getByRole('heading', { level: 1 }).textContent();
  await page.goto(env.kiosk.webHost.url);
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await page.getByLabel('Tìm thủ tục').fill('chung thuc ban sao');
  await page.getByRole('button', { name: /^Chứng thực bản sao từ bản chính/ }).click();
  await expect.poll(heading).toBe('Đưa mã QR trên thẻ căn cước vào máy quét');
  await (env.kiosk.webHost.host.devices.qrScanner as SimulatedQrScanner).scan(DEMO_CARD_QR);
  await expect.poll(heading).toBe('Thông tin trên thẻ của bạn');
  await page.getByRole('button', { name: 'Đọc chip trên thẻ' }).click();

  // The QR gave the number and the birth date: only the expiry is asked.
  await expect.poll(heading).toBe('Ngày hết hạn in trên thẻ (dòng "Có giá trị đến")');
  const expiry = async (year: string) => {
    await page.getByLabel('Ngày', { exact: true }).fill('15');
    await page.getByLabel('Tháng').fill('03');
    await page.getByLabel('Năm').fill(year);
    await page.getByRole('button', { name: 'Đọc chip' }).click();
  };
  await expiry('2031');
  await expect.poll(() => page.getByRole('alert').textContent()).toMatch(/ngày/i);
  const wrongDate = await auditScreen(page);
  await expiry('2030');

  await expect.poll(heading).toBe('Thông tin trong chip của thẻ');
  expect(await page.getByTestId('chip-authenticity').textContent()).toBe('Chip đã được xác thực: dữ liệu đúng như nơi cấp thẻ đã ký.');
  const summary = await page.getByTestId('chip-summary').innerText();
  for (const value of ['Trần Thị Thử', '056190012345', '15/03/1990', 'Nữ', 'Diên An, Diên Khánh, Khánh Hòa', 'Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa']) {
    expect(summary).toContain(value);
  }
  // The portrait decodes: the chip's JPEG is 64 × 80.
  const face = page.getByRole('img', { name: 'Ảnh chân dung lưu trong chip' });
  expect(await face.evaluate((image: HTMLImageElement) => image.decode().then(() => [image.naturalWidth, image.naturalHeight]))).toEqual([64, 80]);
  const result = await auditScreen(page);
  for (const audit of [wrongDate, result]) expect(audit).toEqual({ violations: [], smallTargets: [] });

  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();
  await expect.poll(heading).toBe('Bạn cần chứng thực giấy gì?');
  expect(env.browser.cspViolations).toEqual([]);
});
