import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { PDFDocument } from 'pdf-lib';
import { describe, expect, test } from 'vitest';
import { loadFonts } from '../../electron/host/fonts';
import { DossierStatus } from '../../shared/dossier/dossier';
import { createT } from '../../shared/i18n/index';
import { buildReport, REPORT_STATES, type ReportInput } from '../../shared/reports/report';
import { reportCsv } from '../../shared/reports/reportCsv';
import { buildReportPdf } from '../../shared/reports/reportPdf';

const vietnamese = createT('vi');
const fonts = loadFonts('assets');

/** One name has a comma and quotes, for the CSV. */
const NAMES: Record<string, string> = {
  '1.001193': 'Đăng ký khai sinh',
  '1.004194': 'Đăng ký tạm trú',
  '2.000815': 'Chứng thực bản sao, "bản chính"',
};
const dossier = (procedureCode: string, status: DossierStatus, createdAt: string, receivedAt: string | null = null): ReportInput['dossiers'][number] => ({
  procedureCode,
  procedureName: NAMES[procedureCode] ?? `Thủ tục ${procedureCode}`,
  status,
  createdAt,
  receivedAt,
});

/** 24/11/2026 in Vietnam runs from 2026-11-23T17:00Z to 2026-11-24T17:00Z. */
const DAY: ReportInput = {
  kiosk: { name: 'Điểm hỗ trợ DVC trực tuyến', commune: 'UBND xã Diên Khánh, tỉnh Khánh Hòa' },
  period: { kind: 'day', date: '2026-11-24' },
  generatedAt: '2026-11-24T11:00:00Z',
  dossiers: [
    dossier('1.001193', 'accepted', '2026-11-23T17:30:00Z', '2026-11-23T18:10:00Z'), // 00:30 on the 24th; waited 40 min
    dossier('1.001193', 'queued', '2026-11-24T16:59:00Z'), // 23:59 on the 24th
    dossier('2.000815', 'rejected', '2026-11-24T03:00:00Z', '2026-11-24T04:20:00Z'), // waited 80 min
    dossier('2.000815', 'sending', '2026-11-24T05:00:00Z'),
    dossier('2.000815', 'accepted', '2026-11-24T08:00:00Z', '2026-11-24T08:30:00Z'), // waited 30 min
    dossier('1.004194', 'needsHelp', '2026-11-24T09:00:00Z'),
    dossier('1.004194', 'queued', '2026-11-24T10:00:00Z'),
    dossier('1.004194', 'cancelled', '2026-11-24T07:00:00Z'),
    dossier('1.004194', 'draft', '2026-11-24T05:00:00Z'),
    dossier('1.004194', 'ready', '2026-11-24T06:00:00Z'),
    dossier('2.000815', 'needsHelp', '2026-11-24T17:00:00Z'), // midnight: the 25th
    dossier('2.000815', 'accepted', '2026-11-23T16:59:00Z', '2026-11-23T17:01:00Z'), // 23:59 on the 23rd
    dossier('1.001193', 'queued', '2026-11-20T01:00:00Z'), // the oldest unsent, days before the period
    dossier('1.001193', 'accepted', '2026-10-01T00:00:00Z', '2026-10-01T00:05:00Z'), // older, but sent
    dossier('1.001193', 'draft', '2026-11-01T00:00:00Z'), // older, but never submitted
  ],
  ratings: [
    { score: 5, at: '2026-11-23T17:00:00Z' },
    { score: 4, at: '2026-11-24T05:00:00Z' },
    { score: 4, at: '2026-11-24T06:00:00Z' },
    { score: 2, at: '2026-11-24T07:00:00Z' },
    { score: 1, at: '2026-11-23T16:59:59Z' }, // 23:59:59 on the 23rd
  ],
  helped: [
    { kind: 'assisted', at: '2026-11-24T01:00:00Z' },
    { kind: 'assisted', at: '2026-11-24T02:00:00Z' },
    { kind: 'assisted', at: '2026-11-24T16:30:00Z' },
    { kind: 'guidance', at: '2026-11-23T17:00:00Z' },
    { kind: 'guidance', at: '2026-11-24T03:00:00Z' },
    { kind: 'assisted', at: '2026-11-24T17:00:00Z' }, // the 25th
  ],
};

