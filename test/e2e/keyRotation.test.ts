import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { withKiosk } from '../support/kiosk';
import { openRawRows, rawQueueRows, type RawRow } from '../support/queue';

const env = withKiosk({}, { link: true, harness: true });

const DAY_MS = 24 * 60 * 60 * 1000;
const page64 = () => randomBytes(50_000).toString('base64');
const status = (page: Page, id: string) => page.evaluate((id) => window.queueHarness.status(id), id);
const rowOf = async (page: Page, id: string) => (await rawQueueRows(page)).find(({ row }) => row.id === id)!.row;

test('a day-old device key is replaced: dossier keys re-wrapped, copies rewritten, the old key destroyed, and what it wrapped opens no more', async () => {
  const { page } = env.browser;
  const link = env.kiosk.link!;
  const vaultFile = (name: string) => path.join(env.kiosk.dataDir, name);
  await page.goto(env.kiosk.webHost.url);
  await page.waitForFunction(() => 'queueHarness' in window);

  // One dossier the portal has (its copy is gone), one still waiting with its pages (copy kept).
  const { id: sent } = await page.evaluate((pages) => window.queueHarness.save(pages), [page64()]);
  await expect.poll(() => status(page, sent), { timeout: 20_000 }).toBe('accepted');
  link.setFaults({ down: true });
  const pages = [page64(), page64()];
  const { id: waiting } = await page.evaluate((pages) => window.queueHarness.save(pages), pages);
  expect(readdirSync(vaultFile('outbox'))).toEqual([`${waiting}.json`]);

  const oldKey = readFileSync(vaultFile('vault.key'));
  const before = [await rowOf(page, sent), await rowOf(page, waiting)];
  // Not due yet: a fresh key is kept.
  expect(await page.evaluate(() => window.queueHarness.rotateKeysIfDue(Date.now()))).toBe(false);

  expect(await page.evaluate((now) => window.queueHarness.rotateKeysIfDue(now), Date.now() + DAY_MS + 60_000)).toBe(true);
  const newKey = readFileSync(vaultFile('vault.key'));
  expect(newKey.equals(oldKey)).toBe(false);
  expect(existsSync(vaultFile('vault.previous.key'))).toBe(false);
  // The old key is nowhere in the kiosk's files any more.
  for (const name of readdirSync(env.kiosk.dataDir, { recursive: true, encoding: 'utf8' })) {
    if (statSync(vaultFile(name)).isFile()) expect(readFileSync(vaultFile(name)).includes(oldKey)).toBe(false);
  }

  // Every row is under the new key and opens with it; the waiting dossier's pages too.
  const after = [await rowOf(page, sent), await rowOf(page, waiting)];
  expect(new Set(after.map((row) => row.sealed!.keyId)).size).toBe(1);
  expect(after[0]!.sealed!.keyId).not.toBe(before[0]!.sealed!.keyId);
  const opened = await openRawRows(after, newKey);
  expect(opened.map((dossier) => dossier.answers.applicantNumber)).toEqual(['056090001234', '056090001234']);
  expect(await page.evaluate(([id]) => window.queueHarness.page(id, 1), [waiting] as const)).toBe(pages[1]);

  // The copy of the waiting dossier was written again under the new key.
  const copy = JSON.parse(readFileSync(vaultFile(`outbox/${waiting}.json`), 'utf8')) as { row: RawRow; sealed: NonNullable<RawRow['sealed']> };
  expect(copy.sealed.keyId).toBe(after[1]!.sealed!.keyId);
  expect(await openRawRows([{ ...copy.row, sealed: copy.sealed }], newKey)).toHaveLength(1);

  // D2: the wrapped keys as they were before, wherever they may linger, open with no key the kiosk holds.
  for (const row of before) await expect(openRawRows([row], newKey)).rejects.toThrow();
  // (They did open with the old key: the check above is not vacuous.)
  expect(await openRawRows(before, oldKey)).toHaveLength(2);

  // The waiting dossier still reaches the portal, with its pages.
  link.setFaults({});
  await page.evaluate(() => window.queueHarness.syncNow());
  await expect.poll(() => status(page, waiting), { timeout: 20_000 }).toBe('accepted');
  // Its copy goes once the acceptance is committed: the host call may still be on its way.
  await expect.poll(() => readdirSync(vaultFile('outbox'))).toEqual([]);
});
