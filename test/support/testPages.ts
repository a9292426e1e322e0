import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fontkit from '@pdf-lib/fontkit';
import { PDFDocument, rgb } from 'pdf-lib';
import sharp from 'sharp';
import { loadFonts } from '../../electron/host/fonts';
import { mulberry32 } from '../../shared/random';

/**
 * Test pages made from real rendered Vietnamese text: a PDF drawn with pdf-lib and Noto Sans,
 * rasterised by poppler's `pdftoppm`, then turned and dirtied with sharp to look like a scan.
 * The text is known, so OCR and text extraction can be scored against it.
 */

const run = promisify(execFile);
export const ASSETS_DIR = path.resolve(import.meta.dirname, '../../assets');

/** A birth certificate's header and fields: every tone mark, ơ, ư, đ, and capitals with marks. */
export const BIRTH_CERTIFICATE_LINES = [
  'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
  'Độc lập - Tự do - Hạnh phúc',
  'GIẤY KHAI SINH',
  'Họ, chữ đệm, tên: Nguyễn Thị Hương',
  'Ngày, tháng, năm sinh: 15/03/2024',
  'Nơi sinh: Bệnh viện Đa khoa tỉnh Khánh Hòa',
  'Nơi cư trú: Phường Nha Trang, tỉnh Khánh Hòa',
  'Dân tộc: Kinh. Quốc tịch: Việt Nam',
  'Người đi khai sinh: Trần Văn Đức, quan hệ: cha',
];

/**
 * A dense page of running text at 10 pt, the worst case for OCR time: the instructions on the back
 * of a residence form, in our own words. Every tone mark and letter of Vietnamese appears.
 */
export const DENSE_PAGE_LINES = [
  'HƯỚNG DẪN GHI TỜ KHAI THAY ĐỔI THÔNG TIN CƯ TRÚ',
  '1. Mục "Kính gửi": ghi tên cơ quan đăng ký cư trú nơi người dân đến làm thủ tục, ví dụ',
  'Công an xã Diên Khánh, tỉnh Khánh Hòa. Không viết tắt, không tẩy xóa, không dùng bút đỏ.',
  '2. Mục "Họ, chữ đệm và tên": ghi bằng chữ in hoa, đủ dấu, đúng như trên thẻ căn cước.',
  'Người chưa có thẻ căn cước thì ghi theo giấy khai sinh hoặc giấy tờ tùy thân còn giá trị.',
  '3. Mục "Ngày, tháng, năm sinh": ghi ngày, tháng có hai chữ số, năm có bốn chữ số; những',
  'ngày, tháng nhỏ hơn mười thì ghi số không ở trước, ví dụ: 05/01/1987 hoặc 21/09/2003.',
  '4. Mục "Số định danh cá nhân": ghi đủ mười hai chữ số đã được cấp; chưa có thì để trống',
  'và cán bộ tiếp nhận sẽ tra cứu trong Cơ sở dữ liệu quốc gia về dân cư để bổ sung.',
  '5. Mục "Nội dung đề nghị": ghi rõ việc cần làm như đăng ký thường trú, đăng ký tạm trú,',
  'gia hạn tạm trú, tách hộ, xóa đăng ký thường trú, điều chỉnh thông tin trong Cơ sở dữ liệu',
  'về cư trú. Nếu đăng ký cho nhiều người cùng lúc thì ghi thông tin của từng người vào bảng.',
  '6. Mục "Ý kiến của chủ hộ": chủ hộ ghi đồng ý cho người đăng ký được nhập vào hộ gia đình',
  'của mình, ký và ghi rõ họ tên. Trường hợp chủ hộ vắng mặt, có thể xác nhận qua ứng dụng',
  'định danh điện tử; cán bộ sẽ hướng dẫn nếu cần. Người chưa thành niên phải có ý kiến đồng',
  'ý của cha, mẹ hoặc người giám hộ, trừ trường hợp đã có ý kiến bằng văn bản trước đó.',
  '7. Mục "Ý kiến của chủ sở hữu chỗ ở hợp pháp": chủ nhà cho thuê, cho mượn, cho ở nhờ ghi',
  'đồng ý cho người đăng ký được ở tại chỗ ở của mình. Nếu đã có hợp đồng thuê nhà được công',
  'chứng hoặc chứng thực thì không cần ghi mục này, chỉ cần nộp kèm bản sao hợp đồng đó.',
  '8. Người kê khai chịu trách nhiệm trước pháp luật về tính chính xác của thông tin đã khai.',
  'Hành vi khai báo gian dối, làm giả giấy tờ để đăng ký cư trú sẽ bị xử phạt theo quy định.',
  '9. Thời hạn giải quyết: bảy ngày làm việc đối với đăng ký thường trú; ba ngày làm việc đối',
  'với đăng ký tạm trú; một ngày làm việc đối với xóa đăng ký. Kết quả được trả trên Cổng dịch',
  'vụ công, qua tin nhắn, hoặc qua dịch vụ bưu chính công ích đến địa chỉ người dân đã chọn.',
  '10. Lệ phí: theo nghị quyết của Hội đồng nhân dân tỉnh; người thuộc hộ nghèo, người cao tuổi',
  'neo đơn, trẻ em, người khuyết tật nặng, người dân tộc thiểu số ở vùng đặc biệt khó khăn được',
  'miễn lệ phí. Khi nộp trực tuyến, lệ phí có thể được giảm theo chính sách của từng địa phương.',
  '11. Nếu hồ sơ chưa đầy đủ, cán bộ sẽ hướng dẫn bổ sung một lần bằng văn bản, nói rõ giấy tờ',
  'còn thiếu và lý do. Người dân có thể bổ sung trực tuyến, không cần đến lại trụ sở Công an xã.',
  '12. Mọi thắc mắc, khiếu nại về việc giải quyết thủ tục, xin liên hệ bộ phận tiếp nhận và trả',
  'kết quả của xã, hoặc gọi đường dây nóng được niêm yết tại Điểm hỗ trợ dịch vụ công trực tuyến.',
  'Ghi chú: tờ khai này dùng chung cho công dân Việt Nam; người nước ngoài dùng mẫu khác. Bản',
  'khai viết tay phải rõ ràng, dễ đọc; chữ ký của người kê khai và chủ hộ phải là chữ ký thật,',
  'không dùng chữ ký được in sẵn hoặc đóng dấu. Giữ lại phiếu hẹn để tra cứu tình trạng hồ sơ.',
];

