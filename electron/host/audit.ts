import { open, readFile, truncate } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HelperAction } from '../../shared/contract';
import { oneAtATime } from './oneAtATime';
import { sha256Hex } from './sha256';

/** What the audit log records: helpers signing in and out, and what they do for citizens. */
const AuditAction = z.enum(['helper.signIn', 'helper.wrongPin', 'helper.lockedOut', 'helper.signOut', ...HelperAction.options, 'guidance.given', 'settings.changed', 'settings.fromProvince', 'app.quit', 'update.install']);

/**
 * One line of the audit log. Who (a helper's id from the kiosk config, never a name), what, and
 * which dossier and step by id: no personal data, so the log can be kept and exported as it is.
 * `prev` is the SHA-256 of the line before, so an edited or removed line breaks the chain.
 */
export const AuditEntry = z.strictObject({
  seq: z.number().int().positive(),
  at: z.iso.datetime(),
  action: AuditAction,
  helper: z.string().nullable(),
  dossier: z.uuid().optional(),
  step: z.string().optional(),
  prev: z.string().regex(/^[0-9a-f]{64}$/),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export interface AuditLog {
  /** Resolves once the line is on disk (fsync'd). */
  append(entry: Pick<AuditEntry, 'action' | 'helper' | 'dossier' | 'step'>): Promise<void>;
  /** The entries so far, after any append under way (readAuditLog). */
  read(): ReturnType<typeof readAuditLog>;
}

const GENESIS = '0'.repeat(64);

const emptyIfMissing = (error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? '' : Promise.reject(error));

async function appendDurably(file: string, text: string) {
  const handle = await open(file, 'a', 0o600);
  try {
    await handle.appendFile(text);
    await handle.datasync();
  } finally {
    await handle.close();
  }
}

/**
 * The kiosk's append-only audit log (issue 8), one JSON line per entry, chained by hash. A line
 * a power cut left half-written was never acknowledged, so it is cut off before the next append.
 */
export function createAuditLog(file: string, now = () => new Date()): AuditLog {
  let head: Promise<{ seq: number; prev: string }> | undefined;
  const serially = oneAtATime();

  const readHead = async () => {
    const text = await readFile(file, 'utf8').catch(emptyIfMissing);
    const complete = text.slice(0, text.lastIndexOf('\n') + 1);
    if (complete.length < text.length) await truncate(file, Buffer.byteLength(complete));
    const last = complete.trimEnd().split('\n').at(-1);
    return last ? { seq: AuditEntry.parse(JSON.parse(last)).seq, prev: sha256Hex(last) } : { seq: 0, prev: GENESIS };
  };

  return {
    append(entry) {
      return serially(async () => {
        try {
          const { seq, prev } = await (head ??= readHead());
          const line = JSON.stringify(AuditEntry.parse({ seq: seq + 1, at: now().toISOString(), ...entry, prev }));
          await appendDurably(file, `${line}\n`);
          head = Promise.resolve({ seq: seq + 1, prev: sha256Hex(line) });
        } catch (error) {
          // A failed append (a full disk) fails its caller; the next one starts from the file again.
          head = undefined;
          throw error;
        }
      });
    },
    read: () => serially(() => readAuditLog(file)),
  };
}

const parseJson = (line: string): unknown => {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
};

/** Reads the log and checks its chain: the entries, and the first line that does not follow from the one before. */
/** Where a kiosk's audit log is, in its data folder. */
export const auditFile = (dataDir: string): string => path.join(dataDir, 'audit.jsonl');

export async function readAuditLog(file: string): Promise<{ entries: AuditEntry[]; brokenAt: number | null }> {
  const lines = (await readFile(file, 'utf8').catch(emptyIfMissing)).split('\n').filter(Boolean);
  const entries: AuditEntry[] = [];
  let prev = GENESIS;
  for (const [index, line] of lines.entries()) {
    const parsed = AuditEntry.safeParse(parseJson(line));
    if (!parsed.success || parsed.data.prev !== prev || parsed.data.seq !== index + 1) return { entries, brokenAt: index + 1 };
    entries.push(parsed.data);
    prev = sha256Hex(line);
  }
  return { entries, brokenAt: null };
}
