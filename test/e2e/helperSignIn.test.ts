import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test } from 'vitest';
import { readAuditLog } from '../../electron/host/audit';
import { leaveHelperQueue, openHelperQueue, signInTestHelper, TEST_HELPER } from '../support/helper';
import { withKiosk } from '../support/kiosk';

const env = withKiosk();

test('the queue is behind a helper PIN: wrong PINs count down to a lockout that a reload does not lift, and the audit log has each attempt without the PIN', async () => {
  const { page } = env.browser;
  const pinBox = page.getByLabel(`Nhập mã PIN của ${TEST_HELPER.name}`);
  const signIn = () => page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.goto(env.kiosk.webHost.url);

  // The right PIN opens the queue; leaving it signs the helper out, so the next visit asks again.
  await openHelperQueue(page);
  await page.getByText('Chưa có hồ sơ nào.').waitFor();
  await leaveHelperQueue(page);
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await page.getByRole('heading', { name: 'Cán bộ hỗ trợ: chọn tên của bạn' }).waitFor();
  expect(await page.getByText('Chưa có hồ sơ nào.').count()).toBe(0);

  // Typed on the kiosk's own number keys, hidden as it is typed.
  await page.getByRole('button', { name: TEST_HELPER.name }).click();
  for (const digit of '135790') await page.getByRole('button', { name: digit, exact: true }).click();
  expect(await pinBox.getAttribute('type')).toBe('password');
  expect(await pinBox.inputValue()).toBe('135790');
  await signIn();
  const alert = page.getByRole('alert');
  await expect.poll(() => alert.textContent()).toBe('Mã PIN chưa đúng. Còn 4 lần thử.');
  expect(await pinBox.inputValue()).toBe('');
  for (const left of [3, 2, 1]) {
    await pinBox.fill('975310');
    await signIn();
    await expect.poll(() => alert.textContent()).toBe(`Mã PIN chưa đúng. Còn ${left} lần thử.`);
  }
  await pinBox.fill('975310');
  await signIn();
  await expect.poll(() => alert.textContent()).toBe('Đã nhập sai mã PIN nhiều lần. Xin thử lại sau 5 phút.');

  // Closed even for the right PIN, and a reload of the page does not reopen it.
  await pinBox.fill(TEST_HELPER.pin);
  await signIn();
  await expect.poll(() => alert.textContent()).toBe('Đã nhập sai mã PIN nhiều lần. Xin thử lại sau 5 phút.');
  await page.reload();
  await page.getByRole('button', { name: 'Dành cho cán bộ hỗ trợ' }).click();
  await signInTestHelper(page);
  await expect.poll(() => alert.textContent()).toBe('Đã nhập sai mã PIN nhiều lần. Xin thử lại sau 5 phút.');
  expect(await page.getByTestId('queue-list').count()).toBe(0);

  const auditFile = path.join(env.kiosk.dataDir, 'audit.jsonl');
  const { entries, brokenAt } = await readAuditLog(auditFile);
  expect(brokenAt).toBeNull();
  expect(entries.map(({ action, helper }) => `${action} ${helper}`)).toEqual([
    'helper.signIn thu',
    'helper.signOut thu',
    ...Array.from({ length: 4 }, () => 'helper.wrongPin thu'),
    'helper.lockedOut thu',
  ]);
  const text = readFileSync(auditFile, 'utf8');
  for (const secret of [TEST_HELPER.pin, '135790', '975310', TEST_HELPER.name]) expect(text).not.toContain(secret);
});
