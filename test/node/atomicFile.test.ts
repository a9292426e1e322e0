import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { writeFileAtomic } from '../../electron/host/atomicFile';
import { tempDir } from '../support/kiosk';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

test('replaces a file whole, leaves no temporary file behind, and keeps it private to the kiosk user', async () => {
  const dir = tempDir('atomic');
  dirs.push(dir);
  const file = path.join(dir.dir, 'identity.json');
  writeFileSync(file, 'old');
  await writeFileAtomic(file, 'new content, Tiếng Việt');
  expect(readFileSync(file, 'utf8')).toBe('new content, Tiếng Việt');
  expect(readdirSync(dir.dir)).toEqual(['identity.json']);
  expect(statSync(file).mode & 0o777).toBe(0o600);
});

test('a write into a folder that does not exist fails and changes nothing', async () => {
  const dir = tempDir('atomic');
  dirs.push(dir);
  await expect(writeFileAtomic(path.join(dir.dir, 'missing', 'x.json'), 'x')).rejects.toThrow(/ENOENT/);
  expect(readdirSync(dir.dir)).toEqual([]);
});
