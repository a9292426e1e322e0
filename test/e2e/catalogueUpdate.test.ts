import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openTechnicianTools, testHelperAccount, testTechnicianAccount } from '../support/helper';
import { fillCertifiedCopyToReview, leaveAfterSubmit, pressSubmit, submitCertifiedCopy } from '../support/journey';
import { assetsDir, openChromium, startKiosk, type RunningBrowser, type RunningKiosk } from '../support/kiosk';

const env = {} as { kiosk: RunningKiosk; browser: RunningBrowser };
beforeAll(async () => {
  env.kiosk = await startKiosk({ helpers: [await testHelperAccount(), await testTechnicianAccount()] });
  env.browser = await openChromium();
});
afterAll(async () => {
  await env.browser?.close();
  await env.kiosk?.close();
});

const folder = path.join(assetsDir, 'procedures');
const read = (file: string) => JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as Record<string, unknown>;
const BUNDLED = read('index.json') as { version: string; order: string[] };
const OLD_NAME = 'Chứng thực bản sao từ bản chính';
const NEW_NAME = 'Chứng thực bản sao từ bản chính (mẫu 2027)';

test('a catalogue update arriving mid-journey leaves that dossier on its version; the next citizen gets the new one', { timeout: 120_000 }, async () => {
  const { page } = env.browser;
  const { portal } = env.kiosk;
  await page.goto(env.kiosk.webHost.url);
  await fillCertifiedCopyToReview(page);

  // The province renames the procedure; a technician takes the update from the desk, over the citizen's screen.
  portal.publishCatalogue({
    index: { ...BUNDLED, version: '2027.1.0' },
    files: readdirSync(folder)
      .filter((file) => file.endsWith('.json') && file !== 'index.json')
      .map((file) => read(file))
      .map((procedure) => (procedure.code === '2.000815' ? { ...procedure, name: { ...(procedure.name as object), vi: NEW_NAME } } : procedure)),
  });
  await page.keyboard.press('Control+Alt+KeyH');
  await openTechnicianTools(page);
  await page.getByRole('button', { name: 'Cập nhật danh mục và cài đặt của tỉnh' }).click();
  await expect.poll(() => page.getByTestId('province-outcome').textContent()).toBe(
    'Đã cập nhật danh mục thủ tục lên bản 2027.1.0. Hồ sơ đã bắt đầu vẫn theo bản cũ. Không có cài đặt mới của tỉnh cho máy này.',
  );
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Đăng xuất, về màn hình của người dân' }).click();

  // The citizen's dossier goes on under the version it started with: its package (and hash) unchanged.
  await page.getByRole('heading', { level: 1, name: 'Kiểm tra lại thông tin' }).waitFor();
  await pressSubmit(page);
  await page.getByRole('heading', { level: 1, name: 'Đã lưu hồ sơ' }).waitFor();
  const first = (await page.getByTestId('saved-reference').textContent())!.match(/[0-9A-F]{8}$/)![0];
  await leaveAfterSubmit(page);
  const atPortal = (reference: string) => portal.store.dossiers().find((dossier) => dossier.uuid.toUpperCase().startsWith(reference) && dossier.maHoSo);
  await expect.poll(() => atPortal(first)?.metadata, { timeout: 30_000 }).toMatchObject({ TenTTHC: OLD_NAME, catalogueVersion: BUNDLED.version });

  // The next citizen chooses from the new catalogue, and their dossier says so.
  const second = await submitCertifiedCopy(page);
  await leaveAfterSubmit(page);
  await expect.poll(() => atPortal(second)?.metadata, { timeout: 30_000 }).toMatchObject({ TenTTHC: NEW_NAME, catalogueVersion: '2027.1.0' });
});
