import path from 'node:path';
import { expect, test } from 'vitest';
import { demoCard, type SimulatedCardReader } from '../../electron/host/devices/cardReader/simulatedReader';
import type { SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';
import { auditScreen } from '../support/a11y';
import { openProcedure } from '../support/journey';
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

test("after the card's QR its chip opens with the number (PACE), once the reader is back; a chip that needs the printed dates (BAC) asks for them, says when one is wrong, and either way shows the chip's data, portrait and authenticity and fills the dossier", async () => {
  const { page } = env.browser;
  const heading = () => page.getByRole('heading', { level: 1 }).textContent();
  const reader = env.kiosk.webHost.host.devices.cardReader as SimulatedCardReader;
  await page.goto(env.kiosk.webHost.url);
  await openProcedure(page, 'chung thuc ban sao', /^Chứng thực bản sao từ bản chính/);
  await expect.poll(heading).toBe('Đưa mã QR trên thẻ căn cước vào máy quét');
  await (env.kiosk.webHost.host.devices.qrScanner as SimulatedQrScanner).scan(DEMO_CARD_QR);
  await expect.poll(heading).toBe('Thông tin trên thẻ của bạn');

  const chipShown = async () => {
    await expect.poll(heading).toBe('Thông tin trong chip của thẻ');
    expect(await page.getByTestId('chip-authenticity').textContent()).toBe('Chip đã được xác thực: dữ liệu đúng như nơi cấp thẻ đã ký.');
    const summary = await page.getByTestId('chip-summary').innerText();
    for (const value of ['Trần Thị Thử', '056190012345', '15/03/1990', 'Nữ', 'Diên An, Diên Khánh, Khánh Hòa', 'Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa']) {
      expect(summary).toContain(value);
    }
    // The portrait decodes: the chip's JPEG is 64 × 80.
    const face = page.getByRole('img', { name: 'Ảnh chân dung lưu trong chip' });
    expect(await face.evaluate((image: HTMLImageElement) => image.decode().then(() => [image.naturalWidth, image.naturalHeight]))).toEqual([64, 80]);
  };

  // The reader is unplugged: the screen says so, and reading again works once it is back.
  reader.unplug();
  await page.getByRole('button', { name: 'Đọc chip trên thẻ' }).click();
  await expect.poll(heading).toBe('Chưa đọc được chip');
  expect(await page.getByRole('alert').textContent()).toBe('Máy không tìm thấy đầu đọc thẻ. Vui lòng nhờ cán bộ hỗ trợ.');
  const failed = await auditScreen(page);
  reader.plug();
  // PACE with the CAN from the QR's number: nothing to ask.
  await page.getByRole('button', { name: 'Đọc lại' }).click();
  await chipShown();
  const result = await auditScreen(page);
  await page.getByRole('button', { name: 'Quay lại' }).click();

  // A chip without PACE: the QR gave the number and the birth date, so only the expiry is asked.
  reader.insert({ ...demoCard(), pace: undefined });
  await page.getByRole('button', { name: 'Đọc chip trên thẻ' }).click();
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
  await chipShown();
  for (const audit of [failed, result, wrongDate]) expect(audit).toEqual({ violations: [], smallTargets: [] });

  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();
  await expect.poll(heading).toBe('Bạn cần chứng thực giấy gì?');
  expect(env.browser.cspViolations).toEqual([]);
});
