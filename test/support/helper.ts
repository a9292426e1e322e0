import type { Page } from 'playwright-core';
import { HelperAccount } from '../../shared/config';
import { hashPin } from '../../electron/host/helpers';

/** The helper every test kiosk has (startKiosk, the crash tests' host child). */
export const TEST_HELPER = { id: 'thu', name: 'Cán bộ Thử', pin: '246810' } as const;

let account: Promise<HelperAccount> | undefined;
/** TEST_HELPER as the kiosk config holds it: a real PBKDF2 hash, at the config's floor of rounds so tests stay quick. */
export const testHelperAccount = (): Promise<HelperAccount> =>
  (account ??= hashPin(TEST_HELPER.pin, 100_000).then((pinHash) => HelperAccount.parse({ id: TEST_HELPER.id, name: TEST_HELPER.name, pinHash })));

/** Signs TEST_HELPER in on the sign-in screen: the name, the PIN, "Đăng nhập". */
export async function signInTestHelper(page: Page, pin: string = TEST_HELPER.pin): Promise<void> {
  await page.getByRole('button', { name: TEST_HELPER.name }).click();
  await page.getByLabel(`Nhập mã PIN của ${TEST_HELPER.name}`).fill(pin);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}

/** From the attract screen into the helper's queue: "Dành cho cán bộ hỗ trợ", sign in, "Hồ sơ trên máy". */
export async function openHelperQueue(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await signInTestHelper(page);
  await page.getByRole('button', { name: 'Hồ sơ trên máy' }).click();
}

/** From the helper's queue back to the attract screen: "Quay lại" to the desk, then "Đăng xuất". */
export async function leaveHelperQueue(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Quay lại' }).click();
  await page.getByRole('button', { name: 'Đăng xuất', exact: true }).click();
}
