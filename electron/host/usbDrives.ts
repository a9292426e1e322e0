import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { vietnamClock } from '../../shared/dossier/formEngine';

/** Where Linux desktops and udisks mount removable drives: /media/<user>/<label>, /run/media/<user>/<label>. */
const REMOVABLE_ROOTS = ['/media/', '/run/media/'];

/** /proc/mounts writes a space, tab, newline and backslash in a path as an octal escape (\040…). */
const unescapeMountPath = (field: string) => field.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));

/**
 * The USB drives to write files for people to: the configured folders, or every drive mounted
 * under the removable roots (read from /proc/mounts; none where it does not exist, as on Windows,
 * where the technician names the drive in the config).
 */
export async function usbDrives(configured: readonly string[] | null, mountsFile = '/proc/mounts'): Promise<string[]> {
  if (configured) return [...configured];
  const mounts = await readFile(mountsFile, 'utf8').catch(() => '');
  return mounts
    .split('\n')
    .map((line) => unescapeMountPath(line.split(' ')[1] ?? ''))
    .filter((mountPoint) => REMOVABLE_ROOTS.some((root) => mountPoint.startsWith(root)));
}

/** A file's time as people read it, Vietnam's wall clock: `2026-11-24_08-15-30`. */
export const fileTimeStamp = (at: Date): string => vietnamClock(at).replace('T', '_').replaceAll(':', '-');

/**
 * Files for people (reports, diagnostics, a self-test report): written to the kiosk's own folder
 * first, then under `DVC-Kiosk/<onDrive>` on each USB drive. A stick pulled out, read-only or full
 * fails on its own, after the kiosk's copy is safe. Answers the folders written and the drives that failed.
 */
export async function writeHereAndOnDrives(
  drives: () => Promise<string[]>,
  folders: { local: string; onDrive: string },
  write: (folder: string) => Promise<void>,
): Promise<{ folders: string[]; failedDrives: string[] }> {
  await write(folders.local);
  const written = [folders.local];
  const failedDrives: string[] = [];
  for (const drive of await drives()) {
    const folder = path.join(drive, 'DVC-Kiosk', folders.onDrive);
    await write(folder).then(() => written.push(folder), () => failedDrives.push(drive));
  }
  return { folders: written, failedDrives };
}
