import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { createT } from '../../shared/i18n/index';
import { selfTestReport, type SelfTestReport, type SelfTestResult } from '../../shared/selfTest';
import { buildSelfTestPdf } from '../../shared/selfTestPdf';
import { writeFileAtomic } from './atomicFile';
import { printSelfTestReport } from './devices/selfTest';
import type { Devices } from './devices/index';
import type { KioskFonts } from './fonts';
import { fileTimeStamp, writeHereAndOnDrives } from './usbDrives';

/**
 * The technician's self-test report (issue 8): made here from the results, dated and naming the
 * kiosk, printed on the receipt printer or saved as an A4 PDF to `self-tests/` in the data folder
 * and `DVC-Kiosk/kiem-tra-thiet-bi/` on each USB drive.
 */
export function createSelfTestReports({ dataDir, fonts, devices, kiosk, version, usbDrives }: {
  dataDir: string;
  fonts: KioskFonts;
  devices: Devices;
  kiosk: SelfTestReport['kiosk'];
  version: string;
  usbDrives: () => Promise<string[]>;
}) {
  const t = createT('vi');
  const report = (results: readonly SelfTestResult[]) => selfTestReport({ kiosk, version, generatedAt: new Date().toISOString(), results });
  return {
    print: (results: readonly SelfTestResult[]) => printSelfTestReport(devices, report(results), t),
    async save(results: readonly SelfTestResult[]): Promise<{ files: string[]; failedDrives: string[] }> {
      const made = report(results);
      const pdf = await buildSelfTestPdf(made, fonts, t);
      // One file per test session: the day and the time it was made.
      const name = `kiem-tra-thiet-bi-${fileTimeStamp(new Date(made.generatedAt))}.pdf`;
      const { folders, failedDrives } = await writeHereAndOnDrives(usbDrives, { local: path.join(dataDir, 'self-tests'), onDrive: 'kiem-tra-thiet-bi' }, async (folder) => {
        await mkdir(folder, { recursive: true });
        await writeFileAtomic(path.join(folder, name), pdf, 0o644);
      });
      return { files: folders.map((folder) => path.join(folder, name)), failedDrives };
    },
  };
}
