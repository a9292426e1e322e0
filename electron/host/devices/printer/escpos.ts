import fontkit from '@pdf-lib/fontkit';
import { commands, transform, type Encoding, type QRCode } from 'receiptline';
import sharp from 'sharp';
import type { PaperWidth, PrinterProfile } from '../../../../shared/config';
import { concatBytes } from '../../../../shared/icao9303/bytes';

/**
 * Receipt markup (shared/receipt.ts) → ESC/POS bytes. Two ways, chosen by the printer's profile:
 * - text mode, where the printer has Windows-1258: receiptline's ESC/POS with Vietnamese encoded as
 *   base letter + tone mark, and the QR as the printer's own `GS ( k` symbol;
 * - raster mode, everywhere else: receiptline lays the receipt out as SVG, we draw every glyph from
 *   the bundled Noto Sans as outlines (so no system font is ever needed), rasterise with sharp,
 *   dither to 1 bit and send `GS v 0` bands.
 * Either way the paper is cut at the end.
 */

/** Dots per line at 203 dpi on the printable width of each paper (Epson TM-T20/T82 class). */
export const PAPER_DOTS: Record<PaperWidth, number> = { '58mm': 384, '80mm': 576 };
/** receiptline's cell is 12 × 24 dots, so characters per line = dots / 12. */
const CELL_DOTS = 12;
const charactersPerLine = (paper: PaperWidth): number => PAPER_DOTS[paper] / CELL_DOTS;

const ESC = 0x1b;
const GS = 0x1d;
/** Rows per `GS v 0` command: small enough for the receive buffer of cheap 58 mm printers. */
const RASTER_BAND_ROWS = 128;
/** Blank lines fed before the cut, so the last text clears the cutter (about 3 mm each). */
const FEED_BEFORE_CUT = 4;

export interface ReceiptFonts {
  /** Noto Sans Regular; bold text is drawn from it with a stroke, as receiptline's SVG does. */
  regular: Uint8Array;
}

export type RenderMode = 'text' | 'raster';
export const renderModeFor = (profile: PrinterProfile): RenderMode => (profile.codePage ? 'text' : 'raster');

export async function renderReceipt(markup: string, profile: PrinterProfile, fonts: ReceiptFonts): Promise<Uint8Array> {
  return renderModeFor(profile) === 'text' ? renderText(markup, profile) : renderRaster(markup, profile, fonts);
}

// ---------------------------------------------------------------- text mode (Windows-1258)

/** Windows-1258 bytes of the letters Vietnamese adds to ASCII; tones are separate combining marks. */
const CP1258_LETTERS: Record<string, number> = {
  'â': 0xe2, 'Â': 0xc2, 'ê': 0xea, 'Ê': 0xca, 'ô': 0xf4, 'Ô': 0xd4, 'ă': 0xe3, 'Ă': 0xc3,
  'ơ': 0xf5, 'Ơ': 0xd5, 'ư': 0xfd, 'Ư': 0xdd, 'đ': 0xf0, 'Đ': 0xd0,
};
const CP1258_TONES: Record<string, number> = { '\u0300': 0xcc, '\u0301': 0xec, '\u0303': 0xde, '\u0309': 0xd2, '\u0323': 0xf2 };
const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/gu;

/**
 * Windows-1258 has no precomposed letter with a tone for most of Vietnamese, so each letter is
 * written as its toneless form plus the tone as a combining mark (the Microsoft "decomposed"
 * form, https://learn.microsoft.com/en-us/globalization/encoding/code-pages). Unmappable → '?'.
 */
export function encodeCp1258(text: string): string {
  let out = '';
  for (const char of text.normalize('NFC')) {
    const decomposed = char.normalize('NFD');
    const tones = decomposed.match(TONE_MARKS) ?? [];
    const base = decomposed.replace(TONE_MARKS, '').normalize('NFC');
    const baseByte = base.length === 1 && base.charCodeAt(0) < 0x80 ? base.charCodeAt(0) : CP1258_LETTERS[base];
    out += String.fromCharCode(baseByte ?? 0x3f) + tones.map((tone) => String.fromCharCode(CP1258_TONES[tone]!)).join('');
  }
  return out;
}

