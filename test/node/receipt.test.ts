import { transform } from 'receiptline';
import { describe, expect, test } from 'vitest';
import { SAMPLE_RECEIPT, STAGE_ACCEPTED, STAGE_RECEIVED } from '../support/escpos';
import {
  type ReceiptData,
  formatVietnamDateTime,
  formatVndText,
  parseReceiptQr,
  receiptMarkup,
  receiptQrText,
} from '../../shared/receipt';

/** receiptline's plain-text rendering: the receipt as the paper shows it, without a printer. */
const asText = (receipt: ReceiptData, cpl = 48) => transform(receiptMarkup(receipt), { cpl, command: 'text' });

describe('receipt content', () => {
  test('fees are written the Vietnamese way, with dots between thousands and "đồng"', () => {
    expect(formatVndText(50_000)).toBe('50.000 đồng');
    expect(formatVndText(1_234_567)).toBe('1.234.567 đồng');
    expect(formatVndText(0)).toBe('0 đồng');
  });

  test('times are printed in Vietnam time whatever the clock zone', () => {
    expect(formatVietnamDateTime('2026-11-24T17:30:00Z')).toBe('25/11/2026 00:30');
    expect(formatVietnamDateTime('2026-01-05T01:07:00+07:00')).toBe('05/01/2026 01:07');
  });

  test('stage 1 carries the kiosk code, procedure, documents, fee, date and the waiting notice', () => {
    const text = asText(SAMPLE_RECEIPT);
    for (const expected of [
      'UBND xã Diên Khánh',
      'GIẤY BIÊN NHẬN HỒ SƠ',
      '1B4E28BA',
      '24/11/2026 11:50',
      'Chứng thực bản sao từ bản chính',
      '2.000815',
      'Bản chính giấy tờ cần chứng thực',
      '2 trang',
      'xuất trình',
      '50.000 đồng',
      '25/11/2026',
      STAGE_RECEIVED,
    ]) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain(STAGE_ACCEPTED);
  });

  test('stage 2 replaces the waiting notice with the portal dossier code', () => {
    const text = asText({ ...SAMPLE_RECEIPT, portal: { maHoSo: 'H37.22-261124-0001', receivedAt: '2026-11-24T05:00:00Z' } });
    expect(text).toContain(STAGE_ACCEPTED);
    expect(text).toContain('H37.22-261124-0001');
    expect(text).toContain('24/11/2026 12:00');
    expect(text).not.toContain(STAGE_RECEIVED);
  });

  test('free and province-set fees say so instead of an amount', () => {
    expect(asText({ ...SAMPLE_RECEIPT, feeVnd: 0 })).toContain('Miễn lệ phí');
    expect(asText({ ...SAMPLE_RECEIPT, feeVnd: null })).toContain('Cán bộ sẽ báo');
  });

  test.each([
    ['a column bar', 'Giấy | tờ'],
    ['braces', 'Sổ {hộ khẩu}'],
    ['markup characters', 'A_B "C" `D` ^E ~F \\G'],
    ['a line that would cut the paper', '='],
    ['a line that would draw a rule', '---'],
  ])('text with %s prints as typed, in a column and on a line of its own', (_, name) => {
    const text = asText({ ...SAMPLE_RECEIPT, documents: [{ name, pages: 1 }], kiosk: { ...SAMPLE_RECEIPT.kiosk, name } }, 48);
    const lines = text.split('\n').map((line) => line.trim());
    expect(lines.filter((line) => line === name || line.startsWith(`${name} `))).toHaveLength(2);
    // Nothing was cut or ruled off: exactly the receipt's own four rules remain.
    expect(lines.filter((line) => line === '-'.repeat(48))).toHaveLength(4);
  });

  test('no line is wider than the paper on 58 mm', () => {
    for (const line of asText(SAMPLE_RECEIPT, 32).split('\n')) expect([...line].length).toBeLessThanOrEqual(32);
  });

  test('the QR text names the dossier and reads back, and nothing else passes for one', () => {
    const text = receiptQrText(SAMPLE_RECEIPT.dossierId);
    expect(text).toBe('DVC:1b4e28ba-2fa1-41d2-883f-0016d3cca427');
    expect(parseReceiptQr(text)).toBe(SAMPLE_RECEIPT.dossierId);
    expect(parseReceiptQr('DVC:not-a-uuid')).toBeNull();
    expect(parseReceiptQr('https://example.com/1b4e28ba-2fa1-41d2-883f-0016d3cca427')).toBeNull();
    expect(receiptMarkup(SAMPLE_RECEIPT)).toContain('{code:DVC\\x3a1b4e28ba-2fa1-41d2-883f-0016d3cca427;option:qrcode');
  });
});
