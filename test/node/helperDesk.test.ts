import { appendFileSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { HelperAccount, KioskConfig } from '../../shared/config';
import { createAuditLog, readAuditLog } from '../../electron/host/audit';
import { createHelperDesk, hashPin, verifyPin } from '../../electron/host/helpers';
import { tempDir } from '../support/kiosk';
import { codeOf, kioskErrorOf } from '../support/errors';

const cleanups: Array<() => void> = [];
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()));

// The floor the config accepts, so the tests stay quick; kiosks get PIN_HASH_ITERATIONS.
const ITERATIONS = 100_000;

async function setUp(clock = { ms: Date.parse('2026-11-24T08:00:00Z') }) {
  const data = tempDir('helpers');
  cleanups.push(data.remove);
  const helpers = [
    HelperAccount.parse({ id: 'lan', name: 'Nguyễn Thị Lan', pinHash: await hashPin('246810', ITERATIONS) }),
    HelperAccount.parse({ id: 'minh', name: 'Trần Văn Minh', pinHash: await hashPin('135790', ITERATIONS) }),
    HelperAccount.parse({ id: 'ky', name: 'Lê Văn Kỹ', pinHash: await hashPin('975310', ITERATIONS), role: 'technician' }),
  ];
  const auditFile = path.join(data.dir, 'audit.jsonl');
  const desk = () =>
    createHelperDesk({
      helpers,
      policy: KioskConfig.parse({}).helperSignIn,
      lockoutFile: path.join(data.dir, 'helper-lockout.json'),
      audit: createAuditLog(auditFile, () => new Date(clock.ms)),
      now: () => clock.ms,
    });
  return { desk, clock, auditFile, dir: data.dir };
}

describe('PIN hashes', () => {
  test('a PIN is kept as PBKDF2-SHA256 with its own salt, and only that PIN matches', async () => {
    const [one, two] = [await hashPin('246810', ITERATIONS), await hashPin('246810', ITERATIONS)];
    expect(one).toMatch(/^\$pbkdf2-sha256\$i=100000\$[\w+/]+=*\$[\w+/]+=*$/);
    expect(one).not.toBe(two);
    expect(one).not.toContain('246810');
    expect(await verifyPin('246810', one)).toBe(true);
    expect(await verifyPin('246811', one)).toBe(false);
  });

  test('the config refuses a plaintext PIN, a weak hash and two helpers with one id', async () => {
    const pinHash = await hashPin('246810', ITERATIONS);
    expect(HelperAccount.safeParse({ id: 'lan', name: 'Lan', pinHash: '246810' }).success).toBe(false);
    expect(HelperAccount.safeParse({ id: 'lan', name: 'Lan', pinHash: await hashPin('246810', 1000) }).success).toBe(false);
    expect(KioskConfig.safeParse({ helpers: [{ id: 'lan', name: 'Lan', pinHash }, { id: 'lan', name: 'Lan 2', pinHash }] }).success).toBe(false);
  });
});

