import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { withKiosk } from '../support/kiosk';
import { deleteQueueDatabase, rawQueueRows } from '../support/queue';

const env = withKiosk({}, { link: true, harness: true });

/** A scanned page: a JPEG start, text a plaintext search would find, and noise like a photo's. */
const scannedPage = (n: number) =>
  Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`CANARY-PAGE-${n} Nguyễn Văn An 056090001234`), randomBytes(300_000)]).toString('base64');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

async function openHarness(page: Page) {
  await page.goto(env.kiosk.webHost.url);
  await page.waitForFunction(() => 'queueHarness' in window);
}

test('scanned pages are sealed in IndexedDB and in the host copy, survive a wiped IndexedDB, reach the portal byte for byte, and are shredded', async () => {
  const { page } = env.browser;
  const link = env.kiosk.link!;
  link.setFaults({ down: true });
  await openHarness(page);
  const pages = [1, 2, 3].map(scannedPage);
  const { id } = await page.evaluate((pages) => window.queueHarness.save(pages), pages);

  // Sealed where they rest: three attachment rows and one host copy, none with the page's text.
  const rows = await rawQueueRows(page, 'attachments');
  expect(rows).toHaveLength(3);
  for (const row of rows) expect(row.bytes).not.toContain('CANARY-PAGE');
  const copyFile = path.join(env.kiosk.dataDir, 'outbox', `${id}.json`);
  const copy = readFileSync(copyFile, 'utf8');
  expect((JSON.parse(copy) as { attachments: unknown[] }).attachments).toHaveLength(3);
  for (const n of [1, 2, 3]) expect(Buffer.from(copy).includes(`CANARY-PAGE-${n}`)).toBe(false);

  // IndexedDB is lost; the host copy brings the dossier back with every page.
  await deleteQueueDatabase(page, env.kiosk.webHost.origin);
  await openHarness(page);
  await expect.poll(() => page.evaluate((id) => window.queueHarness.status(id), id), { timeout: 10_000 }).toBe('queued');
  expect(await page.evaluate(([id]) => window.queueHarness.page(id, 1), [id] as const)).toBe(pages[1]);

  // The link comes back: the dossier and its pages arrive once, and the portal holds the same bytes.
  link.setFaults({});
  await page.evaluate(() => window.queueHarness.syncNow());

  await expect.poll(() => page.evaluate((id) => window.queueHarness.status(id), id), { timeout: 30_000, interval: 300 }).toBe('accepted');
  expect(env.kiosk.portal.store.dossiers()).toHaveLength(1);
  const uploadDir = path.join(env.kiosk.dataDir, 'uploads');
  const received = readdirSync(uploadDir).filter((name) => !name.endsWith('.json')).map((name) => sha256(readFileSync(path.join(uploadDir, name))));
  expect(received.sort()).toEqual(pages.map((p) => sha256(Buffer.from(p, 'base64'))).sort());

  // Past retention the pages go with the key, in IndexedDB and on the host.
  expect(await page.evaluate(() => window.queueHarness.shredExpired(0))).toBe(1);
  expect(await rawQueueRows(page, 'attachments')).toEqual([]);
  expect(existsSync(copyFile)).toBe(false);
});
