import type { Page } from 'playwright-core';
import { test, type ExpectStatic } from 'vitest';
import { KioskConfig } from '../../shared/config';
import { auditScreen } from '../support/a11y';
import { answerAfterScanToReview, beginProcedure, CARD_QR, fillCertifiedCopyToReview, openProcedure, pressSubmit, startInVietnamese } from '../support/journey';
import { openChromium, withKiosk, type RunningBrowser } from '../support/kiosk';
import { drafts, leftovers, rawQueueRows } from '../support/queue';

/**
 * A citizen walks away (quality targets A3, D5): after the quiet time a warning counts down,
 * "Tôi vẫn đang dùng" keeps the journey, and at zero nothing of the citizen is left for the next
 * one. The kiosk has a 3 s quiet time and the shortest warning its config allows (20 s, WCAG
 * 2.2.1). The two sessions idle side by side, each in its own Chromium (its own clipboard and
 * storage), so the file takes about as long as one of them.
 */
const IDLE_SECONDS = 3;
const WARNING_SECONDS = 20;
const env = withKiosk({
  idleSeconds: IDLE_SECONDS,
  idleWarningSeconds: WARNING_SECONDS,
  devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 1, seed: 0 } },
});

const TYPED_ANSWER = 'Giấy khen CANARY-4417';
const PHONE = '0961234567';
/** Everything personal the first citizen showed or typed: the card's name (as printed and as written), numbers and address, and their answers. */
const CANARIES = ['NGUYỄN VĂN AN', 'Nguyễn Văn An', '056090001234', '225123456', 'Phú Ân Nam', TYPED_ANSWER, PHONE];
const ENDED = 'Phiên làm việc vừa rồi đã kết thúc vì lâu không có thao tác.';
const SUBMITTED_SAFE = 'Hồ sơ bạn đã gửi vẫn được lưu an toàn.';
/** The wipe lands once the warning ran its time, and within a second of it (D5), allowing for polling. */
const WIPE_AFTER_MS = { min: (WARNING_SECONDS - 1) * 1000, max: (WARNING_SECONDS + 1.5) * 1000 };

const warning = (page: Page) => page.getByRole('alertdialog', { name: 'Bạn còn đang dùng máy không?' });
/** The big countdown (the live region beside it says it only every ten seconds). */
const countdown = (page: Page) => warning(page).locator('.idle-countdown').textContent();
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();

/** Waits for the warning, which starts its countdown from the full time; returns when it appeared. */
async function warned(page: Page, expect: ExpectStatic): Promise<number> {
  await warning(page).waitFor({ timeout: (IDLE_SECONDS + 5) * 1000 });
  const shownAt = Date.now();
  expect(await countdown(page)).toMatch(new RegExp(`^Còn (${WARNING_SECONDS}|${WARNING_SECONDS - 1}) giây$`));
  return shownAt;
}

/** Waits out the countdown; returns how long the wipe took from the warning's appearance. */
async function waitForWipe(page: Page, shownAt: number): Promise<number> {
  await page.getByText(ENDED).waitFor({ timeout: (WARNING_SECONDS + 5) * 1000 });
  return Date.now() - shownAt;
}

