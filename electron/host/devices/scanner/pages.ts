import sharp from 'sharp';
import { KioskError } from '../../../../shared/errors';
import type { ScannedPage } from './index';

/**
 * A page from the bytes a device sent: the pixel size and dpi come from the image itself, since
 * devices round the resolution asked for. Bytes that are no PNG or JPEG are `scanner.failed`.
 */
export async function describePage(number: number, bytes: Uint8Array, requestedDpi: number): Promise<ScannedPage> {
  const metadata = await sharp(bytes)
    .metadata()
    .catch((error: unknown) => {
      throw new KioskError('scanner.failed', { reason: 'unreadableImage' }, { cause: error });
    });
  if ((metadata.format !== 'png' && metadata.format !== 'jpeg') || !metadata.width || !metadata.height) {
    throw new KioskError('scanner.failed', { reason: 'unexpectedImageFormat' });
  }
  return { number, bytes, format: metadata.format, dpi: metadata.density ?? requestedDpi, width: metadata.width, height: metadata.height };
}
