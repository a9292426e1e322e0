import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { submitCertifiedCopy } from '../support/journey';
import { withKiosk } from '../support/kiosk';
import { deleteQueueDatabase } from '../support/queue';
import { openHelperQueue } from '../support/helper';

const env = withKiosk({}, { link: true });

test('a queued dossier lives on in its sealed copy when IndexedDB is wiped, and still reaches the portal once', async () => {
  const { page } = env.browser;
  env.kiosk.link!.setFaults({ down: true });
  await page.goto(env.kiosk.webHost.url);
  const reference = await submitCertifiedCopy(page);

  // The host wrote the copy before "Đã lưu" showed: one file, named by the UUID, no personal data in clear.
  const outbox = path.join(env.kiosk.dataDir, 'outbox');
  const [file] = readdirSync(outbox);
  expect(file?.slice(0, 8).toUpperCase()).toBe(reference);
  const copy = readFileSync(path.join(outbox, file!), 'utf8');
  for (const canary of ['Nguyễn Văn An', 'NGUYỄN', '056090001234', '0912345678']) expect(copy).not.toContain(canary);

  // The browser profile loses its IndexedDB (a wiped profile, a database that would not open).
  await deleteQueueDatabase(page, env.kiosk.webHost.origin);

  await page.goto(env.kiosk.webHost.url);
  await openHelperQueue(page);
  const rows = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(1);
  expect(await rows.first().textContent()).toContain(`${reference} · Chứng thực bản sao từ bản chính`);

  env.kiosk.link!.setFaults({});
  await expect.poll(() => rows.first().textContent(), { timeout: 30_000, interval: 500 }).toMatch(/Cổng đã nhận, mã 22651-/);
  const atPortal = env.kiosk.portal.store.dossiers();
  expect(atPortal).toHaveLength(1);
  expect(atPortal[0]!.metadata).toMatchObject({ ChuHoSo: 'Nguyễn Văn An', SoGiayToChuHoSo: '056090001234' });
});