describe('helper sign-in', () => {
  test('the right PIN opens a session for that helper only; sign-out ends it', async () => {
    const { desk } = await setUp();
    const helpers = desk();
    expect(await codeOf(helpers.signIn('lan', '135790'))).toBe('helper.wrongPin');
    const session = await helpers.signIn('lan', '246810');
    expect(session.helper).toEqual({ id: 'lan', name: 'Nguyễn Thị Lan', role: 'helper' });
    expect(helpers.signedIn(session.token)).toEqual(session.helper);
    await helpers.signOut(session.token);
    expect(() => helpers.signedIn(session.token)).toThrow(expect.objectContaining({ code: 'helper.signedOut' }));
    expect(await codeOf(helpers.signIn('nobody', '246810'))).toBe('helper.unknown');
  });

  test('five wrong PINs in a row, across helpers, close sign-in for the lockout, even after a restart; then it opens again', async () => {
    const { desk, clock } = await setUp();
    let helpers = desk();
    const left: unknown[] = [];
    for (const id of ['lan', 'minh', 'lan', 'minh']) left.push((await kioskErrorOf(helpers.signIn(id, '975310'))).params);
    expect(left).toEqual([{ attemptsLeft: 4 }, { attemptsLeft: 3 }, { attemptsLeft: 2 }, { attemptsLeft: 1 }]);
    const fifth = await kioskErrorOf(helpers.signIn('lan', '975310'));
    expect([fifth.code, fifth.params]).toEqual(['helper.lockedOut', { minutes: 5 }]);

    // The right PIN does not open a closed sign-in, nor does a restart.
    expect(await codeOf(helpers.signIn('lan', '246810'))).toBe('helper.lockedOut');
    helpers = desk();
    clock.ms += 4 * 60_000;
    expect((await kioskErrorOf(helpers.signIn('lan', '246810'))).params).toEqual({ minutes: 1 });
    clock.ms += 60_000;
    expect((await helpers.signIn('lan', '246810')).helper.id).toBe('lan');
    // A success starts the count again.
    expect((await kioskErrorOf(helpers.signIn('minh', '975310'))).params).toEqual({ attemptsLeft: 4 });
  });

  test('an unreadable lockout file does not stop sign-in: the count starts again', async () => {
    const { desk, dir } = await setUp();
    writeFileSync(path.join(dir, 'helper-lockout.json'), '{"failures": 3, "locked');
    const helpers = desk();
    expect((await kioskErrorOf(helpers.signIn('lan', '975310'))).params).toEqual({ attemptsLeft: 4 });
    expect((await helpers.signIn('lan', '246810')).helper.id).toBe('lan');
  });

  test('a clock set back does not stretch a lockout', async () => {
    const { desk, clock } = await setUp();
    const helpers = desk();
    for (let i = 0; i < 5; i++) await codeOf(helpers.signIn('lan', '975310'));
    clock.ms -= 365 * 24 * 3600_000;
    expect((await kioskErrorOf(helpers.signIn('lan', '246810'))).params).toEqual({ minutes: 5 });
  });

  test('five sign-ins at once with wrong PINs count five', async () => {
    const { desk } = await setUp();
    const helpers = desk();
    const codes = await Promise.all(Array.from({ length: 6 }, () => codeOf(helpers.signIn('lan', '975310'))));
    expect(codes.sort()).toEqual(['helper.lockedOut', 'helper.lockedOut', 'helper.wrongPin', 'helper.wrongPin', 'helper.wrongPin', 'helper.wrongPin']);
  });

  test("a technician's tools open to a technician's session only", async () => {
    const { desk } = await setUp();
    const helpers = desk();
    expect(helpers.list().map(({ id, role }) => [id, role])).toEqual([['lan', 'helper'], ['minh', 'helper'], ['ky', 'technician']]);
    const helper = await helpers.signIn('lan', '246810');
    const technician = await helpers.signIn('ky', '975310');
    expect(() => helpers.signedIn(helper.token, 'technician')).toThrow(expect.objectContaining({ code: 'helper.technicianOnly' }));
    expect(helpers.signedIn(technician.token, 'technician').id).toBe('ky');
  });

  test('a session unused for the session time is gone', async () => {
    const { desk, clock } = await setUp();
    const helpers = desk();
    const { token } = await helpers.signIn('minh', '135790');
    clock.ms += 29 * 60_000;
    expect(helpers.signedIn(token).id).toBe('minh');
    clock.ms += 29 * 60_000;
    expect(helpers.signedIn(token).id).toBe('minh');
    clock.ms += 31 * 60_000;
    expect(() => helpers.signedIn(token)).toThrow(expect.objectContaining({ code: 'helper.signedOut' }));
  });
});

describe("what helpers do for citizens", () => {
  test('assisted steps and guidance go to the log under the signed-in helper; a closed session records nothing', async () => {
    const { desk, clock, auditFile } = await setUp();
    const helpers = desk();
    const { token } = await helpers.signIn('lan', '246810');
    const dossier = '0b7e3f0c-2f5c-4e8a-9b1d-6a1f2c3d4e5f';
    await helpers.record(token, { action: 'assist.start', step: 'identify' });
    await helpers.record(token, { action: 'assist.step', step: 'review', dossier });
    await helpers.signOut(token);
    expect(await codeOf(helpers.record(token, { action: 'assist.step', step: 'fee', dossier }))).toBe('helper.signedOut');
    expect(await codeOf(helpers.guidance(token))).toBe('helper.signedOut');

    // Today is Vietnam's day: 16:59 UTC is 23:59 in Vietnam, 17:00 UTC the next day.
    clock.ms = Date.parse('2026-11-24T16:59:00Z');
    const minh = await helpers.signIn('minh', '135790');
    expect(await helpers.guidance(minh.token)).toBe(1);
    expect(await helpers.guidance(minh.token)).toBe(2);
    clock.ms = Date.parse('2026-11-24T17:00:00Z');
    expect(await helpers.guidance(minh.token)).toBe(1);

    const { entries } = await readAuditLog(auditFile);
    expect(entries.map(({ action, helper, step, dossier: id }) => [action, helper, step, id])).toEqual([
      ['helper.signIn', 'lan', undefined, undefined],
      ['assist.start', 'lan', 'identify', undefined],
      ['assist.step', 'lan', 'review', dossier],
      ['helper.signOut', 'lan', undefined, undefined],
      ['helper.signIn', 'minh', undefined, undefined],
      ['guidance.given', 'minh', undefined, undefined],
      ['guidance.given', 'minh', undefined, undefined],
      ['guidance.given', 'minh', undefined, undefined],
    ]);
  });
});

