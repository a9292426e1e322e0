import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { MODEL_FILE, MODEL_VARIANT } from '../electron/host/ocr';

/**
 * Copies the Vietnamese OCR model from its npm package into `assets/tessdata/`, which
 * electron-builder packs with the other assets; the host reads it from there (`tessdataDir`), so
 * the kiosk never fetches a model. `scripts/build.ts` calls this.
 */
export async function copyTessdata(root: string): Promise<string> {
  const from = path.join(root, 'node_modules', '@tesseract.js-data', 'vie', MODEL_VARIANT, MODEL_FILE);
  const toDir = path.join(root, 'assets', 'tessdata');
  await mkdir(toDir, { recursive: true });
  const to = path.join(toDir, MODEL_FILE);
  await copyFile(from, to);
  return to;
}
