import { expect, test } from 'vitest';
import { rawQueueRows } from '../support/queue';
import { withKiosk } from '../support/kiosk';
import { openHelperQueue } from '../support/helper';

const env = withKiosk();

/** A dossier as version 1 of the queue stored it (renderer/queue/db.ts, Dexie version 1 = IndexedDB version 10). */
const v1Dossier = {
  id: '6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10',
  procedureCode: '2.000815',
  catalogueVersion: '2026.11.1',
  status: 'queued',
  createdAt: '2026-11-20T08:00:00.000Z',
  answers: { applicantName: 'Nguyễn Văn An', applicantNumber: '056090001234', documentName: 'Bằng tốt nghiệp', pageCount: 5, copyCount: 1, original: 'atCounter', applicantPhone: '0912345678' },
  feeVnd: 7000,
};

test('a queue written by version 1 opens under the latest version with every dossier kept, sync progress, portal status and an empty attachment list added', async () => {
  const { page } = env.browser;
  // A page of the kiosk's origin that does not start the app, to lay down the old database.
  await page.goto(`${env.kiosk.webHost.origin}/no-app-here.txt`);
  await page.evaluate(
    (dossier) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk', 10);
        open.onupgradeneeded = () => {
          const store = open.result.createObjectStore('dossiers', { keyPath: 'id' });
          store.createIndex('status', 'status');
          store.createIndex('createdAt', 'createdAt');
        };
        open.onsuccess = () => {
          const tx = open.result.transaction('dossiers', 'readwrite');
          tx.objectStore('dossiers').put(dossier);
          tx.oncomplete = () => {
            open.result.close();
            resolve();
          };
          tx.onerror = () => reject(tx.error);
        };
        open.onerror = () => reject(open.error);
      }),
    v1Dossier,
  );

  await page.goto(env.kiosk.webHost.url);
  await openHelperQueue(page);
  const row = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(() => row.count()).toBe(1);
  expect(await row.first().textContent()).toContain('6F1C1A52');

  // Its plain answers were sealed on start: only ciphertext is left in IndexedDB.
  await expect.poll(async () => (await rawQueueRows(page))[0]?.row).not.toHaveProperty('answers');
  const [sealedRow] = await rawQueueRows(page);
  expect(sealedRow!.json).not.toContain('056090001234');
  expect(sealedRow!.row).toHaveProperty('sealed');

  const stored = await page.evaluate(
    () =>
      new Promise<{ version: number; dossier: Record<string, unknown> }>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk');
        open.onsuccess = () => {
          const get = open.result.transaction('dossiers').objectStore('dossiers').get('6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10');
          get.onsuccess = () => resolve({ version: open.result.version, dossier: get.result as Record<string, unknown> });
          get.onerror = () => reject(get.error);
        };
        open.onerror = () => reject(open.error);
      }),
  );
  expect(stored.version).toBe(60);
  const { answers, ...kept } = v1Dossier;
  expect(stored.dossier).toMatchObject({ ...kept, status: expect.stringMatching(/^(queued|sending|accepted)$/) });
  // The sync loop may already have moved it on; the upgrade's shape is what matters here.
  expect(stored.dossier.sync).toEqual(expect.objectContaining({ announced: expect.any(Boolean), uploaded: expect.any(Array), attempts: expect.any(Number) }));
  expect(stored.dossier).toHaveProperty('portal');
  expect(stored.dossier).toHaveProperty('portalStatus');
  expect(stored.dossier.attachments).toEqual([]);
});
