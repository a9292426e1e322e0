import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { readAuditLog } from '../../electron/host/audit';
import { logDir } from '../../electron/host/log';
import { auditScreen } from '../support/a11y';
import { signInTestHelper, TEST_HELPER } from '../support/helper';
import { answerAfterScanToReview, answerCertifiedCopyToScan, CARD_QR } from '../support/journey';
import { withKiosk } from '../support/kiosk';
import { drafts, leftovers, rawQueueRows } from '../support/queue';

/**
 * A screen that fails to render (renderer/shell/ErrorBoundary.tsx) never leaves a white or frozen
 * screen, nor the session's data: a calm screen in the session's language, the session wiped, the
 * error's name in the host's log, then the attract screen. The error is a real one, in the real
 * built app: the test does what a page translator or another extension does to a page
 * (facebook/react#11538), it moves the screen React rendered into an element of its own. React does
 * not know, and at the next change of screen it fails to remove the old one from where it left it
 * (NotFoundError in React's commit, which goes to the nearest error boundary). No code of the kiosk
 * is there for the test.
 */
const env = withKiosk({ devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 1, seed: 0 } } }, { fileLog: true });

const TYPED_ANSWER = 'Giấy khen CANARY-5521';
const PHONE = '0961234567';
/** Everything personal the citizen showed or typed: the card's name (as printed and as written), numbers and address, and their answers. */
const CANARIES = ['NGUYỄN VĂN AN', 'Nguyễn Văn An', '056090001234', '225123456', 'Phú Ân Nam', TYPED_ANSWER, PHONE];
const ERROR_TITLE = 'Đã có lỗi. Máy đang mở lại từ đầu.';

const attract = (page: Page) => page.getByRole('button', { name: 'Chạm để bắt đầu' });
const errorHeading = (page: Page, name = ERROR_TITLE) => page.getByRole('heading', { level: 1, name });
/** The kiosk afresh, whatever the test before left on screen (the same address again would only change the fragment). */
async function openKiosk(page: Page): Promise<void> {
  await page.goto('about:blank');
  await page.goto(env.kiosk.webHost.url);
}

/**
 * Moves the screen whose heading is `heading` into a <font> of its own, in its place, as Chrome's
 * translator wraps text. Also marks the document, so the test sees whether the kiosk started afresh.
 */
async function wrapLikeATranslator(heading: Locator): Promise<void> {
  await heading.evaluate((h1) => {
    const screen = h1.closest('main')!;
    const font = document.createElement('font');
    screen.replaceWith(font);
    font.append(screen);
    (window as unknown as { beforeTheError?: boolean }).beforeTheError = true;
  });
}
const sameDocument = (page: Page) => page.evaluate(() => (window as unknown as { beforeTheError?: boolean }).beforeTheError === true);

/** The host's log lines about render failures, parsed. */
async function renderFailures(): Promise<Array<{ raw: string; error: string; components: string[] }>> {
  const dir = logDir(env.kiosk.dataDir);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.log'));
  const lines = (await Promise.all(files.map((name) => readFile(path.join(dir, name), 'utf8')))).join('\n').split('\n');
  return lines.filter((line) => line.includes('"renderer.renderFailed"')).map((raw) => ({ raw, ...(JSON.parse(raw) as { error: string; components: string[] }) }));
}

