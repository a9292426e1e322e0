import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { Manifest, PackageFile } from '../../shared/sneakernet';
import { openHelperQueue } from '../support/helper';
import { answerAfterScanToReview, answerCertifiedCopyToScan, CARD_QR, leaveAfterSubmit, pressSubmit, submitCertifiedCopy } from '../support/journey';
import { tempDir, withKiosk } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';

const usb = tempDir('usb');
afterAll(() => usb.remove());
const env = withKiosk({ usbDirs: [usb.dir], devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 2, seed: 0 } } }, { link: true });

/** Each page is cleaned on the host, and on submit read by OCR: seconds on CI's two cores. */
const SLOW = { timeout: 60_000, interval: 250 };

test('link down for days: the waiting dossiers go on a USB stick sealed and signed; the portal imports them once; when the link is back the kiosk learns their codes without uploading anything again', async () => {
  const { page } = env.browser;
  const { portal } = env.kiosk;
  const link = env.kiosk.link!;
  await page.goto(env.kiosk.webHost.url);
  // Enrolled on its first day, when the link worked.
  await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);
  await expect.poll(() => portal.store.dossiers().filter((dossier) => dossier.maHoSo).length, SLOW).toBe(1);

  link.setFaults({ down: true });
  await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);
  await answerCertifiedCopyToScan(page, '2');
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await expect.poll(() => page.locator('.scan-page').count(), SLOW).toBe(2);
  await answerAfterScanToReview(page);
  await pressSubmit(page);
  await expect.poll(() => page.getByRole('heading', { level: 1 }).textContent(), SLOW).toBe('Đã lưu hồ sơ');
  await leaveAfterSubmit(page);
  const waiting = (await rawQueueRows(page)).map(({ row }) => row).filter((row) => row.status === 'queued' || row.status === 'sending');
  expect(waiting).toHaveLength(2);
  expect(waiting.some((row) => row.attachments.length > 0)).toBe(true);

  await openHelperQueue(page);
  await page.getByRole('button', { name: 'Chép các hồ sơ đang chờ gửi ra USB' }).click();
  await expect.poll(() => page.getByTestId('queue-carried').textContent(), SLOW).toMatch(/^Đã chép 2 hồ sơ ra USB\./);
  // The queue says which went on the stick, and when.
  const rows = page.getByTestId('queue-list').getByRole('listitem');
  await expect.poll(async () => (await rows.allTextContents()).filter((text) => /Đang chờ gửi · đã chép ra USB lúc /.test(text)).length).toBe(2);

  // On the stick: one sealed file per dossier and a manifest, ids and hashes only.
  const [kioskFolder] = readdirSync(path.join(usb.dir, 'DVC-Kiosk', 'chuyen-tay')).map((name) => path.join(usb.dir, 'DVC-Kiosk', 'chuyen-tay', name));
  const manifest = Manifest.parse(JSON.parse(readFileSync(path.join(kioskFolder!, 'manifest.json'), 'utf8')));
  expect(manifest.dossiers.map((entry) => entry.uuid).sort()).toEqual(waiting.map((row) => row.id).sort());
  for (const file of readdirSync(kioskFolder!)) {
    const text = readFileSync(path.join(kioskFolder!, file), 'utf8');
    if (file.endsWith('.dvcpkg')) PackageFile.parse(JSON.parse(text));
    for (const canary of ['Nguyễn Văn An', CARD_QR.split('|')[0]!, '0912345678', 'Giấy khai sinh']) expect(text).not.toContain(canary);
  }

  // The one-stop office imports the stick; a second import changes nothing.
  const imported = await portal.importSneakernet(path.join(usb.dir, 'DVC-Kiosk', 'chuyen-tay'));
  expect(imported.refused).toEqual([]);
  expect(imported.imported.map(({ uuid }) => uuid).sort()).toEqual(waiting.map((row) => row.id).sort());
  const again = await portal.importSneakernet(path.join(usb.dir, 'DVC-Kiosk', 'chuyen-tay'));
  expect({ ...again, already: [...again.already].sort() }).toEqual({ imported: [], already: waiting.map((row) => row.id).sort(), refused: [] });
  const atPortal = portal.store.dossiers();
  expect(atPortal).toHaveLength(3);
  // The portal keeps each page as a file in its uploads folder: an upload again would add one.
  const uploadsBefore = readdirSync(path.join(env.kiosk.dataDir, 'uploads')).length;

  // The link comes back: the kiosk's announce hears each is submitted, with the code the import gave.
  link.setFaults({});
  const codes = Object.fromEntries(imported.imported.map(({ uuid, maHoSo }) => [uuid, maHoSo]));
  await expect
    .poll(async () => (await rawQueueRows(page)).map(({ row }) => row).filter((row) => row.id in codes && row.status === 'accepted' && row.portal?.maHoSo === codes[row.id]).length, SLOW)
    .toBe(2);
  expect(portal.store.dossiers()).toHaveLength(3);
  expect(readdirSync(path.join(env.kiosk.dataDir, 'uploads'))).toHaveLength(uploadsBefore);
});
