import sharp from 'sharp';
import type { ColourMode } from './index';
import type { OutlineFont } from './outlineText';
import { mulberry32 } from '../../../../shared/random';

/**
 * Scans of Vietnamese civil papers, rendered: the simulator's pages, and test input for the image
 * pipeline and OCR, which can compare what they read with `lines` here. Names and numbers are
 * invented. The lines carry all five tone marks (sắc, huyền, hỏi, ngã, nặng) and đ, ư, ơ, â, ê, ô, ă.
 */
export interface SimulatedDocument {
  title: string;
  lines: readonly string[];
  signer: string;
}

/** The national motto every civil paper opens with. */
export const PAPER_HEADING = ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'Độc lập - Tự do - Hạnh phúc'] as const;

/** Every line of text on a simulated paper, top to bottom, as OCR should read it. */
export const paperText = (document: SimulatedDocument): string => [...PAPER_HEADING, document.title, ...document.lines, document.signer].join('\n');

export const SIMULATED_DOCUMENTS: readonly SimulatedDocument[] = [
  {
    title: 'GIẤY KHAI SINH',
    lines: [
      'Họ, chữ đệm, tên: NGUYỄN THỊ HỒNG NHUNG',
      'Ngày, tháng, năm sinh: 12/03/2024, ghi bằng chữ: ngày mười hai, tháng ba, năm hai nghìn không trăm hai mươi tư',
      'Giới tính: Nữ    Dân tộc: Kinh    Quốc tịch: Việt Nam',
      'Nơi sinh: Trạm Y tế xã Diên Khánh, tỉnh Khánh Hòa',
      'Quê quán: xã Hương Trà, thành phố Huế',
      'Họ, chữ đệm, tên người mẹ: TRẦN THỊ THỦY, năm sinh 1996',
      'Họ, chữ đệm, tên người cha: NGUYỄN VĂN ĐỨC, năm sinh 1993',
      'Nơi cư trú: thôn Phú Ân Nam 2, xã Diên Khánh, tỉnh Khánh Hòa',
      'Nơi đăng ký khai sinh: Ủy ban nhân dân xã Diên Khánh',
      'Ngày, tháng, năm đăng ký: 20/03/2024',
    ],
    signer: 'Phạm Quốc Việt',
  },
  {
    title: 'XÁC NHẬN THÔNG TIN VỀ CƯ TRÚ',
    lines: [
      'Công an xã Diên Khánh xác nhận thông tin về cư trú của công dân như sau:',
      'Họ, chữ đệm và tên: LÊ HOÀNG DŨNG    Giới tính: Nam',
      'Số định danh cá nhân: 056 093 00 xxxx',
      'Nơi thường trú: tổ dân phố Phước Thiện, xã Diên Khánh, tỉnh Khánh Hòa',
      'Quan hệ với chủ hộ: Con đẻ    Chủ hộ: Lê Văn Hưởng',
      'Những người cùng cư trú: Lê Văn Hưởng (bố), Đỗ Thị Mỹ Lệ (mẹ), Lê Ngọc Ánh (em)',
      'Giấy xác nhận này có giá trị sáu mươi ngày kể từ ngày ký.',
    ],
    signer: 'Trung tá Võ Thành Lợi',
  },
];

export interface PageRequest {
  /** A document to draw, or a blank sheet (the back of a one-sided paper in a duplex scan). */
  document: SimulatedDocument | null;
  dpi: number;
  colourMode: ColourMode;
  format: 'png' | 'jpeg';
  /** Fixes the skew and the noise: one seed, one page, byte for byte. */
  seed: number;
}

export interface RenderedPage {
  bytes: Uint8Array;
  width: number;
  height: number;
  /** How far the sheet lay crooked on the glass, in degrees (0.5–3, either way). */
  skewDegrees: number;
}

export interface PageFonts {
  regular: OutlineFont;
  bold: OutlineFont;
}

const A4_MM = { width: 210, height: 297 };
const MARGIN_MM = 20;
const INK = { text: '#1c1c1c', seal: '#c8102e', signature: '#1f3a93', paper: '#f3efe4', lid: '#dcdcdc' };

/**
 * A seeded generator, so a seed gives the same page everywhere. The seed is scrambled first:
 * mulberry32's first outputs for neighbouring small seeds are alike.
 */
export const seededRandom = (seed: number): (() => number) => mulberry32(Math.imul((seed ^ 0xdeadbeef) >>> 0, 0x9e3779b1));

/** Breaks `text` at spaces so no line is wider than `maxWidth` pixels. */
function wrap(font: OutlineFont, text: string, size: number, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && font.width(candidate, size) > maxWidth) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  return current ? [...lines, current] : lines;
}

