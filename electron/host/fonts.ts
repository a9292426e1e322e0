import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The bundled Noto Sans (SIL OFL), so Vietnamese diacritics in PDFs and receipts never depend on the OS. */
export interface KioskFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

/**
 * Reads both faces from `<assetsDir>/fonts`, once, when the host is composed (1 MB, synchronously,
 * as the composition root is). The caller passes the assets folder: the Electron bundle is
 * CommonJS, so this module cannot locate it from `import.meta`. The PDF builder and the receipt
 * take the bytes as parameters.
 */
export function loadFonts(assetsDir: string): KioskFonts {
  const read = (file: string) => new Uint8Array(readFileSync(path.join(assetsDir, 'fonts', file)));
  return { regular: read('NotoSans-Regular.ttf'), bold: read('NotoSans-Bold.ttf') };
}
