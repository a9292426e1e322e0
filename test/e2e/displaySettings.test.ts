import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { auditScreen } from '../support/a11y';
import { CARD_QR, openProcedure } from '../support/journey';
import { root, withKiosk } from '../support/kiosk';
import { leaveHelperQueue, openHelperQueue } from '../support/helper';

const env = withKiosk();
const screensDir = path.join(root, 'test/artifacts/screens');

type Mode = 'contrast' | 'text200';
const screens = ['attract', 'queue', 'procedures', 'procedures-keyboard', 'question'] as const;
type ScreenName = (typeof screens)[number];
const onEveryScreen = <T>(value: T) => Object.fromEntries(screens.map((screen) => [screen, value]));
const modeButton = { contrast: 'Tương phản cao', text200: 'A++' } as const;

/** A fresh page at the attract screen: the address differs only in its #token, so goto alone would not reload. */
async function start(page: Page): Promise<void> {
  await page.goto(env.kiosk.webHost.url);
  await page.reload();
}

const heading = (page: Page) => page.getByRole('heading', { level: 1 });
const fontSizeOf = async (page: Page) => parseFloat(await heading(page).evaluate((h1) => getComputedStyle(h1).fontSize));
const display = (page: Page) =>
  page.evaluate(() => ({
    contrast: document.documentElement.dataset.contrast ?? 'normal',
    textScale: getComputedStyle(document.documentElement).getPropertyValue('--text-scale').trim(),
  }));

/** Turns the mode on from the status bar, and waits until the page's root wears it. */
async function turnOn(page: Page, mode: Mode): Promise<void> {
  const button = page.getByRole('button', { name: modeButton[mode], exact: true });
  await button.click();
  await expect.poll(() => button.getAttribute('aria-pressed')).toBe('true');
  await expect.poll(async () => (mode === 'contrast' ? (await display(page)).contrast : (await display(page)).textScale)).toBe(mode === 'contrast' ? 'high' : '2');
}

/**
 * The first screens a citizen meets, with the mode on: attract, the helper's queue, the procedure
 * list with and without its keys, and a question with the keys docked. `check` runs on each and a
 * screenshot is kept (test/artifacts/screens/display-<mode>-<screen>.png) to look at.
 */
async function walk(page: Page, mode: Mode, check: (screen: ScreenName) => Promise<void>): Promise<void> {
  mkdirSync(screensDir, { recursive: true });
  const at = async (screen: ScreenName) => {
    await check(screen);
    await page.screenshot({ path: path.join(screensDir, `display-${mode}-${screen}.png`), fullPage: true });
  };
  const keyboard = page.getByRole('group', { name: 'Bàn phím', exact: true });

  await turnOn(page, mode);
  await at('attract');
  await openHelperQueue(page);
  await page.getByText('Chưa có hồ sơ nào.').waitFor();
  await at('queue');
  // Every way back to the start ends the session, and with it the mode: on again for each part of the walk.
  await leaveHelperQueue(page);
  await turnOn(page, mode);

  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByLabel('Tìm thủ tục').waitFor();
  await at('procedures');
  await page.getByLabel('Tìm thủ tục').click();
  await keyboard.waitFor();
  await at('procedures-keyboard');
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();
  await turnOn(page, mode);

  await openProcedure(page, 'chung thuc ban sao', /^Chứng thực bản sao từ bản chính/);
  await page.getByLabel('Đưa mã QR trên thẻ căn cước vào máy quét').fill(CARD_QR);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Đúng, tiếp tục' }).click();
  await page.getByLabel('Bạn cần chứng thực giấy gì?').waitFor();
  await keyboard.waitFor();
  await at('question');
}

test('with high contrast on, every screen passes axe (WCAG 2.2 AA, colour contrast included) and every target is at least 48 px', async () => {
  const { page } = env.browser;
  await start(page);
  const problems: Partial<Record<ScreenName, string[]>> = {};
  await walk(page, 'contrast', async (screen) => {
    await heading(page).waitFor();
    const { violations, smallTargets } = await auditScreen(page);
    problems[screen] = [...violations, ...smallTargets];
    // The dark palette itself, not only the attribute: white text on black.
    expect(await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor), screen).toBe('rgb(0, 0, 0)');
  });
  expect(problems).toEqual(onEveryScreen([]));
  expect(env.browser.cspViolations).toEqual([]);
});

test('at 200 % text, headings are twice their size and no screen scrolls sideways on a 1280×800 kiosk', async () => {
  const { page } = env.browser;
  await start(page);
  const defaultSize = await fontSizeOf(page);
  const sizes: Partial<Record<ScreenName, number>> = {};
  /** How far each screen scrolls sideways: scrollWidth is never less than clientWidth. */
  const sideways: Partial<Record<ScreenName, number>> = {};
  await walk(page, 'text200', async (screen) => {
    await heading(page).waitFor();
    sizes[screen] = (await fontSizeOf(page)) / defaultSize;
    sideways[screen] = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  });
  expect(sizes).toEqual(onEveryScreen(2));
  expect(sideways).toEqual(onEveryScreen(0));
  expect(env.browser.cspViolations).toEqual([]);
});

test('the end of a session gives the next citizen the default look', async () => {
  const { page } = env.browser;
  await start(page);
  const defaultSize = await fontSizeOf(page);
  await turnOn(page, 'contrast');
  await turnOn(page, 'text200');
  expect(await display(page)).toEqual({ contrast: 'high', textScale: '2' });

  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await page.getByRole('button', { name: 'Tiếng Việt' }).click();
  await page.getByRole('button', { name: 'Về màn hình chính' }).click();

  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  expect(await display(page)).toEqual({ contrast: 'normal', textScale: '1' });
  expect(await fontSizeOf(page)).toBe(defaultSize);
  expect(await page.getByRole('button', { name: 'A', exact: true }).getAttribute('aria-pressed')).toBe('true');
  expect(await page.getByRole('button', { name: 'Tương phản cao' }).getAttribute('aria-pressed')).toBe('false');
});
