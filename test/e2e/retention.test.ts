import { readdirSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { leaveAfterSubmit, submitCertifiedCopy } from '../support/journey';
import { withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';
import { openHelperQueue } from '../support/helper';

// No retention: a dossier's personal data is destroyed as soon as the portal has it.
const env = withKiosk({ retentionDays: 0 });

test('once the portal has a dossier for the retention period, its key and ciphertext are destroyed, with a record, and the copy goes too', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  const reference = await submitCertifiedCopy(page);

  await expect.poll(async () => (await rawQueueRows(page))[0]?.row.shreddedAt, { timeout: 20_000 }).toEqual(expect.any(String));
  const [row] = await rawQueueRows(page);
  expect(row!.row).not.toHaveProperty('sealed');
  expect(row!.row).toMatchObject({ status: 'accepted', portal: { maHoSo: expect.stringMatching(/^22651-/) } });
  expect(row!.bytes).toBe('');
  expect(readdirSync(path.join(env.kiosk.dataDir, 'outbox'))).toEqual([]);

  const deletions = await page.evaluate(
    () =>
      new Promise<unknown[]>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk');
        open.onsuccess = () => {
          const all = open.result.transaction('deletions').objectStore('deletions').getAll();
          all.onsuccess = () => resolve(all.result as unknown[]);
          all.onerror = () => reject(all.error);
        };
      }),
  );
  expect(deletions).toEqual([{ id: row!.row.id, at: row!.row.shreddedAt, reason: 'retention' }]);

  // The helper still sees that the dossier existed and reached the portal.
  await leaveAfterSubmit(page);
  await openHelperQueue(page);
  expect(await page.getByTestId('queue-list').getByRole('listitem').first().textContent()).toMatch(new RegExp(`${reference} · .*Cổng đã nhận`));
  // And the portal still has it, once.
  expect(env.kiosk.portal.store.dossiers()).toHaveLength(1);
});
