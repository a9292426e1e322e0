import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, test } from 'vitest';
import { createEspeakEngine, MAX_SPEECH_CHARS, sealWav, type SpeechEngine } from '../../electron/host/speech';
import { kioskErrorOf } from '../support/errors';

/**
 * The read-aloud engine through the real espeak-ng (Debian `espeak-ng`, with its Vietnamese voices).
 * The WAV checks read the header at its fixed offsets here, independently of `sealWav`.
 */

const hasEspeak = spawnSync('espeak-ng', ['--version']).status === 0;
if (!hasEspeak) console.warn('speech.test.ts: SKIPPED, espeak-ng is not installed (apt-get install espeak-ng)');

const SENTENCE = 'Xin chào quý khách, mời quý khách chọn thủ tục hành chính cần làm hôm nay.';
const SYLLABLES = SENTENCE.split(/\s+/).length;

const engines: SpeechEngine[] = [];
function engine(config?: Parameters<typeof createEspeakEngine>[0]) {
  const created = createEspeakEngine(config);
  engines.push(created);
  return created;
}
afterEach(() => {
  for (const created of engines.splice(0)) created.close();
});

/** This test process's espeak-ng children, from /proc. */
function espeakChildren(): number[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        // "pid (comm) state ppid …"; comm may hold spaces, so split after its closing parenthesis.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return comm === 'espeak-ng' && ppid === process.pid ? [Number(pid)] : [];
      } catch {
        return []; // gone while we looked
      }
    });
}

/** Freezes the one espeak-ng this process runs, so it cannot finish on its own: only a kill ends it. */
function freezeEspeak(): void {
  const children = espeakChildren();
  // Never signal pid 0 or a guess: that would stop the test runner's own process group.
  if (children.length !== 1 || !children[0]) throw new Error(`expected one espeak-ng child, found ${children.length}`);
  process.kill(children[0], 'SIGSTOP');
}

/** The PCM samples as 16-bit integers, after checking the header fields a browser's decoder relies on. */
function pcmOf(wav: Uint8Array) {
  const view = new DataView(wav.buffer, wav.byteOffset, wav.byteLength);
  const text = (at: number) => String.fromCharCode(...wav.subarray(at, at + 4));
  expect([text(0), text(8), text(12), text(36)]).toEqual(['RIFF', 'WAVE', 'fmt ', 'data']);
  expect(view.getUint16(20, true)).toBe(1); // PCM
  expect(view.getUint16(22, true)).toBe(1); // mono
  expect(view.getUint16(34, true)).toBe(16);
  // The sizes espeak-ng leaves at ~2 GiB on a pipe now say what is there.
  expect(view.getUint32(4, true)).toBe(wav.length - 8);
  expect(view.getUint32(40, true)).toBe(wav.length - 44);
  return { sampleRate: view.getUint32(24, true), samples: new Int16Array(wav.slice(44).buffer) };
}

const rms = (samples: Int16Array) => Math.sqrt(samples.reduce((sum, sample) => sum + sample * sample, 0) / samples.length);