test('a screen that fails mid-journey shows a calm Vietnamese screen with nothing of the citizen, logs only the error’s name, and starts over by itself', async () => {
  const { page } = env.browser;
  await openKiosk(page);

  // The card's name and numbers, a typed answer, one scanned page (the session's draft) and the phone: all on check answers.
  await answerCertifiedCopyToScan(page, '1', CARD_QR, TYPED_ANSWER);
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await page.locator('.scan-page').waitFor({ timeout: 20_000 });
  await expect.poll(async () => (await drafts(page)).length).toBe(1);
  await answerAfterScanToReview(page, PHONE);
  // Every canary is there to be found: the checks below could fail.
  expect(await leftovers(page, CANARIES)).toEqual(expect.arrayContaining(['Nguyễn Văn An', '056090001234', TYPED_ANSWER, PHONE]));

  // The next screen fails to render: the error screen, in Vietnamese, with focus on its heading.
  await wrapLikeATranslator(page.getByRole('heading', { level: 1, name: 'Kiểm tra lại thông tin' }));
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await errorHeading(page).waitFor({ timeout: 5_000 });
  const shownAt = Date.now();
  expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(ERROR_TITLE);
  const text = await page.locator('body').innerText();
  expect(text).toContain('Để giữ kín thông tin của bạn, những gì đang làm dở đã được xóa.');
  expect(text).toMatch(/Máy sẽ mở lại sau \d+ giây\./);
  expect(await page.getByRole('button', { name: 'Bắt đầu lại' }).count()).toBe(1);
  // Nothing of the citizen, and nothing of the error: no name, message or stack.
  expect(await leftovers(page, CANARIES)).toEqual([]);
  expect(text).not.toMatch(/Error|removeChild|\.js|\bat\s+\w+\s*\(/);
  // Large and touchable, with no WCAG A/AA violation.
  expect(await auditScreen(page)).toEqual({ violations: [], smallTargets: [] });

  // By itself, after a few seconds of reading: a new page, at the attract screen.
  await attract(page).waitFor({ timeout: 20_000 });
  const tookMs = Date.now() - shownAt;
  expect(tookMs).toBeGreaterThanOrEqual(5_000);
  expect(tookMs).toBeLessThanOrEqual(15_000);
  expect(await sameDocument(page)).toBe(false);
  expect(await leftovers(page, CANARIES)).toEqual([]);
  // The draft and its page were shredded, as the idle wipe does.
  expect(await drafts(page)).toEqual([]);
  expect(await rawQueueRows(page, 'attachments')).toEqual([]);

  // The host's log has the error's name and the components, nothing of the citizen and no message.
  await expect.poll(async () => (await renderFailures()).length, { timeout: 5_000 }).toBe(1);
  const [failure] = await renderFailures();
  expect(failure!.error).toBe('NotFoundError');
  expect(failure!.components).toContain('main');
  for (const name of failure!.components) expect(name).toMatch(/^[A-Za-z_$][\w$]*$/);
  for (const canary of [...CANARIES, 'removeChild', 'not a child']) expect(failure!.raw).not.toContain(canary);
});

test('in an English session the error screen is in English, and “Start again” goes back to the start at once', async () => {
  const { page } = env.browser;
  await openKiosk(page);
  const before = (await renderFailures()).length;
  await attract(page).click();
  // Choosing English changes the screen: that change fails.
  await wrapLikeATranslator(page.getByRole('heading', { level: 1, name: 'Chọn ngôn ngữ' }));
  await page.getByRole('main').getByRole('button', { name: 'English' }).click();
  const heading = errorHeading(page, 'Something went wrong. The kiosk is starting again.');
  await heading.waitFor({ timeout: 5_000 });
  expect(await page.getByText(ERROR_TITLE).count()).toBe(0);

  const tappedAt = Date.now();
  await page.getByRole('button', { name: 'Start again' }).click();
  await attract(page).waitFor({ timeout: 5_000 });
  expect(Date.now() - tappedAt).toBeLessThan(4_000);
  expect(await sameDocument(page)).toBe(false);
  await expect.poll(async () => (await renderFailures()).length, { timeout: 5_000 }).toBe(before + 1);
});

test('a helper’s desk that fails to render goes back to the start with the helper signed out', async () => {
  const { page } = env.browser;
  await openKiosk(page);
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await signInTestHelper(page);
  const queue = page.getByRole('button', { name: 'Hồ sơ trên máy' });
  await queue.waitFor();

  await wrapLikeATranslator(page.getByRole('heading', { level: 1 }));
  await queue.click();
  await errorHeading(page).waitFor({ timeout: 5_000 });
  expect(await page.getByRole('button', { name: 'Hồ sơ trên máy' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Bắt đầu lại' }).click();
  await attract(page).waitFor({ timeout: 5_000 });
  expect(await sameDocument(page)).toBe(false);

  // Signed out by the wipe: the audit log says so, and the desk asks for a PIN again.
  const auditFile = path.join(env.kiosk.dataDir, 'audit.jsonl');
  await expect
    .poll(async () => (await readAuditLog(auditFile)).entries.map(({ action, helper }) => `${action} ${helper}`).slice(-2), { timeout: 5_000 })
    .toEqual([`helper.signIn ${TEST_HELPER.id}`, `helper.signOut ${TEST_HELPER.id}`]);
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await page.getByRole('heading', { name: 'Cán bộ hỗ trợ: chọn tên của bạn' }).waitFor();
});