const EMPTY: ReportInput = { ...DAY, dossiers: [], ratings: [], helped: [] };

describe('buildReport', () => {
  test('counts the Vietnam day, not the UTC one; leaves drafts and ready dossiers out, counts cancelled ones apart', () => {
    const report = buildReport(DAY);
    expect(report.peopleHelped).toEqual({ total: 5, assisted: 3, guidance: 2 });
    expect(report.dossiersSubmitted).toBe(8);
    expect(report.byState).toEqual({ waiting: 3, accepted: 2, needsHelp: 1, rejected: 1, cancelled: 1 });
    expect(report.byProcedure).toEqual([
      { code: '1.004194', name: 'Đăng ký tạm trú', count: 3, byState: { waiting: 1, accepted: 0, needsHelp: 1, rejected: 0, cancelled: 1 } },
      { code: '2.000815', name: NAMES['2.000815'], count: 3, byState: { waiting: 1, accepted: 1, needsHelp: 0, rejected: 1, cancelled: 0 } },
      { code: '1.001193', name: 'Đăng ký khai sinh', count: 2, byState: { waiting: 1, accepted: 1, needsHelp: 0, rejected: 0, cancelled: 0 } },
    ]);
  });

  test('ratings: count, average to one decimal and count per score, in the period only', () => {
    expect(buildReport(DAY).ratings).toEqual({ count: 4, average: 3.8, byScore: { 1: 0, 2: 1, 3: 0, 4: 2, 5: 1 } });
  });

  test('average wait is over the dossiers the portal received, in minutes; a portal clock behind the kiosk is no negative wait', () => {
    expect(buildReport(DAY).averageWaitMinutes).toBe(50);
    const skewed = buildReport({ ...EMPTY, dossiers: [dossier('1.001193', 'accepted', '2026-11-24T03:00:00Z', '2026-11-24T02:58:00Z')] });
    expect(skewed.averageWaitMinutes).toBe(0);
  });

  test('the oldest unsent dossier is the queue at generation time, whatever the period', () => {
    expect(buildReport(DAY).oldestUnsent).toEqual({ createdAt: '2026-11-20T01:00:00Z', ageHours: 106 });
    const december = buildReport({ ...DAY, period: { kind: 'day', date: '2026-12-01' } });
    expect(december.dossiersSubmitted).toBe(0);
    expect(december.oldestUnsent?.createdAt).toBe('2026-11-20T01:00:00Z');
  });

  test('a month runs from its first Vietnam midnight to the next', () => {
    const report = buildReport({
      ...EMPTY,
      period: { kind: 'month', month: '2026-11' },
      dossiers: [
        dossier('1.001193', 'accepted', '2026-10-31T17:00:00Z'), // 00:00 on 1/11
        dossier('1.001193', 'queued', '2026-11-30T16:59:00Z'), // 23:59 on 30/11
        dossier('1.001193', 'queued', '2026-10-31T16:59:00Z'), // 23:59 on 31/10
        dossier('1.001193', 'queued', '2026-11-30T17:00:00Z'), // 00:00 on 1/12
      ],
    });
    expect(report.dossiersSubmitted).toBe(2);
  });

  test('with nothing to count, the measures are null rather than zero', () => {
    const report = buildReport(EMPTY);
    expect(report).toMatchObject({ dossiersSubmitted: 0, byProcedure: [], averageWaitMinutes: null, oldestUnsent: null, ratings: { count: 0, average: null } });
  });

  test('per-procedure counts add up to the per-state totals and to the dossiers submitted', () => {
    const moment = fc.date({ min: new Date('2026-11-22T00:00:00Z'), max: new Date('2026-11-26T00:00:00Z'), noInvalidDate: true }).map((date) => date.toISOString());
    const anyDossier = fc.record({
      procedureCode: fc.constantFrom('1.001193', '1.004194', '2.000815', '2.000884'),
      procedureName: fc.string(),
      status: fc.constantFrom(...DossierStatus.options),
      createdAt: moment,
      receivedAt: fc.option(moment),
    });
    fc.assert(
      fc.property(fc.array(anyDossier, { maxLength: 60 }), (dossiers) => {
        const report = buildReport({ ...EMPTY, dossiers });
        const sum = (values: number[]) => values.reduce((total, value) => total + value, 0);
        expect(sum(report.byProcedure.map((procedure) => procedure.count))).toBe(report.dossiersSubmitted);
        expect(sum(REPORT_STATES.map((state) => report.byState[state]))).toBe(report.dossiersSubmitted);
        for (const state of REPORT_STATES) expect(sum(report.byProcedure.map((procedure) => procedure.byState[state]))).toBe(report.byState[state]);
        for (const procedure of report.byProcedure) expect(sum(REPORT_STATES.map((state) => procedure.byState[state]))).toBe(procedure.count);
      }),
    );
  });
});

