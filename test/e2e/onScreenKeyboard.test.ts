import type { Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import type { SimulatedQrScanner } from '../../electron/host/devices/qrScanner/simulator';
import { auditScreen, type ScreenAudit } from '../support/a11y';
import { beginProcedure, CARD_QR, startInVietnamese } from '../support/journey';
import { withKiosk } from '../support/kiosk';

const env = withKiosk();

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const keyboardOf = (page: Page) => page.getByRole('group', { name: 'Bàn phím', exact: true });
/** Touches the on-screen keys by their accessible names, one after another. */
async function press(page: Page, ...keys: string[]) {
  for (const name of keys) await keyboardOf(page).getByRole('button', { name, exact: true }).click();
}

test('a citizen without a scannable card certifies a copy typing only on the on-screen keys: search, name with tones and marks, CCCD and number pads, phone pad', async () => {
  const { page } = env.browser;
  const audits: Record<string, ScreenAudit> = {};
  const keyboard = keyboardOf(page);
  const box = async (locator: Locator) => (await locator.boundingBox())!;
  /** A question's box, its keys and "Tiếp tục": in that order down the page, none over another. */
  const expectDocked = async (question: string) => {
    const input = await box(page.getByLabel(question, { exact: true }));
    const keys = await box(keyboard);
    const next = await box(page.getByRole('button', { name: 'Tiếp tục' }));
    expect(input.y + input.height, question).toBeLessThanOrEqual(keys.y);
    expect(keys.y + keys.height, question).toBeLessThanOrEqual(next.y);
    expect(await page.getByLabel(question, { exact: true }).getAttribute('inputmode')).toBe('none');
  };

  await page.goto(env.kiosk.webHost.url);
  await startInVietnamese(page);

  // The list is what most citizens touch: the keys come up only once the search box is touched.
  const search = page.getByLabel('Tìm thủ tục');
  await search.waitFor();
  expect(await keyboard.count()).toBe(0);
  await search.click();
  await press(page, 'c', 'h', 'u', 'n', 'g', 'Dấu cách', 't', 'h', 'u', 'c');
  expect(await search.inputValue()).toBe('chung thuc');
  expect(await search.getAttribute('inputmode')).toBe('none');
  audits.searchWithKeys = await auditScreen(page);
  await press(page, 'Xong');
  expect(await keyboard.count()).toBe(0);
  await page.getByRole('button', { name: /^Chứng thực bản sao từ bản chính/ }).click();
  await beginProcedure(page);

  // No card to scan: the citizen types what the card would have given.
  await expect.poll(() => heading(page)).toBe('Đưa mã QR trên thẻ căn cước vào máy quét');
  await page.getByRole('button', { name: 'Không có thẻ' }).click();

  // The name, with its tone and mark buttons; the new tone rule puts huyền on the a of "Hoà".
  await expect.poll(() => heading(page)).toBe('Họ và tên của bạn');
  await expectDocked('Họ và tên của bạn');
  await press(page, 'Chữ hoa', 'N', 'g', 'u', 'y', 'e', 'n', 'Chữ ê', 'Dấu ngã', 'Dấu cách');
  await press(page, 'Chữ hoa', 'T', 'h', 'i', 'Dấu nặng', 'Dấu cách');
  await press(page, 'Chữ hoa', 'H', 'o', 'a', 'Dấu huyền');
  expect(await page.getByLabel('Họ và tên của bạn').inputValue()).toBe('Nguyễn Thị Hoà');
  audits.textKeys = await auditScreen(page);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  // The CCCD number on the digit pad, one wrong digit taken back; "Xong" answers like "Tiếp tục".
  await expect.poll(() => heading(page)).toBe('Số định danh cá nhân của bạn');
  await expectDocked('Số định danh cá nhân của bạn');
  expect(await keyboard.getByRole('button', { name: 'a', exact: true }).count()).toBe(0);
  await press(page, '0', '5', '6', '1', '9', '0', '0', '1', '2', '3', '4', '9', 'Xóa', '5');
  audits.numericKeys = await auditScreen(page);
  await press(page, 'Xong');

  await expect.poll(() => heading(page)).toBe('Bạn cần chứng thực giấy gì?');
  await press(page, 'Chữ hoa', 'G', 'i', 'a', 'y', 'Chữ â', 'Dấu sắc', 'Dấu cách', 'k', 'h', 'a', 'i', 'Dấu cách', 's', 'i', 'n', 'h');
  expect(await page.getByLabel('Bạn cần chứng thực giấy gì?').inputValue()).toBe('Giấy khai sinh');
  await press(page, 'Xong');

  await expect.poll(() => heading(page)).toBe('Giấy đó có mấy trang?');
  await press(page, '2', 'Xong');
  await expect.poll(() => heading(page)).toBe('Bạn cần mấy bản sao?');
  await press(page, '1', 'Xong');

  await expect.poll(() => heading(page)).toBe('Quét bản chính giấy cần chứng thực');
  expect(await keyboard.count()).toBe(0);
  await page.getByRole('checkbox', { name: 'Tôi sẽ nộp bản giấy này cho cán bộ tại quầy' }).check();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  // The phone pad: a short number is refused as on "Tiếp tục", then mended on the keys.
  await expect.poll(() => heading(page)).toBe('Số điện thoại để cán bộ gọi cho bạn');
  await expectDocked('Số điện thoại để cán bộ gọi cho bạn');
  await press(page, '0', '9', '1', '2', '3', '4', '5', '6', '7', 'Xong');
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Số điện thoại gồm 10 chữ số và bắt đầu bằng số 0.');
  audits.phoneKeysWithError = await auditScreen(page);
  await press(page, '8', 'Xong');
  await expect.poll(() => heading(page)).toBe('Nhắn tin cho bạn khi có kết quả?');
  expect(await keyboard.count()).toBe(0);
  await page.getByRole('radio', { name: 'Không cần' }).check();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  await expect.poll(() => heading(page)).toBe('Kiểm tra lại thông tin');
  // Each answer exactly as typed, and composed (NFC): "ấ" one code point, not a + U+0302 + U+0301.
  const rows = await page.locator('.answer').evaluateAll((answers) => answers.map((row) => [row.querySelector('dt')!.textContent, row.querySelector('dd')!.textContent]));
  expect(rows).toEqual([
    ['Họ và tên của bạn', 'Nguyễn Thị Hoà'],
    ['Số định danh cá nhân của bạn', '056190012345'],
    ['Bạn cần chứng thực giấy gì?', 'Giấy khai sinh'],
    ['Giấy đó có mấy trang?', '2'],
    ['Bạn cần mấy bản sao?', '1'],
    ['Quét bản chính giấy cần chứng thực', expect.any(String)],
    ['Số điện thoại để cán bộ gọi cho bạn', '0912345678'],
    ['Nhắn tin cho bạn khi có kết quả?', 'Không cần'],
  ]);
  for (const [, answer] of rows) expect(answer).toBe(answer!.normalize('NFC'));

  for (const [screen, audit] of Object.entries(audits)) {
    expect(audit.violations, screen).toEqual([]);
    expect(audit.smallTargets, screen).toEqual([]);
  }
  expect(env.browser.cspViolations).toEqual([]);
});

test('one keyboard serves a field of several boxes: "Xong" goes from commune search to detail, and from day to month to year, then answers', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.origin); // a fresh session; the token is in sessionStorage
  await startInVietnamese(page);
  await page.getByLabel('Tìm thủ tục').click();
  await press(page, 't', 'a', 'm', 'Dấu cách', 't', 'r', 'u');
  await page.getByRole('button', { name: /^Đăng ký tạm trú/ }).click();
  await beginProcedure(page);
  await expect.poll(() => heading(page)).toBe('Đưa mã QR trên thẻ căn cước vào máy quét');
  await (env.kiosk.webHost.host.devices.qrScanner as SimulatedQrScanner).scan(CARD_QR.trimEnd());
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();

  await expect.poll(() => heading(page)).toBe('Địa chỉ nơi bạn ở tạm');
  const commune = page.getByLabel('Xã, phường');
  const detail = page.getByLabel('Số nhà, đường, thôn hoặc tổ');
  await page.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Tỉnh Khánh Hòa' });
  // The keys go to the commune search first, and are marked as going there.
  await press(page, 'd', 'i', 'e', 'n', 'Dấu cách', 'k', 'h', 'a', 'n', 'h');
  expect(await commune.inputValue()).toBe('dien khanh');
  expect(await commune.getAttribute('data-keyboard-target')).toBe('true');
  // "Xong" takes the keys on to the detail box; the commune is touched in the list meanwhile.
  await press(page, 'Xong');
  await press(page, 'Chữ hoa', 'T', 'h', 'o', 'n', 'Chữ ô', 'Dấu cách', '2');
  expect([await commune.inputValue(), await detail.inputValue()]).toEqual(['dien khanh', 'Thôn 2']);
  expect(await detail.getAttribute('data-keyboard-target')).toBe('true');
  await page.getByRole('button', { name: 'Xã Diên Khánh' }).click();
  await press(page, 'Xong');

  await expect.poll(() => heading(page)).toBe('Chỗ ở đó là nhà của ai?');
  await page.getByRole('radio', { name: 'Nhà người thân' }).check();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  // The input stays a real one: a helper's physical keyboard (here fill) still answers.
  await page.getByLabel('Họ, chữ đệm và tên').fill('Trần Văn Cường');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByLabel('Số điện thoại', { exact: true }).fill('0905123456');
  await page.getByRole('button', { name: 'Tiếp tục' }).click();

  await expect.poll(() => heading(page)).toBe('Bạn ở đây đến ngày nào?');
  await press(page, '3', '1', '9', 'Xong', '1', '2', 'Xong', '2', '0', '3', '0');
  expect([await page.getByLabel('Ngày').inputValue(), await page.getByLabel('Tháng').inputValue(), await page.getByLabel('Năm').inputValue()]).toEqual(['31', '12', '2030']);
  expect(await page.getByLabel('Năm').evaluate((box) => box === document.activeElement)).toBe(true);
  await press(page, 'Xong');
  await expect.poll(() => heading(page)).toBe('Quét giấy tờ về chỗ ở');
});
