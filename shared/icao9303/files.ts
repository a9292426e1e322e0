import { KioskError } from '../errors';
import { concatBytes, fromHex } from './bytes';
import { statusWordHex, SW, type CardChannel, type CommandApdu, type ResponseApdu } from './apdu';
import { encodeTlv, readTlv, readTlvHeader } from './tlv';

/**
 * Selecting and reading the LDS's elementary files (Doc 9303-10; Doc 9303-11 §9.8 for
 * their protection). Pure functions over a `CardChannel`, so the same code reads plain or through
 * secure messaging, from a PC/SC reader or from the simulated chip.
 */

/** The eMRTD application (Doc 9303-10; selected first on a CCCD: facts.md §2.1). */
export const EMRTD_APPLICATION_ID = fromHex('A0000002471001');

/** Short file identifiers of the LDS (Doc 9303-10; domain notes README §6.1). */
export const FILE_ID = {
  com: 0x011e,
  sod: 0x011d,
  dataGroup: (number: number) => 0x0100 + number,
} as const;

/**
 * The most a READ BINARY asks for under BAC secure messaging: 223 bytes pad to 224, and with
 * DO'87's header, DO'99 and DO'8E the protected answer stays within a short APDU's 256 bytes
 * (the same default as JMRTD's `DEFAULT_MAX_BLOCKSIZE`).
 */
export const DEFAULT_CHUNK = 0xdf;
/** READ BINARY with an even INS addresses 15 bits of offset; further on it is INS B1 with DO'54. */
const MAX_EVEN_OFFSET = 0x7fff;
/** Bytes read first: an LDS file's tag (1 byte) and a length of up to 3 bytes, as Appendix D.4 reads EF.COM. */
const FIRST_READ = 4;
/** No LDS file the kiosk reads comes near this (a portrait is tens of kilobytes); a longer header is not believed. */
export const MAX_FILE_LENGTH = 512 * 1024;

const fileIdHex = (fileId: number) => fileId.toString(16).toUpperCase().padStart(4, '0');

const refused = (step: string, response: ResponseApdu, fileId?: number) =>
  new KioskError('card.unsupported', {
    reason: step,
    statusWord: statusWordHex(response.sw),
    ...(fileId === undefined ? {} : { fileId: fileIdHex(fileId) }),
  });

export async function selectEmrtdApplication(channel: CardChannel): Promise<void> {
  const response = await channel({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: EMRTD_APPLICATION_ID });
  if (response.sw !== SW.ok) throw refused('selectApplication', response);
}

async function selectFile(channel: CardChannel, fileId: number): Promise<void> {
  const response = await channel({ cla: 0x00, ins: 0xa4, p1: 0x02, p2: 0x0c, data: Uint8Array.of(fileId >> 8, fileId & 0xff) });
  if (response.sw !== SW.ok) throw refused('selectFile', response, fileId);
}

function readBinaryCommand(offset: number, length: number): CommandApdu {
  if (offset <= MAX_EVEN_OFFSET) return { cla: 0x00, ins: 0xb0, p1: offset >> 8, p2: offset & 0xff, ne: length };
  // INS B1: the offset travels in DO'54, the data comes back wrapped in DO'53 (ISO/IEC 7816-4).
  const offsetBytes = offset <= 0xffff ? Uint8Array.of(offset >> 8, offset & 0xff) : Uint8Array.of(offset >> 16, (offset >> 8) & 0xff, offset & 0xff);
  const wrapping = length < 0x80 ? 2 : 3;
  return { cla: 0x00, ins: 0xb1, p1: 0x00, p2: 0x00, data: encodeTlv(0x54, offsetBytes), ne: length + wrapping };
}

async function readBinary(channel: CardChannel, fileId: number, offset: number, length: number): Promise<Uint8Array> {
  const command = readBinaryCommand(offset, length);
  const response = await channel(command);
  if (response.sw !== SW.ok && response.sw !== SW.endOfFile) throw refused('readBinary', response, fileId);
  const data = command.ins === 0xb1 ? readTlv(response.data).tlv.value : response.data;
  if (data.length === 0 || data.length > length) throw refused('readBinaryLength', response, fileId);
  return data;
}

/**
 * Selects the file and reads it whole. The first bytes give the file's BER-TLV length, which
 * says how many bytes are left; the rest comes in chunks of at most `chunk` bytes.
 */
export async function readFile(channel: CardChannel, fileId: number, chunk = DEFAULT_CHUNK): Promise<Uint8Array> {
  await selectFile(channel, fileId);
  let content = await readBinary(channel, fileId, 0, FIRST_READ);
  let header = readTlvHeader(content);
  if (!header && content.length === FIRST_READ) {
    // A two-byte tag with a three-byte length: the header needs a few more bytes.
    content = concatBytes(content, await readBinary(channel, fileId, FIRST_READ, FIRST_READ));
    header = readTlvHeader(content);
  }
  const total = header ? header.headerLength + header.valueLength : Infinity;
  if (total > MAX_FILE_LENGTH) throw new KioskError('card.unsupported', { reason: 'fileLength', fileId: fileIdHex(fileId) });

  const parts = [content.subarray(0, total)];
  for (let offset = content.length; offset < total; ) {
    const part = await readBinary(channel, fileId, offset, Math.min(chunk, total - offset));
    parts.push(part);
    offset += part.length;
  }
  return concatBytes(...parts);
}
