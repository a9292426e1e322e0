import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { searchCommunes } from '../../shared/adminUnits';
import type { Answers } from '../../shared/dossier/formEngine';
import { buildDeclarationPdf, OFFICIAL_FORM_PROCEDURES, type PdfFonts } from '../../shared/dossier/forms';
import { declarationDocument, Procedure } from '../../shared/dossier/procedures';
import { buildReceiptPdf } from '../../shared/dossier/receiptPdf';
import { KioskError } from '../../shared/errors';
import { receiptQrText } from '../../shared/receipt';
import { SAMPLE_RECEIPT, STAGE_ACCEPTED } from '../support/escpos';

const fonts: PdfFonts = {
  regular: new Uint8Array(readFileSync('assets/fonts/NotoSans-Regular.ttf')),
  bold: new Uint8Array(readFileSync('assets/fonts/NotoSans-Bold.ttf')),
};
const procedure = (code: string) => Procedure.parse(JSON.parse(readFileSync(`assets/procedures/${code}.json`, 'utf8')));

let folder: string;
beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'dvc-forms-'));
});
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** What poppler reads out of the PDF: its text (NFC, as the citizen typed it) and page sizes. */
function inspect(name: string, pdf: Uint8Array) {
  const file = path.join(folder, `${name}.pdf`);
  writeFileSync(file, pdf);
  const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).normalize('NFC').replace(/[ \t]+/g, ' ');
  const pages = [...execFileSync('pdfinfo', ['-l', '99', file], { encoding: 'utf8' }).matchAll(/Page\s+\d+ size:\s+([\d.]+) x ([\d.]+) pts/g)];
  return { file, text, sizes: pages.map((match) => [Number(match[1]), Number(match[2])]) };
}

/** Renders page 1 at `dpi` with pdftoppm and returns the PNG. */
function renderFirstPage(file: string, dpi: number): PNG {
  const prefix = path.join(folder, `${path.basename(file, '.pdf')}-${dpi}`);
  execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', file, prefix]);
  return PNG.sync.read(readFileSync(`${prefix}.png`));
}

const diênKhánh = searchCommunes('Diên Khánh')[0]!;
const address = { provinceCode: diênKhánh.provinceCode, communeCode: diênKhánh.code, detail: 'Thôn Phú Ân Nam 2' };

const ANSWERS: Record<string, Answers> = {
  '1.001193': {
    applicantName: 'Trần Thị Thử',
    applicantNumber: '056190012345',
    relationship: 'mother',
    'child.fullName': 'Nguyễn Ngọc Ánh',
    'child.dateOfBirth': '2026-11-02',
    'child.gender': 'female',
    placeOfBirth: 'Bệnh viện Đa khoa tỉnh Khánh Hòa',
    birthProof: 'certificate',
    'father.fullName': 'Nguyễn Văn Đức',
    applicantPhone: '0912345678',
  },
  '1.004194': {
    applicantName: 'Lê Thị Thử Hai',
    applicantNumber: '056305001234',
    tempAddress: address,
    housing: 'rented',
    'host.fullName': 'Phạm Văn Bình',
    stayUntil: '2027-12-31',
    applicantPhone: '0987654321',
  },
  '1.004222': {
    applicantName: 'Hoàng Minh Khôi',
    applicantNumber: '001201009876',
    newAddress: address,
    housing: 'family',
    'householdHead.fullName': 'Hoàng Văn Lực',
    relationToHead: 'Con',
    applicantPhone: '0900000001',
  },
  '2.000815': { applicantName: 'Võ Thị Ỷ', applicantNumber: '058195001357', documentName: 'Bằng tốt nghiệp THPT', pageCount: 2, copyCount: 3, applicantPhone: '0911222333' },
};

const EXPECTED: Record<string, string[]> = {
  '1.001193': ['TỜ KHAI ĐĂNG KÝ KHAI SINH', 'Trần Thị Thử', 'Nguyễn Ngọc Ánh', '02/11/2026', 'Giới tính: Nữ', 'Bệnh viện Đa khoa tỉnh Khánh Hòa', 'Họ, chữ đệm, tên người mẹ: Trần Thị Thử', 'Nguyễn Văn Đức', 'Người yêu cầu'],
  '1.004194': ['TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ', 'Mẫu CT01', 'Đăng ký tạm trú', `Thôn Phú Ân Nam 2, ${diênKhánh.name}`, 'Nhà thuê, mượn hoặc ở nhờ', 'Phạm Văn Bình', '31/12/2027', 'Người kê khai'],
  '1.004222': ['Đăng ký thường trú', 'Hoàng Văn Lực', 'Quan hệ với chủ hộ: Con', 'Nhà người thân', 'Người kê khai'],
  '2.000815': ['PHIẾU YÊU CẦU CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH', 'Võ Thị Ỷ', 'Bằng tốt nghiệp THPT', 'Số bản sao yêu cầu chứng thực: 3', 'Người yêu cầu'],
};

