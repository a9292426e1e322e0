import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Catalogue } from '../../shared/dossier/procedures';
import { createT } from '../../shared/i18n/index';
import { buildReport, type Report, type ReportInput, type ReportPeriod } from '../../shared/reports/report';
import { reportCsv } from '../../shared/reports/reportCsv';
import { buildReportPdf } from '../../shared/reports/reportPdf';
import { writeFileAtomic } from './atomicFile';
import type { AuditLog } from './audit';
import type { KioskFonts } from './fonts';
import { writeHereAndOnDrives } from './usbDrives';

/** "bao-cao-ngay-2026-11-24", "bao-cao-thang-2026-11": one file per period, replaced by a later one. */
const fileName = (period: ReportPeriod) => (period.kind === 'day' ? `bao-cao-ngay-${period.date}` : `bao-cao-thang-${period.month}`);

export interface ReportRequest {
  period: ReportPeriod;
  /** The renderer's queue, non-personal fields only. */
  dossiers: ReadonlyArray<Omit<ReportInput['dossiers'][number], 'procedureName'>>;
  ratings: ReportInput['ratings'];
}

/**
 * The helpers' daily and monthly report (issue 8): counted from the renderer's queue and ratings and
 * the host's audit log, written in Vietnamese as PDF and CSV to the data folder's `reports/` and to
 * `DVC-Kiosk/bao-cao/` on each USB drive. Returns the report, where its files went, and the drives
 * that could not be written.
 */
export function createReports({
  dataDir,
  fonts,
  catalogue,
  kiosk,
  audit,
  usbDrives,
}: {
  dataDir: string;
  fonts: KioskFonts;
  catalogue: () => Promise<Catalogue>;
  kiosk: ReportInput['kiosk'];
  audit: AuditLog;
  usbDrives: () => Promise<string[]>;
}) {
  return {
    async make({ period, dossiers, ratings }: ReportRequest): Promise<{ report: Report; files: string[]; failedDrives: string[] }> {
      const { entries } = await audit.read();
      // A person helped is a session taken over, or a guidance given without a dossier.
      const helped = entries.flatMap(({ action, at }): ReportInput['helped'] => {
        if (action === 'assist.start') return [{ kind: 'assisted', at }];
        return action === 'guidance.given' ? [{ kind: 'guidance', at }] : [];
      });
      const { procedures } = await catalogue();
      const nameOf = (code: string) => procedures.find((procedure) => procedure.code === code)?.name.vi ?? code;
      const report = buildReport({
        kiosk,
        period,
        generatedAt: new Date().toISOString(),
        dossiers: dossiers.map((dossier) => ({ ...dossier, procedureName: nameOf(dossier.procedureCode) })),
        ratings,
        helped,
      });
      const t = createT('vi');
      const contents = { pdf: await buildReportPdf(report, fonts, t), csv: reportCsv(report, t) };
      const written = await writeHereAndOnDrives(usbDrives, { local: path.join(dataDir, 'reports'), onDrive: 'bao-cao' }, async (folder) => {
        await mkdir(folder, { recursive: true });
        for (const [extension, data] of Object.entries(contents)) await writeFileAtomic(path.join(folder, `${fileName(period)}.${extension}`), data, 0o644);
      });
      const files = written.folders.flatMap((folder) => Object.keys(contents).map((extension) => path.join(folder, `${fileName(period)}.${extension}`)));
      const { failedDrives } = written;
      return { report, files, failedDrives };
    },
  };
}
