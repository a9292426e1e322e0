import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { provinceByCode, unitByCode } from '../adminUnits';
import { KioskError } from '../errors';
import { formatVietnamDate } from '../receipt';
import { compileForm, type AddressAnswer, type Answers } from './formEngine';
import type { Procedure } from './procedures';

/** Noto Sans Regular and Bold (electron/host/fonts.ts reads them): full Vietnamese coverage. */
export interface PdfFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

/** ISO 216 A4 in PDF points. */
const A4 = { width: 595.28, height: 841.89 } as const;
const MARGIN = 56;
const LINE_GAP = 1.45;
const DOTS = '……………………………………';

/**
 * A top-to-bottom writer on A4 pages: wrapped paragraphs, "label: value" lines and a signature
 * box, in the layout Vietnamese administrative forms use (national motto on top, title, Kính gửi).
 */
export class A4Writer {
  private page: PDFPage;
  private y: number;

  private constructor(
    readonly pdf: PDFDocument,
    private readonly regular: PDFFont,
    private readonly bold: PDFFont,
  ) {
    this.page = pdf.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
  }

  static async create(fonts: PdfFonts, title: string): Promise<A4Writer> {
    const pdf = await PDFDocument.create({ updateMetadata: false });
    pdf.registerFontkit(fontkit);
    // Subsetting keeps each PDF small; the whole font is 500 kB and a form uses a few hundred glyphs.
    const [regular, bold] = await Promise.all([pdf.embedFont(fonts.regular, { subset: true }), pdf.embedFont(fonts.bold, { subset: true })]);
    pdf.setTitle(title);
    pdf.setProducer('DVC Kiosk');
    pdf.setLanguage('vi-VN');
    return new A4Writer(pdf, regular, bold);
  }

  get currentPage(): PDFPage {
    return this.page;
  }

  get cursorY(): number {
    return this.y;
  }

  /** The national motto every administrative form opens with. */
  nationalHeader(): void {
    this.paragraph('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', { size: 12, bold: true, align: 'center' });
    this.paragraph('Độc lập - Tự do - Hạnh phúc', { size: 12, bold: true, align: 'center' });
    const ruleWidth = this.bold.widthOfTextAtSize('Độc lập - Tự do - Hạnh phúc', 12);
    const left = (A4.width - ruleWidth) / 2;
    this.page.drawLine({ start: { x: left, y: this.y - 4 }, end: { x: left + ruleWidth, y: this.y - 4 }, thickness: 0.6 });
    this.space(14);
  }

  paragraph(text: string, options: { size?: number; bold?: boolean; align?: 'left' | 'center' | 'right'; indent?: number } = {}): void {
    const size = options.size ?? 12;
    const font = options.bold ? this.bold : this.regular;
    const indent = options.indent ?? 0;
    for (const line of this.wrap(text.normalize('NFC'), font, size, A4.width - 2 * MARGIN - indent)) {
      this.ensureRoom(size * LINE_GAP);
      const width = font.widthOfTextAtSize(line, size);
      const x = options.align === 'center' ? (A4.width - width) / 2 : options.align === 'right' ? A4.width - MARGIN - width : MARGIN + indent;
      this.y -= size * LINE_GAP;
      this.page.drawText(line, { x, y: this.y, size, font });
    }
  }

  /** "Label: value", the value in bold; dots where the citizen gave no answer, for the officer to fill. */
  field(label: string, value: string | null): void {
    this.paragraph(`${label}: ${value?.trim() ? value : DOTS}`);
  }

  space(points: number): void {
    this.y -= points;
  }

  /**
   * The box where the person signs on paper: "<role> (Ký, ghi rõ họ tên)" as the forms of Thông tư
   * 04/2024/TT-BTP and 66/2023/TT-BCA print it, with room for the signature and the name under it.
   */
  signatureBox(role: string, name: string): void {
    const width = 220;
    const height = 110;
    this.ensureRoom(height + 10);
    const left = A4.width - MARGIN - width;
    const top = this.y - 6;
    this.page.drawRectangle({ x: left, y: top - height, width, height, borderColor: rgb(0.4, 0.4, 0.4), borderWidth: 0.6 });
    const centre = (text: string, y: number, font: PDFFont, size: number) =>
      this.page.drawText(text, { x: left + (width - font.widthOfTextAtSize(text, size)) / 2, y, size, font });
    centre(role, top - 18, this.bold, 12);
    centre('(Ký, ghi rõ họ tên)', top - 34, this.regular, 10.5);
    if (name) centre(name.normalize('NFC'), top - height + 12, this.bold, 12);
    this.y = top - height;
  }