function renderText(markup: string, profile: PrinterProfile): Uint8Array {
  const table = String.fromCharCode(ESC, 0x74, profile.codePage!.table);
  // receiptline knows no Vietnamese code page, so only its `text` step is replaced: same layout,
  // our bytes. A character takes one column whatever its tone, as the printer overprints marks.
  const command = Object.assign({}, commands.escpos, {
    text: (text: string) => table + encodeCp1258(text),
    // receiptline 4 sends QR codes as a graphic; the printer's own symbol is sharper and smaller.
    qrcode: (symbol: QRCode) => binaryText(nativeQrCommands(symbol.data, symbol.cell, symbol.level)),
  });
  const job = transform(markup, {
    cpl: charactersPerLine(profile.paper),
    encoding: 'cp437',
    upsideDown: profile.upsideDown,
    spacing: true,
    cutting: true,
    command,
  });
  return Uint8Array.from(job, (char) => char.charCodeAt(0));
}

const QR_LEVEL_BYTE: Record<QRCode['level'], number> = { l: 48, m: 49, q: 50, h: 51 };

/**
 * The printer's native QR symbol: `GS ( k` functions 165 (model 2), 167 (module size), 169 (error
 * correction), 180 (store the data) and 181 (print), ESC/POS reference "GS ( k <Function 1A…1Q>".
 */
function nativeQrCommands(data: string, moduleDots: number, level: QRCode['level']): Uint8Array {
  const bytes = new TextEncoder().encode(data);
  const store = bytes.length + 3;
  const qr = (...parameters: number[]) => [GS, 0x28, 0x6b, ...parameters];
  return Uint8Array.from([
    ...qr(4, 0, 0x31, 0x41, 0x32, 0),
    ...qr(3, 0, 0x31, 0x43, moduleDots),
    ...qr(3, 0, 0x31, 0x45, QR_LEVEL_BYTE[level]),
    ...qr(store & 0xff, store >> 8, 0x31, 0x50, 0x30),
    ...bytes,
    ...qr(3, 0, 0x31, 0x51, 0x30),
  ]);
}

// ---------------------------------------------------------------- raster mode

/** receiptline's SVG command state that our glyph drawing reads and writes. */
interface SvgState {
  charWidth: number;
  textPosition: number;
  textScale: number;
  textAttributes: Record<string, string>;
  textElement: string;
  measureText(text: string, encoding: Encoding): number;
  arrayFrom(text: string, encoding: Encoding): string[];
  lf(): string;
}

type FontkitFont = ReturnType<typeof fontkit.create>;
/** Em size in dots: cap height and stacked Vietnamese marks (Ấ, Ệ) fit the 24-dot line. */
const FONT_DOTS = 20;
/** Glyphs wider than their cell (m, W) are narrowed to this share of it, so neighbours never touch. */
const CELL_FILL = 0.94;

/**
 * receiptline's SVG output with every character as a glyph outline instead of `<text>`: librsvg
 * then needs no font at all, so a kiosk without fonts prints the same receipt as a developer's PC.
 */
function outlineSvgCommand(font: FontkitFont) {
  const perUnit = FONT_DOTS / font.unitsPerEm;
  // receiptline's text sits on `dominant-baseline="text-after-edge"`: y = 0 is the descender line.
  const baseline = (font.descent * perUnit).toFixed(2);
  const glyphCache = new Map<string, { path: string; advance: number }>();
  const glyph = (char: string) => {
    let cached = glyphCache.get(char);
    if (!cached) {
      const run = font.layout(char);
      const first = run.glyphs[0];
      cached = { path: run.glyphs.length === 1 && first ? first.path.toSVG() : '', advance: first?.advanceWidth ?? font.unitsPerEm };
      glyphCache.set(char, cached);
    }
    return cached;
  };
  return Object.assign({}, commands.svg, {
    text(this: SvgState, text: string, encoding: Encoding) {
      let position = this.textPosition;
      const paths = this.arrayFrom(text.normalize('NFC'), encoding).map((char) => {
        const columns = this.measureText(char, encoding);
        const centre = (position + (columns * this.textScale) / 2) * this.charWidth / this.textScale;
        position += columns * this.textScale;
        const { path, advance } = glyph(char);
        if (!path) return '';
        const scaleX = Math.min(perUnit, (columns * this.charWidth * CELL_FILL) / advance);
        const left = centre - (advance * scaleX) / 2;
        return `<path transform="translate(${left.toFixed(2)},${baseline}) scale(${scaleX.toFixed(5)},${(-perUnit).toFixed(5)})" d="${path}"/>`;
      });
      const attributes = Object.entries(this.textAttributes)
        .filter(([key]) => key !== 'text-decoration')
        .map(([key, value]) => ` ${key}="${value}"`)
        .join('');
      this.textElement += `<g${attributes}>${paths.join('')}</g>`;
      this.textPosition += this.measureText(text, encoding) * this.textScale;
      return '';
    },
    // The SVG preview draws scissors at a cut; on paper the printer cuts (see cutCommand) instead.
    cut(this: SvgState) {
      return this.lf();
    },
  });
}

