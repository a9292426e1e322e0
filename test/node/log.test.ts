import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterEach, expect, test, vi } from 'vitest';
import { createFileLogger, createLogger, logDir } from '../../electron/host/log';
import { REDACTED, redact, redactLogLine, redactText } from '../../shared/redact';
import { tempDir } from '../support/kiosk';

const cleanups: Array<() => void> = [];
afterEach(() => {
  cleanups.splice(0).forEach((cleanup) => cleanup());
  vi.restoreAllMocks();
});
const dataDir = () => {
  const data = tempDir('log');
  cleanups.push(data.remove);
  return data.dir;
};

test('ID numbers, phone numbers and e-mail addresses are masked in text, however they are written', () => {
  expect(redactText('CCCD 079123456789, CMND 123456789.')).toBe('CCCD [cccd], CMND [cmnd].');
  // Grouped as people type them, glued to a label, or two side by side.
  expect(redactText('số 079 123 456 789 / CCCD079123456789 / 0912345678 079123456789')).toBe('số [cccd] / CCCD[cccd] / [number]');
  expect(redactText('gọi 0912345678, 0912.345.678, 0912 345 678, +84 912 345 678 hoặc 024 3825 1234')).toBe(
    'gọi [phone], [phone], [phone], +[phone] hoặc [phone]',
  );
  expect(redactText('thư nguyen.thi.canary+kiosk@mail.example.vn, hết')).toBe('thư [email], hết');
  expect(redactText('https://kiosk:s3cret@portal.example/v1')).toBe(`https://${REDACTED}@portal.example/v1`);
  // The card's QR payload carries the name and address, which have no shape of their own.
  expect(redactText('quét: 079123456789|123456789|Nguyễn Thị Canary|01011990|Nữ|12 Lê Lợi, Huế|01012021')).toBe('quét: [cccd-qr]');
  expect(redactText('NGUYEN<<THI<CANARY<<<<<<<<<<<<')).toBe('[mrz]');
});

test('identifiers that only look like numbers are kept: times, UUIDs, hashes, addresses, small numbers', () => {
  const text =
    'at 2026-11-24T08:15:30.123Z (2026-11-24 08:15) dossier 3f2a1b4c-1234-4abc-9def-123456789012 ' +
    'prev 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef from 192.168.100.200:8787, 3 pages, v1.2.3';
  expect(redactText(text)).toBe(text);
});

test('values under personal or secret keys are dropped at any depth; errors keep their shape', () => {
  const value = {
    event: 'dossier.saved',
    pages: 3,
    applicant: { hoTen: 'Nguyễn Thị Canary', 'Họ tên': 'Nguyễn Thị Canary', diaChi: '12 Lê Lợi', dateOfBirth: '1990-01-01' },
    answers: { applicantName: 'Nguyễn Thị Canary' },
    steps: [{ 'father.fullName': 'Nguyễn Văn Cha', applicantPhone: '0912345678', email: 'a@b.vn', kind: 'person' }],
    helper: { name: 'Lan', pinHash: '$pbkdf2-sha256$i=100000$c2FsdA==$a2V5' },
    note: 'gọi 0912345678',
    error: new TypeError('không đọc được 079123456789'),
    missing: null,
  };
  expect(redact(value)).toEqual({
    event: 'dossier.saved',
    pages: 3,
    applicant: { hoTen: REDACTED, 'Họ tên': REDACTED, diaChi: REDACTED, dateOfBirth: REDACTED },
    answers: REDACTED,
    steps: [{ 'father.fullName': REDACTED, applicantPhone: REDACTED, email: REDACTED, kind: 'person' }],
    helper: { name: REDACTED, pinHash: REDACTED },
    note: 'gọi [phone]',
    error: { name: 'TypeError', message: 'không đọc được [cccd]' },
    missing: null,
  });
});

test('a log line is redacted as JSON, as text when it is not an object; a clean line comes back byte for byte', () => {
  expect(redactLogLine('{"a":1,  "b":"x"}')).toBe('{"a":1,  "b":"x"}');
  expect(redactLogLine('{"fullName":"Nguyễn Thị Canary","n":2}')).toBe(`{"fullName":"${REDACTED}","n":2}`);
  expect(redactLogLine('079123456789')).toBe('[cccd]');
  expect(redactLogLine('plain text 0912345678')).toBe('plain text [phone]');
});

