import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, expect, test } from 'vitest';
import { loadConfig } from '../../electron/host/provisioning';
import { verifyPin } from '../../electron/host/helpers';
import { root, tempDir } from '../support/kiosk';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

/** `npm run helper -- …` with the PIN on a pipe, as a provisioning script would give it. */
function helperScript(dataDir: string, args: string[], stdin = '') {
  const child = promisify(execFile)(process.execPath, ['--import', 'tsx', path.join(root, 'scripts/helper.ts'), ...args], { env: { ...process.env, KIOSK_DATA_DIR: dataDir } });
  child.child.stdin!.end(stdin);
  return child;
}

test('npm run helper adds a helper with only the PIN hash to a config the kiosk starts with, keeps the rest of it, and removes the helper again', async () => {
  const data = tempDir('helper-script');
  cleanups.push(data.remove);
  const file = path.join(data.dir, 'kiosk-config.json');

  await helperScript(data.dir, ['add', 'lan', 'Nguyễn Thị Lan'], '246810\n');
  await helperScript(data.dir, ['add', 'minh', 'Trần Văn Minh'], '135790\n');
  expect(readFileSync(file, 'utf8')).not.toContain('246810');
  const config = await loadConfig(file);
  expect(config.helpers.map(({ id, name }) => [id, name])).toEqual([
    ['lan', 'Nguyễn Thị Lan'],
    ['minh', 'Trần Văn Minh'],
  ]);
  expect(await verifyPin('246810', config.helpers[0]!.pinHash)).toBe(true);
  expect(config.helpers[0]!.pinHash).toMatch(/^\$pbkdf2-sha256\$i=600000\$/);

  await expect(helperScript(data.dir, ['add', 'tu', 'Lê Tú'], '1234\n')).rejects.toMatchObject({ stderr: 'a PIN is 6 to 12 digits\n' });
  await helperScript(data.dir, ['remove', 'lan']);
  expect((await helperScript(data.dir, ['list'])).stdout).toBe('minh\tTrần Văn Minh\n');
});
