import { spawn } from 'node:child_process';
import type { SpeechVoice } from '../../shared/config';
import { KioskError } from '../../shared/errors';

/**
 * Offline read-aloud: the host turns Vietnamese text into a WAV file and the screen plays it, so
 * pausing and repeating belong to the screen and work the same under Electron and the web host.
 * The text should already be `shared/speechText`'s output (numbers in words, IDs hidden).
 */


/** Words per minute; espeak-ng accepts 80–450 and speaks 175 by default, fast for older listeners. */
export const DEFAULT_RATE = 150;
/**
 * A screen's text is a few hundred characters; 4000 is about four minutes of speech and a 12 MB
 * WAV, which is as much as one answer over IPC should carry. Longer text is refused, not cut: a
 * screen read halfway is worse than a screen that says it cannot be read.
 */
export const MAX_SPEECH_CHARS = 4000;

export interface SynthesizeOptions {
  /** The configured Vietnamese voice, or espeak-ng's English one for the English screens. */
  voice: SpeechVoice | 'en';
  rate?: number;
  signal?: AbortSignal;
}

export interface Speech {
  /** A RIFF/WAVE file of 16-bit PCM that browsers' `decodeAudioData` and `<audio>` accept. */
  wav: Uint8Array;
  durationMs: number;
}

export interface SpeechEngine {
  synthesize(text: string, options: SynthesizeOptions): Promise<Speech>;
  /** Kills every synthesis under way; their promises reject with `speech.cancelled`. */
  close(): void;
}

export interface EspeakConfig {
  /** `espeak-ng` on the PATH unless told otherwise. */
  binary?: string;
  /** espeak-ng needs about 50 ms per 1000 characters; far beyond that it hangs. */
  timeoutMs?: number;
}


/** Enough of stderr to recognise a missing voice, never a whole log. */
const STDERR_KEPT = 4_000;

export function createEspeakEngine(config: EspeakConfig = {}): SpeechEngine {
  const binary = config.binary ?? 'espeak-ng';
  const timeoutMs = config.timeoutMs ?? 10_000;
  const closing = new AbortController();

  return {
    synthesize(text, options) {
      if (!text.trim()) return Promise.reject(new KioskError('host.badInput', { reason: 'emptyText' }));
      if (text.length > MAX_SPEECH_CHARS) return Promise.reject(new KioskError('host.badInput', { reason: 'textTooLong', max: MAX_SPEECH_CHARS }));
      const signal = options.signal ? AbortSignal.any([options.signal, closing.signal]) : closing.signal;
      if (signal.aborted) return Promise.reject(new KioskError('speech.cancelled'));
      const args = ['-v', options.voice, '-s', String(options.rate ?? DEFAULT_RATE), '--stdout'];
      return runEspeak(binary, args, text, signal, timeoutMs);
    },
    close() {
      closing.abort();
    },
  };
}

/**
 * Runs espeak-ng without a shell, the text on stdin: nothing in it can become an option or a
 * command, and its length is not bound by the command line. A cancel or a timeout kills the
 * process with SIGKILL (espeak-ng holds nothing to clean up, and a stopped process ignores
 * SIGTERM); the promise settles only once the process is gone.
 */
function runEspeak(binary: string, args: string[], text: string, signal: AbortSignal, timeoutMs: number): Promise<Speech> {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    let stderr = '';
    let stopped: KioskError | undefined;

    const stop = (error: KioskError) => {
      stopped ??= error;
      child.kill('SIGKILL');
    };
    const onAbort = () => stop(new KioskError('speech.cancelled'));
    const timer = setTimeout(() => stop(new KioskError('speech.failed', { reason: 'timeout' })), timeoutMs);
    signal.addEventListener('abort', onAbort, { once: true });
    const finish = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
    };

    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEPT);
    });
    // espeak-ng exits without reading stdin when the voice is missing: EPIPE, reported by 'close'.
    child.stdin.on('error', () => {});
    child.once('error', (error: NodeJS.ErrnoException) => {
      finish();
      reject(error.code === 'ENOENT' ? new KioskError('speech.unavailable', { reason: 'espeakMissing' }, { cause: error }) : new KioskError('speech.failed', { reason: 'spawn' }, { cause: error }));
    });
    child.once('close', (exitCode) => {
      finish();
      if (stopped) return reject(stopped);
      if (/voice does not exist/i.test(stderr)) return reject(new KioskError('speech.unavailable', { reason: 'voiceMissing' }));
      if (exitCode !== 0) return reject(new KioskError('speech.failed', { reason: `exit ${exitCode ?? 'signal'}` }));
      try {
        const wav = new Uint8Array(Buffer.concat(chunks));
        resolve({ wav, durationMs: sealWav(wav).durationMs });
      } catch (error) {
        reject(error);
      }
    });
    // "[[" starts espeak-ng's phoneme input; a space keeps screen text from being read as phonemes.
    child.stdin.end(text.replaceAll('[[', '[ ['));
  });
}

export interface WavInfo {
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Where the samples start, and how many bytes of them there are. */
  dataOffset: number;
  dataBytes: number;
  durationMs: number;
}

const ascii = (bytes: Uint8Array, at: number) => String.fromCharCode(...bytes.subarray(at, at + 4));
const badWav = (reason: string) => new KioskError('speech.failed', { reason: `badWav: ${reason}` });

/**
 * Reads a PCM WAV and, in place, corrects the RIFF and data sizes when they claim more than the
 * file holds. espeak-ng writing to a pipe cannot seek back to fill them in and leaves ~0x7FFFFFFF
 * (`src/espeak-ng.c`, OpenWavFile), which Chromium's and Firefox's decoders refuse or read as hours
 * of audio. The chunk layout is Microsoft's RIFF/WAVE (`fmt ` then `data`, chunks padded to even sizes).
 */
export function sealWav(bytes: Uint8Array): WavInfo {
  if (bytes.length < 12 || ascii(bytes, 0) !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') throw badWav('not RIFF/WAVE');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: { channels: number; sampleRate: number; bitsPerSample: number; blockAlign: number } | undefined;
  for (let offset = 12; offset + 8 <= bytes.length; ) {
    const id = ascii(bytes, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) throw badWav('short fmt chunk');
      if (view.getUint16(body, true) !== 1) throw badWav('not PCM');
      format = { channels: view.getUint16(body + 2, true), sampleRate: view.getUint32(body + 4, true), blockAlign: view.getUint16(body + 12, true), bitsPerSample: view.getUint16(body + 14, true) };
      if (!format.channels || !format.sampleRate || !format.blockAlign) throw badWav('empty fmt chunk');
    } else if (id === 'data') {
      if (!format) throw badWav('data before fmt');
      const available = bytes.length - body;
      let dataBytes = size;
      if (size > available) {
        dataBytes = available - (available % format.blockAlign);
        view.setUint32(offset + 4, dataBytes, true);
      }
      if (view.getUint32(4, true) > bytes.length - 8) view.setUint32(4, bytes.length - 8, true);
      const { blockAlign, ...rest } = format;
      return { ...rest, dataOffset: body, dataBytes, durationMs: Math.round((dataBytes / blockAlign / format.sampleRate) * 1000) };
    }
    offset = body + size + (size % 2);
  }
  throw badWav('no data chunk');
}
