import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib';
import { provinceByCode, unitByCode } from '../adminUnits';
import { KioskError } from '../errors';
import { formatVietnamDate } from '../receipt';
import { compileForm, visibleSteps, type AddressAnswer, type Answers, type Localized } from './formEngine';
import { declarationDocument, type Procedure, type RequiredDocument } from './procedures';

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
const CELL_PADDING = 3;

/** A column of `A4Writer.table`: its share of the line's width, and which side its cells keep to. */
export interface TableColumn {
  weight: number;
  align?: 'left' | 'right';
}

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

  /** "Label: value"; dots where the citizen gave no answer, for the officer to fill. */
  field(label: string, value: string | null, options: { indent?: number } = {}): void {
    this.paragraph(`${label}: ${value?.trim() ? value : DOTS}`, options);
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

  /**
   * Rows of wrapped cells, a rule under each. A row is never split across pages, and the header
   * row opens every page the table reaches, so each printed page reads on its own.
   */
  table(columns: readonly TableColumn[], header: readonly string[], rows: ReadonlyArray<readonly string[]>, size = 10): void {
    const totalWeight = columns.reduce((sum, column) => sum + column.weight, 0);
    const widths = columns.map((column) => (column.weight / totalWeight) * (A4.width - 2 * MARGIN));
    const layout = (cells: readonly string[], font: PDFFont) => ({
      font,
      lines: cells.map((cell, i) => this.wrap(cell.normalize('NFC'), font, size, widths[i]! - 2 * CELL_PADDING)),
    });
    const heightOf = ({ lines }: ReturnType<typeof layout>) => Math.max(...lines.map((cell) => cell.length)) * size * LINE_GAP + CELL_PADDING;
    const rule = () => this.page.drawLine({ start: { x: MARGIN, y: this.y }, end: { x: A4.width - MARGIN, y: this.y }, thickness: 0.4, color: rgb(0.4, 0.4, 0.4) });
    const draw = (row: ReturnType<typeof layout>) => {
      let left = MARGIN;
      row.lines.forEach((cell, i) => {
        cell.forEach((line, n) => {
          const x = columns[i]!.align === 'right' ? left + widths[i]! - CELL_PADDING - row.font.widthOfTextAtSize(line, size) : left + CELL_PADDING;
          this.page.drawText(line, { x, y: this.y - (n + 1) * size * LINE_GAP, size, font: row.font });
        });
        left += widths[i]!;
      });
      this.y -= heightOf(row);
      rule();
    };
    const headerRow = layout(header, this.bold);
    let pageWithHeader: PDFPage | null = null;
    for (const cells of rows) {
      const row = layout(cells, this.regular);
      if (pageWithHeader === this.page) this.ensureRoom(heightOf(row));
      if (pageWithHeader !== this.page) {
        // The table's start, or the row went over: the header goes on top, with its first row under it,
        // and the top rule as far below the text above as paragraphs keep their lines apart.
        const gap = size * (LINE_GAP - 1);
        this.ensureRoom(gap + heightOf(headerRow) + heightOf(row));
        this.space(gap);
        rule();
        draw(headerRow);
        pageWithHeader = this.page;
      }
      draw(row);
    }
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
  /** Where and when it is signed: the commune's name (null: dots, for the officer) and yyyy-mm-dd. */
  place: string | null;
  date: string;
}

/**
 * Reads answers as the form prints them: select values as their Vietnamese labels, dates
 * dd/mm/yyyy, addresses in words; `shown` is the steps the citizen was asked, in form order.
 */
function answerReader(procedure: Procedure, answers: Answers) {
  const form = compileForm(procedure.form);
  const steps = form.steps;
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
  return { text, raw, shown: () => visibleSteps(form, answers) };
}

function addressText(address: AddressAnswer): string {
  return [address.detail, unitByCode(address.communeCode)?.name, provinceByCode(address.provinceCode)?.name].filter(Boolean).join(', ');
}

type Reader = ReturnType<typeof answerReader>;

interface DeclarationTemplate {
  title: string;
  /** The legal form it reproduces, printed small under the title. */
  form?: string;
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

const STANDARD_PLEDGE = 'Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật về lời khai của mình.';

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
  pledge: STANDARD_PLEDGE,
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

/** Procedures whose declaration reproduces its official form; the others' get the generic layout below. */
export const OFFICIAL_FORM_PROCEDURES = Object.keys(TEMPLATES);

/**
 * Every other declaration the catalogue lists, in the kiosk's own layout of a plain Vietnamese
 * declaration: it is not the official form, so no form number (mẫu) is printed, not even one the
 * document's name carries. Each question the citizen was asked, in form order, as "label: value";
 * papers are listed on the receipt, not here, and an optional question left blank is left out.
 */
function genericDeclaration(document: RequiredDocument): DeclarationTemplate {
  return {
    title: document.name.vi.replace(/\s*\(mẫu[^)]*\)/iu, '').toLocaleUpperCase('vi'),
    body(writer, read) {
      let block: Localized | undefined;
      for (const step of read.shown()) {
        const value = read.text(step.id);
        if (step.type === 'document' || (value === null && !step.required)) continue;
        // A person block's fields (the deceased's name, date of birth…) under its own label.
        if (step.context && step.context !== block) writer.paragraph(`${step.context.vi}:`, { bold: true });
        block = step.context;
        // Labels are the screen's questions: "Bạn đi từ ngày nào?" reads "Bạn đi từ ngày nào: 01/12/2026".
        writer.field(step.label.vi.replace(/\?\s*$/, ''), value, { indent: step.context ? 14 : 0 });
      }
    },
    pledge: STANDARD_PLEDGE,
    signer: 'Người khai',
  };
}

function templateFor(procedure: Procedure): DeclarationTemplate {
  const official = TEMPLATES[procedure.code];
  if (official) return official;
  const document = declarationDocument(procedure);
  if (!document) throw new KioskError('declaration.unavailable', { procedure: procedure.code });
  return genericDeclaration(document);
}

/**
 * The procedure's declaration (tờ khai) filled with the citizen's answers, as an A4 PDF to print
 * and sign at the counter: the law asks for a handwritten signature, so the box stays empty.
 */
export async function buildDeclarationPdf(input: DeclarationInput, fonts: PdfFonts): Promise<Uint8Array> {
  const template = templateFor(input.procedure);
  try {
    const writer = await A4Writer.create(fonts, `${template.title} — ${input.procedure.name.vi}`);
    writer.nationalHeader();
    writer.paragraph(template.title, { size: 14, bold: true, align: 'center' });
    if (template.form) writer.paragraph(template.form, { size: 9.5, align: 'center' });
    writer.space(10);
    writer.paragraph(`Kính gửi: ${input.addressee}`, { align: 'center' });
    writer.space(8);
    template.body(writer, answerReader(input.procedure, input.answers));
    writer.space(6);
    writer.paragraph(template.pledge);
    writer.space(10);
    const [year, month, day] = input.date.split('-');
    writer.paragraph(`${input.place ?? DOTS}, ngày ${day} tháng ${month} năm ${year}`, { align: 'right' });
    const name = input.answers.applicantName;
    writer.signatureBox(template.signer, typeof name === 'string' ? name : '');
    return await writer.save();
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('pdf.failed', { procedure: input.procedure.code }, { cause: error });
  }
}
