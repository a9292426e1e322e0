import { expect, test } from 'vitest';
import { withKiosk } from '../support/kiosk';
import { openHelperQueue } from '../support/helper';

// A floor above any real quota: the browser's own estimate() says there is not enough room.
const env = withKiosk({ minFreeStorageBytes: Number.MAX_SAFE_INTEGER });

test('below the free-storage floor the kiosk refuses a new dossier before the citizen starts, and says why', async () => {
  const { page } = env.browser;
  await page.goto(env.kiosk.webHost.url);
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).click();
  await expect.poll(() => page.getByRole('alert').textContent()).toBe(
    'Máy đã gần đầy bộ nhớ nên tạm chưa nhận hồ sơ mới. Các hồ sơ đã lưu vẫn an toàn. Vui lòng báo cán bộ hỗ trợ.',
  );
  expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Điểm hỗ trợ dịch vụ công trực tuyến');
  // The helper's side still works: the queue is there to look after.
  await openHelperQueue(page);
  await page.getByText('Chưa có hồ sơ nào.').waitFor();
});
