import sharp, { type Sharp } from 'sharp';
import { KioskError } from '../../shared/errors';

/**
 * The image pipeline between the document scanner and the dossier: whatever the scanner gives
 * (PNG, JPEG, TIFF or PNM, at its dpi) becomes one upright, cropped, deskewed JPEG page, with what
 * the screens need to decide on a rescan (blank, legibility).
 */

export type PageColour = 'grey' | 'bilevel';

export interface CleanScanOptions {
  /** The scanner's resolution; PNM and many drivers' PNGs carry none. */
  dpi: number;
  colour?: PageColour;
  /** Pages scanned finer are resampled to this; 200 dpi is enough for OCR and keeps pages small. */
  maxDpi?: number;
  /** The JPEG's size limit; quality is lowered step by step until the page fits. */
  maxBytes?: number;
}

export interface CleanPage {
  /** Always JPEG: pdf-lib embeds JPEG byte for byte, and dossiers must stay small on a slow link. */
  jpeg: Uint8Array;
  width: number;
  height: number;
  dpi: number;
  /** How far the page was turned clockwise to stand upright: fed upside down or sideways. */
  rotation: Rotation;
  /** How far the scan was turned clockwise, in degrees; the page has been turned back. */
  skewDegrees: number;
  blank: boolean;
  /** 0 (unreadable: blurred, too dark, washed out) to 1 (sharp, full contrast). */
  legibility: number;
}

/** Quarter turns clockwise. */
export type Rotation = 0 | 90 | 180 | 270;

/** An 8-bit, one-channel image; every step below works on these. */
interface GreyImage {
  data: Uint8Array;
  width: number;
  height: number;
}

interface Box {
  left: number;
  top: number;
  width: number;
  height: number;
}

export const DEFAULT_MAX_BYTES = 300_000;
const DEFAULT_MAX_DPI = 200;
const JPEG_QUALITIES = [85, 75, 65, 55, 45, 35, 25];
/** Skew a person can leave when feeding a page by hand; beyond it the page is fed again. */
const MAX_SKEW_DEGREES = 5;
/** Skew, blank and legibility are measured at a fixed resolution, so they do not depend on the scanner's. */
const SKEW_DPI = 150;
const BLANK_DPI = 100;
const LEGIBILITY_DPI = 150;
/**
 * Share of ink a page needs not to be blank: a short line of 12 pt text (≈ 0.07 % at 100 dpi) is
 * well above it, while scanner noise and dust are removed by the median filter before counting.
 */
const BLANK_INK_SHARE = 0.0002;

export async function cleanScan(bytes: Uint8Array, options: CleanScanOptions): Promise<CleanPage> {
  const maxDpi = options.maxDpi ?? DEFAULT_MAX_DPI;
  const dpi = Math.min(options.dpi, maxDpi);
  const scanned = await decodeGrey(bytes, options.dpi, dpi);

  const paper = paperLevel(scanned);
  const page = crop(scanned, pageBox(scanned, paper));
  // Sheets go into a feeder sideways or upside down; EXIF, read earlier, covers only cameras.
  const standing = linesRunDown(await inkPoints(page, dpi));
  const across = standing ? await turn(page, 90) : page;
  const skewDegrees = estimateSkew(await inkPoints(across, dpi));
  const straight = skewDegrees === 0 ? across : await rotateInPlace(across, -skewDegrees, paper);
  const upsideDown = await isUpsideDown(straight, dpi);
  const upright = upsideDown ? await turn(straight, 180) : straight;
  const rotation = (((standing ? 90 : 0) + (upsideDown ? 180 : 0)) % 360) as Rotation;
  const cropped = crop(upright, pageBox(upright, paper));

  const [blank, legibility, jpeg] = await Promise.all([
    isBlank(cropped, dpi),
    legibilityOf(cropped, dpi),
    encodeJpeg(options.colour === 'bilevel' ? binarise(cropped) : cropped, dpi, options.maxBytes ?? DEFAULT_MAX_BYTES),
  ]);
  return { jpeg, width: cropped.width, height: cropped.height, dpi, rotation, skewDegrees, blank, legibility };
}

async function decodeGrey(bytes: Uint8Array, scannedDpi: number, dpi: number): Promise<GreyImage> {
  try {
    // EXIF orientation first (phones and some sheet-fed scanners set it), then one grey channel.
    const scanned = parsePnm(bytes) ?? (await toGrey(sharp(bytes).rotate().flatten({ background: '#ffffff' }).greyscale()));
    return await resampled(scanned, scannedDpi, dpi);
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('scan.unreadable', {}, { cause: error });
  }
}

function fromGrey(image: GreyImage): Sharp {
  return sharp(image.data, { raw: { width: image.width, height: image.height, channels: 1 } });
}

