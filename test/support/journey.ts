import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/** A fake card (domain notes §1.3): with an old CMND number and a pre-2025 address. */
export const CARD_QR = '056090001234|225123456|NGUYỄN VĂN AN|15031990|Nam|Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa|20042021\r\n';

/**
 * A citizen certifies a 5-page copy from the attract screen up to check answers. Every screen is
 * reached by waiting for its own labelled control. test/e2e/walkingSkeleton.test.ts walks the same
 * way screen by screen, with its assertions; this is for tests about what happens after.
 */
export async function fillCertifiedCopyToReview(page: Page): Promise<void> {
  await answerCertifiedCopyToScan(page, '5');
  await page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' }).check();
  await answerAfterScanToReview(page);
}

/** From the scan step, its paper scanned or left for the counter: the phone, no text message, check answers. */
export async function answerAfterScanToReview(page: Page, phone = '0912345678'): Promise<void> {
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByLabel('Số điện thoại để cán bộ gọi cho bạn').fill(phone);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('radio', { name: 'Không cần' }).check();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('heading', { level: 1, name: 'Kiểm tra lại thông tin' }).waitFor();
}

/** From the attract screen to the list of procedures, in Vietnamese. */
export async function startInVietnamese(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
}

/** From a procedure's overview to its ID card screen: "Bắt đầu", then consent to the personal-data notice. */
export async function beginProcedure(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Bắt đầu' }).click();
  await page.getByRole('button', { name: 'Tôi đồng ý' }).click();
}

/** From the attract screen to the ID card screen of the procedure found by `query`. */
export async function openProcedure(page: Page, query: string, name: RegExp): Promise<void> {
  await startInVietnamese(page);
  await page.getByLabel('Tìm thủ tục').fill(query);
  await page.getByRole('button', { name }).click();
  await beginProcedure(page);
}

/** From the attract screen to the question that asks for the paper of a `pages`-page copy of `document`, with the card of `cardQr`. */
export async function answerCertifiedCopyToScan(page: Page, pages: string, cardQr = CARD_QR, document = 'Giấy khai sinh'): Promise<void> {
  await openProcedure(page, 'chung thuc ban sao', /^Chứng thực bản sao từ bản chính/);
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill(cardQr);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();
  for (const [question, value] of [
    ['Bạn cần chứng thực giấy gì?', document],
    ['Giấy đó có mấy trang?', pages],
    ['Bạn cần mấy bản sao?', '1'],
  ] as const) {
    await page.getByLabel(question).fill(value);
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
  }
}

/** From check answers on to the fee screen, choosing to pay at the counter; returns its "Gửi hồ sơ". */
export async function payAtCounter(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  const counter = page.getByRole('radio', { name: 'Nộp tiền mặt cho cán bộ tại quầy' });
  // With a payee the citizen chooses; without, the counter is the only way and the button waits for nothing.
  await counter.or(page.getByText(/^Vui lòng nộp lệ phí/)).first().waitFor();
  if (await counter.count()) await counter.check();
  return page.getByRole('button', { name: 'Gửi hồ sơ' });
}

/** From check answers, pays at the counter and presses "Gửi hồ sơ" (the save); resolves as soon as the click was dispatched. */
export async function pressSubmit(page: Page): Promise<void> {
  await (await payAtCounter(page)).click();
}

/** The whole journey to "Đã lưu"; returns the kiosk reference shown on screen. */
export async function submitCertifiedCopy(page: Page): Promise<string> {
  await fillCertifiedCopyToReview(page);
  await pressSubmit(page);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Đã lưu hồ sơ');
  return (await page.getByTestId('saved-reference').textContent())!.match(/[0-9A-F]{8}$/)![0];
}

/**
 * From "Đã lưu hồ sơ" back to the attract screen without rating: "Tiếp tục" to the rating, "Bỏ qua",
 * then "Về màn hình chính" on the thanks (which would also go back by itself after a few seconds).
 */
export async function leaveAfterSubmit(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('button', { name: 'Bỏ qua' }).click();
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();
}

/**
 * A citizen certifies a copy whose `pages` sheets the kiosk's (simulated, fast) feeder scans, up to
 * "Đã lưu hồ sơ"; returns the kiosk reference shown. Each page is cleaned on the host, most of a
 * second on CI's two cores, and the submit waits for the document's OCR.
 */
export async function submitScannedCertifiedCopy(page: Page, { pages = 2, phone }: { pages?: number; phone?: string } = {}): Promise<string> {
  await answerCertifiedCopyToScan(page, String(pages));
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await expect.poll(() => page.locator('.scan-page').count(), { timeout: 20_000, interval: 200 }).toBe(pages);
  await answerAfterScanToReview(page, phone);
  await pressSubmit(page);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), { timeout: 30_000 }).toBe('Đã lưu hồ sơ');
  return (await page.getByTestId('saved-reference').textContent())!.match(/[0-9A-F]{8}$/)![0];
}
