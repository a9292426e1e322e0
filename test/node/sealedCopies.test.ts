import { readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createSealedCopies } from '../../electron/host/sealedCopies';
import { memoryLogger, tempDir } from '../support/kiosk';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

const copy = (id: string) => ({ id, row: { id, status: 'queued' }, sealed: { wrappedKey: 'AAAA', iv: 'AAAA', ciphertext: 'AAAA' } });

test('keeps one file per dossier, rewrites it in place, lists what it kept, and drops it for good', async () => {
  const dir = tempDir('copies');
  dirs.push(dir);
  const copies = createSealedCopies({ dir: path.join(dir.dir, 'outbox'), log: memoryLogger().log });
  const id = '6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10';
  await copies.keep(copy(id));
  await copies.keep(copy(id));
  expect(readdirSync(path.join(dir.dir, 'outbox'))).toEqual([`${id}.json`]);
  expect(await copies.list()).toEqual([copy(id)]);
  await copies.drop(id);
  await copies.drop(id);
  expect(readdirSync(path.join(dir.dir, 'outbox'))).toEqual([]);
});

test('a damaged copy is reported and left on disk, never deleted; the others still load', async () => {
  const dir = tempDir('copies');
  dirs.push(dir);
  const { log, lines } = memoryLogger();
  const copies = createSealedCopies({ dir: dir.dir, log });
  const good = '00000000-0000-4000-8000-000000000001';
  await copies.keep(copy(good));
  writeFileSync(path.join(dir.dir, '00000000-0000-4000-8000-000000000002.json'), '{"id": "00000000-0000');
  writeFileSync(path.join(dir.dir, '00000000-0000-4000-8000-000000000003.json'), JSON.stringify(copy(good)));
  expect(await copies.list()).toEqual([copy(good)]);
  expect(readdirSync(dir.dir)).toHaveLength(3);
  expect(lines.filter((line) => line.includes('queue.copyDamaged'))).toHaveLength(2);
});

test('no outbox folder yet means no copies', async () => {
  const dir = tempDir('copies');
  dirs.push(dir);
  expect(await createSealedCopies({ dir: path.join(dir.dir, 'missing'), log: memoryLogger().log }).list()).toEqual([]);
});
