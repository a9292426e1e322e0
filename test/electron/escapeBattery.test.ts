import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APP_URL } from '../../electron/kioskWindow';
import { stillHere, takeEscapes, tryPageEscapes, watchEscapes } from '../support/escapes';
import { startInVietnamese } from '../support/journey';
import { tempDir } from '../support/kiosk';
import { electronBinary, launchBuiltKiosk, windowState, type ElectronKiosk, type WindowState } from './electronApp';

/**
 * The escape battery against the real Electron app (issue 9): the page's own refusals, as in
 * test/e2e/escapeBattery.test.ts, then what only a browser window offers — new windows, navigation
 * away, devtools, a file dropped by the operating system — which the window refuses
 * (electron/kioskWindow.ts). After every attempt: one window, still on app://kiosk/, same document.
 */
const electron = electronBinary();

/**
 * How long an attempt has to take effect before it is judged: a navigation to a refused loopback
 * port or a local file commits in well under this, so one that was not stopped would be seen.
 */
const SETTLE_MS = 500;
/** Nothing listens there: a navigation that got through would fail fast, and never leave the machine. */
const WEB_PAGE = 'http://127.0.0.1:9/';

interface WindowEscape {
  what: string;
  attempt(page: Page, file: string): Promise<void>;
  /** The page's event that must have been refused too, where the attempt reaches the page. */
  refusedAs?: 'drop';
}

/** A link the citizen could touch, as a page that had one would show it. */
async function touchLink(page: Page, href: string, target = ''): Promise<void> {
  await page.evaluate(
    ({ href, target }) => {
      const link = Object.assign(document.createElement('a'), { id: 'escape-link', href, target, textContent: 'Xem thêm' });
      Object.assign(link.style, { position: 'fixed', top: '0', left: '0', zIndex: '2147483647', padding: '24px', background: '#fff' });
      document.body.append(link);
    },
    { href, target },
  );
  await page.locator('#escape-link').click();
  await page.evaluate(() => document.getElementById('escape-link')?.remove());
}

/** Where the page itself sends the window. */
const goTo = (page: Page, url: string) => page.evaluate((to) => window.location.assign(to), url);

/**
 * A file dropped on the window from the desktop, through Chromium's own drag and drop (not an
 * event made by the page): Chromium would open it in the kiosk's place.
 */
async function dropFromDesktop(page: Page, file: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: [file], dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const) {
    await cdp.send('Input.dispatchDragEvent', { type, x: 300, y: 300, data });
  }
  await cdp.detach();
}

const windowEscapes: readonly WindowEscape[] = [
  { what: 'window.open of a web page', attempt: (page) => page.evaluate((url) => void window.open(url, '_blank'), WEB_PAGE) },
  { what: 'window.open of the app itself', attempt: (page) => page.evaluate(() => void window.open(window.location.href)) },
  { what: 'a target=_blank link', attempt: (page) => touchLink(page, WEB_PAGE, '_blank') },
  { what: 'a link to a web page', attempt: (page) => touchLink(page, WEB_PAGE) },
  { what: 'a link to a local file', attempt: (page, file) => touchLink(page, pathToFileURL(file).href) },
  { what: 'navigation to javascript:', attempt: (page) => goTo(page, 'javascript:window.escaped=true') },
  { what: 'navigation to file:', attempt: (page, file) => goTo(page, pathToFileURL(file).href) },
  { what: 'navigation to data:', attempt: (page) => goTo(page, 'data:text/html,<h1>outside</h1>') },
  { what: 'navigation to an http URL', attempt: (page) => goTo(page, WEB_PAGE) },
  {
    what: 'a webview',
    attempt: (page) =>
      page.evaluate((url) => {
        const webview = document.createElement('webview');
        webview.setAttribute('src', url);
        document.body.append(webview);
      }, WEB_PAGE),
  },
  ...['F12', 'Control+Shift+i', 'Control+Shift+j', 'Control+Shift+c'].map((combo): WindowEscape => ({
    what: `devtools shortcut ${combo}`,
    attempt: (page) => page.keyboard.press(combo),
  })),
  // The shortcuts the page leaves to the browser (renderer/shell/lockdown.ts): a window with no menu has none.
  ...['Control+w', 'Control+q', 'Control+n', 'Control+Shift+n', 'Control+t'].map((combo): WindowEscape => ({
    what: `window shortcut ${combo}`,
    attempt: (page) => page.keyboard.press(combo),
  })),
  { what: 'a file dropped from the desktop', attempt: (page, file) => dropFromDesktop(page, file), refusedAs: 'drop' },
];

describe.skipIf(electron.missing)('escape battery in the Electron kiosk window', () => {
  let kiosk: ElectronKiosk;
  let files: ReturnType<typeof tempDir>;
  let file: string;
  /** The window and its webContents as the app opened them: one window on app://kiosk/, no devtools. */
  let opening: WindowState;

  beforeAll(async () => {
    files = tempDir('escape-files');
    file = path.join(files.dir, 'escape.html');
    writeFileSync(file, '<h1>outside the kiosk</h1>');
    kiosk = await launchBuiltKiosk(electron.path!);
    await startInVietnamese(kiosk.page);
    await kiosk.page.getByLabel('Tìm thủ tục').waitFor();
    opening = await windowState(kiosk.app);
  }, 120_000);
  afterAll(async () => {
    await kiosk?.close();
    files?.remove();
  });

  const expectOneKioskWindow = async (what: string) => {
    expect(await windowState(kiosk.app), what).toEqual(opening);
    expect(kiosk.app.windows(), what).toHaveLength(1);
  };

  test('the app opens one window on app://kiosk/, without devtools', () => {
    expect(opening).toMatchObject({ windows: 1, url: APP_URL, devToolsOpened: false });
  });

  test('forty-two ways out of the kiosk page, refused by the page in the Electron window as in Chromium', { timeout: 120_000 }, async () => {
    await expectOneKioskWindow('before');
    const attempts = await tryPageEscapes(kiosk.page, expectOneKioskWindow);
    expect(await kiosk.page.getByLabel('Tìm thủ tục').isVisible()).toBe(true);
    expect(attempts).toBeGreaterThanOrEqual(30);
  });

  test('new windows, navigation away, devtools and a dropped file: the window refuses each and stays on app://kiosk/', { timeout: 120_000 }, async () => {
    const { app, page } = kiosk;
    await expectOneKioskWindow('before');
    await watchEscapes(page);
    for (const escape of windowEscapes) {
      const opened: string[] = [];
      const navigated: string[] = [];
      const onWindow = (other: Page) => opened.push(other.url());
      const onNavigation = (frame: Frame) => {
        if (frame === page.mainFrame()) navigated.push(frame.url());
      };
      app.on('window', onWindow);
      page.on('framenavigated', onNavigation);
      await escape.attempt(page, file);
      await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
      app.off('window', onWindow);
      page.off('framenavigated', onNavigation);

      expect(opened, escape.what).toEqual([]);
      expect(navigated, escape.what).toEqual([]);
      expect(page.url(), escape.what).toBe(APP_URL);
      expect(await stillHere(page), escape.what).toBe(true);
      const events = await takeEscapes(page);
      if (escape.refusedAs) expect(events, escape.what).toContainEqual([escape.refusedAs, true]);
      await expectOneKioskWindow(escape.what);
    }
    expect(await page.evaluate(() => 'escaped' in window), 'javascript: ran').toBe(false);
    expect(await page.getByLabel('Tìm thủ tục').isVisible()).toBe(true);
    expect(windowEscapes.length).toBeGreaterThanOrEqual(20);
  });
});