describe('filled declaration forms', () => {
  test('at least three procedures have their official form reproduced', () => {
    expect(OFFICIAL_FORM_PROCEDURES.length).toBeGreaterThanOrEqual(3);
    expect(Object.keys(ANSWERS).sort()).toEqual([...OFFICIAL_FORM_PROCEDURES].sort());
  });

  test.each(Object.keys(ANSWERS))('%s: A4, the answers in Vietnamese with their diacritics, a signature box', async (code) => {
    const pdf = await buildDeclarationPdf({ procedure: procedure(code), answers: ANSWERS[code]!, addressee: 'Ủy ban nhân dân xã Diên Khánh', place: 'Diên Khánh', date: '2026-11-24' }, fonts);
    const { file, text, sizes } = inspect(code, pdf);
    for (const expected of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc', 'Kính gửi: Ủy ban nhân dân xã Diên Khánh', 'Diên Khánh, ngày 24 tháng 11 năm 2026', '(Ký, ghi rõ họ tên)', ...EXPECTED[code]!]) {
      expect(text).toContain(expected);
    }
    for (const [width, height] of sizes) {
      expect(width).toBeCloseTo(595.28, 1);
      expect(height).toBeCloseTo(841.89, 1);
    }
    const page = renderFirstPage(file, 36);
    expect([page.width, page.height]).toEqual([298, 421]);
  });

  test('an unanswered field is left as dots for the officer, not filled with a guess', async () => {
    const answers = { ...ANSWERS['1.001193']!, placeOfBirth: '' };
    const { text } = inspect('blank', await buildDeclarationPdf({ procedure: procedure('1.001193'), answers, addressee: 'UBND xã', place: 'Xã', date: '2026-11-24' }, fonts));
    expect(text).toMatch(/Nơi sinh: …+/);
  });

  test('a procedure that asks for no declaration is refused with declaration.unavailable', async () => {
    const failure = await buildDeclarationPdf({ procedure: procedure('2.000884'), answers: {}, addressee: 'x', place: 'x', date: '2026-11-24' }, fonts).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(KioskError);
    expect((failure as KioskError).code).toBe('declaration.unavailable');
  });
});

