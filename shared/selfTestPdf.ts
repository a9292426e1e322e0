import { A4Writer, type PdfFonts } from './dossier/forms';
import { KioskError } from './errors';
import type { Translate } from './i18n/index';
import { selfTestLines, type SelfTestReport } from './selfTest';

/**
 * The self-test report as an A4 PDF, for the technician to save or hand to the commune with the
 * kiosk: the same lines as the printed report, each device's details under its verdict, and a
 * box for the technician to sign.
 */
export async function buildSelfTestPdf(report: SelfTestReport, fonts: PdfFonts, t: Translate): Promise<Uint8Array> {
  try {
    const lines = selfTestLines(report, t);
    const writer = await A4Writer.create(fonts, `${lines.title} — ${report.kiosk.name}`);
    writer.nationalHeader();
    writer.paragraph(report.kiosk.commune, { bold: true, align: 'center' });
    writer.paragraph(report.kiosk.name, { align: 'center' });
    writer.space(8);
    writer.paragraph(lines.title, { size: 16, bold: true, align: 'center' });
    writer.space(8);
    for (const { label, value } of lines.fields) writer.field(label, value);
    for (const device of lines.devices) {
      writer.space(6);
      writer.paragraph(`${device.name}: ${device.verdict}`, { bold: true });
      for (const detail of device.details) writer.paragraph(detail, { indent: 14 });
    }
    writer.space(8);
    writer.paragraph(lines.summary, { bold: true });
    writer.signatureBox(t('selfTest.technician'), '');
    return await writer.save();
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('pdf.failed', { document: 'selfTest' }, { cause: error });
  }
}