describe('audit log', () => {
  test('sign-ins, wrong PINs, lockouts and sign-outs are logged in order, by helper id, with no PIN or name', async () => {
    const { desk, auditFile } = await setUp();
    const helpers = desk();
    await codeOf(helpers.signIn('lan', '111111'));
    const { token } = await helpers.signIn('lan', '246810');
    await helpers.signOut(token);
    for (let i = 0; i < 5; i++) await codeOf(helpers.signIn('minh', '975310'));
    const { entries, brokenAt } = await readAuditLog(auditFile);
    expect(brokenAt).toBeNull();
    expect(entries.map(({ seq, action, helper }) => [seq, action, helper])).toEqual([
      [1, 'helper.wrongPin', 'lan'],
      [2, 'helper.signIn', 'lan'],
      [3, 'helper.signOut', 'lan'],
      [4, 'helper.wrongPin', 'minh'],
      [5, 'helper.wrongPin', 'minh'],
      [6, 'helper.wrongPin', 'minh'],
      [7, 'helper.wrongPin', 'minh'],
      [8, 'helper.lockedOut', 'minh'],
    ]);
    const text = readFileSync(auditFile, 'utf8');
    for (const secret of ['111111', '246810', '975310', 'Nguyễn', 'Trần', token]) expect(text).not.toContain(secret);
  });

  test('an edited or removed line breaks the chain where it was', async () => {
    const { auditFile } = await setUp();
    const audit = createAuditLog(auditFile);
    for (const helper of ['a', 'b', 'c', 'd']) await audit.append({ action: 'helper.signIn', helper });
    const lines = readFileSync(auditFile, 'utf8').split('\n');
    writeFileSync(auditFile, lines.map((line, i) => (i === 2 ? line.replace('"c"', '"x"') : line)).join('\n'));
    expect((await readAuditLog(auditFile)).brokenAt).toBe(4);
    writeFileSync(auditFile, lines.filter((_, i) => i !== 1).join('\n'));
    expect((await readAuditLog(auditFile)).brokenAt).toBe(2);
  });

  test('a line a power cut left half-written is cut off, and the chain goes on from the last whole line', async () => {
    const { auditFile } = await setUp();
    await createAuditLog(auditFile).append({ action: 'helper.signIn', helper: 'a' });
    appendFileSync(auditFile, '{"seq":2,"at":"2026-11-');
    await createAuditLog(auditFile).append({ action: 'helper.signOut', helper: 'a' });
    const { entries, brokenAt } = await readAuditLog(auditFile);
    expect(brokenAt).toBeNull();
    expect(entries.map(({ seq, action }) => [seq, action])).toEqual([
      [1, 'helper.signIn'],
      [2, 'helper.signOut'],
    ]);
  });

  test('an append that fails (the file cannot be opened) fails only its caller; the next one goes on from the file', async () => {
    const { auditFile } = await setUp();
    mkdirSync(auditFile);
    const audit = createAuditLog(auditFile);
    await expect(audit.append({ action: 'helper.signIn', helper: 'a' })).rejects.toThrow(/EISDIR/);
    rmdirSync(auditFile);
    await audit.append({ action: 'helper.signOut', helper: 'a' });
    const { entries, brokenAt } = await readAuditLog(auditFile);
    expect(brokenAt).toBeNull();
    expect(entries.map(({ seq, action }) => [seq, action])).toEqual([[1, 'helper.signOut']]);
  });
});
