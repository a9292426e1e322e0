import { afterAll, beforeAll, expect, test } from 'vitest';
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

test('a citizen submits a dossier, and after a reload the helper finds it in the queue', async () => {
  const { page } = browser;
  // Record the options of every IndexedDB transaction the page opens.
  await page.addInitScript(() => {
    const seen: string[] = [];
    const open = IDBDatabase.prototype.transaction;
    IDBDatabase.prototype.transaction = function (this: IDBDatabase, ...args: Parameters<typeof open>) {
      const transaction = open.apply(this, args);
      seen.push(`${transaction.mode}:${transaction.durability}`);
      return transaction;
    };
    Object.assign(window, { __idbTransactions: seen });
  });
  await page.goto(kiosk.webHost.url);

  // The token left the address bar as soon as the page took it.
  await expect.poll(() => page.url()).not.toContain('token');
  await expect.poll(() => page.getByTestId('portal-status').textContent()).toBe('Đã kết nối cổng dịch vụ công');
  await expect.poll(() => page.getByTestId('app-version').textContent()).toBe('Phiên bản 0.0.0-test');

  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await page.getByRole('button', { name: /Đăng ký khai sinh/ }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Đăng ký khai sinh');

  const phone = page.getByLabel('Số điện thoại của bạn');
  await phone.fill('12345');
  await page.getByRole('button', { name: 'Gửi hồ sơ' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toBe('Số điện thoại gồm 10 chữ số và bắt đầu bằng số 0.');

  await phone.fill('0912 345 678');
  await page.getByRole('button', { name: 'Gửi hồ sơ' }).click();
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent()).toBe('Đã lưu hồ sơ');
  const reference = (await page.getByTestId('saved-reference').textContent())?.match(/[0-9A-F]{8}$/)?.[0];
  expect(reference).toMatch(/^[0-9A-F]{8}$/);
  // The dossier was written with strict durability: flushed to disk before "Đã lưu" showed.
  const transactions = await page.evaluate(() => (window as unknown as { __idbTransactions: string[] }).__idbTransactions);
  expect(transactions).toContain('readwrite:strict');
  expect(transactions.filter((t) => t.startsWith('readwrite') && t !== 'readwrite:strict')).toEqual([]);

  await page.reload();
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  const rows = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(() => rows.count()).toBe(1);
  const row = await rows.first().textContent();
  expect(row).toContain(reference);
  expect(row).toContain('Đăng ký khai sinh');
  expect(row).toContain('Đang chờ gửi');
  expect(browser.cspViolations).toEqual([]);
});

test('the language switch turns every string on screen into English and back', async () => {
  const { page } = browser;
  await page.goto(kiosk.webHost.origin);
  await page.getByRole('button', { name: 'English' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Touch to start' }).count()).toBe(1);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('en');
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await expect.poll(() => page.getByRole('button', { name: 'Chạm để bắt đầu' }).count()).toBe(1);
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
});

test('Vietnamese text renders in the bundled Noto Sans, diacritics included', async () => {
  const { page } = browser;
  await page.goto(kiosk.webHost.origin);
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  const fonts = await page.evaluate(async () => {
    await document.fonts.ready;
    const sample = 'Chạm để bắt đầu Đăng ký khai sinh ỹ Ữ ₫';
    await document.fonts.load('22px "Noto Sans"', sample);
    return {
      loaded: document.fonts.check('22px "Noto Sans"', sample),
      family: getComputedStyle(document.body).fontFamily,
    };
  });
  expect(fonts.family).toMatch(/^"?Noto Sans"?/);
  expect(fonts.loaded).toBe(true);
});
