import type { Page } from 'playwright-core';
import { HelperAccount } from '../../shared/config';
import { hashPin } from '../../electron/host/helpers';

/** The helper every test kiosk has (startKiosk, the crash tests' host child). */
export const TEST_HELPER = { id: 'thu', name: 'Cán bộ Thử', pin: '246810' } as const;

let account: Promise<HelperAccount> | undefined;
/** TEST_HELPER as the kiosk config holds it: a real PBKDF2 hash, at the config's floor of rounds so tests stay quick. */
export const testHelperAccount = (): Promise<HelperAccount> =>
  (account ??= hashPin(TEST_HELPER.pin, 100_000).then((pinHash) => HelperAccount.parse({ id: TEST_HELPER.id, name: TEST_HELPER.name, pinHash })));

/** The technician of the tests that need one, beside TEST_HELPER. */
export const TEST_TECHNICIAN = { id: 'ky', name: 'Kỹ thuật viên Thử', pin: '135790' } as const;

/** TEST_TECHNICIAN as the kiosk config holds it. */
export const testTechnicianAccount = (): Promise<HelperAccount> =>
  hashPin(TEST_TECHNICIAN.pin, 100_000).then((pinHash) => HelperAccount.parse({ id: TEST_TECHNICIAN.id, name: TEST_TECHNICIAN.name, pinHash, role: 'technician' }));

/** From the helper's sign-in screen into the technician's tools: the name, the PIN, "Đăng nhập", "Công cụ kỹ thuật viên". */
export async function openTechnicianTools(page: Page): Promise<void> {
  await page.getByRole('button', { name: TEST_TECHNICIAN.name }).click();
  await page.getByLabel(`Nhập mã PIN của ${TEST_TECHNICIAN.name}`).fill(TEST_TECHNICIAN.pin);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.getByRole('button', { name: 'Công cụ kỹ thuật viên' }).click();
}

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
