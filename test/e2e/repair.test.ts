import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { readAuditLog } from '../../electron/host/audit';
import { auditScreen } from '../support/a11y';
import { openHelperQueue, TEST_HELPER } from '../support/helper';
import { leaveAfterSubmit, submitScannedCertifiedCopy } from '../support/journey';
import { withKiosk } from '../support/kiosk';
import { changeQueueWithoutApp, rawQueueRows } from '../support/queue';

/**
 * Guided repair (issue 8): a dossier whose scanned document is no longer on the kiosk cannot be
 * sent. A helper opens it, scans the paper again with the citizen on the journey's own screens,
 * and the kiosk sends it again under the same UUID as revision 1, which the portal takes in place
 * of what it was announced with.
 */
const env = withKiosk({ devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 2, seed: 0 } } }, { link: true });

/** Each page is cleaned on the host (deskew, crop, JPEG): most of a second on CI's two cores. */
const SCAN = { timeout: 20_000, interval: 200 };
const SYNC = { timeout: 30_000, interval: 250 };

const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
const dossierRows = async (page: Page) => (await rawQueueRows(page)).map(({ row }) => row);
const attachmentsOf = async (page: Page, id: string) =>
  (await rawQueueRows(page, 'attachments')).map(({ row }) => row as unknown as { id: string; dossierId: string }).filter((row) => row.dossierId === id);

test('a dossier whose scan was lost is scanned again with the citizen and sent once under its UUID as revision 1; a repair given up leaves it as it was', async () => {
  const { page } = env.browser;
  const { portal, link } = env.kiosk;
  // Saved while the link is down.
  link!.setFaults({ down: true });
  await page.goto(env.kiosk.webHost.url);
  const reference = await submitScannedCertifiedCopy(page);
  await leaveAfterSubmit(page);
  const [first] = await dossierRows(page);
  const id = first!.id;
  expect(first!.attachments.map((attachment) => attachment.mediaType)).toEqual(['application/pdf']);

  // Its sealed pages go from IndexedDB, as a damaged store or a failed write would leave it, and
  // from the host's sealed copy too, which would otherwise bring them back (lostPages.test.ts).
  await changeQueueWithoutApp(page, env.kiosk.webHost, { losePagesOf: id });
  rmSync(path.join(env.kiosk.dataDir, 'outbox', `${id}.json`));
  // Back online: announced, then its upload finds no page.
  link!.setFaults({});
  await expect.poll(async () => (await dossierRows(page)).find((row) => row.id === id)?.status, SYNC).toBe('needsHelp');
  expect((await dossierRows(page))[0]!.sync.lastError).toBe('queue.attachmentMissing');
  expect(portal.store.dossier(id)).toMatchObject({ uuid: id, maHoSo: null });

  // The helper sees why and what to do.
  await openHelperQueue(page);
  await page.getByRole('button', { name: new RegExp(`^${reference} ·`) }).click();
  const facts = page.getByTestId('care-facts');
  expect(await facts.textContent()).toContain('Bấm "Sửa hồ sơ" để quét lại giấy tờ đó cùng người dân');

  // Given up: back at the dossier, as it was, and no copy of it left behind.
  await page.getByRole('button', { name: 'Sửa hồ sơ' }).click();
  await expect.poll(() => heading(page)).toBe('Quét bản chính giấy cần chứng thực');
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await expect.poll(() => heading(page)).toBe('Kiểm tra lại thông tin');
  expect(await page.getByTestId('repair-notice').textContent()).toBe(
    `Đang sửa hồ sơ ${reference} cùng người dân. Bấm "Sửa" ở thông tin cần sửa hoặc giấy tờ cần quét lại. Hồ sơ được gửi lại với mã cũ.`,
  );
  // The lost document has no pages: nothing to send until it is scanned again.
  expect(await page.getByRole('button', { name: 'Lưu và gửi lại' }).isDisabled()).toBe(true);
  expect(await auditScreen(page)).toEqual({ violations: [], smallTargets: [] });
  await page.getByRole('button', { name: 'Bỏ sửa' }).click();
  await expect.poll(() => heading(page)).toBe(`Hồ sơ ${reference}`);
  expect((await dossierRows(page)).map((row) => [row.id, row.status])).toEqual([[id, 'needsHelp']]);

  // Repaired: the paper scanned again on the journey's own screen, checked, sent.
  await page.getByRole('button', { name: 'Sửa hồ sơ' }).click();
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await expect.poll(() => page.locator('.scan-page').count(), SCAN).toBe(2);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await expect.poll(() => heading(page)).toBe('Kiểm tra lại thông tin');
  expect(await page.locator('.answers').innerText()).toContain('2 trang đã quét');
  await page.getByRole('button', { name: 'Lưu và gửi lại' }).click();
  await expect.poll(() => heading(page), SYNC).toBe(`Hồ sơ ${reference}`);
  await expect.poll(() => facts.textContent(), SYNC).toMatch(/Cổng đã nhận, mã \S+/);
  expect(await facts.textContent()).toContain('Số lần đã sửa1');

  // One dossier, its UUID, at the portal once; the lost version's declaration is gone from it.
  const rows = await dossierRows(page);
  expect(rows.map((row) => [row.id, row.status, row.revision])).toEqual([[id, 'accepted', 1]]);
  const [repaired] = rows;
  expect(repaired!.attachments).toHaveLength(1);
  expect(repaired!.attachments[0]!.id).not.toBe(first!.attachments[0]!.id);
  expect(portal.store.dossiers().map((dossier) => dossier.uuid)).toEqual([id]);
  expect(portal.store.dossier(id)).toMatchObject({ maHoSo: expect.any(String), revision: 1 });
  expect(readdirSync(path.join(env.kiosk.dataDir, 'uploads')).filter((name) => !name.endsWith('.json'))).toHaveLength(1);
  expect(await attachmentsOf(page, id)).toHaveLength(1);

  const { entries } = await readAuditLog(path.join(env.kiosk.dataDir, 'audit.jsonl'));
  const actions = entries.map(({ action, helper, dossier }) => [action, helper, dossier] as const);
  expect(actions).toContainEqual(['dossier.repaired', TEST_HELPER.id, id]);
  // Each screen of the repair is the helper's, as when assisting, and about the dossier repaired.
  expect(actions.filter(([action]) => action === 'assist.start')).toEqual([
    ['assist.start', TEST_HELPER.id, id],
    ['assist.start', TEST_HELPER.id, id],
  ]);
  const assisted = actions.filter(([action]) => action === 'assist.start' || action === 'assist.step');
  expect(assisted.length).toBeGreaterThan(2);
  expect(assisted.every(([, , dossier]) => dossier === id)).toBe(true);
});
