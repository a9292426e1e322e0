import { readFile } from 'node:fs/promises';

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