async function toGrey(image: Sharp): Promise<GreyImage> {
  const { data, info } = await image.extractChannel(0).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/**
 * SANE's `scanimage` writes PNM by default, which libvips in sharp's prebuilt binaries does not read:
 * binary P5 (grey), P6 (colour, averaged to grey) and P4 (line art), 8 bits per sample.
 */
export function parsePnm(bytes: Uint8Array): GreyImage | null {
  const magic = String.fromCharCode(bytes[0] ?? 0, bytes[1] ?? 0);
  if (magic !== 'P4' && magic !== 'P5' && magic !== 'P6') return null;
  const fields: number[] = [];
  let offset = 2;
  const wanted = magic === 'P4' ? 2 : 3;
  while (fields.length < wanted) {
    const header = /^(?:\s|#[^\n]*\n)*(\d+)/.exec(new TextDecoder('latin1').decode(bytes.subarray(offset, offset + 80)));
    if (!header) throw new KioskError('scan.unreadable', { reason: 'pnmHeader' });
    fields.push(Number(header[1]));
    offset += header[0].length;
  }
  offset += 1; // the single whitespace byte that ends the header
  const [width = 0, height = 0, maxValue = 1] = fields;
  if (maxValue > 255) throw new KioskError('scan.unreadable', { reason: 'pnm16bit' });
  const data = new Uint8Array(width * height);
  const rowBytes = Math.ceil(width / 8);
  for (let i = 0; i < data.length; i += 1) {
    const x = i % width;
    const y = (i - x) / width;
    data[i] =
      magic === 'P5' ? Math.round(((bytes[offset + i] ?? 0) * 255) / maxValue)
      : magic === 'P6' ? Math.round((((bytes[offset + 3 * i] ?? 0) + (bytes[offset + 3 * i + 1] ?? 0) + (bytes[offset + 3 * i + 2] ?? 0)) * 85) / maxValue)
      // P4: 1 is black, rows padded to whole bytes.
      : ((bytes[offset + y * rowBytes + (x >> 3)] ?? 0) >> (7 - (x & 7))) & 1 ? 0 : 255;
  }
  return { data, width, height };
}

function histogram(image: GreyImage): Uint32Array {
  const counts = new Uint32Array(256);
  for (const value of image.data) counts[value]! += 1;
  return counts;
}

function percentile(counts: Uint32Array, share: number): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  let seen = 0;
  for (let level = 0; level < 256; level += 1) {
    seen += counts[level]!;
    if (seen >= share * total) return level;
  }
  return 255;
}

/** The paper's brightness: most of a page is paper, so a high percentile of all pixels. */
function paperLevel(image: GreyImage): number {
  return percentile(histogram(image), 0.9);
}

/** Otsu's threshold between ink and paper (Otsu 1979, maximal between-class variance). */
function otsuThreshold(counts: Uint32Array): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const sumAll = counts.reduce((sum, count, level) => sum + count * level, 0);
  let [best, bestVariance, below, sumBelow] = [128, -1, 0, 0];
  for (let level = 0; level < 256; level += 1) {
    below += counts[level]!;
    sumBelow += level * counts[level]!;
    const above = total - below;
    if (below === 0 || above === 0) continue;
    const variance = below * above * (sumBelow / below - (sumAll - sumBelow) / above) ** 2;
    if (variance > bestVariance) [best, bestVariance] = [level, variance];
  }
  return best;
}

/**
 * The page within the scanner bed: the rows and columns that are mostly paper. A flatbed's lid
 * or an ADF's backing is darker than paper, so its border is trimmed; a page filling the scan
 * keeps every pixel, margins included, so the PDF page keeps the paper's size.
 */
