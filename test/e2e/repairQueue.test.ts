import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';

/**
 * Guided repair in the queue (renderer/queue/repair.ts), through the queue harness: the repair
 * edits a copy, and its commit puts the copy in the dossier's place under the same UUID.
 * test/e2e/repair.test.ts walks the same repair on the screens.
 */
const env = withKiosk({}, { link: true, harness: true });

const scannedPage = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), randomBytes(40_000)]).toString('base64');
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const valueOf = <T>(result: { value: T } | { code: string }): T => {
  if ('code' in result) throw new Error(`failed with ${result.code}`);
  return result.value;
};
const rows = async (page: Page) => (await rawQueueRows(page)).map(({ row }) => row);
const pagesOf = async (page: Page, dossierId: string) =>
  (await rawQueueRows(page, 'attachments')).map(({ row }) => row as unknown as { id: string; dossierId: string }).filter((row) => row.dossierId === dossierId).map((row) => row.id);

test('a repair edits a copy; its commit keeps the UUID and an unchanged page\'s id, raises the revision, and the dossier reaches the portal once', async () => {
  const { page } = env.browser;
  const { link, portal } = env.kiosk;
  link!.setFaults({ down: true });
  await page.goto(env.kiosk.webHost.url);
  await page.waitForFunction(() => 'queueHarness' in window);
  const [kept, dropped, added] = [scannedPage(), scannedPage(), scannedPage()];
  const { id } = await page.evaluate((pages) => window.queueHarness.save(pages), [kept, dropped]);
  const [original] = await rows(page);
  const originalPages = original!.attachments.map((attachment) => attachment.id);

  // Only a dossier waiting for a helper is repaired.
  expect(await page.evaluate((id) => window.queueHarness.repair.start(id), id)).toEqual({ code: 'queue.repairGone' });
  await page.evaluate((id) => window.queueHarness.repair.putAside(id, 'portal.badRequest'), id);
  const { draftId, lostDocuments, answers } = valueOf(await page.evaluate((id) => window.queueHarness.repair.start(id), id));
  expect(lostDocuments).toEqual([]);
  expect(answers).toMatchObject({ applicantPhone: '0912345678' });
  const copy = (await rows(page)).find((row) => row.id === draftId)!;
  expect(copy).toMatchObject({ status: 'draft', repairOf: id });
  expect(copy.attachments.map((attachment) => attachment.sha256)).toEqual(original!.attachments.map((attachment) => attachment.sha256));
  expect(copy.attachments.map((attachment) => attachment.id)).not.toContain(originalPages[0]);

  // The helper corrects the phone and replaces the second page; the dossier itself is untouched.
  valueOf(await page.evaluate(([draftId, answers]) => window.queueHarness.drafts.answer(draftId, { ...answers, applicantPhone: '0987654321' }), [draftId, answers] as const));
  valueOf(await page.evaluate(([draftId, pageId]) => window.queueHarness.drafts.removePage(draftId, pageId), [draftId, copy.attachments[1]!.id] as const));
  valueOf(await page.evaluate(([draftId, scan]) => window.queueHarness.drafts.addPage(draftId, scan), [draftId, added] as const));
  const untouched = (await rows(page)).find((row) => row.id === id)!;
  expect([untouched.status, untouched.attachments, untouched.sealed, untouched.revision]).toEqual(['needsHelp', original!.attachments, original!.sealed, undefined]);
  expect(await page.evaluate((draftId) => window.queueHarness.repair.commit(draftId), draftId)).toEqual({ code: 'queue.notReady' });
  valueOf(await page.evaluate((draftId) => window.queueHarness.drafts.markReady(draftId), draftId));

  // Sent again meanwhile from the queue's care: the repair is refused and changes nothing.
  await page.evaluate((id) => window.queueHarness.repair.resend(id), id);
  expect(await page.evaluate((draftId) => window.queueHarness.repair.commit(draftId), draftId)).toEqual({ code: 'queue.repairGone' });
  expect((await rows(page)).find((row) => row.id === id)?.attachments.map((attachment) => attachment.id)).toEqual(originalPages);
  await page.evaluate((id) => window.queueHarness.repair.putAside(id, 'portal.badRequest'), id);

  link!.setFaults({});
  const committed = valueOf(await page.evaluate((draftId) => window.queueHarness.repair.commit(draftId), draftId));
  expect(committed.revision).toBe(1);
  expect(committed.answers).toMatchObject({ applicantPhone: '0987654321' });
  expect(committed.attachments[0]).toBe(originalPages[0]);
  expect(originalPages).not.toContain(committed.attachments[1]);
  // The copy is gone; the dossier's pages are the repaired ones, sealed under its own id.
  expect((await rows(page)).map((row) => [row.id, row.revision])).toEqual([[id, 1]]);
  expect((await pagesOf(page, id)).sort()).toEqual([...committed.attachments].sort());
  expect(await pagesOf(page, draftId)).toEqual([]);

  await expect.poll(() => page.evaluate((id) => window.queueHarness.status(id), id), { timeout: 30_000 }).toBe('accepted');
  expect(portal.store.dossiers().map((dossier) => dossier.uuid)).toEqual([id]);
  expect(portal.store.dossier(id)).toMatchObject({ revision: 1 });
  const uploadDir = path.join(env.kiosk.dataDir, 'uploads');
  const uploaded = readdirSync(uploadDir).filter((name) => !name.endsWith('.json')).map((name) => sha256(readFileSync(path.join(uploadDir, name))));
  expect(uploaded.sort()).toEqual([kept, added].map((scan) => sha256(Buffer.from(scan, 'base64'))).sort());
  // Sent: nothing more to repair.
  expect(await page.evaluate((id) => window.queueHarness.repair.start(id), id)).toEqual({ code: 'queue.repairGone' });
});