/** RFC 4180 read strictly: records end with CRLF only, quoted fields may hold commas, quotes and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i]!;
    if (quoted && char === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (char === '"' && (quoted || field === '')) {
      quoted = !quoted;
    } else if (!quoted && char === ',') {
      record.push(field);
      field = '';
    } else if (!quoted && char === '\r' && text[i + 1] === '\n') {
      records.push([...record, field]);
      record = [];
      field = '';
      i += 1;
    } else {
      field += char;
    }
  }
  expect([record, field, quoted], 'the last record ends with CRLF').toEqual([[], '', false]);
  return records;
}

describe('reportCsv', () => {
  const csv = reportCsv(buildReport(DAY), vietnamese);
  /** Parsed inside each test, so that a broken file fails the tests rather than the collection. */
  const records = (text = csv) => parseCsv(text.slice(1));
  const row = (label: string) => records().find((record) => record[0] === label);

  test('starts with a UTF-8 byte order mark, for Excel on Windows, and every record has the same width', () => {
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(new Set(records().map((record) => record.length))).toEqual(new Set([8]));
  });

  test('the header block and the totals read back, commas and quotes included', () => {
    expect(row('Điểm hỗ trợ')?.slice(0, 2)).toEqual(['Điểm hỗ trợ', 'Điểm hỗ trợ DVC trực tuyến']);
    expect(row('Xã, phường')?.[1]).toBe('UBND xã Diên Khánh, tỉnh Khánh Hòa');
    expect(row('Kỳ báo cáo')?.[1]).toBe('Ngày 24/11/2026');
    expect(row('Lập lúc')?.[1]).toBe('24/11/2026 18:00');
    expect(row('Số người được hỗ trợ')?.[1]).toBe('5');
    expect(row('Số hồ sơ đã nộp')?.[1]).toBe('8');
    expect(row('Đang chờ gửi')?.[1]).toBe('3');
    expect(row('Điểm trung bình')?.[1]).toBe('3.8');
    expect(row('Số lượt chấm 4 điểm')?.[1]).toBe('2');
    expect(row('Thời gian chờ Cổng tiếp nhận, trung bình (phút)')?.[1]).toBe('50');
    expect(row('Hồ sơ chờ gửi lâu nhất, lưu lúc')?.[1]).toBe('20/11/2026 08:00');
    expect(row('Đã chờ (giờ)')?.[1]).toBe('106');
  });

  test('one row per procedure under the column headers, in the report order', () => {
    const all = records();
    const header = all.findIndex((record) => record[0] === 'Mã thủ tục');
    expect(all[header]).toEqual(['Mã thủ tục', 'Tên thủ tục', 'Số hồ sơ', 'Đang chờ gửi', 'Cổng đã nhận', 'Cần cán bộ xem', 'Không được tiếp nhận', 'Đã hủy']);
    expect(all.slice(header + 1)).toEqual([
      ['1.004194', 'Đăng ký tạm trú', '3', '1', '0', '1', '0', '1'],
      ['2.000815', 'Chứng thực bản sao, "bản chính"', '3', '1', '1', '0', '1', '0'],
      ['1.001193', 'Đăng ký khai sinh', '2', '1', '1', '0', '0', '0'],
    ]);
  });

  test('a null measure is an empty cell, not a word a spreadsheet cannot add up', () => {
    const empty = records(reportCsv(buildReport(EMPTY), vietnamese));
    expect(empty.find((record) => record[0] === 'Điểm trung bình')?.[1]).toBe('');
  });
});