  async save(): Promise<Uint8Array> {
    return this.pdf.save({ useObjectStreams: true });
  }

  /** Starts a new page unless `points` still fit above the bottom margin, so a block is not split. */
  ensureRoom(points: number): void {
    if (this.y - points >= MARGIN) return;
    this.page = this.pdf.addPage([A4.width, A4.height]);
    this.y = A4.height - MARGIN;
  }

  /** Greedy word wrap by measured width; a word longer than the line is broken by characters. */
  private wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
    const lines: string[] = [];
    let line = '';
    for (const word of text.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= maxWidth) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      line = word;
      while (font.widthOfTextAtSize(line, size) > maxWidth) {
        let cut = line.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(line.slice(0, cut), size) > maxWidth) cut--;
        lines.push(line.slice(0, cut));
        line = line.slice(cut);
      }
    }
    return [...lines, line];
  }
}

/** What a filled declaration needs besides the answers. */
export interface DeclarationInput {
  procedure: Procedure;
  answers: Answers;
  /** The authority the form is addressed to ("Kính gửi"), e.g. "Ủy ban nhân dân xã Diên Khánh". */
  addressee: string;
  /** Where and when it is signed: the commune's name and yyyy-mm-dd. */
  place: string;
  date: string;
}

/** Reads answers as the form prints them: select values as their Vietnamese labels, dates dd/mm/yyyy, addresses in words. */
function answerReader(procedure: Procedure, answers: Answers) {
  const steps = compileForm(procedure.form).steps;
  const raw = (id: string) => answers[id];
  const text = (id: string): string | null => {
    const value = raw(id);
    if (value === undefined || value === '') return null;
    if (typeof value === 'object') return addressText(value);
    const step = steps.find((candidate) => candidate.id === id);
    if (step?.type === 'select') return step.options.find((option) => option.value === value)?.label.vi ?? String(value);
    if (step?.type === 'date' && typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return formatVietnamDate(value);
    return String(value);
  };
  return { text, raw };
}

function addressText(address: AddressAnswer): string {
  return [address.detail, unitByCode(address.communeCode)?.name, provinceByCode(address.provinceCode)?.name].filter(Boolean).join(', ');
}

type Reader = ReturnType<typeof answerReader>;

interface DeclarationTemplate {
  title: string;
  /** The legal form it reproduces, printed small under the title. */
  form: string;
  body(writer: A4Writer, read: Reader): void;
  pledge: string;
  signer: string;
}

const BIRTH_REGISTRATION: DeclarationTemplate = {
  title: 'TỜ KHAI ĐĂNG KÝ KHAI SINH',
  form: 'Mẫu ban hành kèm theo Thông tư số 04/2024/TT-BTP',
  body(writer, read) {
    writer.field('Họ, chữ đệm, tên người yêu cầu', read.text('applicantName'));
    writer.field('Số định danh cá nhân', read.text('applicantNumber'));
    writer.field('Quan hệ với người được khai sinh', read.text('relationship'));
    writer.paragraph('Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:', { bold: true });
    writer.field('Họ, chữ đệm, tên', read.text('child.fullName'));
    writer.field('Ngày, tháng, năm sinh', read.text('child.dateOfBirth'));
    writer.field('Giới tính', read.text('child.gender'));
    writer.field('Nơi sinh', read.text('placeOfBirth'));
    // The applicant is one of the parents when the form skipped that parent's step.
    const relationship = read.raw('relationship');
    writer.field('Họ, chữ đệm, tên người mẹ', relationship === 'mother' ? read.text('applicantName') : read.text('mother.fullName'));
    writer.field('Số định danh cá nhân của người mẹ', relationship === 'mother' ? read.text('applicantNumber') : read.text('mother.number'));
    writer.field('Họ, chữ đệm, tên người cha', relationship === 'father' ? read.text('applicantName') : read.text('father.fullName'));
    writer.field('Giấy tờ chứng minh việc sinh', read.text('birthProof'));
    writer.field('Số điện thoại liên hệ', read.text('applicantPhone'));
  },
  pledge:
    'Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật, được sự thỏa thuận nhất trí của các bên liên quan theo quy định pháp luật. Tôi chịu hoàn toàn trách nhiệm trước pháp luật về nội dung cam đoan của mình.',
  signer: 'Người yêu cầu',
};

/** CT01 serves both temporary (1.004194) and permanent (1.004222) residence; the content differs. */
const residenceDeclaration = (kind: 'tạm trú' | 'thường trú', addressStep: string, extra: (writer: A4Writer, read: Reader) => void): DeclarationTemplate => ({
  title: 'TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ',
  form: 'Mẫu CT01 ban hành kèm theo Thông tư số 66/2023/TT-BCA',
  body(writer, read) {
    writer.field('1. Họ, chữ đệm và tên', read.text('applicantName'));
    writer.field('2. Số định danh cá nhân', read.text('applicantNumber'));
    writer.field('3. Số điện thoại liên hệ', read.text('applicantPhone'));
    writer.field('4. Nội dung đề nghị', `Đăng ký ${kind}`);
    writer.field(`5. Địa chỉ đăng ký ${kind}`, read.text(addressStep));
    writer.field('6. Chỗ ở hợp pháp', read.text('housing'));
    extra(writer, read);
  },
  pledge: 'Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về lời khai của mình.',
  signer: 'Người kê khai',
});

const CERTIFIED_COPY_REQUEST: DeclarationTemplate = {
  title: 'PHIẾU YÊU CẦU CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH',
  form: 'Theo Nghị định số 23/2015/NĐ-CP, Điều 20',
  body(writer, read) {
    writer.field('Họ, chữ đệm, tên người yêu cầu', read.text('applicantName'));
    writer.field('Số định danh cá nhân', read.text('applicantNumber'));
    writer.field('Số điện thoại liên hệ', read.text('applicantPhone'));
    writer.field('Giấy tờ cần chứng thực', read.text('documentName'));
    writer.field('Số trang của bản chính', read.text('pageCount'));
    writer.field('Số bản sao yêu cầu chứng thực', read.text('copyCount'));
  },
  pledge: 'Tôi cam đoan bản chính xuất trình là giấy tờ hợp pháp, không bị tẩy xóa, sửa chữa, và chịu trách nhiệm trước pháp luật về tính hợp pháp của giấy tờ đó.',
  signer: 'Người yêu cầu',
};

const TEMPLATES: Record<string, DeclarationTemplate> = {
  '1.001193': BIRTH_REGISTRATION,
  '1.004194': residenceDeclaration('tạm trú', 'tempAddress', (writer, read) => {
    writer.field('7. Họ, chữ đệm và tên chủ hộ/chủ nhà', read.text('host.fullName'));
    writer.field('8. Ở đến ngày', read.text('stayUntil'));
  }),
  '1.004222': residenceDeclaration('thường trú', 'newAddress', (writer, read) => {
    writer.field('7. Họ, chữ đệm và tên chủ hộ', read.text('householdHead.fullName'));
    writer.field('8. Quan hệ với chủ hộ', read.text('relationToHead'));
  }),
  '2.000815': CERTIFIED_COPY_REQUEST,
};

/** Procedures whose declaration the kiosk fills in itself. */
export const FILLED_FORM_PROCEDURES = Object.keys(TEMPLATES);

/**
 * The procedure's declaration (tờ khai) filled with the citizen's answers, as an A4 PDF to print
 * and sign at the counter: the law asks for a handwritten signature, so the box stays empty.
 */
export async function buildDeclarationPdf(input: DeclarationInput, fonts: PdfFonts): Promise<Uint8Array> {
  const template = TEMPLATES[input.procedure.code];
  if (!template) throw new KioskError('pdf.failed', { procedure: input.procedure.code, reason: 'noForm' });
  try {
    const writer = await A4Writer.create(fonts, `${template.title} — ${input.procedure.name.vi}`);
    writer.nationalHeader();
    writer.paragraph(template.title, { size: 14, bold: true, align: 'center' });
    writer.paragraph(template.form, { size: 9.5, align: 'center' });
    writer.space(10);
    writer.paragraph(`Kính gửi: ${input.addressee}`, { align: 'center' });
    writer.space(8);
    template.body(writer, answerReader(input.procedure, input.answers));
    writer.space(6);
    writer.paragraph(template.pledge);
    writer.space(10);
    const [year, month, day] = input.date.split('-');
    writer.paragraph(`${input.place}, ngày ${day} tháng ${month} năm ${year}`, { align: 'right' });
    const name = input.answers.applicantName;
    writer.signatureBox(template.signer, typeof name === 'string' ? name : '');
    return await writer.save();
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('pdf.failed', { procedure: input.procedure.code }, { cause: error });
  }
}