/** A 1-bit image, rows packed MSB first as `GS v 0` wants: 1 = burn a dot. */
export interface MonoBitmap {
  width: number;
  height: number;
  bits: Uint8Array;
}

/** The receipt as it will appear on paper, before it becomes ESC/POS. */
export async function rasteriseReceipt(markup: string, profile: PrinterProfile, fonts: ReceiptFonts): Promise<MonoBitmap> {
  const width = PAPER_DOTS[profile.paper];
  const svg = transform(markup, {
    cpl: charactersPerLine(profile.paper),
    spacing: true,
    command: outlineSvgCommand(fontkit.create(fonts.regular)),
  });
  let image = sharp(Buffer.from(svg)).flatten({ background: '#ffffff' }).greyscale();
  // Rotate the picture, not the printer: `ESC {` does not turn raster images on every model.
  if (profile.upsideDown) image = image.rotate(180);
  const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
  if (info.width !== width) throw new Error(`receipt rendered ${info.width} dots wide, the paper takes ${width}`);
  return ditherToMono(new Uint8Array(data.buffer, data.byteOffset, data.length), info.width, info.height);
}

/**
 * Floyd–Steinberg error diffusion (1976): anti-aliased glyph edges keep their weight on paper
 * instead of thinning as a plain threshold makes them.
 */
function ditherToMono(grey: Uint8Array, width: number, height: number): MonoBitmap {
  const error = Float32Array.from(grey);
  const rowBytes = Math.ceil(width / 8);
  const bits = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const old = error[i]!;
      const ink = old < 128;
      if (ink) bits[y * rowBytes + (x >> 3)]! |= 0x80 >> (x & 7);
      const diff = old - (ink ? 0 : 255);
      if (x + 1 < width) error[i + 1]! += (diff * 7) / 16;
      if (y + 1 < height) {
        if (x > 0) error[i + width - 1]! += (diff * 3) / 16;
        error[i + width]! += (diff * 5) / 16;
        if (x + 1 < width) error[i + width + 1]! += diff / 16;
      }
    }
  }
  return { width, height, bits };
}

/** `GS v 0 m xL xH yL yH d…`: print raster bit image, normal density (ESC/POS reference, GS v 0). */
function rasterCommands(bitmap: MonoBitmap): Uint8Array[] {
  const rowBytes = Math.ceil(bitmap.width / 8);
  const bands: Uint8Array[] = [];
  for (let top = 0; top < bitmap.height; top += RASTER_BAND_ROWS) {
    const rows = Math.min(RASTER_BAND_ROWS, bitmap.height - top);
    const header = [GS, 0x76, 0x30, 0, rowBytes & 0xff, rowBytes >> 8, rows & 0xff, rows >> 8];
    bands.push(Uint8Array.of(...header), bitmap.bits.subarray(top * rowBytes, (top + rows) * rowBytes));
  }
  return bands;
}

/** `ESC d n` then `GS V 66 0`: feed past the cutter, then a partial cut (ESC/POS reference, GS V). */
const cutCommand = (): Uint8Array => Uint8Array.of(ESC, 0x64, FEED_BEFORE_CUT, GS, 0x56, 66, 0);

async function renderRaster(markup: string, profile: PrinterProfile, fonts: ReceiptFonts): Promise<Uint8Array> {
  const bitmap = await rasteriseReceipt(markup, profile, fonts);
  return concatBytes(Uint8Array.of(ESC, 0x40), ...rasterCommands(bitmap), cutCommand());
}

/** receiptline builds commands as strings of byte values (U+0000–U+00FF). */
const binaryText = (bytes: Uint8Array): string => String.fromCharCode(...bytes);

