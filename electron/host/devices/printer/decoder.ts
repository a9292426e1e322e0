import type { MonoBitmap } from './escpos';

/**
 * Reads an ESC/POS stream back into what it would put on paper: text lines, raster images, QR
 * payloads and cuts. The simulator shows a job with it; the tests check our output with it. It
 * knows the commands receiptline and escpos.ts send (ESC/POS reference, "Command list"); any
 * other command byte is reported, so a new one is never silently misread.
 */
export interface DecodedJob {
  /** Text as printed, one entry per line feed, decoded through the code page selected by `ESC t`. */
  lines: string[];
  rasters: MonoBitmap[];
  qrCodes: string[];
  cuts: number;
  /** The `ESC t n` tables selected, in order. */
  codePages: number[];
  /** Real-time status requests (`DLE EOT n`) found in the stream. */
  statusRequests: number[];
  unknown: string[];
}

const WINDOWS_1258_TABLE = 52;
/** Font A on Epson thermal printers: 12 × 24 dots. */
const CHARACTER_DOTS = 12;
/** Windows-1258 upper half for the bytes Vietnamese uses (the inverse of escpos.ts's encoder). */
const CP1258: Record<number, string> = {
  0xe2: 'â', 0xc2: 'Â', 0xea: 'ê', 0xca: 'Ê', 0xf4: 'ô', 0xd4: 'Ô', 0xe3: 'ă', 0xc3: 'Ă',
  0xf5: 'ơ', 0xd5: 'Ơ', 0xfd: 'ư', 0xdd: 'Ư', 0xf0: 'đ', 0xd0: 'Đ',
  0xcc: '\u0300', 0xec: '\u0301', 0xde: '\u0303', 0xd2: '\u0309', 0xf2: '\u0323',
};

/** receiptline draws rules with the box characters of table 1 (Katakana); the ones it uses. */
const KATAKANA_TABLE = 1;
const KATAKANA_BOX: Record<number, string> = { 0x95: '─', 0x96: '│' };

/** Fixed-length commands: prefix bytes → number of parameter bytes that follow. */
const FIXED: Record<string, number> = {
  '1b40': 0, '1b74': 1, '1b21': 1, '1b2d': 1, '1b45': 1, '1b61': 1, '1b24': 2, '1b5c': 2, '1b32': 0, '1b33': 1,
  '1b7b': 1, '1b4d': 1, '1b20': 1, '1b64': 1, '1b4a': 1, '1c2e': 0, '1c26': 0, '1c53': 2, '1c43': 1, '1c2d': 1,
  '1d61': 1, '1d21': 1, '1d42': 1, '1d4c': 2, '1d57': 2, '1d72': 1, '1d77': 1, '1d68': 1, '1d48': 1, '1004': 1,
};

export function decodeEscPos(stream: Uint8Array, codePage = WINDOWS_1258_TABLE): DecodedJob {
  const job: DecodedJob = { lines: [], rasters: [], qrCodes: [], cuts: 0, codePages: [], statusRequests: [], unknown: [] };
  let table = codePage;
  let line = '';
  /** Whether the last thing printed was a raster band, so the next one continues the same picture. */
  let afterRaster = false;
  const flushLine = () => {
    job.lines.push(line.normalize('NFC').replace(/\s+$/, ''));
    line = '';
  };
  const u16 = (at: number) => stream[at]! | (stream[at + 1]! << 8);
  let i = 0;
  while (i < stream.length) {
    const byte = stream[i]!;
    if (byte === 0x0a) {
      afterRaster = false;
      flushLine();
      i += 1;
      continue;
    }
    if (byte >= 0x20 || byte === 0x09) {
      afterRaster = false;
      const upper = table === WINDOWS_1258_TABLE ? CP1258 : table === KATAKANA_TABLE ? KATAKANA_BOX : {};
      line += byte < 0x80 ? String.fromCharCode(byte) : (upper[byte] ?? '\ufffd');
      i += 1;
      continue;
    }
    const key = stream.subarray(i, i + 2).reduce((hex, b) => hex + b.toString(16).padStart(2, '0'), '');
    if (key in FIXED) {
      const parameters = stream.subarray(i + 2, i + 2 + FIXED[key]!);
      if (key === '1b74') job.codePages.push((table = parameters[0]!));
      if (key === '1004') job.statusRequests.push(parameters[0]!);
      // Moves to another column (absolute `ESC $`, relative `ESC \`), in dots: pad the text to it.
      if (key === '1b24') line = line.padEnd(u16(i + 2) / CHARACTER_DOTS);
      if (key === '1b5c') line = line.padEnd([...line].length + (u16(i + 2) << 16 >> 16) / CHARACTER_DOTS);
      i += 2 + FIXED[key]!;
      continue;
    }
    switch (key) {
      case '1d56': {
        // GS V m [n]: m 65/66 take a feed amount.
        job.cuts += 1;
        i += stream[i + 2]! >= 65 ? 4 : 3;
        continue;
      }
      case '1d76': {
        // GS v 0 m xL xH yL yH d…
        const rowBytes = u16(i + 4);
        const rows = u16(i + 6);
        const bits = stream.slice(i + 8, i + 8 + rowBytes * rows);
        appendRaster(job, afterRaster, rowBytes * 8, rows, bits);
        afterRaster = true;
        i += 8 + rowBytes * rows;
        continue;
      }
      case '1d28': {
        // GS ( x pL pH …: k = 2D codes, L = graphics, A = test print; length-prefixed.
        const length = u16(i + 3);
        const body = stream.subarray(i + 5, i + 5 + length);
        if (stream[i + 2] === 0x6b && body[0] === 0x31 && body[1] === 0x50) job.qrCodes.push(new TextDecoder().decode(body.subarray(3)));
        i += 5 + length;
        continue;
      }
      case '1c28': {
        i += 5 + u16(i + 3);
        continue;
      }
      case '1d38': {
        // GS 8 L p1 p2 p3 p4 …: graphics data with a 32-bit length.
        const length = (stream[i + 3]! | (stream[i + 4]! << 8) | (stream[i + 5]! << 16)) + stream[i + 6]! * 2 ** 24;
        i += 7 + length;
        continue;
      }
      default:
        job.unknown.push(key);
        i += 1;
    }
  }
  if (line) flushLine();
  return job;
}

/** Consecutive `GS v 0` bands of one width are one picture: join them, as the paper does. */
function appendRaster(job: DecodedJob, continues: boolean, width: number, rows: number, bits: Uint8Array) {
  const last = job.rasters.at(-1);
  if (last && continues && last.width === width) {
    const joined = new Uint8Array(last.bits.length + bits.length);
    joined.set(last.bits);
    joined.set(bits, last.bits.length);
    job.rasters[job.rasters.length - 1] = { width, height: last.height + rows, bits: joined };
  } else {
    job.rasters.push({ width, height: rows, bits });
  }
}
