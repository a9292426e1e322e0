import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { startInVietnamese } from '../support/journey';
import { withKiosk } from '../support/kiosk';

/**
 * The escape battery against the web host in Chromium (issue 9): what a citizen can do with the
 * keyboard, mouse and touch to leave the kiosk's page. Each attempt must leave the same page, on
 * the same document, with no other page opened, and the page must have refused it itself
 * (`defaultPrevented`, as seen after every handler of the page). Under Electron the window adds
 * its own refusals (navigation, new windows, webviews: test/node/kioskWindow.test.ts).
 */
const env = withKiosk();

const KEYS = [
  'F1', 'F3', 'F5', 'F6', 'F7', 'F10', 'F11', 'F12',
  'Control+r', 'Control+Shift+r', 'Control+p', 'Control+s', 'Control+o', 'Control+f', 'Control+g', 'Control+h', 'Control+j', 'Control+d',
  'Control+u', 'Control+l', 'Control+e', 'Control+k', 'Control+Equal', 'Control+Minus', 'Control+0',
  'Control+Shift+i', 'Control+Shift+j', 'Control+Shift+c', 'Control+Shift+Delete', 'Control+Shift+b',
  'Alt+ArrowLeft', 'Alt+ArrowRight', 'Alt+Home', 'Meta+r',
];

/** What the page did with each event, seen after all its handlers: bubbling ends at the window. */
async function watch(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Array<[string, boolean]> = [];
    (window as unknown as { escapes: typeof seen }).escapes = seen;
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
    for (const type of ['keydown', 'contextmenu', 'auxclick', 'wheel', 'dragover', 'drop', 'dragstart']) {
      window.addEventListener(type, (event) => seen.push([type, event.defaultPrevented]), { passive: false });
    }
  });
}
const escapes = (page: Page) => page.evaluate(() => (window as unknown as { escapes: Array<[string, boolean]> }).escapes.splice(0));
const stillHere = (page: Page) => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

test('forty-two ways out of the kiosk page: every one refused by the page, which stays as it was', { timeout: 60_000 }, async () => {
  const { page, context } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await startInVietnamese(page);
  await page.getByLabel('Tìm thủ tục').waitFor();
  const url = page.url();
  await watch(page);
  let attempts = 0;
  const refused = async (what: string, expected: string) => {
    attempts += 1;
    expect(await stillHere(page), what).toBe(true);
    expect(page.url(), what).toBe(url);
    expect(await escapes(page), what).toContainEqual([expected, true]);
  };

  for (const combo of KEYS) {
    await page.keyboard.press(combo);
    await refused(combo, 'keydown');
  }

  await page.mouse.click(300, 300, { button: 'right' });
  await refused('right click', 'contextmenu');
  await page.mouse.click(300, 300, { button: 'middle' });
  await refused('middle click', 'auxclick');
  await page.mouse.move(300, 300);
  await page.keyboard.down('Control');
  await page.mouse.wheel(0, -300);
  await page.keyboard.up('Control');
  await refused('Ctrl+wheel zoom', 'wheel');

  // A file dragged onto the kiosk: Chromium would open it in the page's place.
  const file = await page.evaluateHandle(() => {
    const transfer = new DataTransfer();
    transfer.items.add(new File(['<script>alert(1)</script>'], 'escape.html', { type: 'text/html' }));
    return transfer;
  });
  await page.dispatchEvent('body', 'dragover', { dataTransfer: file });
  await refused('file dragged over', 'dragover');
  await page.dispatchEvent('body', 'drop', { dataTransfer: file });
  await refused('file dropped', 'drop');
  await page.getByRole('heading', { level: 1 }).dispatchEvent('dragstart');
  await refused('text dragged out', 'dragstart');

  // No link leaves the app, nor opens a new window; no pinch-zoom.
  attempts += 1;
  expect(await page.locator('a[href], a[target], form[target], iframe, webview').count()).toBe(0);
  attempts += 1;
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).touchAction)).toBe('pan-x pan-y');

  expect(context.pages()).toHaveLength(1);
  expect(await page.getByLabel('Tìm thủ tục').isVisible()).toBe(true);
  expect(attempts).toBeGreaterThanOrEqual(30);
});