describe('the generic declaration, for every other procedure with one', () => {
  const CATALOGUE = readdirSync('assets/procedures').filter((file) => file !== 'index.json').map((file) => procedure(path.basename(file, '.json')));
  const generic = (code: string, answers: Answers, place: string | null = 'Diên Khánh', changed = procedure(code)) =>
    buildDeclarationPdf({ procedure: changed, answers, addressee: 'Ủy ban nhân dân xã Diên Khánh', place, date: '2026-11-24' }, fonts).then((pdf) => inspect(`generic-${code}`, pdf).text);
  /** Asserts that `parts` come in this order in `text`, wrapped lines joined. */
  const inOrder = (text: string, parts: string[]) => {
    const flowing = text.replace(/\s+/g, ' ');
    let from = 0;
    for (const part of parts) {
      const at = flowing.indexOf(part, from);
      expect(at, `${part} after ${flowing.slice(0, from)}`).toBeGreaterThanOrEqual(0);
      from = at + part.length;
    }
  };

  test('every procedure whose documents list a declaration gets one', async () => {
    const declaring = CATALOGUE.filter((each) => declarationDocument(each));
    expect(declaring.length).toBeGreaterThanOrEqual(13);
    for (const each of declaring) {
      const text = await generic(each.code, { applicantName: 'Đặng Thị Ánh' });
      expect(text, each.code).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
      expect(text, each.code).toContain('Đặng Thị Ánh');
    }
  });

  test('1.000656: the catalogue title in capitals, each answer under its question in form order, the person block under its label, no papers, the pledge and the signature', async () => {
    const text = await generic('1.000656', {
      applicantName: 'Lê Văn Hùng',
      applicantNumber: '056090001234',
      relationship: 'child',
      'deceased.fullName': 'Lê Thị Bảy',
      'deceased.dateOfBirth': '1941-03-08',
      'deceased.number': '056141000123',
      dateOfDeath: '2026-11-20',
      placeOfDeath: 'Tại nhà, thôn Phú Ân Nam 2',
      deathNotice: 2,
      applicantPhone: '0912345678',
    });
    inOrder(text, [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'TỜ KHAI ĐĂNG KÝ KHAI TỬ',
      'Kính gửi: Ủy ban nhân dân xã Diên Khánh',
      'Họ và tên của bạn: Lê Văn Hùng',
      'Số định danh cá nhân của bạn: 056090001234',
      'Bạn là gì của người đã mất: Con',
      'Người đã mất:',
      'Họ, chữ đệm và tên: Lê Thị Bảy',
      'Ngày, tháng, năm sinh: 08/03/1941',
      'Số định danh cá nhân: 056141000123',
      'Người đó mất ngày nào: 20/11/2026',
      'Người đó mất ở đâu: Tại nhà, thôn Phú Ân Nam 2',
      'Số điện thoại để cán bộ gọi cho bạn: 0912345678',
      'Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về lời khai của mình.',
      'Diên Khánh, ngày 24 tháng 11 năm 2026',
      'Người khai',
      '(Ký, ghi rõ họ tên)',
      'Lê Văn Hùng',
    ]);
    expect(text).not.toContain('Giấy báo tử');
  });

  test('1.003677: addresses in words and dates as dd/mm/yyyy; a form number in the document name is not printed', async () => {
    const text = await generic('1.003677', {
      applicantName: 'Phan Thị Thu Hà',
      applicantAddress: address,
      destination: { provinceCode: '79', communeCode: '26734', detail: '12 Nguyễn Huệ' },
      awayFrom: '2026-12-01',
      awayUntil: '2027-03-01',
      reason: 'Đi làm ăn xa',
    });
    inOrder(text, ['ĐỀ NGHỊ KHAI BÁO TẠM VẮNG', `Nơi bạn đang thường trú: Thôn Phú Ân Nam 2, ${diênKhánh.name}, Tỉnh Khánh Hòa`, 'Bạn sẽ đi đến đâu: 12 Nguyễn Huệ', 'Bạn đi từ ngày nào: 01/12/2026', 'Bạn đi đến ngày nào thì về: 01/03/2027', 'Vì sao bạn đi vắng: Đi làm ăn xa']);
    const residence = await generic('1.010038', { applicantName: 'Phan Văn Tách' });
    expect(residence).toContain('TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ');
    expect(residence).not.toMatch(/CT01|mẫu/i);
  });

  test('an optional question left blank is left out, a required one gets dots for the officer, a hidden question never prints its stale answer; no commune gives dots for the place', async () => {
    const original = procedure('1.000656');
    const optionalPlace = { ...original, form: original.form.map((step) => (step.id === 'placeOfDeath' ? { ...step, required: false } : step)) };
    const skipped = await generic('1.000656', { applicantName: 'Lê Văn Hùng', placeOfDeath: '' }, null, optionalPlace);
    expect(skipped).not.toContain('Người đó mất ở đâu');
    expect(skipped).toMatch(/Người đó mất ngày nào: …+/);
    expect(skipped).toMatch(/…+, ngày 24 tháng 11 năm 2026/);

    const forSelf = await generic('2.000635', { applicantName: 'Võ Văn Tư', forWhom: 'self', 'person.fullName': 'Người Cũ' });
    expect(forSelf).toContain('Giấy đó có tên ai: Tên tôi');
    expect(forSelf).not.toContain('Người Cũ');
    expect(forSelf).not.toContain('Người có tên trên giấy');
  });
});

describe('A4 receipt', () => {
  test('carries the receipt content, and its QR scans from the rendered page', async () => {
    const receipt = { ...SAMPLE_RECEIPT, portal: { maHoSo: 'H37.22-261124-0001', receivedAt: '2026-11-24T05:00:00Z' } };
    const { file, text, sizes } = inspect('receipt', await buildReceiptPdf(receipt, fonts));
    for (const expected of ['GIẤY BIÊN NHẬN HỒ SƠ', '1B4E28BA', 'Chứng thực bản sao từ bản chính', 'Mã thủ tục: 2.000815', '2 trang', 'xuất trình', 'Lệ phí: 50.000 đồng', '25/11/2026', STAGE_ACCEPTED, 'H37.22-261124-0001']) {
      expect(text).toContain(expected);
    }
    expect(sizes).toHaveLength(1);
    const page = renderFirstPage(file, 150);
    expect(jsQR(new Uint8ClampedArray(page.data), page.width, page.height)?.data).toBe(receiptQrText(receipt.dossierId));
  });
});
