import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { CARD_QR, openProcedure } from '../support/journey';
import { withKiosk } from '../support/kiosk';

/**
 * Read-aloud through the real chain: the screen's text, normalised in the page (numbers in words,
 * ID numbers hidden), spoken by the host's espeak-ng, played by the page. The test records what
 * the page asked the host to say and what it played.
 */
const env = withKiosk();

/** Keeps the text of every `speech.say` call and the duration of every sound the page plays. */
function listen(page: Page) {
  return page.addInitScript(() => {
    const said: string[] = [];
    const played: number[] = [];
    const send = window.fetch;
    window.fetch = async (input, init) => {
      if (String(input).endsWith('/speech.say') && init?.body instanceof Blob) said.push(await init.body.text());
      return send(input, init);
    };
    const play = HTMLMediaElement.prototype.play;
    HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
      this.addEventListener('loadedmetadata', () => played.push(this.duration), { once: true });
      return play.call(this);
    };
    Object.assign(window, { __speech: { said, played } });
  });
}

const speech = (page: Page) => page.evaluate(() => (window as unknown as { __speech: { said: string[]; played: number[] } }).__speech);

test('the screen is read aloud in Vietnamese, can be paused, resumed and repeated, and hides the ID number unless asked', async () => {
  const { page } = env.browser;
  await listen(page);
  await page.goto(env.kiosk.webHost.url);

  await page.getByRole('button', { name: 'Đọc to' }).click();
  await page.getByRole('button', { name: 'Tạm dừng' }).waitFor({ timeout: 15_000 });
  await expect.poll(async () => (await speech(page)).played.length).toBe(1);
  // The attract screen's words, as a sound of a plausible length.
  expect((await speech(page)).said[0]).toContain('Chạm để bắt đầu');
  expect((await speech(page)).played[0]).toBeGreaterThan(1);
  await page.getByRole('button', { name: 'Tạm dừng' }).click();
  await page.getByRole('button', { name: 'Đọc tiếp' }).click();
  await page.getByRole('button', { name: 'Đọc lại' }).click();
  await expect.poll(async () => (await speech(page)).played.length, { timeout: 15_000 }).toBe(2);

  // On the card's screen the number is on display, but not said.
  await openProcedure(page, 'chung thuc ban sao', /^Chứng thực bản sao từ bản chính/);
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill(CARD_QR);
  await page.keyboard.press('Enter');
  await page.getByTestId('card-summary').waitFor();
  await page.getByRole('button', { name: 'Đọc to' }).click();
  await expect.poll(async () => (await speech(page)).said.length, { timeout: 15_000 }).toBe(3);
  const hidden = (await speech(page)).said[2]!;
  expect(hidden).toContain('Nguyễn Văn An');
  expect(hidden).toContain('số đã được ẩn');
  expect(hidden).not.toMatch(/056090001234|không năm sáu không chín/);

  // Asked for: read digit by digit.
  await page.getByText('Đọc cả số giấy tờ').click();
  await page.getByRole('button', { name: /Đọc to|Đọc lại/ }).first().click();
  await expect.poll(async () => (await speech(page)).said.length, { timeout: 15_000 }).toBe(4);
  expect((await speech(page)).said[3]).toContain('không năm sáu');

  // A question with the on-screen keyboard: the question is read, not the keys.
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();
  await page.getByRole('heading', { name: 'Bạn cần chứng thực giấy gì?' }).waitFor();
  await page.getByRole('button', { name: 'Đọc to' }).click();
  await expect.poll(async () => (await speech(page)).said.length, { timeout: 15_000 }).toBe(5);
  const question = (await speech(page)).said[4]!;
  expect(question).toContain('Bạn cần chứng thực giấy gì?');
  expect(question).not.toMatch(/Dấu ngã|Dấu cách/);
});

test('a reading whose voice comes back after the citizen moved on is not played on the new screen', async () => {
  const { page } = env.browser;
  // A fresh document (the last test left the kiosk open at the same address), with the recorder.
  await page.goto('about:blank');
  await listen(page);
  // The host's voice comes slowly, as it does for a long screen on a busy kiosk.
  await page.route('**/host/call/speech.say', async (route) => {
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    await route.continue();
  });
  await page.goto(env.kiosk.webHost.url);
  await page.getByRole('button', { name: 'Đọc to' }).click();
  await expect.poll(async () => (await speech(page)).said.length).toBe(1);
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await page.getByRole('heading', { name: 'Chọn ngôn ngữ' }).waitFor();

  await page.waitForResponse('**/host/call/speech.say');
  await page.waitForTimeout(500);
  expect((await speech(page)).played).toEqual([]);
  expect(await page.getByRole('button', { name: 'Tạm dừng' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Đọc to' }).waitFor();
  await page.unroute('**/host/call/speech.say');
});
