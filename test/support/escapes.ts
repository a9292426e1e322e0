import type { Page } from 'playwright-core';
import { expect } from 'vitest';

/**
 * The escape battery (issue 9): what a citizen can do with the keyboard, mouse and touch to leave
 * the kiosk's page. Run against the web host in Chromium (test/e2e/escapeBattery.test.ts) and in
 * the Electron window (test/electron/escapeBattery.test.ts), which adds the window's own attempts.
 * Each must leave the same page, on the same document, and the page must have refused it itself
 * (`defaultPrevented`, as seen after every handler of the page: renderer/shell/lockdown.ts).
 */

/** The page's events that carry an escape; the page must refuse the one each attempt goes through. */
type Carrier = 'keydown' | 'contextmenu' | 'auxclick' | 'wheel' | 'dragover' | 'drop' | 'dragstart';

export interface PageEscape {
  what: string;
  refusedAs: Carrier;
  attempt(page: Page): Promise<void>;
}

const KEYS = [
  'F1', 'F3', 'F5', 'F6', 'F7', 'F10', 'F11', 'F12',
  'Control+r', 'Control+Shift+r', 'Control+p', 'Control+s', 'Control+o', 'Control+f', 'Control+g', 'Control+h', 'Control+j', 'Control+d',
  'Control+u', 'Control+l', 'Control+e', 'Control+k', 'Control+Equal', 'Control+Minus', 'Control+0',
  'Control+Shift+i', 'Control+Shift+j', 'Control+Shift+c', 'Control+Shift+Delete', 'Control+Shift+b',
  'Alt+ArrowLeft', 'Alt+ArrowRight', 'Alt+Home', 'Meta+r',
];

/** A file dragged in from the desktop, as the page sees it: Chromium would open it in the page's place. */
async function dispatchFile(page: Page, type: 'dragover' | 'drop'): Promise<void> {
  const transfer = await page.evaluateHandle(() => {
    const data = new DataTransfer();
    data.items.add(new File(['<script>alert(1)</script>'], 'escape.html', { type: 'text/html' }));
    return data;
  });
  await page.dispatchEvent('body', type, { dataTransfer: transfer });
  await transfer.dispose();
}

export const pageEscapes: readonly PageEscape[] = [
  ...KEYS.map((combo): PageEscape => ({ what: combo, refusedAs: 'keydown', attempt: (page) => page.keyboard.press(combo) })),
  { what: 'right click', refusedAs: 'contextmenu', attempt: (page) => page.mouse.click(300, 300, { button: 'right' }) },
  { what: 'middle click', refusedAs: 'auxclick', attempt: (page) => page.mouse.click(300, 300, { button: 'middle' }) },
  {
    what: 'Ctrl+wheel zoom',
    refusedAs: 'wheel',
    attempt: async (page) => {
      await page.mouse.move(300, 300);
      await page.keyboard.down('Control');
      await page.mouse.wheel(0, -300);
      await page.keyboard.up('Control');
    },
  },
  { what: 'file dragged over', refusedAs: 'dragover', attempt: (page) => dispatchFile(page, 'dragover') },
  { what: 'file dropped', refusedAs: 'drop', attempt: (page) => dispatchFile(page, 'drop') },
  { what: 'text dragged out', refusedAs: 'dragstart', attempt: (page) => page.getByRole('heading', { level: 1 }).dispatchEvent('dragstart') },
];

/**
 * Marks the document, and records what the page did with each event, seen after all its
 * handlers: bubbling ends at the window. A navigation, even back to the same URL, loses the mark.
 */
export async function watchEscapes(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: Array<[string, boolean]> = [];
    (window as unknown as { escapes: typeof seen }).escapes = seen;
    (window as unknown as { sameDocument: boolean }).sameDocument = true;
    for (const type of ['keydown', 'contextmenu', 'auxclick', 'wheel', 'dragover', 'drop', 'dragstart']) {
      window.addEventListener(type, (event) => seen.push([type, event.defaultPrevented]), { passive: false });
    }
  });
}

/** What the page did with each event since last asked. */
export const takeEscapes = (page: Page) => page.evaluate(() => (window as unknown as { escapes: Array<[string, boolean]> }).escapes.splice(0));
export const stillHere = (page: Page) => page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument === true);

/**
 * Tries every escape of `pageEscapes` on a page showing one of the kiosk's screens, then checks
 * that the page offers no way out of its own: no link, frame or webview, no pinch-zoom. `after`
 * adds the host's own checks after each attempt. Answers how many attempts were made.
 */
export async function tryPageEscapes(page: Page, after?: (what: string) => Promise<void>): Promise<number> {
  const url = page.url();
  await watchEscapes(page);
  let attempts = 0;
  for (const escape of pageEscapes) {
    await escape.attempt(page);
    attempts += 1;
    expect(await stillHere(page), escape.what).toBe(true);
    expect(page.url(), escape.what).toBe(url);
    expect(await takeEscapes(page), escape.what).toContainEqual([escape.refusedAs, true]);
    await after?.(escape.what);
  }

  attempts += 1;
  expect(await page.locator('a[href], a[target], form[target], iframe, webview').count()).toBe(0);
  attempts += 1;
  expect(await page.evaluate(() => getComputedStyle(document.documentElement).touchAction)).toBe('pan-x pan-y');
  return attempts;
}
