import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The bundled Noto Sans (SIL OFL), so Vietnamese diacritics in PDFs and receipts never depend on the OS. */
export interface KioskFonts {
  regular: Uint8Array;
  bold: Uint8Array;
}

/**
 * Reads both faces from `<assetsDir>/fonts`. The composition root passes the assets folder (the
 * Electron bundle is CommonJS, so this module cannot locate it from `import.meta`); the PDF builder
 * and the receipt take the bytes as parameters.
 */
export async function loadFonts(assetsDir: string): Promise<KioskFonts> {
  const [regular, bold] = await Promise.all(
    ['NotoSans-Regular.ttf', 'NotoSans-Bold.ttf'].map((file) => readFile(path.join(assetsDir, 'fonts', file))),
  );
  return { regular: new Uint8Array(regular!), bold: new Uint8Array(bold!) };
}
