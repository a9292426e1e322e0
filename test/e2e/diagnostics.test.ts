import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openTechnicianTools, signInTestHelper, TEST_TECHNICIAN, testHelperAccount, testTechnicianAccount } from '../support/helper';
import { CARD_QR, leaveAfterSubmit, submitCertifiedCopy } from '../support/journey';
import { openChromium, startKiosk, tempDir, type RunningBrowser, type RunningKiosk } from '../support/kiosk';

const usb = tempDir('usb');
const env = {} as { kiosk: RunningKiosk; browser: RunningBrowser };
beforeAll(async () => {
  env.kiosk = await startKiosk({ usbDirs: [usb.dir], helpers: [await testHelperAccount(), await testTechnicianAccount()] }, { fileLog: true });
  env.browser = await openChromium();
});
afterAll(async () => {
  await env.browser?.close();
  await env.kiosk?.close();
  usb.remove();
});

/** Every file under a folder. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });

test("a technician's diagnostics bundle reaches the USB stick whole, with the kiosk's logs and state and none of a citizen's personal data", async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  // A citizen's whole journey first: their card's number, old ID number, name and phone pass through the kiosk.
  await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);

  // A helper sees no technician's tools.
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await signInTestHelper(page);
  await page.getByRole('button', { name: 'Hồ sơ trên máy' }).waitFor();
  expect(await page.getByRole('button', { name: 'Công cụ kỹ thuật viên' }).count()).toBe(0);
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();

  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await openTechnicianTools(page);
  await page.getByRole('button', { name: 'Xuất gói chẩn đoán ra USB' }).click();
  // The bundle asks the system what devices it sees (scanimage -L asks every SANE backend): seconds.
  await expect.poll(() => page.getByTestId('diagnostics-folders').textContent(), { timeout: 30_000 }).toContain(path.join(usb.dir, 'DVC-Kiosk', 'chan-doan'));

  const [bundle] = readdirSync(path.join(usb.dir, 'DVC-Kiosk', 'chan-doan'));
  const folder = path.join(usb.dir, 'DVC-Kiosk', 'chan-doan', bundle!);
  const files = filesUnder(folder);
  const manifest = JSON.parse(readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; size: number }> };
  expect(manifest.files.map((file) => file.path).sort()).toEqual(files.map((file) => path.relative(folder, file)).filter((file) => file !== 'manifest.json').sort());
  expect(files.some((file) => file.includes(`${path.sep}logs${path.sep}kiosk-`))).toBe(true);
  const queue = JSON.parse(readFileSync(path.join(folder, 'queue.json'), 'utf8')) as { byStatus: Record<string, number> };
  expect(Object.values(queue.byStatus).reduce((sum, n) => sum + n, 0)).toBe(1);
  const audit = readFileSync(path.join(folder, 'audit.jsonl'), 'utf8');
  expect(audit).toContain('"helper":"thu"');

  // The canaries: the card's numbers and name (as printed and as names are shown), the phone, every PIN.
  const [cccd, cmnd, name] = CARD_QR.split('|') as [string, string, string];
  const canaries = [cccd, cmnd, name, 'Nguyễn Văn An', '0912345678', TEST_TECHNICIAN.pin, '246810'];
  for (const file of files) {
    const bytes = readFileSync(file);
    for (const canary of canaries) {
      for (const form of [canary.normalize('NFC'), canary.normalize('NFD')]) expect(bytes.includes(Buffer.from(form)), `${form} in ${file}`).toBe(false);
    }
  }
});
