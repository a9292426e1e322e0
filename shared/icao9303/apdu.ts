import { KioskError } from '../errors';
import { concatBytes, readUint } from './bytes';

/**
 * ISO/IEC 7816-4 short APDUs: what crosses the reader, plain or inside secure messaging. BAC-era
 * chips and every reader speak short APDUs; extended length is not needed to read the LDS.
 */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data?: Uint8Array;
  /** Ne, the number of bytes expected back (1–256); absent when no data is expected. */
  ne?: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

/** The reader port: raw command bytes in, raw response bytes (data ‖ SW1 SW2) out. PC/SC implements it. */
export type Transmit = (command: Uint8Array) => Promise<Uint8Array>;

/** A command sent and its answer read, plain or through secure messaging. */
export type CardChannel = (command: CommandApdu) => Promise<ResponseApdu>;

export const SW = {
  ok: 0x9000,
  /** End of file reached before Ne bytes: the data returned is the file's tail. */
  endOfFile: 0x6282,
  authenticationFailed: 0x6300,
  securityStatusNotSatisfied: 0x6982,
  smDataObjectsMissing: 0x6987,
  smDataObjectsIncorrect: 0x6988,
  wrongData: 0x6a80,
  fileNotFound: 0x6a82,
  wrongParameters: 0x6b00,
  insNotSupported: 0x6d00,
} as const;

export const statusWordHex = (sw: number): string => sw.toString(16).toUpperCase().padStart(4, '0');

const MAX_SHORT = 256;

export function encodeCommand(command: CommandApdu): Uint8Array {
  const data = command.data ?? new Uint8Array(0);
  if (data.length >= MAX_SHORT) throw new Error(`A short APDU carries at most 255 bytes, not ${data.length}`);
  if (command.ne !== undefined && (command.ne < 1 || command.ne > MAX_SHORT)) throw new Error(`Ne ${command.ne} is not 1–256`);
  return concatBytes(
    Uint8Array.of(command.cla, command.ins, command.p1, command.p2),
    data.length > 0 ? Uint8Array.of(data.length) : new Uint8Array(0),
    data,
    command.ne === undefined ? new Uint8Array(0) : Uint8Array.of(command.ne % MAX_SHORT),
  );
}

/** The card side of `encodeCommand` (the simulated chip reads commands with it). Null when malformed. */
export function decodeCommand(bytes: Uint8Array): CommandApdu | null {
  if (bytes.length < 4) return null;
  const [cla, ins, p1, p2] = bytes as unknown as [number, number, number, number];
  const body = bytes.subarray(4);
  const header = { cla, ins, p1, p2 };
  if (body.length === 0) return header;
  if (body.length === 1) return { ...header, ne: body[0]! || MAX_SHORT };
  const lc = body[0]!;
  if (lc === 0) return null; // an extended-length APDU, which this short-APDU channel does not speak
  if (body.length === 1 + lc) return { ...header, data: body.slice(1) };
  if (body.length === 2 + lc) return { ...header, data: body.slice(1, 1 + lc), ne: body[1 + lc]! || MAX_SHORT };
  return null;
}

export function decodeResponse(bytes: Uint8Array): ResponseApdu {
  if (bytes.length < 2) throw new KioskError('card.unsupported', { reason: 'responseTooShort' });
  return { data: bytes.slice(0, -2), sw: readUint(bytes.subarray(-2)) };
}

export const encodeResponse = (response: ResponseApdu): Uint8Array =>
  concatBytes(response.data, Uint8Array.of(response.sw >> 8, response.sw & 0xff));

/** A channel without secure messaging: before BAC, and for the application SELECT. */
export const plainChannel =
  (transmit: Transmit): CardChannel =>
  async (command) =>
    decodeResponse(await transmit(encodeCommand(command)));
