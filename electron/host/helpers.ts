import { pbkdf2, randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { z } from 'zod';
import type { HelperAction } from '../../shared/contract';
import { parsePinHash, PIN_HASH_ITERATIONS, type Helper, type HelperAccount, type HelperSignInConfig } from '../../shared/config';
import { vietnamToday } from '../../shared/dossier/formEngine';
import { KioskError } from '../../shared/errors';
import { writeFileAtomic } from './atomicFile';
import type { AuditLog } from './audit';
import { oneAtATime } from './oneAtATime';

const derive = promisify(pbkdf2);
const KEY_BYTES = 32;

/** A helper's PIN as the kiosk config keeps it (shared/config.ts PinHash): PBKDF2-SHA256 with its own salt. */
export async function hashPin(pin: string, iterations = PIN_HASH_ITERATIONS): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(pin, salt, iterations, KEY_BYTES, 'sha256');
  return `$pbkdf2-sha256$i=${iterations}$${salt.toString('base64')}$${key.toString('base64')}`;
}

export async function verifyPin(pin: string, stored: string): Promise<boolean> {
  const { iterations, salt, key: storedKey } = parsePinHash(stored);
  const key = Buffer.from(storedKey, 'base64');
  const candidate = await derive(pin, Buffer.from(salt, 'base64'), iterations, key.length, 'sha256');
  return timingSafeEqual(candidate, key);
}

/** Wrong PINs in a row, across all helpers (so trying each name in turn gains nothing), and until when sign-in is closed. */
const LockoutState = z.object({ failures: z.number().int().nonnegative(), lockedUntil: z.number().nullable() });
type LockoutState = z.infer<typeof LockoutState>;


export interface HelperSession {
  readonly token: string;
  readonly helper: Helper;
}

/**
 * Open sessions by token. The setup host keeps one for every host it builds, so a technician who
 * changes the kiosk's settings stays signed in when the host is built again on them.
 */
export type HelperSessions = Map<string, { helper: Helper; lastUsed: number }>;

export interface HelperDesk {
  /** The helpers a sign-in screen offers, by name. */
  list(): Helper[];
  /** helper.unknown, helper.wrongPin {attemptsLeft}, helper.lockedOut {minutes}. */
  signIn(helperId: string, pin: string): Promise<HelperSession>;
  signOut(token: string): Promise<void>;
  /**
   * The helper a session token names while it is fresh (every use keeps it fresh), or
   * helper.signedOut: for what only a signed-in helper may do. With `role`, only a technician
   * passes (helper.technicianOnly).
   */
  signedIn(token: string, role?: 'technician'): Helper;
  /** What the helper did (an assisted step, a reprint…), in the audit log under their id; helper.signedOut when the session is over. */
  record(token: string, entry: { action: HelperAction; step?: string; dossier?: string }): Promise<void>;
  /** A person helped without a dossier; answers how many today (Vietnam time), this one included. */
  guidance(token: string): Promise<number>;
}

/**
 * Helper sign-in (issue 8): a PIN checked against its PBKDF2 hash, never stored or logged. After
 * `maxAttempts` wrong PINs in a row sign-in closes for `lockoutMinutes`; the count is kept on disk,
 * so restarting the kiosk does not reopen it. A session is a random token the screen holds in
 * memory: a reloaded page has none, and one unused for `sessionMinutes` is forgotten.
 */
export function createHelperDesk({
  helpers,
  policy,
  lockoutFile,
  audit,
  sessions = new Map(),
  now = Date.now,
}: {
  helpers: readonly HelperAccount[];
  policy: HelperSignInConfig;
  lockoutFile: string;
  audit: AuditLog;
  sessions?: HelperSessions;
  now?: () => number;
}): HelperDesk {
  const lockoutMs = policy.lockoutMinutes * 60_000;
  // One sign-in at a time: two at once must not both read the same failure count.
  const serially = oneAtATime();

  const readLockout = async (): Promise<LockoutState> => {
    // No file yet, or one a crash left unreadable: no failures on record.
    const stored = LockoutState.safeParse(await readFile(lockoutFile, 'utf8').then(JSON.parse).catch(() => null));
    const state = stored.success ? stored.data : { failures: 0, lockedUntil: null };
    // A clock set back must not stretch a lockout beyond its length.
    if (state.lockedUntil !== null) state.lockedUntil = Math.min(state.lockedUntil, now() + lockoutMs);
    return state;
  };
  const writeLockout = (state: LockoutState) => writeFileAtomic(lockoutFile, JSON.stringify(state));

  const fresh = (token: string) => {
    const session = sessions.get(token);
    if (!session) return null;
    // A session outlives a change of settings only as the helper the settings now name: one removed is signed out.
    const account = helpers.find((candidate) => candidate.id === session.helper.id);
    if (!account || now() - session.lastUsed > policy.sessionMinutes * 60_000) {
      sessions.delete(token);
      return null;
    }
    session.lastUsed = now();
    session.helper = { id: account.id, name: account.name, role: account.role };
    return session.helper;
  };
  const signedIn = (token: string, role?: 'technician') => {
    const helper = fresh(token);
    if (!helper) throw new KioskError('helper.signedOut');
    if (role && helper.role !== role) throw new KioskError('helper.technicianOnly');
    return helper;
  };

  return {
    list: () => helpers.map(({ id, name, role }) => ({ id, name, role })),
    signIn: (helperId, pin) =>
      serially(async () => {
        const state = await readLockout();
        if (state.lockedUntil !== null && state.lockedUntil > now()) {
          throw new KioskError('helper.lockedOut', { minutes: Math.ceil((state.lockedUntil - now()) / 60_000) });
        }
        const account = helpers.find((candidate) => candidate.id === helperId);
        if (!account) throw new KioskError('helper.unknown');
        if (await verifyPin(pin, account.pinHash)) {
          await writeLockout({ failures: 0, lockedUntil: null });
          const token = randomBytes(32).toString('base64url');
          const helper = { id: account.id, name: account.name, role: account.role };
          sessions.set(token, { helper, lastUsed: now() });
          await audit.append({ action: 'helper.signIn', helper: account.id });
          return { token, helper };
        }
        const failures = state.failures + 1;
        const lockedOut = failures >= policy.maxAttempts;
        await writeLockout(lockedOut ? { failures: 0, lockedUntil: now() + lockoutMs } : { failures, lockedUntil: null });
        await audit.append({ action: lockedOut ? 'helper.lockedOut' : 'helper.wrongPin', helper: account.id });
        throw lockedOut
          ? new KioskError('helper.lockedOut', { minutes: policy.lockoutMinutes })
          : new KioskError('helper.wrongPin', { attemptsLeft: policy.maxAttempts - failures });
      }),
    async signOut(token) {
      const helper = fresh(token);
      if (!helper) return;
      sessions.delete(token);
      await audit.append({ action: 'helper.signOut', helper: helper.id });
    },
    signedIn,
    record: async (token, entry) => audit.append({ ...entry, helper: signedIn(token).id }),
    async guidance(token) {
      await audit.append({ action: 'guidance.given', helper: signedIn(token).id });
      const today = vietnamToday(new Date(now()));
      const { entries } = await audit.read();
      return entries.filter((entry) => entry.action === 'guidance.given' && vietnamToday(new Date(entry.at)) === today).length;
    },
  };
}