describe.skipIf(!hasEspeak)('read-aloud through espeak-ng', () => {
  test('a Vietnamese sentence becomes a valid, audible WAV as long as the sentence', async () => {
    const { wav, durationMs } = await engine().synthesize(SENTENCE, { voice: 'vi' });
    const { sampleRate, samples } = pcmOf(wav);
    expect(sampleRate).toBe(22050);
    expect(durationMs).toBe(Math.round((samples.length / sampleRate) * 1000));
    expect(rms(samples)).toBeGreaterThan(500);
    // 150 words a minute is 400 ms a syllable; espeak-ng runs somewhat faster and adds pauses.
    expect(durationMs / SYLLABLES).toBeGreaterThan(150);
    expect(durationMs / SYLLABLES).toBeLessThan(600);
  });

  test('the rate is honoured: twice as fast is about half as long', async () => {
    const slow = await engine().synthesize(SENTENCE, { voice: 'vi', rate: 120 });
    const fast = await engine().synthesize(SENTENCE, { voice: 'vi', rate: 240 });
    expect(fast.durationMs / slow.durationMs).toBeGreaterThan(0.35);
    expect(fast.durationMs / slow.durationMs).toBeLessThan(0.65);
  });

  test('the three Vietnamese voices sound different', async () => {
    const speak = engine();
    const voices = await Promise.all((['vi', 'vi-vn-x-central', 'vi-vn-x-south'] as const).map((voice) => speak.synthesize(SENTENCE, { voice })));
    const pcm = voices.map(({ wav }) => Buffer.from(pcmOf(wav).samples.buffer));
    expect(pcm[0]?.equals(pcm[1] ?? Buffer.alloc(0))).toBe(false);
    expect(pcm[0]?.equals(pcm[2] ?? Buffer.alloc(0))).toBe(false);
    expect(pcm[1]?.equals(pcm[2] ?? Buffer.alloc(0))).toBe(false);
  });

  test('empty and too long texts are refused before espeak-ng starts', async () => {
    const speak = engine();
    expect((await kioskErrorOf(speak.synthesize(' \n ', { voice: 'vi' }))).params).toEqual({ reason: 'emptyText' });
    const tooLong = await kioskErrorOf(speak.synthesize('a'.repeat(MAX_SPEECH_CHARS + 1), { voice: 'vi' }));
    expect([tooLong.code, tooLong.params]).toEqual(['host.badInput', { reason: 'textTooLong', max: MAX_SPEECH_CHARS }]);
    expect(espeakChildren()).toEqual([]);
    // The longest text allowed is spoken whole.
    const longest = `${SENTENCE} `.repeat(MAX_SPEECH_CHARS / (SENTENCE.length + 1)).trim();
    const { durationMs } = await speak.synthesize(longest, { voice: 'vi' });
    expect(durationMs).toBeGreaterThan(((longest.length / SENTENCE.length) * SYLLABLES * 150));
  });

  test('aborting kills espeak-ng and leaves none behind', async () => {
    const controller = new AbortController();
    // Its own timeout far off, so only the abort can end it before the test times out.
    const speaking = engine({ timeoutMs: 60_000 }).synthesize(`${SENTENCE} `.repeat(50), { voice: 'vi', signal: controller.signal });
    freezeEspeak();
    controller.abort();
    expect((await kioskErrorOf(speaking)).code).toBe('speech.cancelled');
    expect(espeakChildren()).toEqual([]);
  });

  test('closing the engine kills what it is speaking', async () => {
    const speak = engine({ timeoutMs: 60_000 });
    const speaking = speak.synthesize(SENTENCE, { voice: 'vi' });
    freezeEspeak();
    speak.close();
    expect((await kioskErrorOf(speaking)).code).toBe('speech.cancelled');
    expect((await kioskErrorOf(speak.synthesize(SENTENCE, { voice: 'vi' }))).code).toBe('speech.cancelled');
    expect(espeakChildren()).toEqual([]);
  });

  test('a hung espeak-ng times out and is killed', async () => {
    const speaking = engine({ timeoutMs: 300 }).synthesize(SENTENCE, { voice: 'vi' });
    freezeEspeak();
    const error = await kioskErrorOf(speaking);
    expect([error.code, error.params]).toEqual(['speech.failed', { reason: 'timeout' }]);
    expect(espeakChildren()).toEqual([]);
  });

  describe('text is spoken, never run', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'kiosk-speech-'));
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    test.each([
      ['shell', (marker: string) => `"; touch ${marker}; $(touch ${marker}) \`touch ${marker}\` | touch ${marker} && echo`],
      ['espeak-ng options', (marker: string) => `-w ${marker} --version`],
    ])('%s in the text', async (_kind, hostile) => {
      const marker = path.join(folder, `made-by-${_kind.replace(/\W/g, '')}`);
      const { wav, durationMs } = await engine().synthesize(hostile(marker), { voice: 'vi' });
      expect(existsSync(marker)).toBe(false);
      expect(rms(pcmOf(wav).samples)).toBeGreaterThan(500);
      // Every word of it is read: far longer than "--version" alone would be.
      expect(durationMs).toBeGreaterThan(2500);
    });

    test('phoneme brackets are read as text', async () => {
      const speak = engine();
      const bracketed = await speak.synthesize('[[h@l\'oU]]', { voice: 'vi' });
      // What espeak-ng makes of the same stdin when it reads the brackets as phonemes.
      const phonemes = new Uint8Array(spawnSync('espeak-ng', ['-v', 'vi', '-s', '150', '--stdout'], { input: "[[h@l'oU]]" }).stdout);
      sealWav(phonemes);
      expect(phonemes.length).toBeGreaterThan(44);
      expect(Buffer.from(bracketed.wav).equals(phonemes)).toBe(false);
    });
  });

  test('a missing espeak-ng is speech.unavailable', async () => {
    const error = await kioskErrorOf(engine({ binary: '/nonexistent/espeak-ng' }).synthesize(SENTENCE, { voice: 'vi' }));
    expect([error.code, error.params]).toEqual(['speech.unavailable', { reason: 'espeakMissing' }]);
  });

  test('a voice espeak-ng does not have is speech.unavailable', async () => {
    // The type allows only our three voices; a kiosk whose espeak-ng-data lacks one meets this.
    const error = await kioskErrorOf(engine().synthesize(SENTENCE, { voice: 'zz-nowhere' as 'vi' }));
    expect([error.code, error.params]).toEqual(['speech.unavailable', { reason: 'voiceMissing' }]);
  });
});

