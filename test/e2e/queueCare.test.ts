import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { readAuditLog } from '../../electron/host/audit';
import { auditScreen } from '../support/a11y';
import { decodeEscPos } from '../support/escpos';
import { openHelperQueue, TEST_HELPER } from '../support/helper';
import { leaveAfterSubmit, submitCertifiedCopy } from '../support/journey';
import { withPrintingKiosk } from '../support/kiosk';
import { changeQueueWithoutApp, rawQueueRows } from '../support/queue';

const env = withPrintingKiosk({ link: true });

const printedText = () =>
  env.printer.connections
    .map((bytes) => decodeEscPos(bytes))
    .filter((job) => job.cuts > 0)
    .map((job) => job.lines.join('\n'));

/** What the kiosk's IndexedDB holds for one dossier, its pages and its deletion record. */
async function stored(page: Page, id: string) {
  const row = (await rawQueueRows(page)).find((candidate) => candidate.row.id === id)!;
  const pages = (await rawQueueRows(page, 'attachments')).filter((candidate) => (candidate.row as unknown as { dossierId: string }).dossierId === id);
  const deletion = (await rawQueueRows(page, 'deletions')).find((candidate) => candidate.row.id === id)?.row as unknown as Record<string, string> | undefined;
  return { row, pages, deletion };
}

test('queue care: what waits comes first with its age and why; a cancel shreds the dossier with its reason and it is never sent; a needs-help dossier is sent again once under its id; a receipt is reprinted at stage 2', async () => {
  const { page } = env.browser;
  const link = env.kiosk.link!;
  link.setFaults({ down: true });
  await page.goto(env.kiosk.webHost.url);
  const kept = await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);
  const cancelled = await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);
  const ids = Object.fromEntries((await rawQueueRows(page)).map(({ row }) => [row.id.slice(0, 8).toUpperCase(), row.id]));

  await openHelperQueue(page);
  await expect.poll(() => page.getByTestId('queue-unsent').textContent()).toMatch(/^Chưa gửi lên cổng: 2 hồ sơ\. Hồ sơ chờ lâu nhất đã chờ \d+ phút\.$/);
  expect(await page.getByTestId('queue-counts').textContent()).toBe('Có 2 hồ sơ: Đang chờ gửi 2');

  // Why each waits, in plain words: the link failed for the first, and the kiosk will try again by
  // itself; the second waits its turn behind it.
  const facts = page.getByTestId('care-facts');
  await page.getByRole('button', { name: new RegExp(`^${kept} ·`) }).click();
  await expect.poll(() => facts.textContent(), { timeout: 15_000 }).toMatch(/Vì saoLần gửi trước chưa được: .+ Máy sẽ tự gửi lại, không cần làm gì\..+ Đã thử gửi \d+ lần, lần cuối lúc/);
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: new RegExp(`^${cancelled} ·`) }).click();
  expect(await facts.textContent()).toContain('Vì saoHồ sơ đang chờ đến lượt gửi.');

  // Cancel: a reason must be chosen; then the dossier's personal data is gone, with a record of why.
  const audits = [await auditScreen(page)];
  await page.getByRole('button', { name: 'Hủy hồ sơ' }).click();
  const confirm = page.getByRole('button', { name: 'Hủy hẳn hồ sơ này' });
  expect(await confirm.isDisabled()).toBe(true);
  await page.getByRole('radio', { name: 'Người dân chọn nhầm thủ tục' }).check();
  audits.push(await auditScreen(page));
  expect(audits).toEqual([{ violations: [], smallTargets: [] }, { violations: [], smallTargets: [] }]);
  await confirm.click();
  await expect.poll(() => page.getByTestId('care-note').textContent()).toBe(`Đã hủy hồ sơ ${cancelled}. Thông tin của người dân đã được xóa khỏi máy.`);
  expect(await facts.textContent()).toContain('Cán bộ đã hủy hồ sơ');
  expect(await page.getByRole('button', { name: 'Hủy hồ sơ' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'In lại giấy biên nhận' }).count()).toBe(0);
  const shredded = await stored(page, ids[cancelled]!);
  expect(shredded.row.row).toMatchObject({ status: 'cancelled', shreddedAt: expect.any(String) });
  expect(shredded.row.row.sealed).toBeUndefined();
  expect(shredded.row.json).not.toContain('056090001234');
  expect(shredded.pages).toEqual([]);
  expect(shredded.deletion).toMatchObject({ reason: 'cancelled', cancelReason: 'wrongProcedure' });
  expect(readdirSync(path.join(env.kiosk.dataDir, 'outbox'))).toEqual([`${ids[kept]}.json`]);

  // The other one, put aside for a helper: first in the queue, with why and what to do.
  // A dossier the portal mis-took (its upload did not match), as the sync engine's markNeedsHelp
  // leaves it: the reference portal never gets a page wrong by itself.
  await changeQueueWithoutApp(page, env.kiosk.webHost, { putAside: ids[kept]!, lastError: 'portal.uploadHashMismatch' });
  await openHelperQueue(page);
  const rows = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(() => rows.first().textContent()).toContain(`${kept} ·`);
  expect(await rows.first().textContent()).toContain('Cần cán bộ xem');
  expect(await page.getByTestId('queue-counts').textContent()).toBe('Có 2 hồ sơ: Cần cán bộ xem 1 · Đã hủy 1');
  await page.getByRole('button', { name: new RegExp(`^${kept} ·`) }).click();
  expect(await facts.textContent()).toContain('Bấm "Gửi lại" để máy gửi lại hồ sơ cùng toàn bộ giấy tờ');

  // The link is back; sent again from the start, it reaches the portal once, under its own id.
  link.setFaults({});
  await page.getByRole('button', { name: 'Gửi lại' }).click();
  await expect.poll(() => facts.textContent(), { timeout: 30_000 }).toMatch(/Cổng đã nhận, mã \S+/);
  expect(env.kiosk.portal.store.dossiers().map((dossier) => dossier.uuid)).toEqual([ids[kept]]);
  const { maHoSo } = env.kiosk.portal.store.dossiers()[0]!;

  // Reprinted with the portal's code: stage 2.
  const before = printedText().length;
  await page.getByRole('button', { name: 'In lại giấy biên nhận' }).click();
  await expect.poll(() => page.getByTestId('care-note').textContent()).toBe('Đã in lại giấy biên nhận.');
  const reprint = printedText().slice(before);
  expect(reprint).toHaveLength(1);
  expect(reprint[0]).toContain(maHoSo!);

  const { entries } = await readAuditLog(path.join(env.kiosk.dataDir, 'audit.jsonl'));
  expect(entries.filter((entry) => entry.action.startsWith('dossier.')).map(({ action, helper, dossier, step }) => [action, helper, dossier, step])).toEqual([
    ['dossier.cancelled', TEST_HELPER.id, ids[cancelled], 'wrongProcedure'],
    ['dossier.resent', TEST_HELPER.id, ids[kept], undefined],
    ['dossier.reprinted', TEST_HELPER.id, ids[kept], undefined],
  ]);
});
