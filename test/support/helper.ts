import type { Page } from 'playwright-core';
import { HelperAccount } from '../../shared/config';
import { hashPin } from '../../electron/host/helpers';

/** The helper every test kiosk has (startKiosk, the crash tests' host child). */
export const TEST_HELPER = { id: 'thu', name: 'Cán bộ Thử', pin: '246810' } as const;

let account: Promise<HelperAccount> | undefined;
/** TEST_HELPER as the kiosk config holds it: a real PBKDF2 hash, at the config's floor of rounds so tests stay quick. */
export const testHelperAccount = (): Promise<HelperAccount> =>
  (account ??= hashPin(TEST_HELPER.pin, 100_000).then((pinHash) => HelperAccount.parse({ id: TEST_HELPER.id, name: TEST_HELPER.name, pinHash })));

/** From the attract screen into the helper's queue: "Dành cho cán bộ hỗ trợ", the name, the PIN, "Đăng nhập". */
export async function openHelperQueue(page: Page, pin: string = TEST_HELPER.pin): Promise<void> {
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await page.getByRole('button', { name: TEST_HELPER.name }).click();
  await page.getByLabel(`Nhập mã PIN của ${TEST_HELPER.name}`).fill(pin);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
}
