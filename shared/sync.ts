import { toKioskError, type ErrorCode } from './errors';

/**
 * The sync engine: moves queued dossiers to the portal exactly once. Exactly-once comes from the
 * protocol, not from luck: the dossier UUID is the idempotency key of every call (announce,
 * upload, submit), so any call may be repeated after any failure — a lost response, a crash, a
 * reset link — and the portal answers with the same outcome (docs/portal-protocol.md). The engine
 * only has to (1) never mark a step done before the portal confirmed it and (2) record each
 * confirmation durably before going on, which the Outbox port promises.
 */

export interface OutboxAttachment {
  id: string;
  sha256: string;
  size: number;
}

/** What the engine knows of one dossier's journey so far; persisted by the outbox. */
export interface SyncProgress {
  announced: boolean;
  uploaded: readonly string[];
  attempts: number;
  lastError: ErrorCode | null;
}

export interface OutboxItem {
  id: string;
  packageSha256: string;
  attachments: readonly OutboxAttachment[];
  progress: SyncProgress;
}

export interface PortalReceipt {
  maHoSo: string;
  receivedAt: string;
}

/**
 * Durable storage of the queue. Each method is one transaction that has committed when its promise
 * resolves; the engine calls the next portal step only after that.
 */
export interface Outbox<T extends OutboxItem = OutboxItem> {
  /** Dossiers still to send (queued or part-sent), oldest first; never those needing help or accepted. */
  pending(): Promise<T[]>;
  markAnnounced(id: string): Promise<void>;
  markUploaded(id: string, attachmentId: string): Promise<void>;
  markAccepted(id: string, receipt: PortalReceipt): Promise<void>;
  /** A failure that will pass (link down, portal busy): counted, tried again later. */
  markRetry(id: string, code: ErrorCode): Promise<void>;
  /** A failure a person must look at (a conflicting resend, a refusal): the helper's problem list. */
  markNeedsHelp(id: string, code: ErrorCode): Promise<void>;
}

/** The portal as the engine sees it; the host's HTTP client implements it. Every call is idempotent. */
export interface SyncPortal<T extends OutboxItem = OutboxItem> {
  /** `submitted` when the portal already has the dossier: a previous run got that far. */
  announce(item: T): Promise<{ state: 'announced' | 'submitted' }>;
  upload(item: T, attachment: OutboxAttachment): Promise<void>;
  submit(item: T): Promise<PortalReceipt>;
}

/**
 * The failures that are about this dossier: a person must look at it (the portal refused a resend
 * with other content, does not know the dossier or finds it incomplete; a scanned page is missing
 * on the kiosk). Every other failure — the link,
 * the portal being down, the kiosk's clock or key — says nothing against the dossier: the run stops
 * and tries again later, so an unknown failure can delay a dossier but never drop it.
 */
const dossierProblems: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'portal.hashConflict',
  'portal.notAnnounced',
  'portal.attachmentsMissing',
  'portal.uploadHashMismatch',
  'portal.attachmentUnknown',
  'portal.badRequest',
  'queue.attachmentMissing',
]);
export const isTransient = (code: ErrorCode): boolean => !dossierProblems.has(code);

export interface SyncRun {
  accepted: number;
  needsHelp: number;
  /** Set when the run stopped on a transient failure: the code, and when to try again. */
  retry: { code: ErrorCode; inMs: number } | null;
}

export interface SyncEngineOptions<T extends OutboxItem> {
  outbox: Outbox<T>;
  portal: SyncPortal<T>;
  /** In [0, 1); injected so tests replay. */
  random?: () => number;
  backoff?: { baseMs: number; capMs: number };
}

/**
 * "Full jitter" exponential backoff (AWS Architecture Blog, "Exponential Backoff And Jitter"):
 * kiosks of a province that lost the link together do not all come back in the same second.
 */
export function backoffMs(failures: number, random: () => number, { baseMs, capMs }: { baseMs: number; capMs: number }): number {
  return Math.floor(random() * Math.min(capMs, baseMs * 2 ** Math.min(failures, 30)));
}

export interface SyncEngine {
  /**
   * Sends what is pending, oldest first. Calls while a run is going join that run (single flight),
   * which then looks once more for what was queued meanwhile.
   */
  run(): Promise<SyncRun>;
  /** Resolves once no run is going: at once when none is. */
  settled(): Promise<void>;
}

export function createSyncEngine<T extends OutboxItem>({ outbox, portal, random = Math.random, backoff = { baseMs: 2_000, capMs: 5 * 60_000 } }: SyncEngineOptions<T>): SyncEngine {
  let current: Promise<SyncRun> | null = null;
  let consecutiveFailures = 0;

  async function send(item: T): Promise<void> {
    if (!item.progress.announced) {
      const announced = await portal.announce(item);
      // Submitted by a run whose answer was lost: submitting again returns the original receipt.
      if (announced.state === 'submitted') return outbox.markAccepted(item.id, await portal.submit(item));
      await outbox.markAnnounced(item.id);
    }
    for (const attachment of item.attachments) {
      if (item.progress.uploaded.includes(attachment.id)) continue;
      await portal.upload(item, attachment);
      await outbox.markUploaded(item.id, attachment.id);
    }
    await outbox.markAccepted(item.id, await portal.submit(item));
  }

  async function runOnce(): Promise<SyncRun> {
    const result: SyncRun = { accepted: 0, needsHelp: 0, retry: null };
    // In order: when the link fails on one dossier it would fail on the next, and a later dossier
    // must not overtake an earlier one at the portal.
    for (const item of await outbox.pending()) {
      try {
        await send(item);
        result.accepted += 1;
      } catch (error) {
        const { code } = toKioskError(error);
        if (isTransient(code)) {
          await outbox.markRetry(item.id, code);
          consecutiveFailures += 1;
          return { ...result, retry: { code, inMs: backoffMs(consecutiveFailures, random, backoff) } };
        }
        await outbox.markNeedsHelp(item.id, code);
        result.needsHelp += 1;
      }
    }
    consecutiveFailures = 0;
    return result;
  }

  /** Set when run() is called during a run: a dossier saved meanwhile was not in its pending(). */
  let again = false;
  async function runUntilNothingNew(): Promise<SyncRun> {
    const total: SyncRun = { accepted: 0, needsHelp: 0, retry: null };
    do {
      again = false;
      const run = await runOnce();
      total.accepted += run.accepted;
      total.needsHelp += run.needsHelp;
      total.retry = run.retry;
    } while (again && !total.retry);
    return total;
  }

  return {
    run() {
      if (current) again = true;
      current ??= runUntilNothingNew().finally(() => (current = null));
      return current;
    },
    settled: async () => {
      while (current) await current.catch(() => undefined);
    },
  };
}
