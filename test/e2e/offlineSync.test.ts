import { expect, test } from 'vitest';
import { leaveAfterSubmit, submitCertifiedCopy } from '../support/journey';
import { withKiosk } from '../support/kiosk';
import { openHelperQueue } from '../support/helper';

const env = withKiosk({}, { link: true });

test('behind a captive portal and then a dead link, dossiers wait; when the link returns each reaches the portal exactly once', async () => {
  const { page } = env.browser;
  const link = env.kiosk.link!;
  // Village Wi-Fi that answers every request with its login page, 200 OK.
  link.setFaults({ captivePortal: true });
  await page.goto(env.kiosk.webHost.url);
  const first = await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);

  // Then the link dies altogether.
  link.setFaults({ down: true });
  const second = await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);

  await openHelperQueue(page);
  const rows = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(() => rows.count()).toBe(2);
  expect(await rows.allTextContents()).toEqual([expect.stringContaining('Đang chờ gửi'), expect.stringContaining('Đang chờ gửi')]);
  expect(env.kiosk.portal.store.dossiers()).toEqual([]);
  expect(link.stats().captiveResponses).toBeGreaterThan(0);

  // The link comes back; the kiosk notices by itself (portal health, then the sync loop) and the
  // helper's queue screen updates as each dossier is accepted.
  link.setFaults({});
  const accepted = async () => (await rows.allTextContents()).filter((text) => text.includes('Cổng đã nhận')).length;
  await expect.poll(accepted, { timeout: 30_000, interval: 500 }).toBe(2);

  const atPortal = env.kiosk.portal.store.dossiers();
  expect(atPortal.map((d) => d.uuid.slice(0, 8).toUpperCase()).sort()).toEqual([first, second].sort());
  expect(new Set(atPortal.map((d) => d.maHoSo)).size).toBe(2);
  // The older dossier got the earlier code: order kept through the outage.
  const byCode = [...atPortal].sort((a, b) => a.maHoSo!.localeCompare(b.maHoSo!)).map((d) => d.uuid.slice(0, 8).toUpperCase());
  expect(byCode).toEqual([first, second]);
});