describe('sealWav', () => {
  /** A 44-byte header, `samples` 16-bit mono samples at 8 kHz and `extra` bytes, with the sizes given. */
  function wavFile(samples: number, sizes: { riff?: number; data?: number; format?: number } = {}, extra = 0) {
    const bytes = new Uint8Array(44 + samples * 2 + extra);
    const view = new DataView(bytes.buffer);
    bytes.set(new TextEncoder().encode('RIFF....WAVEfmt '), 0);
    view.setUint32(4, sizes.riff ?? bytes.length - 8, true);
    view.setUint32(16, 16, true);
    view.setUint16(20, sizes.format ?? 1, true);
    view.setUint16(22, 1, true);
    view.setUint32(24, 8000, true);
    view.setUint32(28, 16000, true);
    view.setUint16(32, 2, true);
    view.setUint16(34, 16, true);
    bytes.set(new TextEncoder().encode('data'), 36);
    view.setUint32(40, sizes.data ?? samples * 2, true);
    return { bytes, view };
  }

  test('sizes a pipe left at 0x7FFFF000 are set to what the file holds, in whole samples', () => {
    const { bytes, view } = wavFile(8000, { riff: 0x7ffff024, data: 0x7ffff000 }, 1);
    expect(sealWav(bytes)).toMatchObject({ sampleRate: 8000, dataBytes: 16000, durationMs: 1000 });
    expect([view.getUint32(4, true), view.getUint32(40, true)]).toEqual([bytes.length - 8, 16000]);
  });

  test('a correct file is left as it is', () => {
    const { bytes } = wavFile(4000);
    const before = bytes.slice();
    expect(sealWav(bytes).durationMs).toBe(500);
    expect(bytes).toEqual(before);
  });

  test.each([
    ['not a WAV', new TextEncoder().encode('<html>not audio</html>')],
    ['truncated header', wavFile(10).bytes.slice(0, 30)],
    ['not PCM', wavFile(10, { format: 3 }).bytes],
    ['no data chunk', wavFile(0).bytes.slice(0, 36)],
  ])('%s is speech.failed', (_case, bytes) => {
    expect(() => sealWav(bytes)).toThrow('speech.failed');
  });
});
