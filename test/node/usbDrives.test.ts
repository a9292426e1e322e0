import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { usbDrives } from '../../electron/host/usbDrives';
import { tempDir } from '../support/kiosk';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

test('USB drives are the removable mounts in /proc/mounts, their escaped spaces read back; configured folders replace them', async () => {
  const data = tempDir('mounts');
  cleanups.push(data.remove);
  const mounts = path.join(data.dir, 'mounts');
  writeFileSync(
    mounts,
    [
      '/dev/sda2 / ext4 rw,relatime 0 0',
      'tmpfs /run tmpfs rw,nosuid 0 0',
      '/dev/sdb1 /media/kiosk/USB\\040XA vfat rw,nosuid,nodev 0 0',
      '/dev/sdc1 /run/media/thu/BAO-CAO exfat rw 0 0',
      '/dev/sdd1 /mnt/backup ext4 rw 0 0',
    ].join('\n'),
  );
  expect(await usbDrives(null, mounts)).toEqual(['/media/kiosk/USB XA', '/run/media/thu/BAO-CAO']);
  expect(await usbDrives(['/srv/usb'], mounts)).toEqual(['/srv/usb']);
  expect(await usbDrives(null, path.join(data.dir, 'no-such-file'))).toEqual([]);
});
