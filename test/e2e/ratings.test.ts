import { expect, test } from 'vitest';
import { withKiosk } from '../support/kiosk';

const env = withKiosk({}, { link: true, harness: true });

test('ratings given while the link is down reach the portal with the next clean sync run, once', async () => {
  const { page } = env.browser;
  const link = env.kiosk.link!;
  link.setFaults({ down: true });
  await page.goto(env.kiosk.webHost.url);
  await page.waitForFunction(() => 'queueHarness' in window);
  const { id } = await page.evaluate(() => window.queueHarness.save([]));
  await page.evaluate((dossierId) => window.queueHarness.recordRating({ score: 5, dossierId }), id);
  // Help at the counter without a dossier is rated too.
  await page.evaluate(() => window.queueHarness.recordRating({ score: 3 }));
  expect(await page.evaluate(() => window.queueHarness.unsentRatings())).toBe(2);
  expect(env.kiosk.portal.store.ratingCount()).toBe(0);

  link.setFaults({});
  await page.evaluate(() => window.queueHarness.syncNow());
  await expect.poll(() => page.evaluate(() => window.queueHarness.unsentRatings()), { timeout: 20_000 }).toBe(0);
  expect(env.kiosk.portal.store.ratingCount()).toBe(2);
});
