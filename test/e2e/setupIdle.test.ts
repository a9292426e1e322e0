import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { openChromium, startKiosk, type RunningBrowser, type RunningKiosk } from '../support/kiosk';

/**
 * A technician walks away from the setup wizard: after the quiet time the same warning as a
 * citizen's counts down, then nothing typed (names, PINs) is left on the screen. Before saving the
 * wizard starts afresh; once saved, the kiosk opens at its start screen with nobody signed in. The
 * two kiosks idle side by side, each in its own Chromium.
 */
const IDLE = { idleSeconds: 3, idleWarningSeconds: 20 };
/** The kiosk that is saved waits for device detection on the way (seconds): a longer quiet time. */
const SAVING_IDLE = { ...IDLE, idleSeconds: 10 };
const TECHNICIAN = 'Trần Văn Kỹ CANARY-7731';
const sides = [] as Array<{ kiosk: RunningKiosk; browser: RunningBrowser }>;
beforeAll(async () => {
  for (const idle of [IDLE, SAVING_IDLE]) sides.push({ kiosk: await startKiosk(idle, { fresh: true }), browser: await openChromium() });
});
afterAll(async () => {
  for (const { kiosk, browser } of sides) {
    await browser.close();
    await kiosk.close();
  }
});

const warning = (page: Page) => page.getByRole('alertdialog', { name: 'Bạn còn đang dùng máy không?' });
const heading = (page: Page) => page.getByRole('heading', { level: 1 }).textContent();
/** The warning's time and a little more. */
const WIPE = { timeout: (SAVING_IDLE.idleSeconds + IDLE.idleWarningSeconds + 5) * 1000, interval: 250 };

/** From the wizard's first screen to the technician's PIN, the name typed. */
async function toTechnicianPin(page: Page, kiosk: RunningKiosk) {
  await page.getByRole('button', { name: 'Bắt đầu cài đặt' }).click();
  await page.getByLabel('Tỉnh, thành phố').selectOption({ label: 'Tỉnh Khánh Hòa' });
  await page.getByLabel('Xã, phường (gõ tên để tìm)').fill('dien khanh');
  await page.getByRole('button', { name: 'Xã Diên Khánh' }).click();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByLabel('Mã đăng ký máy').fill(kiosk.portal.createEnrolmentCode().code);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByLabel('Tên kỹ thuật viên').fill(TECHNICIAN);
  await page.getByRole('button', { name: 'Tiếp tục' }).click();
  await page.getByLabel(`Mã PIN cho ${TECHNICIAN}`).fill('135790');
}

test('a wizard left half-done starts afresh with nothing typed left; one left after saving opens the kiosk with nobody signed in', { timeout: 90_000 }, async () => {
  await Promise.all([
    (async () => {
      const { kiosk, browser } = sides[0]!;
      const { page } = browser;
      await page.goto(kiosk.webHost.url);
      // The first screen holds nothing: no warning there.
      await page.getByRole('heading', { level: 1, name: 'Cài đặt máy lần đầu' }).waitFor();
      await toTechnicianPin(page, kiosk);
      await warning(page).waitFor({ timeout: (IDLE.idleSeconds + 5) * 1000 });
      expect(await warning(page).innerText()).toContain('máy sẽ xóa những gì đang cài đặt dở');
      await expect.poll(() => heading(page), WIPE).toBe('Cài đặt máy lần đầu');
      expect(await page.content()).not.toContain('CANARY-7731');
      // Afresh: the commune has to be chosen again.
      await page.getByRole('button', { name: 'Bắt đầu cài đặt' }).click();
      expect(await page.getByRole('button', { name: 'Tiếp tục' }).isDisabled()).toBe(true);
    })(),
    (async () => {
      const { kiosk, browser } = sides[1]!;
      const { page } = browser;
      await page.goto(kiosk.webHost.url);
      await toTechnicianPin(page, kiosk);
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
      await page.getByLabel(`Nhập lại mã PIN cho ${TECHNICIAN}`).fill('135790');
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
      for (const title of ['Cán bộ hỗ trợ', 'Điểm hỗ trợ nhận những thủ tục nào?']) {
        await page.getByRole('heading', { level: 1, name: title }).waitFor();
        await page.getByRole('button', { name: 'Tiếp tục' }).click();
      }
      await page.getByRole('heading', { level: 1, name: 'Thiết bị của ki-ốt' }).waitFor();
      await page.getByRole('button', { name: 'Tìm lại' }).and(page.locator(':enabled')).waitFor({ timeout: 30_000 });
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
      await page.getByRole('button', { name: 'Tiếp tục' }).click();
      await page.getByRole('button', { name: 'Lưu và đăng ký máy' }).click();
      await page.getByRole('heading', { level: 1, name: 'Đã cài đặt xong' }).waitFor();
      // The technician, signed in to test the devices, walks away.
      await warning(page).waitFor({ timeout: (SAVING_IDLE.idleSeconds + 5) * 1000 });
      await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor(WIPE);
      expect(await page.content()).not.toContain('CANARY-7731');
      // Nobody signed in: the desk asks who is there.
      await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
      await page.getByRole('heading', { level: 1, name: 'Cán bộ hỗ trợ: chọn tên của bạn' }).waitFor();
    })(),
  ]);
});
