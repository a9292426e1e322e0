import { KioskError } from '../errors';
import {
  formatVietnamDate,
  formatVietnamDateTime,
  formatVndText,
  receiptQrText,
  STAGE_ACCEPTED,
  STAGE_RECEIVED,
  type ReceiptData,
} from '../receipt';
import { shortReference } from './dossier';
import { A4Writer, type PdfFonts } from './forms';
import { QR_QUIET_ZONE_MODULES, qrMatrix } from './vietqr';

/** Side of the printed QR code: 30 mm, which phone cameras read from a desk's distance. */
const QR_SIDE_PT = 85;

/**
 * The same receipt as the thermal printer's, as an A4 PDF: for kiosks with an office printer, for
 * e-mail, and for the helper's reprint. Same content, same QR text (shared/receipt.ts).
 */
export async function buildReceiptPdf(receipt: ReceiptData, fonts: PdfFonts): Promise<Uint8Array> {
  try {
    const writer = await A4Writer.create(fonts, `Giấy biên nhận hồ sơ ${shortReference(receipt.dossierId)}`);
    writer.nationalHeader();
    writer.paragraph(receipt.kiosk.commune, { bold: true, align: 'center' });
    writer.paragraph(receipt.kiosk.name, { align: 'center' });
    writer.space(8);
    writer.paragraph('GIẤY BIÊN NHẬN HỒ SƠ', { size: 16, bold: true, align: 'center' });
    writer.space(8);
    writer.field('Mã hồ sơ tại ki-ốt', shortReference(receipt.dossierId));
    writer.field('Thời gian tiếp nhận', formatVietnamDateTime(receipt.receivedAt));
    writer.field('Thủ tục', `${receipt.procedure.name} (mã ${receipt.procedure.code})`);
    writer.paragraph('Giấy tờ đã nhận:', { bold: true });
    receipt.documents.forEach((document, i) =>
      writer.paragraph(`${i + 1}. ${document.name} — ${document.pages > 0 ? `${document.pages} trang` : 'xuất trình'}`, { indent: 14 }),
    );
    writer.field('Lệ phí', receipt.feeVnd === null ? 'Cán bộ sẽ báo' : receipt.feeVnd === 0 ? 'Miễn lệ phí' : formatVndText(receipt.feeVnd));
    writer.field('Ngày hẹn trả kết quả', receipt.expectedResultDate ? formatVietnamDate(receipt.expectedResultDate) : 'Cán bộ sẽ báo');
    writer.space(6);
    if (receipt.portal) {
      writer.paragraph(STAGE_ACCEPTED, { bold: true });
      writer.field('Mã hồ sơ trên Cổng dịch vụ công', receipt.portal.maHoSo);
      writer.field('Thời gian Cổng tiếp nhận', formatVietnamDateTime(receipt.portal.receivedAt));
    } else {
      writer.paragraph(STAGE_RECEIVED, { bold: true });
    }
    writer.space(12);
    writer.ensureRoom(QR_SIDE_PT + 20);
    drawQr(writer, receiptQrText(receipt.dossierId));
    writer.paragraph('Quét mã để tra cứu tình trạng hồ sơ', { size: 10, align: 'center' });
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