function documentSvg(fonts: PageFonts, document: SimulatedDocument, px: (mm: number) => number): string {
  const width = px(A4_MM.width);
  const centred = (font: OutlineFont, text: string, y: number, size: number) => centredAt(font, text, width / 2, y, size);
  const body = px(4);
  const parts = [
    centred(fonts.bold, PAPER_HEADING[0], px(25), px(4.2)),
    centred(fonts.bold, PAPER_HEADING[1], px(31), px(4.2)),
    centred(fonts.bold, document.title, px(50), px(7)),
  ];
  let y = px(66);
  for (const line of document.lines) {
    for (const piece of wrap(fonts.regular, line, body, px(A4_MM.width - 2 * MARGIN_MM))) {
      parts.push(fonts.regular.svg(piece, px(MARGIN_MM), y, body));
      y += px(8);
    }
  }
  // The signature block: a round red seal over a blue signature, as on every certified copy.
  const sealX = px(150);
  const sealY = y + px(30);
  parts.push(
    `<g fill="none" stroke="${INK.seal}" stroke-width="${px(0.9)}"><circle cx="${sealX}" cy="${sealY}" r="${px(17)}"/><circle cx="${sealX}" cy="${sealY}" r="${px(12)}"/></g>`,
    `<path fill="none" stroke="${INK.signature}" stroke-width="${px(0.6)}" d="M${sealX - px(20)} ${sealY + px(4)} c${px(8)} ${-px(14)} ${px(10)} ${px(10)} ${px(18)} ${-px(6)} s${px(8)} ${px(12)} ${px(20)} ${-px(4)}"/>`,
    `<g fill="${INK.text}">${centredAt(fonts.bold, document.signer, sealX, sealY + px(28), body)}</g>`,
  );
  return `<g fill="${INK.text}">${parts.join('')}</g>`;
}

function centredAt(font: OutlineFont, text: string, centreX: number, y: number, size: number) {
  return font.svg(text, centreX - font.width(text, size) / 2, y, size);
}

/**
 * One page as a flatbed or ADF would give it: an A4 sheet on the paper's own tone, lying a little
 * crooked on the lid's grey, with sensor noise, at the asked resolution and colour mode.
 */
export async function renderScannedPage(fonts: PageFonts, request: PageRequest): Promise<RenderedPage> {
  const random = seededRandom(request.seed);
  const px = (mm: number) => Math.round((mm / 25.4) * request.dpi);
  const width = px(A4_MM.width);
  const height = px(A4_MM.height);
  const skewDegrees = (random() < 0.5 ? -1 : 1) * (0.5 + random() * 2.5);
  const content = request.document ? documentSvg(fonts, request.document, px) : '';
  const svg =
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">` +
    `<rect width="${width}" height="${height}" fill="${INK.lid}"/>` +
    `<g transform="rotate(${skewDegrees.toFixed(3)} ${width / 2} ${height / 2})">` +
    `<rect x="${px(1)}" y="${px(1)}" width="${width - px(2)}" height="${height - px(2)}" fill="${INK.paper}"/>${content}</g></svg>`;

  const channels = request.colourMode === 'colour' ? 3 : 1;
  let raster = sharp(Buffer.from(svg)).flatten({ background: INK.lid });
  raster = channels === 1 ? raster.greyscale() : raster.removeAlpha();
  const { data } = await raster.raw().toBuffer({ resolveWithObject: true });
  addSensorNoise(data, channels, random);

  let image = sharp(data, { raw: { width, height, channels } });
  if (request.colourMode === 'lineart') image = image.threshold(140);
  // Without this sharp writes grey pages as RGB.
  image = image.toColourspace(channels === 1 ? 'b-w' : 'srgb').withDensity(request.dpi);
  const encoded = request.format === 'png' ? await image.png().toBuffer() : await image.jpeg({ quality: 85 }).toBuffer();
  return { bytes: new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.length), width, height, skewDegrees };
}

/** A CCD's grain (±~4 levels, the same on each channel of a pixel) and a few dust specks. */
function addSensorNoise(pixels: Uint8Array, channels: number, random: () => number) {
  const GRAIN = 8;
  for (let i = 0; i < pixels.length; i += channels) {
    const grain = Math.round((random() + random() - 1) * GRAIN);
    for (let c = 0; c < channels; c++) pixels[i + c] = Math.min(255, Math.max(0, pixels[i + c]! + grain));
  }
  const specks = Math.round(pixels.length / channels / 40_000);
  for (let s = 0; s < specks; s++) {
    const at = Math.floor(random() * (pixels.length / channels)) * channels;
    for (let c = 0; c < channels; c++) pixels[at + c] = 40;
  }
}
