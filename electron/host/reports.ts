import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Catalogue } from '../../shared/dossier/procedures';
import { createT } from '../../shared/i18n/index';
import type { OfficePrinterConfig } from '../../shared/config';
import { KioskError } from '../../shared/errors';
import { buildReport, reportFileName, type Report, type ReportInput, type ReportPeriod } from '../../shared/reports/report';
import { reportCsv } from '../../shared/reports/reportCsv';
import { buildReportPdf } from '../../shared/reports/reportPdf';
import { writeFileAtomic } from './atomicFile';
import type { AuditLog } from './audit';
import type { KioskFonts } from './fonts';
import { printOnOfficePrinter } from './officePrinter';
import { writeHereAndOnDrives } from './usbDrives';

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
  officePrinter,
}: {
  dataDir: string;
  fonts: KioskFonts;
  catalogue: () => Promise<Catalogue>;
  kiosk: ReportInput['kiosk'];
  audit: AuditLog;
  usbDrives: () => Promise<string[]>;
  officePrinter: OfficePrinterConfig | null;
}) {
  const folder = path.join(dataDir, 'reports');
  return {
    async make({ period, dossiers, ratings }: ReportRequest): Promise<{ report: Report; name: string; files: string[]; failedDrives: string[] }> {
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
      const name = reportFileName(period);
      const written = await writeHereAndOnDrives(usbDrives, { local: folder, onDrive: 'bao-cao' }, async (target) => {
        await mkdir(target, { recursive: true });
        for (const [extension, data] of Object.entries(contents)) await writeFileAtomic(path.join(target, `${name}.${extension}`), data, 0o644);
      });
      const files = written.folders.flatMap((target) => Object.keys(contents).map((extension) => path.join(target, `${name}.${extension}`)));
      return { report, name, files, failedDrives: written.failedDrives };
    },
    /** A report made before, as the kiosk keeps it, on the office printer; host.badInput for one never made. */
    async print(name: string): Promise<void> {
      const pdf = await readFile(path.join(folder, `${name}.pdf`)).catch(() => {
        throw new KioskError('host.badInput', { method: 'reports.print' });
      });
      await printOnOfficePrinter(officePrinter, pdf, name);
    },
  };
}
