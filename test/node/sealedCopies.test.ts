import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { createSealedCopies } from '../../electron/host/sealedCopies';
import { memoryLogger, tempDir } from '../support/kiosk';

const dirs: Array<{ remove(): void }> = [];
afterEach(() => dirs.splice(0).forEach((dir) => dir.remove()));

const bytes = (...values: number[]) => new Uint8Array(values);
const copy = (id: string) => ({
  id,
  row: { id, status: 'queued' },
  sealed: { wrappedKey: bytes(1, 2, 3), iv: bytes(4), ciphertext: bytes(5, 6) },
  attachments: [{ id: '5b0c3f7e-2f43-4b8e-9f0e-1d2c3b4a5f60', iv: bytes(7), ciphertext: bytes(0, 255, 8, 9) }],
});
/** A copy as its file holds it: the bytes in base64. */
const onDisk = (value: ReturnType<typeof copy> | Omit<ReturnType<typeof copy>, 'attachments'>) =>
  JSON.stringify(value, (_key, field: unknown) => (field instanceof Uint8Array ? Buffer.from(field).toString('base64') : field));

test('keeps one file per dossier, pages included, rewrites it in place, lists what it kept, and drops it for good', async () => {
  const dir = tempDir('copies');
  dirs.push(dir);
  const copies = createSealedCopies({ dir: path.join(dir.dir, 'outbox'), log: memoryLogger().log });
  const id = '6f1c1a52-4a39-4c41-9a4c-0d6b8d3f7a10';
  await copies.keep(copy(id));
  await copies.keep(copy(id));
  expect(readdirSync(path.join(dir.dir, 'outbox'))).toEqual([`${id}.json`]);
  expect(JSON.parse(readFileSync(path.join(dir.dir, 'outbox', `${id}.json`), 'utf8'))).toEqual(JSON.parse(onDisk(copy(id))));
  expect(await copies.ids()).toEqual([id]);
  expect(await copies.get(id)).toEqual(copy(id));
  await copies.drop(id);
  await copies.drop(id);
  expect(readdirSync(path.join(dir.dir, 'outbox'))).toEqual([]);
});

test('a damaged copy is refused and left on disk, never deleted; the others still load', async () => {
  const dir = tempDir('copies');
  dirs.push(dir);
  const { log, lines } = memoryLogger();
  const copies = createSealedCopies({ dir: dir.dir, log });
  const good = '00000000-0000-4000-8000-000000000001';
  await copies.keep(copy(good));
  writeFileSync(path.join(dir.dir, '00000000-0000-4000-8000-000000000002.json'), '{"id": "00000000-0000');
  writeFileSync(path.join(dir.dir, '00000000-0000-4000-8000-000000000003.json'), onDisk(copy(good)));
  const damaged = ['00000000-0000-4000-8000-000000000002', '00000000-0000-4000-8000-000000000003'];
  expect((await copies.ids()).sort()).toEqual([good, ...damaged]);
  expect(await copies.get(good)).toEqual(copy(good));
  for (const id of damaged) await expect(copies.get(id)).rejects.toMatchObject({ code: 'queue.copyDamaged' });
  expect(readdirSync(dir.dir)).toHaveLength(3);
  expect(lines.filter((line) => line.includes('queue.copyDamaged'))).toHaveLength(2);
});

test('a copy written before attachments existed reads with none', async () => {
  const dir = tempDir('copies');
  dirs.push(dir);
  const id = '00000000-0000-4000-8000-000000000004';
  const { attachments, ...old } = copy(id);
  writeFileSync(path.join(dir.dir, `${id}.json`), onDisk(old));
  expect(attachments).toHaveLength(1);
  expect(await createSealedCopies({ dir: dir.dir, log: memoryLogger().log }).get(id)).toEqual({ ...old, attachments: [] });
});

test('no outbox folder yet means no copies', async () => {
  const dir = tempDir('copies');
  dirs.push(dir);
  expect(await createSealedCopies({ dir: path.join(dir.dir, 'missing'), log: memoryLogger().log }).ids()).toEqual([]);
});
