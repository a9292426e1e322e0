import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { UPDATE_FOLDER } from '../../electron/host/update/release';
import { addRelease } from '../../scripts/updateFeed';
import { auditScreen } from '../support/a11y';
import { openTechnicianTools, testHelperAccount, testTechnicianAccount } from '../support/helper';
import { openChromium, startKiosk, tempDir, type RunningBrowser, type RunningKiosk } from '../support/kiosk';

/**
 * The technician's software screen against the web host (docs/updates.md): the web host finds and
 * checks releases like a packaged kiosk but cannot install itself, and says so. Installing is
 * test/node/updates.test.ts's, through electron-updater.
 */
const usb = tempDir('usb');
const builds = tempDir('builds');
const env = {} as { kiosk: RunningKiosk; browser: RunningBrowser };
beforeAll(async () => {
  env.kiosk = await startKiosk({ usbDirs: [usb.dir], helpers: [await testHelperAccount(), await testTechnicianAccount()] });
  env.browser = await openChromium();
});
afterAll(async () => {
  await env.browser?.close();
  await env.kiosk?.close();
  usb.remove();
  builds.remove();
});

const appImage = (version: string) => {
  const file = path.join(builds.dir, version, 'DVC-Kiosk.AppImage');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`);
  return file;
};

test('a technician looks for a new version on the province server and on a USB stick: nothing, a checked release, a forged one', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await openTechnicianTools(page);
  await page.getByRole('button', { name: 'Cập nhật phần mềm' }).click();
  await expect.poll(() => page.getByTestId('software-current').textContent()).toBe('Máy đang chạy phiên bản 0.0.0-test.');

  // The province has published nothing yet.
  await page.getByRole('button', { name: 'Tìm bản mới trên máy chủ của tỉnh' }).click();
  await expect.poll(() => page.getByTestId('software-outcome').textContent()).toBe('Không có bản mới hơn. Máy đang chạy bản mới nhất.');

  // No stick carries a feed.
  await page.getByRole('button', { name: 'Tìm bản mới trên USB' }).click();
  await page.getByRole('alert').filter({ hasText: 'Không thấy USB nào có thư mục dvc-kiosk-update' }).waitFor();

  // A stick with a release signed by a key this build does not pin.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const feed = path.join(usb.dir, UPDATE_FOLDER);
  await addRelease(feed, { version: '9.9.9', artifacts: [{ file: appImage('9.9.9'), platform: 'linux' }] }, { keyId: 'forged', privateKey });
  await page.getByRole('button', { name: 'Tìm bản mới trên USB' }).click();
  await page.getByRole('alert').filter({ hasText: 'Bản cập nhật không có chữ ký hợp lệ của tỉnh' }).waitFor();

  // The province's release, on its server: downloaded, checked, and not installable by a web host.
  rmSync(feed, { recursive: true });
  await env.kiosk.portal.publishRelease({ version: '1.2.0', notes: { vi: 'Sửa lỗi in biên nhận', en: 'Fixes receipt printing' }, artifacts: [{ file: appImage('1.2.0'), platform: process.platform === 'win32' ? 'win32' : 'linux' }] });
  await page.getByRole('button', { name: 'Tìm bản mới trên máy chủ của tỉnh' }).click();
  const outcome = page.getByTestId('software-outcome');
  await expect.poll(() => outcome.textContent()).toContain('Bản 1.2.0 (phát hành');
  expect(await outcome.textContent()).toContain('Sửa lỗi in biên nhận');
  expect(await outcome.textContent()).toContain('Máy này không tự cài cập nhật được');
  expect(await page.getByRole('button', { name: /^Cài bản/ }).count()).toBe(0);
  expect(await auditScreen(page)).toEqual({ violations: [], smallTargets: [] });
});
