import { randomBytes } from 'node:crypto';
import { open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a file so that after a power cut it holds either the old or the new content, never half
 * of each: write a temporary file beside it, fsync it, rename it over the target, fsync the folder
 * so the rename itself is on disk (the pattern of Actual's atomic-write.ts and of SQLite's journal).
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, mode = 0o600): Promise<void> {
  // Random, so two writes of the same file at once never share a temporary file.
  const temporary = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(8).toString('hex')}.tmp`);
  const handle = await open(temporary, 'w', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncFolder(path.dirname(file));
}

/** Whether a path is there. */
export const pathExists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false);

/** Removes a file, if there, so that the removal survives a power cut (the folder is fsync'd). */
export async function removeFileDurably(file: string): Promise<void> {
  await rm(file, { force: true });
  await syncFolder(path.dirname(file)).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? undefined : Promise.reject(error)));
}

async function syncFolder(folderPath: string): Promise<void> {
  const folder = await open(folderPath, 'r');
  try {
    await folder.sync();
  } finally {
    await folder.close();
  }
}
