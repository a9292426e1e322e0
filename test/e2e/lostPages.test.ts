import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { leaveAfterSubmit, submitScannedCertifiedCopy } from '../support/journey';
import { withKiosk } from '../support/kiosk';
import { changeQueueWithoutApp, rawQueueRows } from '../support/queue';

/**
 * A scanned page IndexedDB lost (a damaged store, a failed write) is not a dossier lost: the
 * host's sealed copy holds it, sealed under the same dossier key, and the sending puts it back.
 * test/e2e/repair.test.ts is the case where both lost it.
 */
const env = withKiosk({ devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 2, seed: 0 } } }, { link: true });

test("a page IndexedDB lost comes back from the host's sealed copy, and the dossier is sent whole with no helper", async () => {
  const { page } = env.browser;
  const { link, webHost, dataDir } = env.kiosk;
  link!.setFaults({ down: true });
  await page.goto(webHost.url);
  await submitScannedCertifiedCopy(page);
  await leaveAfterSubmit(page);
  const [row] = (await rawQueueRows(page)).map(({ row }) => row);
  const pagesOf = async () => (await rawQueueRows(page, 'attachments')).filter(({ row: stored }) => (stored as unknown as { dossierId: string }).dossierId === row!.id);
  expect(await pagesOf()).toHaveLength(1);

  await changeQueueWithoutApp(page, webHost, { losePagesOf: row!.id });
  expect(await pagesOf()).toEqual([]);
  link!.setFaults({});
  await expect.poll(async () => (await rawQueueRows(page)).find((stored) => stored.row.id === row!.id)?.row.status, { timeout: 30_000 }).toBe('accepted');

  // The portal has the page the citizen scanned, byte for byte, and IndexedDB has it again.
  const uploads = path.join(dataDir, 'uploads');
  const received = readdirSync(uploads).filter((name) => !name.endsWith('.json')).map((name) => createHash('sha256').update(readFileSync(path.join(uploads, name))).digest('hex'));
  expect(received).toEqual([row!.attachments[0]!.sha256]);
  expect(await pagesOf()).toHaveLength(1);
});