// Beyond 40 hex digits or in a UUID's shape a number is an identifier; short texts around it can be neither.
const aroundText = fc.oneof(fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 12 }));
const cccdNumber = fc.stringMatching(/^0\d{11}$/);
const grouped = (number: string, separator: string) => number.match(/.{3}/g)!.join(separator);

test('property: a CCCD number anywhere in any text never survives: in text, in a new log line, in an old line read back', () => {
  const lines: string[] = [];
  const log = createLogger((line) => lines.push(line));
  fc.assert(
    fc.property(aroundText, cccdNumber, fc.constantFrom('', ' ', '.', '-'), aroundText, (before, number, separator, after) => {
      const text = `${before}${separator ? grouped(number, separator) : number}${after}`;
      log.info('card.read', { note: text, nested: [{ text }] });
      const olderLine = JSON.stringify({ time: '2026-11-24T01:00:00.000Z', level: 'info', event: 'card.read', note: text });
      for (const output of [redactText(text), lines.at(-1)!, redactLogLine(olderLine)]) {
        expect(output).not.toContain(number);
        expect(output.replace(/[ .-]/g, '')).not.toContain(number);
      }
    }),
    { numRuns: 500 },
  );
});

test('createLogger() still writes one JSON line per call to stderr, time, level, event, then the fields', () => {
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  createLogger().error('host.handlerFailed', { method: 'printer.print', error: new Error('cover open'), count: 2 });
  expect(written).toHaveLength(1);
  expect(written[0]).toMatch(/^\{"time":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z","level":"error","event":"host.handlerFailed",/);
  expect(written[0]!.endsWith('\n')).toBe(true);
  const { time: _time, ...rest } = JSON.parse(written[0]!) as Record<string, unknown>;
  expect(rest).toEqual({ level: 'error', event: 'host.handlerFailed', method: 'printer.print', error: { name: 'Error', message: 'cover open' }, count: 2 });
});

test('the file sink writes a file per Vietnam day, echoes each line to stderr, and deletes files past keepDays', async () => {
  const dir = dataDir();
  const logs = logDir(dir);
  let clock = new Date('2026-11-20T23:59:00+07:00');
  const echoed: string[] = [];
  const log = createFileLogger({ dataDir: dir, keepDays: 14, now: () => clock, echo: (line) => echoed.push(line) });
  // 14 days up to 20 November start on the 7th: the 6th goes at once, the 7th when the 21st opens, the 8th stays.
  for (const day of ['2026-11-01', '2026-11-06', '2026-11-07', '2026-11-08']) writeFileSync(path.join(logs, `kiosk-${day}.log`), '{}\n');
  writeFileSync(path.join(logs, 'notes.txt'), 'not a log');

  log.info('kiosk.started', { version: '1.0.0' });
  log.error('card.failed', { cccd: '079123456789', message: 'gọi 0912345678' });
  // Five past midnight in Hanoi is still the 20th in UTC: the day is Vietnam's.
  clock = new Date('2026-11-20T17:05:00Z');
  log.info('queue.sent', { count: 2 });
  await log.close();

  expect(readdirSync(logs).sort()).toEqual(['kiosk-2026-11-08.log', 'kiosk-2026-11-20.log', 'kiosk-2026-11-21.log', 'notes.txt']);
  const fileLines = ['2026-11-20', '2026-11-21'].flatMap((day) => readFileSync(path.join(logs, `kiosk-${day}.log`), 'utf8').split('\n').filter(Boolean));
  expect(fileLines).toEqual(echoed);
  expect(fileLines.map((line) => JSON.parse(line) as Record<string, unknown>)).toEqual([
    { time: '2026-11-20T16:59:00.000Z', level: 'info', event: 'kiosk.started', version: '1.0.0' },
    { time: '2026-11-20T16:59:00.000Z', level: 'error', event: 'card.failed', cccd: REDACTED, message: 'gọi [phone]' },
    { time: '2026-11-20T17:05:00.000Z', level: 'info', event: 'queue.sent', count: 2 },
  ]);
});

test('the file sink echoes to stderr by default, the same line it appends', async () => {
  const dir = dataDir();
  const written: string[] = [];
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (written.push(String(chunk)), true));
  const now = new Date('2026-11-24T01:00:00Z');
  const log = createFileLogger({ dataDir: dir, now: () => now });
  log.info('webhost.started', { origin: 'http://127.0.0.1:5173' });
  await log.close();
  expect(written).toEqual([readFileSync(path.join(logDir(dir), 'kiosk-2026-11-24.log'), 'utf8')]);
});
