import { mkdir, open, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { SealedCopy } from '../../shared/contract';
import { writeFileAtomic } from './atomicFile';
import type { Logger } from './log';

/**
 * The queue's second home, outside the browser profile: one file per queued dossier, written
 * atomically and fsync'd, holding only what IndexedDB holds (answers sealed). If the profile is
 * wiped or its IndexedDB is lost, the renderer restores the queue from here (renderer/queue/copies.ts).
 */
export function createSealedCopies({ dir, log }: { dir: string; log: Logger }) {
  const file = (id: string) => path.join(dir, `${id}.json`);
  return {
    async keep(copy: SealedCopy): Promise<void> {
      await mkdir(dir, { recursive: true });
      await writeFileAtomic(file(copy.id), JSON.stringify(copy));
    },
    /** After crypto-shredding: the copy goes too, and the removal is made durable like the write. */
    async drop(id: string): Promise<void> {
      await rm(file(id), { force: true });
      const folder = await open(dir, 'r').catch(() => null);
      await folder?.sync();
      await folder?.close();
    },
    /** Every readable copy. A damaged file is logged and left on disk for a technician, never deleted. */
    async list(): Promise<SealedCopy[]> {
      const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
      const copies = await Promise.all(
        names
          .filter((name) => name.endsWith('.json'))
          .map(async (name) => {
            const parsed = SealedCopy.safeParse(await readFile(path.join(dir, name), 'utf8').then(JSON.parse).catch(() => null));
            if (!parsed.success || `${parsed.data.id}.json` !== name) {
              log.error('queue.copyDamaged', { file: name });
              return [];
            }
            return [parsed.data];
          }),
      );
      return copies.flat();
    },
  };
}
