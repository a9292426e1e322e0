import type { Translate } from '../i18n/index';
import { formatVietnamDateTime } from '../receipt';
import { periodText, procedureTable, reportLines, type Report } from './report';

/** Excel on Windows reads a CSV without a byte order mark in the ANSI code page, mangling Vietnamese. */
const BYTE_ORDER_MARK = '\uFEFF';
const CRLF = '\r\n';

/** RFC 4180 §2.6–2.7: a field with a comma, quote or line break is quoted, its quotes doubled. */
const csvField = (value: string): string => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);

/**
 * The report as CSV (RFC 4180, UTF-8): the header block, the totals as label–value rows, then one
 * row per procedure, a blank row between sections. Numbers are plain (4.2), for spreadsheets to
 * compute with; rows are padded to one width, as RFC 4180 asks and pandas expects.
 */
export function reportCsv(report: Report, t: Translate): string {
  const procedures = procedureTable(report, t, String);
  const rows: string[][] = [
    [t('report.kiosk'), report.kiosk.name],
    [t('report.commune'), report.kiosk.commune],
    [t('report.period'), periodText(report.period, t)],
    [t('report.generatedAt'), formatVietnamDateTime(report.generatedAt)],
    [],
    ...reportLines(report, t).map(({ label, value }) => [label, value === null ? '' : String(value)]),
    [],
    procedures.header,
    ...procedures.rows,
  ];
  const width = Math.max(...rows.map((row) => row.length));
  const records = rows.map((row) => Array.from({ length: width }, (_, i) => csvField(row[i] ?? '')).join(','));
  return BYTE_ORDER_MARK + records.map((record) => record + CRLF).join('');
}
