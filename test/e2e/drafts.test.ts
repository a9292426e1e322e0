import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { DRAFT_TTL_MS } from '../../renderer/queue/drafts';
import { withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';

const env = withKiosk({}, { link: true, harness: true });

/** A scanned page with a canary a plaintext search would find. */
const scannedPage = (n: number) => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from(`CANARY-DRAFT-${n} Trần Thị Bích`), randomBytes(50_000)]).toString('base64');
const sha256 = (base64: string) => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');
const answers = { applicantName: 'Trần Thị Bích CANARY-ANSWER', applicantNumber: '056090001234', applicantPhone: '0912345678' };

async function openHarness(page: Page) {
  await page.goto(env.kiosk.webHost.url);
  await page.waitForFunction(() => 'queueHarness' in window);
}
const outbox = () => {
  const dir = path.join(env.kiosk.dataDir, 'outbox');
  return existsSync(dir) ? readdirSync(dir) : [];
};
/** The value of a harness call that must succeed. */
const valueOf = <T>(result: { value: T } | { code: string }): T => {
  if ('code' in result) throw new Error(`failed with ${result.code}`);
  return result.value;
};

test('a draft keeps answers and pages sealed through a reload, is never sent or copied, and once submitted arrives with the pages the citizen kept, in their order', async () => {
  const { page } = env.browser;
  await openHarness(page);
  const id = await page.evaluate(() => window.queueHarness.drafts.start());
  valueOf(await page.evaluate(([id, answers]) => window.queueHarness.drafts.answer(id, answers), [id, answers] as const));
  const pages = [1, 2, 3].map(scannedPage);
  const pageIds: string[] = [];
  for (const scan of pages) pageIds.push(valueOf(await page.evaluate(([id, scan]) => window.queueHarness.drafts.addPage(id, scan), [id, scan] as const)));

  // The kiosk restarts its page mid-session: nothing is lost, and nothing was sealed in clear.
  await openHarness(page);
  const [row] = (await rawQueueRows(page)).filter((stored) => stored.row.id === id);
  expect(row!.row.status).toBe('draft');
  expect(row!.row.attachments.map((attachment) => attachment.id)).toEqual(pageIds);
  expect(row!.bytes).not.toContain('CANARY-ANSWER');
  for (const stored of await rawQueueRows(page, 'attachments')) expect(stored.bytes).not.toContain('CANARY-DRAFT');

  // A retake removes page 2; the citizen puts page 3 first; checking the answers makes it ready.
  valueOf(await page.evaluate(([id, pageId]) => window.queueHarness.drafts.removePage(id, pageId), [id, pageIds[1]!] as const));
  const order = [pageIds[2]!, pageIds[0]!];
  valueOf(await page.evaluate(([id, order]) => window.queueHarness.drafts.orderPages(id, order), [id, order] as const));
  expect(await page.evaluate(([id]) => window.queueHarness.drafts.orderPages(id, [id]), [id] as const)).toEqual({ code: 'queue.saveFailed' });
  valueOf(await page.evaluate((id) => window.queueHarness.drafts.markReady(id), id));
  expect(await page.evaluate((id) => window.queueHarness.status(id), id)).toBe('ready');
  // "Sửa" after the check: an edit takes it back to draft, and a draft cannot be submitted.
  const corrected = { ...answers, applicantPhone: '0987654321' };
  valueOf(await page.evaluate(([id, corrected]) => window.queueHarness.drafts.answer(id, corrected), [id, corrected] as const));
  expect(await page.evaluate((id) => window.queueHarness.status(id), id)).toBe('draft');
  expect(await page.evaluate((id) => window.queueHarness.drafts.submit(id), id)).toEqual({ code: 'queue.notReady' });

  // With the link up, a sync run sends nothing and the host keeps no copy of a draft.
  await page.evaluate(() => window.queueHarness.syncNow());
  await new Promise((resolve) => setTimeout(resolve, 1_000));
  expect(env.kiosk.portal.store.dossiers()).toHaveLength(0);
  expect(outbox()).toEqual([]);

  env.kiosk.link!.setFaults({ down: true });
  valueOf(await page.evaluate((id) => window.queueHarness.drafts.markReady(id), id));
  const submitted = valueOf(await page.evaluate((id) => window.queueHarness.drafts.submit(id), id));
  expect(submitted).toEqual({ answers: corrected, attachments: order });
  expect(outbox()).toEqual([`${id}.json`]);
  expect(await page.evaluate(([id, answers]) => window.queueHarness.drafts.answer(id, answers), [id, answers] as const)).toEqual({ code: 'queue.draftGone' });

  env.kiosk.link!.setFaults({});
  await page.evaluate(() => window.queueHarness.syncNow());
  await expect.poll(() => page.evaluate((id) => window.queueHarness.status(id), id), { timeout: 30_000, interval: 300 }).toBe('accepted');
  expect(env.kiosk.portal.store.dossiers().map((dossier) => dossier.uuid)).toEqual([id]);
  for (const [n, pageId] of order.entries()) expect(env.kiosk.portal.store.attachment(id, pageId)?.sha256).toBe(sha256([pages[2]!, pages[0]!][n]!));
  expect(env.kiosk.portal.store.attachment(id, pageIds[1]!)).toBeUndefined();
});

test('a discarded draft leaves no row, no page and no copy, only a deletion record; abandoned drafts go after their time', async () => {
  const { page } = env.browser;
  env.kiosk.link!.setFaults({ down: true });
  await openHarness(page);
  const id = await page.evaluate(() => window.queueHarness.drafts.start());
  valueOf(await page.evaluate(([id, scan]) => window.queueHarness.drafts.addPage(id, scan), [id, scannedPage(9)] as const));
  valueOf(await page.evaluate((id) => window.queueHarness.drafts.markReady(id), id));

  expect(await page.evaluate((id) => window.queueHarness.drafts.discard(id), id)).toBe(true);
  expect((await rawQueueRows(page)).map((stored) => stored.row.id)).not.toContain(id);
  expect((await rawQueueRows(page, 'attachments')).filter((stored) => stored.json.includes(id))).toEqual([]);
  expect((await rawQueueRows(page, 'deletions')).map((stored) => stored.row)).toContainEqual(expect.objectContaining({ id, reason: 'abandoned' }));
  expect(await page.evaluate(([id, scan]) => window.queueHarness.drafts.addPage(id, scan), [id, scannedPage(10)] as const)).toEqual({ code: 'queue.draftGone' });
  expect(await page.evaluate((id) => window.queueHarness.drafts.submit(id), id)).toEqual({ code: 'queue.notReady' });

  // A draft left by a session that never came back: kept within its time, discarded after it.
  const left = await page.evaluate(() => window.queueHarness.drafts.start());
  expect(await page.evaluate((now) => window.queueHarness.drafts.discardAbandoned(now), Date.now())).toBe(0);
  expect(await page.evaluate((now) => window.queueHarness.drafts.discardAbandoned(now), Date.now() + DRAFT_TTL_MS)).toBe(1);
  expect(await page.evaluate((id) => window.queueHarness.status(id), left)).toBeNull();
  // A submitted dossier is never discarded as a draft.
  const { id: queued } = await page.evaluate(() => window.queueHarness.save([]));
  expect(await page.evaluate((id) => window.queueHarness.drafts.discard(id), queued)).toBe(false);
  expect(await page.evaluate((id) => window.queueHarness.status(id), queued)).toBe('queued');
});
