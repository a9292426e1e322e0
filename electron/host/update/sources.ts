import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import { pathExists } from '../atomicFile';
import path from 'node:path';
import { Readable } from 'node:stream';
import { KioskError } from '../../../shared/errors';
import { RELEASES_FILE, UPDATE_FOLDER, type ReleaseFile } from './release';

/** Where a feed of releases is read from: the province's server or a technician's USB stick. */
export interface UpdateSource {
  kind: 'province' | 'usb';
  /** The feed's `releases.txt`; empty when the feed has published none. */
  index(): Promise<string>;
  /** Copies one installer of the feed to `destination`, checked as it comes (copyChecked). */
  copy(file: ReleaseFile, destination: string): Promise<void>;
}

/** A province feed lists a release a line; far more than this is no feed. */
const MAX_INDEX_BYTES = 1024 * 1024;

/**
 * The province's feed over HTTP(S): static files under `baseUrl` (the reference portal serves one
 * under `/updates/`). Integrity comes from the signatures and hashes, not from the transport, so a
 * plain mirror or proxy will do. A missing index is a feed with nothing published.
 */
export function httpSource(baseUrl: string, { timeoutMs, stallMs = 60_000 }: { timeoutMs: number; stallMs?: number }): UpdateSource {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const get = async (name: string, init: RequestInit = {}) => {
    try {
      return await fetch(new URL(name, base), init);
    } catch {
      throw new KioskError('update.unreachable');
    }
  };
  return {
    kind: 'province',
    async index() {
      const response = await get(RELEASES_FILE, { signal: AbortSignal.timeout(timeoutMs) });
      if (response.ok && Number(response.headers.get('content-length') ?? 0) <= MAX_INDEX_BYTES) return response.text();
      // An unread body would hold the connection open.
      await response.body?.cancel();
      if (response.status === 404) return '';
      throw new KioskError('update.unreachable');
    },
    async copy(file, destination) {
      // A download cut off goes on from where it stopped: over a rural link an installer may take
      // several tries. No overall timeout, as it takes as long as it takes; a link that has gone
      // silent is given up.
      const have = await stat(partOf(destination)).then((part) => part.size, () => 0);
      const from = have > 0 && have < file.size ? have : 0;
      const stalled = new AbortController();
      const response = await get(file.name, { signal: stalled.signal, headers: from > 0 ? { Range: `bytes=${from}-` } : {} });
      const resumed = response.status === 206 && response.headers.get('content-range')?.startsWith(`bytes ${from}-`) === true;
      if (!(response.status === 200 || resumed) || !response.body) {
        await response.body?.cancel();
        throw new KioskError('update.unreachable');
      }
      await copyChecked(untilStalled(Readable.fromWeb(response.body), stalled, stallMs), file, destination, resumed ? from : 0);
    },
  };
}

/** The bytes as they come, the request given up once none has come for `stallMs`. */
async function* untilStalled(body: AsyncIterable<Uint8Array>, controller: AbortController, stallMs: number): AsyncIterable<Uint8Array> {
  let timer = setTimeout(() => controller.abort(), stallMs);
  try {
    for await (const chunk of body) {
      clearTimeout(timer);
      timer = setTimeout(() => controller.abort(), stallMs);
      yield chunk;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The feed on the first USB stick that carries one, in its `dvc-kiosk-update` folder; update.noUsb when none does. */
export async function usbSource(drives: () => Promise<string[]>): Promise<UpdateSource> {
  for (const drive of await drives()) {
    const folder = path.join(drive, UPDATE_FOLDER);
    const index = path.join(folder, RELEASES_FILE);
    if (!(await pathExists(index))) continue;
    return {
      kind: 'usb',
      index: () => readFile(index, 'utf8'),
      copy: (file, destination) => copyChecked(createReadStream(path.join(folder, file.name)), file, destination),
    };
  }
  throw new KioskError('update.noUsb');
}

/** Where an installer is written until it is whole and checked. */
const partOf = (destination: string) => `${destination}.part`;

/**
 * Writes what comes to `destination` only if it is exactly the installer named: its size and its
 * SHA-512, checked while it is written (a file too long stops at once). Anything else is
 * update.corrupt and leaves nothing behind; a transfer cut off leaves its part, for `resumeFrom`
 * (the bytes already in the part, read into the hash again) to go on from. fsync'd before the
 * rename, so a power cut leaves either no file or the whole one.
 */
export async function copyChecked(body: AsyncIterable<Uint8Array>, file: ReleaseFile, destination: string, resumeFrom = 0): Promise<void> {
  const temporary = partOf(destination);
  const hash = createHash('sha512');
  let size = 0;
  if (resumeFrom > 0) {
    for await (const chunk of createReadStream(temporary, { end: resumeFrom - 1 }) as AsyncIterable<Buffer>) {
      size += chunk.byteLength;
      hash.update(chunk);
    }
  }
  const out = await open(temporary, resumeFrom > 0 ? 'a' : 'w', 0o600);
  try {
    try {
      for await (const chunk of body) {
        size += chunk.byteLength;
        if (size > file.size) throw new KioskError('update.corrupt');
        hash.update(chunk);
        await out.write(chunk);
      }
    } catch (error) {
      throw error instanceof KioskError ? error : new KioskError('update.unreachable');
    }
    if (size !== file.size || hash.digest('base64') !== file.sha512) throw new KioskError('update.corrupt');
    await out.sync();
  } catch (error) {
    const cutOff = error instanceof KioskError && error.code === 'update.unreachable';
    if (cutOff) await out.sync();
    await out.close();
    if (!cutOff) await rm(temporary, { force: true });
    throw error;
  }
  await out.close();
  await rename(temporary, destination);
}
