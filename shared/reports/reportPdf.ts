import { A4Writer, type PdfFonts, type TableColumn } from '../dossier/forms';
import { KioskError } from '../errors';
import type { Translate } from '../i18n/index';
import { formatVietnamDateTime } from '../receipt';
import { formatReportNumber, procedureTable, REPORT_STATES, reportLines, reportTitle, reportValueText, type Report } from './report';

/**
 * Code, name, count, then one narrow column per state; the name takes what is left. At 9 pt a count
 * column just holds its longest header word ("Cancelled"), so headers wrap only between words.
 */
const TABLE_TEXT_SIZE = 9;
const COUNT_COLUMN: TableColumn = { weight: 50, align: 'right' };
const PROCEDURE_COLUMNS: readonly TableColumn[] = [{ weight: 56 }, { weight: 127 }, COUNT_COLUMN, ...REPORT_STATES.map(() => COUNT_COLUMN)];

/**
 * The report as an A4 PDF for the commune and the Department of Home Affairs: the national header,
 * the totals, dossiers by procedure over as many pages as they need, and a box for the helper to
 * sign on paper. Numbers are written the reader's way (4,2 in Vietnamese).
 */
export async function buildReportPdf(report: Report, fonts: PdfFonts, t: Translate): Promise<Uint8Array> {
  try {
    const title = reportTitle(report.period, t);
    const writer = await A4Writer.create(fonts, `${title} — ${report.kiosk.name}`);
    writer.nationalHeader();
    writer.paragraph(report.kiosk.commune, { bold: true, align: 'center' });
    writer.paragraph(report.kiosk.name, { align: 'center' });
    writer.space(8);
    writer.paragraph(title, { size: 16, bold: true, align: 'center' });
    writer.space(8);
    for (const line of reportLines(report, t)) writer.field(line.label, reportValueText(line.value, t), { indent: line.part ? 14 : 0 });
    writer.space(8);
    writer.paragraph(t('report.byProcedure'), { bold: true });
    if (report.byProcedure.length === 0) writer.paragraph(t('report.noDossiers'));
    const procedures = procedureTable(report, t, (value) => formatReportNumber(value, t));
    writer.table(PROCEDURE_COLUMNS, procedures.header, procedures.rows, TABLE_TEXT_SIZE);
    writer.space(12);
    writer.field(t('report.generatedAt'), formatVietnamDateTime(report.generatedAt));
    writer.signatureBox(t('report.preparedBy'), '');
    return await writer.save();
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('pdf.failed', { document: 'report' }, { cause: error });
  }
}
