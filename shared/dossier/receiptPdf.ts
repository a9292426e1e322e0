import { KioskError } from '../errors';
import { createT, type Translate } from '../i18n/index';
import { dueDateText, feeText, formatVietnamDateTime, pagesText, receiptQrText, type ReceiptData } from '../receipt';
import { shortReference } from './dossier';
import { A4Writer, type PdfFonts } from './forms';
import { QR_QUIET_ZONE_MODULES, qrMatrix } from './vietqr';

/** Side of the printed QR code: 30 mm, which phone cameras read from a desk's distance. */
const QR_SIDE_PT = 85;

/**
 * The same receipt as the thermal printer's, as an A4 PDF: for kiosks with an office printer, for
 * e-mail, and for the helper's reprint. Same content, same QR text (shared/receipt.ts).
 */
export async function buildReceiptPdf(receipt: ReceiptData, fonts: PdfFonts, t: Translate = createT('vi')): Promise<Uint8Array> {
  try {
    const writer = await A4Writer.create(fonts, t('receipt.pdfTitle', { reference: shortReference(receipt.dossierId) }));
    writer.nationalHeader();
    writer.paragraph(receipt.kiosk.commune, { bold: true, align: 'center' });
    writer.paragraph(receipt.kiosk.name, { align: 'center' });
    writer.space(8);
    writer.paragraph(t('receipt.title'), { size: 16, bold: true, align: 'center' });
    writer.space(8);
    writer.field(t('receipt.reference'), shortReference(receipt.dossierId));
    writer.field(t('receipt.receivedAt'), formatVietnamDateTime(receipt.receivedAt));
    writer.field(t('receipt.procedure'), receipt.procedure.name);
    writer.paragraph(t('receipt.procedureCode', { code: receipt.procedure.code }), { indent: 14 });
    writer.paragraph(`${t('receipt.documents')}:`, { bold: true });
    receipt.documents.forEach((document, i) => writer.paragraph(`${i + 1}. ${document.name} — ${pagesText(document.pages, t)}`, { indent: 14 }));
    writer.field(t('receipt.fee'), feeText(receipt.feeVnd, t));
    writer.field(t('receipt.dueDate'), dueDateText(receipt.expectedResultDate, t));
    writer.field(t('receipt.delivery'), t(`receipt.delivery.${receipt.delivery}`));
    writer.space(6);
    if (receipt.portal) {
      writer.paragraph(t('receipt.stageAccepted'), { bold: true });
      writer.field(t('receipt.portalCode'), receipt.portal.maHoSo);
      writer.field(t('receipt.portalReceivedAt'), formatVietnamDateTime(receipt.portal.receivedAt));
    } else {
      writer.paragraph(t('receipt.stageReceived'), { bold: true });
    }
    writer.space(12);
    writer.ensureRoom(QR_SIDE_PT + 20);
    drawQr(writer, receiptQrText(receipt.dossierId));
    writer.paragraph(t('receipt.scanToCheck'), { size: 10, align: 'center' });
    return await writer.save();
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('pdf.failed', { document: 'receipt' }, { cause: error });
  }
}

/** The QR as vector squares (sharp at any zoom), centred, with its quiet zone left white. */
function drawQr(writer: A4Writer, text: string): void {
  const { size, modules } = qrMatrix(text);
  const module = QR_SIDE_PT / (size + 2 * QR_QUIET_ZONE_MODULES);
  const page = writer.currentPage;
  const left = (page.getWidth() - QR_SIDE_PT) / 2 + QR_QUIET_ZONE_MODULES * module;
  const top = writer.cursorY - QR_QUIET_ZONE_MODULES * module;
  modules.forEach((row, y) =>
    row.forEach((dark, x) => {
      if (dark) page.drawRectangle({ x: left + x * module, y: top - (y + 1) * module, width: module, height: module });
    }),
  );
  writer.space(QR_SIDE_PT);
}
