import { KioskError } from '../errors';
import { bytesEqual, readUint } from './bytes';
import { childrenOf, expectTlv, type Tlv } from './tlv';

/**
 * DG2, the encoded face (Doc 9303-10): a CBEFF biometric information template group
 * holding ISO/IEC 19794-5:2005 facial records, each wrapping a JPEG or JPEG 2000 portrait.
 *
 *   75 DG2
 *     7F61 biometric information group template
 *       02 number of instances
 *       7F60 biometric information template (one per face)
 *         A1 biometric header template (CBEFF)
 *         5F2E biometric data block (or 7F2E, its constructed form): the facial record
 *
 * The kiosk shows the first face; a CCCD holds one (facts.md §2.1).
 */

export interface FaceImage {
  /** Told by the image's own magic bytes, not by the record's image data type. */
  format: 'jpeg' | 'jpeg2000';
  image: Uint8Array;
  /** Pixels, from the record's image information; null when the record says 0 (unspecified). */
  width: number | null;
  height: number | null;
}

const TAG = { dg2: 0x75, group: 0x7f61, template: 0x7f60, dataBlock: 0x5f2e, constructedDataBlock: 0x7f2e } as const;

/** 'FAC\0' and version '010\0' (ISO/IEC 19794-5:2005 §5.4, the edition Doc 9303 requires). */
const FORMAT_IDENTIFIER = Uint8Array.of(0x46, 0x41, 0x43, 0x00);
const VERSION_2005 = Uint8Array.of(0x30, 0x31, 0x30, 0x00);

/**
 * Offsets in the facial record: a 14-byte record header; then per face a 20-byte facial
 * information block (whose first 4 bytes give the face's length from there), 8 bytes per
 * feature point, and 12 bytes of image information (type, data type, width, height, …).
 */
const RECORD_HEADER = 14;
const FACIAL_INFORMATION = 20;
const FEATURE_POINT = 8;
const IMAGE_INFORMATION = 12;

/** JPEG's SOI and first marker; JPEG 2000's file signature box (ISO/IEC 15444-1 I.5.1) or bare codestream (SOC, SIZ). */
const MAGIC: ReadonlyArray<readonly [FaceImage['format'], Uint8Array]> = [
  ['jpeg', Uint8Array.of(0xff, 0xd8, 0xff)],
  ['jpeg2000', Uint8Array.of(0x00, 0x00, 0x00, 0x0c, 0x6a, 0x50, 0x20, 0x20, 0x0d, 0x0a, 0x87, 0x0a)],
  ['jpeg2000', Uint8Array.of(0xff, 0x4f, 0xff, 0x51)],
];

const unsupported = (reason: string) => new KioskError('card.unsupported', { reason: `dg2.${reason}` });

function child(parent: Tlv, tags: readonly number[], reason: string): Tlv {
  const found = childrenOf(parent).find((tlv) => tags.includes(tlv.tag));
  if (!found) throw unsupported(reason);
  return found;
}

function parseFacialRecord(record: Uint8Array): FaceImage {
  if (!bytesEqual(record.subarray(0, 4), FORMAT_IDENTIFIER) || !bytesEqual(record.subarray(4, 8), VERSION_2005)) throw unsupported('notFacialRecord');
  const field = (offset: number, length: number) => {
    if (offset + length > record.length) throw unsupported('truncated');
    return readUint(record.subarray(offset, offset + length));
  };
  if (field(12, 2) === 0) throw unsupported('noFace');

  const faceEnd = RECORD_HEADER + field(RECORD_HEADER, 4);
  const imageInformation = RECORD_HEADER + FACIAL_INFORMATION + FEATURE_POINT * field(RECORD_HEADER + 4, 2);
  const imageStart = imageInformation + IMAGE_INFORMATION;
  if (faceEnd > record.length || faceEnd <= imageStart) throw unsupported('truncated');
  const width = field(imageInformation + 2, 2);
  const height = field(imageInformation + 4, 2);

  const image = record.slice(imageStart, faceEnd);
  const format = MAGIC.find(([, magic]) => bytesEqual(image.subarray(0, magic.length), magic))?.[0];
  if (!format) throw unsupported('imageFormat');
  return { format, image, width: width || null, height: height || null };
}

export function parseDg2(file: Uint8Array): FaceImage {
  const group = child(expectTlv(file, TAG.dg2), [TAG.group], 'noTemplateGroup');
  const template = child(group, [TAG.template], 'noTemplate');
  return parseFacialRecord(child(template, [TAG.dataBlock, TAG.constructedDataBlock], 'noDataBlock').value);
}