test.concurrent('a citizen who walks away mid-journey is warned, can stay, and then leaves nothing behind', async ({ expect }) => {
  const { page, context } = env.browser;
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(env.kiosk.webHost.url).origin });
  await page.goto(env.kiosk.webHost.url);

  // The card's QR: name and number on screen; then a typed answer, one scanned page (the session's draft) and the phone.
  await openProcedure(page, 'chung thuc ban sao', /^Chứng thực bản sao từ bản chính/);
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill(CARD_QR);
  await page.keyboard.press('Enter');
  const card = await page.getByTestId('card-summary').innerText();
  expect(card).toContain('056090001234');
  expect(card.normalize('NFC').toUpperCase()).toContain('NGUYỄN VĂN AN');
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();
  for (const [question, value] of [
    ['Bạn cần chứng thực giấy gì?', TYPED_ANSWER],
    ['Giấy đó có mấy trang?', '1'],
    ['Bạn cần mấy bản sao?', '1'],
  ] as const) {
    await page.getByLabel(question).fill(value);
    await page.getByRole('button', { name: 'Tiếp tục' }).click();
  }
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await page.locator('.scan-page').waitFor({ timeout: 20_000 });
  await expect.poll(async () => (await drafts(page)).length).toBe(1);
  await answerAfterScanToReview(page, PHONE);
  // The citizen copied something: it must not stay on the clipboard either.
  await page.evaluate((text) => navigator.clipboard.writeText(text), TYPED_ANSWER);
  // Every canary is there to be found: the check below could fail.
  expect(await leftovers(page, CANARIES)).toEqual(expect.arrayContaining(['Nguyễn Văn An', '056090001234', TYPED_ANSWER, PHONE]));

  // Quiet: the warning takes focus, counts down, and says what will go. "Tôi vẫn đang dùng" keeps the journey.
  await warned(page, expect);
  expect(await page.evaluate(() => document.activeElement?.closest('[role="alertdialog"]') !== null)).toBe(true);
  expect(await warning(page).textContent()).toContain('Hồ sơ chưa gửi sẽ không được giữ lại.');
  await warning(page).getByRole('button', { name: 'Tôi vẫn đang dùng' }).click();
  await warning(page).waitFor({ state: 'hidden' });
  expect(await heading(page)).toBe('Kiểm tra lại thông tin');
  expect(await leftovers(page, [TYPED_ANSWER])).toEqual([TYPED_ANSWER]);

  // Quiet again: the full countdown again, with no WCAG A/AA violation and no small target; then the wipe.
  const shownAt = await warned(page, expect);
  const audit = await auditScreen(page);
  expect(audit).toEqual({ violations: [], smallTargets: [] });
  await expect.poll(() => countdown(page), { timeout: 5000 }).toMatch(/^Còn 1[0-7] giây$/);
  expect(await page.getByRole('alertdialog').locator('[aria-live="polite"]').count()).toBe(1);
  const tookMs = await waitForWipe(page, shownAt);
  expect(tookMs).toBeGreaterThanOrEqual(WIPE_AFTER_MS.min);
  expect(tookMs).toBeLessThanOrEqual(WIPE_AFTER_MS.max);

  // Nothing left: screen, storage, clipboard, the draft and its pages.
  expect(await leftovers(page, CANARIES)).toEqual([]);
  expect(await page.getByText(ENDED).textContent()).not.toContain(SUBMITTED_SAFE);
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe('');
  await expect.poll(() => drafts(page)).toEqual([]);
  expect(await rawQueueRows(page, 'attachments')).toEqual([]);
  // The store kept nothing either: the same procedure starts blank. The message went with the new session.
  await startInVietnamese(page);
  await page.getByRole('button', { name: /^Chứng thực bản sao từ bản chính/ }).click();
  await beginProcedure(page);
  await page.getByRole('button', { name: 'Không có thẻ' }).click();
  await expect.poll(() => page.getByLabel('Họ và tên của bạn').inputValue()).toBe('');
  expect(await leftovers(page, CANARIES)).toEqual([]);
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Chọn thủ tục khác' }).click();
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  expect(await leftovers(page, [ENDED])).toEqual([]);
});

test.concurrent('a citizen who sent their dossier and walks away is told it is safe, and it stays in the queue', async ({ expect }) => {
  let browser: RunningBrowser | undefined;
  try {
    browser = await openChromium();
    const { page } = browser;
    await page.goto(env.kiosk.webHost.url);
    await fillCertifiedCopyToReview(page);
    await pressSubmit(page);
    await expect.poll(() => heading(page)).toBe('Đã lưu hồ sơ');
    const reference = (await page.getByTestId('saved-reference').textContent())!.match(/[0-9A-F]{8}$/)![0];
    const [saved] = (await rawQueueRows(page)).map(({ row }) => row);
    expect(saved).toBeDefined();
    // A touch and a key, each before the quiet time is up, keep the session going past it.
    for (const act of [() => page.getByRole('heading', { level: 1 }).click(), () => page.keyboard.press('Shift')]) {
      await pause((IDLE_SECONDS - 1) * 1000);
      await act();
    }
    await pause((IDLE_SECONDS - 1) * 1000);
    expect(await warning(page).count()).toBe(0);

    const shownAt = await warned(page, expect);
    expect(await warning(page).textContent()).toContain(SUBMITTED_SAFE);
    await waitForWipe(page, shownAt);

    expect(await page.getByText(ENDED).textContent()).toContain(SUBMITTED_SAFE);
    // Safe in the queue, and nothing on screen says which dossier or whose.
    expect(await leftovers(page, [...CANARIES, reference, saved!.id])).toEqual([]);
    const rows = (await rawQueueRows(page)).map(({ row }) => row);
    expect(rows).toEqual([expect.objectContaining({ id: saved!.id, status: expect.stringMatching(/^(queued|sending|accepted)$/) })]);
    expect(rows[0]!.shreddedAt).toBeUndefined();
  } finally {
    await browser?.close();
  }
});

test.concurrent('a warning shorter than WCAG 2.2.1\'s 20 s is refused by the config', ({ expect }) => {
  expect(KioskConfig.safeParse({ idleWarningSeconds: 19 }).success).toBe(false);
  expect(KioskConfig.parse({})).toMatchObject({ idleSeconds: 90, idleWarningSeconds: 30 });
});