export interface TextPageSpec {
  lines: readonly string[];
  dpi: number;
  /** Page size in points; A4 by default. */
  widthPt?: number;
  heightPt?: number;
  fontSize?: number;
  /** Where the first line starts, in points from the top. */
  topPt?: number;
}

export const A4 = { widthPt: 595.28, heightPt: 841.89 };

/** The text drawn in black Noto Sans, left-aligned, rendered by pdftoppm as a grey PNG. */
export async function renderTextPage(spec: TextPageSpec): Promise<Uint8Array> {
  const { widthPt = A4.widthPt, heightPt = A4.heightPt, fontSize = 14, topPt = 72 } = spec;
  const pdf = await PDFDocument.create();
  pdf.registerFontkit(fontkit);
  const font = await pdf.embedFont(loadFonts(ASSETS_DIR).regular, { subset: true });
  const page = pdf.addPage([widthPt, heightPt]);
  spec.lines.forEach((line, i) => {
    page.drawText(line, { x: 54, y: heightPt - topPt - i * fontSize * 1.8, size: fontSize, font, color: rgb(0, 0, 0) });
  });
  return rasterise(await pdf.save(), spec.dpi);
}

/** Page 1 of a PDF as a grey PNG, through poppler, as a reader would see it. */
export async function rasterise(pdf: Uint8Array, dpi: number): Promise<Uint8Array> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'kiosk-page-'));
  try {
    await writeFile(path.join(dir, 'in.pdf'), pdf);
    await run('pdftoppm', ['-gray', '-png', '-r', String(dpi), '-singlefile', '-f', '1', '-l', '1', path.join(dir, 'in.pdf'), path.join(dir, 'out')]);
    return new Uint8Array(await readFile(path.join(dir, 'out.png')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A white page of this size at this dpi, as PNG. */
export async function blankPage(dpi: number, { widthPt, heightPt } = A4): Promise<Uint8Array> {
  const width = Math.round((widthPt * dpi) / 72);
  const height = Math.round((heightPt * dpi) / 72);
  return new Uint8Array(await sharp({ create: { width, height, channels: 3, background: '#ffffff' } }).greyscale().png().toBuffer());
}

export interface ScanLook {
  /** Clockwise, as a page fed crooked. */
  degrees?: number;
  /** Standard deviation of the sensor's Gaussian noise, in grey levels. */
  noise?: number;
  /** Dust: this many dark specks of 1–2 pixels. */
  specks?: number;
  /** A border of the scanner's darker lid around the page, in pixels, and its grey level. */
  bed?: { border: number; level: number };
  /** Out of focus, as a Gaussian blur of this sigma in pixels. */
  blur?: number;
  /** Multiplies every level, as an underexposed scan (1 leaves it). */
  brightness?: number;
  seed?: number;
}

/** Makes a clean rendered page look scanned; seeded, so each test sees the same pixels every run. */
export async function imitateScan(png: Uint8Array, look: ScanLook): Promise<Uint8Array> {
  const { degrees = 0, noise = 0, specks = 0, bed, blur, brightness = 1, seed = 1 } = look;
  const bedLevel = bed?.level ?? 255;
  let image = sharp(png).greyscale();
  if (bed) image = sharp(await image.extend({ top: bed.border, bottom: bed.border, left: bed.border, right: bed.border, background: { r: bedLevel, g: bedLevel, b: bedLevel } }).png().toBuffer());
  // The page turns on the bed: the corners uncovered show the bed (or white paper backing).
  if (degrees) image = sharp(await image.rotate(degrees, { background: { r: bedLevel, g: bedLevel, b: bedLevel } }).png().toBuffer());
  if (blur) image = image.blur(blur);
  const { data, info } = await image.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  for (let i = 0; i < data.length; i += 1) data[i] = clampByte(data[i]! * brightness + noise * gaussian());
  for (let n = 0; n < specks; n += 1) {
    const x = Math.floor(random() * (info.width - 2));
    const y = Math.floor(random() * (info.height - 2));
    const size = 1 + Math.floor(random() * 2);
    for (let dy = 0; dy < size; dy += 1) for (let dx = 0; dx < size; dx += 1) data[(y + dy) * info.width + x + dx] = 40;
  }
  return new Uint8Array(await sharp(data, { raw: { width: info.width, height: info.height, channels: 1 } }).png().toBuffer());
}

function clampByte(value: number): number {
  return Math.max(0, Math.min(255, Math.round(value)));
}


/** Character error rate: Levenshtein distance over the expected length, on NFC text with spacing collapsed. */
export function characterErrorRate(expected: string, actual: string): number {
  const a = [...normaliseText(expected)];
  const b = [...normaliseText(actual)];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]! / Math.max(1, a.length);
}

function normaliseText(text: string): string {
  return text.normalize('NFC').replace(/\s+/g, ' ').trim();
}

/** Runs a poppler tool and returns its standard output. */
export async function poppler(tool: 'pdftotext' | 'pdfinfo', args: readonly string[]): Promise<string> {
  return (await run(tool, [...args], { encoding: 'utf8' })).stdout;
}
