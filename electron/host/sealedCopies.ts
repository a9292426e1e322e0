import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { sealedCopySchema, type SealedCopy } from '../../shared/contract';
import { removeFileDurably, writeFileAtomic } from './atomicFile';
import { KioskError } from '../../shared/errors';
import type { Logger } from './log';

/** On disk the bytes are base64: a technician can read a copy with jq. */
const CopyFile = sealedCopySchema(z.base64().transform((text) => new Uint8Array(Buffer.from(text, 'base64'))));

/** JSON.stringify's replacer for bytes; it reads the holder because a Buffer's toJSON has already run on `value`. */
function base64Bytes(this: Record<string, unknown>, key: string, value: unknown): unknown {
  const original = this[key];
  return original instanceof Uint8Array ? Buffer.from(original.buffer, original.byteOffset, original.byteLength).toString('base64') : value;
}

/** `<uuid>.json`; atomicFile's temporary files and anything else in the folder are not copies. */
const COPY_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.json$/;

/**
 * The queue's second home, outside the browser profile: one file per queued dossier, written
 * atomically and fsync'd, holding only what IndexedDB holds (answers and pages sealed). If the profile is
 * wiped or its IndexedDB is lost, the renderer restores the queue from here (renderer/queue/copies.ts).
 */
export function createSealedCopies({ dir, log }: { dir: string; log: Logger }) {
  const file = (id: string) => path.join(dir, `${id}.json`);
  return {
    async keep(copy: SealedCopy): Promise<void> {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(file(copy.id), JSON.stringify(copy, base64Bytes));
    },
    /** Once the portal has the dossier (or its data was shredded): the removal is made durable like the write. */
    drop: (id: string): Promise<void> => removeFileDurably(file(id)),
    /** The ids of the copies on disk, read or not: a damaged one shows up when it is opened. */
    async ids(): Promise<string[]> {
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
      return names.flatMap((name) => (COPY_NAME.test(name) ? [name.slice(0, -'.json'.length)] : []));
    },
    /** One copy. A damaged file is logged and left on disk for a technician, never deleted. */
    async get(id: string): Promise<SealedCopy> {
      const parsed = CopyFile.safeParse(await readFile(file(id), 'utf8').then(JSON.parse).catch(() => null));
      if (!parsed.success || parsed.data.id !== id) {
        log.error('queue.copyDamaged', { file: `${id}.json` });
        throw new KioskError('queue.copyDamaged', { id });
      }
      return parsed.data;
    },
  };
}