/** poppler's reading of the PDF: what a reader (or a screen reader) gets out of it. */
const pdfText = (pdf: Uint8Array) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf, encoding: 'utf8' }).normalize('NFC').replace(/[ \t]+/g, ' ');
const pageCount = async (pdf: Uint8Array) => (await PDFDocument.load(pdf)).getPageCount();

describe('buildReportPdf', () => {
  test('carries the header, the Vietnamese title, the totals the Vietnamese way, the table and the signature', async () => {
    const text = pdfText(await buildReportPdf(buildReport(DAY), fonts, vietnamese));
    for (const expected of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'UBND xã Diên Khánh, tỉnh Khánh Hòa',
      'Báo cáo ngày 24/11/2026',
      'Số người được hỗ trợ: 5',
      'Được hỗ trợ làm hồ sơ: 3',
      'Số hồ sơ đã nộp: 8',
      'Điểm trung bình: 3,8',
      'Hồ sơ chờ gửi lâu nhất, lưu lúc: 20/11/2026 08:00',
      'Đăng ký khai sinh',
      'Đăng ký tạm trú',
      'Lập lúc: 24/11/2026 18:00',
      'Người lập báo cáo',
    ]) {
      expect(text).toContain(expected);
    }
  });

  test('a month is titled by its month, and nothing to count says so', async () => {
    const text = pdfText(await buildReportPdf(buildReport({ ...EMPTY, period: { kind: 'month', month: '2026-11' } }), fonts, vietnamese));
    expect(text).toContain('Báo cáo tháng 11/2026');
    expect(text).toContain('Thời gian chờ Cổng tiếp nhận, trung bình (phút): Không có');
    expect(text).toContain('Trong kỳ này chưa có hồ sơ nào.');
  });

  test('80 procedures run over several pages, every one printed, the column headers on each page', async () => {
    const many = {
      ...DAY,
      dossiers: Array.from({ length: 80 }, (_, i) => ({ ...dossier(`9.${String(i).padStart(6, '0')}`, 'accepted', '2026-11-24T05:00:00Z'), procedureName: `Thủ tục thử số ${i}` })),
    };
    const short = await pageCount(await buildReportPdf(buildReport(DAY), fonts, vietnamese));
    const pdf = await buildReportPdf(buildReport(many), fonts, vietnamese);
    const pages = await pageCount(pdf);
    expect(pages).toBeGreaterThan(short);
    const text = pdfText(pdf);
    for (let i = 0; i < 80; i += 1) expect(text).toContain(`Thủ tục thử số ${i} `);
    // pdftotext ends each page with a form feed.
    const pagesWithRows = text.split('\f').filter((page) => page.includes('Thủ tục thử số'));
    expect(pagesWithRows.length).toBeGreaterThan(1);
    for (const page of pagesWithRows) expect(page.match(/Tên thủ tục/g)).toHaveLength(1);
  });
});
