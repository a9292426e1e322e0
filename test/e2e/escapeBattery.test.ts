import { expect, test } from 'vitest';
import { tryPageEscapes } from '../support/escapes';
import { startInVietnamese } from '../support/journey';
import { withKiosk } from '../support/kiosk';

/**
 * The escape battery against the web host in Chromium (issue 9): the attempts of
 * test/support/escapes.ts, each refused by the page, which stays as it was. Under Electron the
 * window adds its own refusals (navigation, new windows, webviews, devtools): the same attempts and
 * those run against the real app in test/electron/escapeBattery.test.ts (`npm run test:electron`),
 * and the window's rules with fake Electron objects in test/node/kioskWindow.test.ts.
 */
const env = withKiosk();

test('forty-two ways out of the kiosk page: every one refused by the page, which stays as it was', { timeout: 60_000 }, async () => {
  const { page, context } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await startInVietnamese(page);
  await page.getByLabel('Tìm thủ tục').waitFor();

  const attempts = await tryPageEscapes(page);

  expect(context.pages()).toHaveLength(1);
  expect(await page.getByLabel('Tìm thủ tục').isVisible()).toBe(true);
  expect(attempts).toBeGreaterThanOrEqual(30);
});
