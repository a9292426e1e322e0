import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, expect, test } from 'vitest';
import { openChromium, root, tempDir } from '../support/kiosk';

const data = tempDir('start');
afterAll(() => data.remove());

test('npm start without a display serves a fresh kiosk its setup wizard against the reference portal, and Ctrl-C stops it', async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, KIOSK_DATA_DIR: data.dir, KIOSK_PORT: '0', PORTAL_PORT: '0' };
  delete env.DISPLAY;
  delete env.WAYLAND_DISPLAY;
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/start.ts')], { cwd: root, env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));

  await expect.poll(() => output, { timeout: 30_000 }).toMatch(/open this address in Chromium:\s+http:\/\/127\.0\.0\.1:\d+\/#token=\S+/);
  const url = output.match(/(http:\/\/127\.0\.0\.1:\d+\/#token=\S+)/)![1]!;
  const portalUrl = output.match(/reference portal: (http:\/\/127\.0\.0\.1:\d+)/)![1]!;

  // A fresh data folder is a kiosk never set up: it opens on the setup wizard, and the reference
  // portal's one-time code for it is printed beside the portal's address.
  expect(output).toMatch(new RegExp(`setup wizard: portal ${portalUrl.replaceAll('.', '\\.')}, enrolment code \\S+`));
  const browser = await openChromium();
  try {
    await browser.page.goto(url);
    await browser.page.getByRole('heading', { level: 1, name: 'Cài đặt máy lần đầu' }).waitFor();
    await expect.poll(() => browser.page.getByTestId('portal-status').textContent()).toBe('Đã kết nối cổng dịch vụ công');
  } finally {
    await browser.close();
  }

  child.kill('SIGINT');
  expect(await exited).toBe(0);
  await expect(fetch(`${portalUrl}/v1/health`)).rejects.toThrow();
  await expect(fetch(new URL(url).origin)).rejects.toThrow();
});