function pageBox(image: GreyImage, paper: number): Box {
  const bright = paper * 0.75;
  const { data, width, height } = image;
  const brightInRow = new Uint32Array(height);
  const brightInColumn = new Uint32Array(width);
  for (let y = 0; y < height; y += 1) {
    for (let x = 0; x < width; x += 1) {
      if (data[y * width + x]! >= bright) {
        brightInRow[y]! += 1;
        brightInColumn[x]! += 1;
      }
    }
  }
  const [top, bottom] = mostlyBrightSpan(brightInRow, width);
  const [left, right] = mostlyBrightSpan(brightInColumn, height);
  return bottom < top || right < left ? { left: 0, top: 0, width, height } : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

function mostlyBrightSpan(brightCounts: Uint32Array, length: number): [number, number] {
  const isPage = (count: number) => count >= length / 2;
  return [brightCounts.findIndex(isPage), brightCounts.findLastIndex(isPage)];
}

function crop(image: GreyImage, box: Box): GreyImage {
  if (box.left === 0 && box.top === 0 && box.width === image.width && box.height === image.height) return image;
  const data = new Uint8Array(box.width * box.height);
  for (let y = 0; y < box.height; y += 1) {
    const from = (box.top + y) * image.width + box.left;
    data.set(image.data.subarray(from, from + box.width), y * box.width);
  }
  return { data, width: box.width, height: box.height };
}

async function resampled(image: GreyImage, dpi: number, targetDpi: number): Promise<GreyImage> {
  if (dpi <= targetDpi) return image;
  return toGrey(fromGrey(image).resize({ width: Math.max(1, Math.round((image.width * targetDpi) / dpi)) }));
}

/**
 * Whether the text's top is at the start of `profile` (ink per row of a straight page): true,
 * false, or null when the lines do not say. Each line is a run of inked rows; its x-height band is
 * where the ink is at least half the line's peak.
 */
function topAtStart(profile: Float64Array): boolean | null {
  const peak = Math.max(...profile);
  if (peak === 0) return null;
  let [before, after] = [0, 0];
  for (let start = 0; start < profile.length; ) {
    if (profile[start]! <= peak * 0.02) {
      start += 1;
      continue;
    }
    let end = start;
    while (end + 1 < profile.length && profile[end + 1]! > peak * 0.02) end += 1;
    const line = profile.subarray(start, end + 1);
    const linePeak = Math.max(...line);
    const bandStart = line.findIndex((value) => value >= linePeak / 2);
    const bandEnd = line.findLastIndex((value) => value >= linePeak / 2);
    before += line.subarray(0, bandStart).reduce((sum, value) => sum + value, 0);
    after += line.subarray(bandEnd + 1).reduce((sum, value) => sum + value, 0);
    start = end + 1;
  }
  if (before > after * 1.2) return true;
  if (after > before * 1.2) return false;
  return null;
}

/** Ink pixels of the inner page at a fixed resolution (a dark bed at the edges is no ink). */
interface InkPoints {
  xs: number[];
  ys: number[];
  width: number;
  height: number;
}

async function inkPoints(page: GreyImage, dpi: number): Promise<InkPoints> {
  const small = await resampled(page, dpi, SKEW_DPI);
  const threshold = otsuThreshold(histogram(small));
  const marginX = Math.round(small.width * 0.05);
  const marginY = Math.round(small.height * 0.05);
  const points: InkPoints = { xs: [], ys: [], width: small.width, height: small.height };
  for (let y = marginY; y < small.height - marginY; y += 1) {
    for (let x = marginX; x < small.width - marginX; x += 1) {
      if (small.data[y * small.width + x]! < threshold) {
        points.xs.push(x);
        points.ys.push(y);
      }
    }
  }
  return points;
}

/** Too few ink points to tell a skew or a direction: the page is left as it is. */
const MIN_INK_POINTS = 100;

/**
 * Projection profiles (Postl 1986, as in Leptonica's `pixFindSkew`): text lines give the sharpest
 * profile of ink across them when the page is straight, so each candidate angle turns the ink
 * points back and scores the profile by its squared row-to-row differences. Answers the best angle
 * within the skew a person leaves, and its score.
 */
function straightestAngle({ xs, ys, width, height }: InkPoints): { degrees: number; score: number } {
  const profile = new Float64Array(width + height * 2);
  const score = (degrees: number) => {
    const radians = (degrees * Math.PI) / 180;
    const [sin, cos] = [Math.sin(radians), Math.cos(radians)];
    profile.fill(0);
    // Offset by the width so lines turned upwards stay at positive rows.
    for (let i = 0; i < xs.length; i += 1) profile[Math.round(ys[i]! * cos - xs[i]! * sin) + width]! += 1;
    let sum = 0;
    for (let row = 1; row < profile.length; row += 1) sum += (profile[row]! - profile[row - 1]!) ** 2;
    return sum;
  };
  const coarse = bestAngle(score, -MAX_SKEW_DEGREES, MAX_SKEW_DEGREES, 0.25);
  return bestAngle(score, coarse.degrees - 0.25, coarse.degrees + 0.25, 0.02);
}

/** The skew, clockwise, in degrees; 0 when the page has too little ink to tell. */
function estimateSkew(points: InkPoints): number {
  if (points.xs.length < MIN_INK_POINTS) return 0;
  return Math.round(straightestAngle(points).degrees * 100) / 100;
}

/**
 * Whether the text lines run down the page (a sheet fed sideways): the profile across columns is
 * then far sharper than across rows, each at its own best angle. A page of tables or a photo is
 * sharp both ways, so standing needs twice the score.
 */
function linesRunDown(points: InkPoints): boolean {
  if (points.xs.length < MIN_INK_POINTS) return false;
  const transposed = { xs: points.ys, ys: points.xs, width: points.height, height: points.width };
  return straightestAngle(transposed).score > 2 * straightestAngle(points).score;
}

function bestAngle(score: (degrees: number) => number, from: number, to: number, step: number): { degrees: number; score: number } {
  let best = { degrees: 0, score: -Infinity };
  for (let degrees = from; degrees <= to + 1e-9; degrees += step) {
    const value = score(degrees);
    if (value > best.score) best = { degrees, score: value };
  }
  return best;
}

/**
 * Whether a straight page is upside down: within each text line, Latin scripts carry more ink
 * above the x-height band (capitals, ascenders, and in Vietnamese most diacritics) than below the
 * baseline (descenders and the dot of nặng).
 */
async function isUpsideDown(page: GreyImage, dpi: number): Promise<boolean> {
  const { ys, height } = await inkPoints(page, dpi);
  const rows = new Float64Array(height);
  for (const y of ys) rows[y]! += 1;
  return topAtStart(rows) === false;
}

async function turn(page: GreyImage, degrees: 90 | 180): Promise<GreyImage> {
  return toGrey(fromGrey(page).rotate(degrees));
}

/** Turns the page clockwise by `degrees` on its centre, keeping its size; new corners are paper. */
async function rotateInPlace(page: GreyImage, degrees: number, paper: number): Promise<GreyImage> {
  const rotated = await toGrey(fromGrey(page).rotate(degrees, { background: { r: paper, g: paper, b: paper } }));
  return crop(rotated, {
    left: Math.floor((rotated.width - page.width) / 2),
    top: Math.floor((rotated.height - page.height) / 2),
    width: page.width,
    height: page.height,
  });
}

/**
 * Blank when almost nothing is clearly darker than the paper. Scanner noise and dust are single
 * pixels at 100 dpi, which a 3×3 median removes; the outer 3 % is ignored for edge shadows.
 */
async function isBlank(page: GreyImage, dpi: number): Promise<boolean> {
  const small = await toGrey(fromGrey(await resampled(page, dpi, BLANK_DPI)).median(3));
  const paper = paperLevel(small);
  const ink = paper - Math.max(60, paper * 0.3);
  const marginX = Math.round(small.width * 0.03);
  const marginY = Math.round(small.height * 0.03);
  let inked = 0;
  for (let y = marginY; y < small.height - marginY; y += 1) {
    for (let x = marginX; x < small.width - marginX; x += 1) if (small.data[y * small.width + x]! < ink) inked += 1;
  }
  return inked < BLANK_INK_SHARE * (small.width - 2 * marginX) * (small.height - 2 * marginY);
}

/**
 * Legibility = contrast × edge sharpness. Contrast is the spread between paper and the darkest ink
 * (a page too dark or washed out has little). Sharpness is how strong the Laplacian is on the
 * strokes' edges, relative to that contrast: a blurred edge spreads its step over several pixels
 * and its Laplacian falls (variance-of-Laplacian focus measure, Pech-Pacheco 2000). Only the
 * strongest responses, as many as half the ink pixels, are read, so a page with one line scores
 * like a full one. A median first keeps scanner noise from passing for sharp edges.
 */
async function legibilityOf(page: GreyImage, dpi: number): Promise<number> {
  const small = await toGrey(fromGrey(await resampled(page, dpi, LEGIBILITY_DPI)).median(3));
  const counts = histogram(small);
  const paper = percentile(counts, 0.9);
  const spread = paper - percentile(counts, 0.0005);
  if (spread <= 0) return 0;
  const inkShare = counts.slice(0, Math.round(paper - spread / 2)).reduce((sum, count) => sum + count, 0) / small.data.length;
  const { data, width, height } = small;
  const laplacians = new Uint32Array(4 * 256);
  for (let y = 1; y < height - 1; y += 1) {
    for (let x = 1; x < width - 1; x += 1) {
      const i = y * width + x;
      laplacians[Math.abs(4 * data[i]! - data[i - 1]! - data[i + 1]! - data[i - width]! - data[i + width]!)]! += 1;
    }
  }
  const edge = percentile(laplacians, 1 - inkShare / 2) / spread;
  const contrast = spread / 255;
  return Math.round(Math.min(1, contrast / 0.6) * Math.min(1, edge / 0.75) * 100) / 100;
}

function binarise(page: GreyImage): GreyImage {
  const threshold = otsuThreshold(histogram(page));
  return { ...page, data: page.data.map((value) => (value < threshold ? 0 : 255)) };
}

/** The best JPEG quality that fits `maxBytes`; the smallest one when none does. */
async function encodeJpeg(page: GreyImage, dpi: number, maxBytes: number): Promise<Uint8Array> {
  let smallest: Buffer | undefined;
  for (const quality of JPEG_QUALITIES) {
    smallest = await fromGrey(page).toColourspace('b-w').withDensity(dpi).jpeg({ quality, optimiseCoding: true }).toBuffer();
    if (smallest.length <= maxBytes) break;
  }
  return new Uint8Array(smallest!);
}
