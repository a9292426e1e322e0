import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { KioskError, type ErrorCode } from '../../shared/errors';
import { backoffMs, createSyncEngine, isTransient, type Outbox, type OutboxItem, type PortalReceipt, type SyncPortal } from '../../shared/sync';

/**
 * The engine against a model of the portal's idempotency rules (docs/portal-protocol.md) and a
 * fault script: requests that never arrive, responses that get lost, and crashes of the kiosk at
 * any call — after which only what the outbox had committed survives.
 */

type Fault = 'ok' | 'dropRequest' | 'loseResponse' | 'crashBefore' | 'crashAfter';
const Crash = new Error('the kiosk lost power');

interface Dossier {
  id: string;
  packageSha256: string;
  attachments: Array<{ id: string; sha256: string; size: number }>;
}

/** The portal's rules: one record per UUID forever, one code per dossier, same answer on replay. */
function portalModel() {
  const records = new Map<string, { hash: string; uploaded: Set<string>; receipt: PortalReceipt | null }>();
  const issued: string[] = [];
  const violations: string[] = [];
  const record = (item: OutboxItem) => {
    const found = records.get(item.id);
    if (!found) violations.push(`${item.id}: used before it was announced`);
    return found;
  };
  return {
    records,
    issued,
    violations,
    announce(item: OutboxItem) {
      const found = records.get(item.id);
      if (found && found.hash !== item.packageSha256) violations.push(`${item.id}: announced with another hash`);
      if (!found) records.set(item.id, { hash: item.packageSha256, uploaded: new Set(), receipt: null });
      return { state: records.get(item.id)!.receipt ? 'submitted' : 'announced' } as const;
    },
    upload(item: OutboxItem, attachmentId: string) {
      record(item)?.uploaded.add(attachmentId);
    },
    submit(item: OutboxItem): PortalReceipt {
      const found = record(item)!;
      const missing = item.attachments.filter((a) => !found.uploaded.has(a.id));
      if (missing.length) violations.push(`${item.id}: submitted without ${missing.map((a) => a.id).join(', ')}`);
      if (!found.receipt) {
        found.receipt = { maHoSo: `22651-20261123-${String(issued.length + 1).padStart(7, '0')}`, receivedAt: '2026-11-23T10:00:00Z' };
        issued.push(item.id);
      }
      return found.receipt;
    },
  };
}

/** The outbox's committed state, as it would be on disk; `alive` false = the process died. */
function memoryOutbox(dossiers: Dossier[], faults: () => Fault) {
  const state = new Map(
    dossiers.map((d) => [d.id, { announced: false, uploaded: [] as string[], attempts: 0, lastError: null as KioskError['code'] | null, receipt: null as PortalReceipt | null, needsHelp: false }]),
  );
  let alive = true;
  const write = async (apply: () => void) => {
    if (!alive) throw Crash;
    const fault = faults();
    if (fault === 'crashBefore') {
      alive = false;
      throw Crash;
    }
    apply();
    if (fault === 'crashAfter') {
      alive = false;
      throw Crash;
    }
  };
  const outbox: Outbox = {
    async pending() {
      if (!alive) throw Crash;
      return dossiers
        .filter((d) => !state.get(d.id)!.receipt && !state.get(d.id)!.needsHelp)
        .map((d) => {
          const s = state.get(d.id)!;
          return { ...d, progress: { announced: s.announced, uploaded: [...s.uploaded], attempts: s.attempts, lastError: s.lastError } };
        });
    },
    markAnnounced: (id) => write(() => (state.get(id)!.announced = true)),
    markUploaded: (id, attachmentId) => write(() => void state.get(id)!.uploaded.push(attachmentId)),
    markAccepted: (id, receipt) => write(() => (state.get(id)!.receipt = receipt)),
    markRetry: (id, code) =>
      write(() => {
        state.get(id)!.attempts += 1;
        state.get(id)!.lastError = code;
      }),
    markNeedsHelp: (id, code) =>
      write(() => {
        state.get(id)!.needsHelp = true;
        state.get(id)!.lastError = code;
      }),
  };
  return {
    outbox,
    state,
    isAlive: () => alive,
    kill: () => void (alive = false),
    restart: () => void (alive = true),
  };
}

/** The model portal behind a link that fails as the script says. */
function faultyPortal(model: ReturnType<typeof portalModel>, faults: () => Fault, kill: () => void): SyncPortal {
  const call = async <T>(operation: () => T): Promise<T> => {
    const fault = faults();
    if (fault === 'dropRequest') throw new KioskError('portal.unreachable');
    if (fault === 'crashBefore') {
      kill();
      throw Crash;
    }
    const result = operation();
    if (fault === 'loseResponse') throw new KioskError('portal.timeout');
    if (fault === 'crashAfter') {
      kill();
      throw Crash;
    }
    return result;
  };
  return {
    announce: (item) => call(() => model.announce(item)),
    upload: (item, attachment) => call(() => model.upload(item, attachment.id)),
    submit: (item) => call(() => model.submit(item)),
  };
}

const dossiersArb = fc
  .array(fc.nat({ max: 3 }), { minLength: 1, maxLength: 5 })
  .map((attachmentCounts) =>
    attachmentCounts.map((count, i) => ({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      packageSha256: `hash-${i}`,
      attachments: Array.from({ length: count }, (_, a) => ({ id: `page-${a}`, sha256: `h${i}-${a}`, size: 1000 })),
    })),
  );
const faultArb = fc.constantFrom<Fault>('ok', 'ok', 'dropRequest', 'loseResponse', 'crashBefore', 'crashAfter');

describe('exactly-once delivery', () => {
  test('whatever fails and whenever the kiosk dies, every dossier reaches the portal once, in order, with the code recorded', async () => {
    await fc.assert(
      fc.asyncProperty(dossiersArb, fc.array(faultArb, { maxLength: 60 }), fc.integer(), async (dossiers, script, seed) => {
        const queue = [...script];
        const next = (): Fault => queue.shift() ?? 'ok';
        const model = portalModel();
        const disk = memoryOutbox(dossiers, next);
        const portal = faultyPortal(model, next, disk.kill);
        const random = () => (Math.abs(seed) % 1000) / 1000;

        // Each generation is a fresh process: a new engine over what the outbox had committed.
        for (let generation = 0; generation < 500; generation += 1) {
          const run = await createSyncEngine({ outbox: disk.outbox, portal, random })
            .run()
            .catch((error: unknown) => {
              if (error !== Crash) throw error;
              return null;
            });
          if (!disk.isAlive()) {
            disk.restart();
            continue;
          }
          if (run?.retry === null && (await disk.outbox.pending()).length === 0) break;
        }

        expect(model.violations).toEqual([]);
        // Each dossier was given exactly one code, and in the order the citizens submitted them.
        expect(model.issued).toEqual(dossiers.map((d) => d.id));
        for (const d of dossiers) {
          expect(disk.state.get(d.id)!.receipt).toEqual(model.records.get(d.id)!.receipt);
          expect(disk.state.get(d.id)!.needsHelp).toBe(false);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the engine', () => {
  const dossier = { id: '00000000-0000-4000-8000-000000000001', packageSha256: 'h', attachments: [] };

  test('runs once at a time: a second call joins the running one', async () => {
    const model = portalModel();
    const disk = memoryOutbox([dossier], () => 'ok');
    let calls = 0;
    const portal = faultyPortal(model, () => 'ok', disk.kill);
    const counting: SyncPortal = { ...portal, announce: (item) => (calls++, portal.announce(item)) };
    const engine = createSyncEngine({ outbox: disk.outbox, portal: counting });
    const [first, second] = [engine.run(), engine.run()];
    expect(first).toBe(second);
    expect(await first).toEqual({ accepted: 1, needsHelp: 0, retry: null });
    expect(calls).toBe(1);
  });

  test('settled waits for the run under way, however it ends, and is at once when none is', async () => {
    const model = portalModel();
    const disk = memoryOutbox([dossier], () => 'ok');
    const portal = faultyPortal(model, () => 'ok', disk.kill);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const engine = createSyncEngine({ outbox: disk.outbox, portal: { ...portal, announce: async (item) => (await held, portal.announce(item)) } });
    await engine.settled();
    const run = engine.run();
    let settled = false;
    const waiting = engine.settled().then(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(await run).toEqual({ accepted: 1, needsHelp: 0, retry: null });
    expect(model.issued).toEqual([dossier.id]);
  });

  test('a dossier saved while a run is going is sent by that run, not left for the next one', async () => {
    const later = { ...dossier, id: '00000000-0000-4000-8000-000000000003' };
    const model = portalModel();
    const disk = memoryOutbox([dossier, later], () => 'ok');
    let saved = false;
    const outbox: Outbox = { ...disk.outbox, pending: async () => (await disk.outbox.pending()).filter((item) => saved || item.id !== later.id) };
    const portal = faultyPortal(model, () => 'ok', disk.kill);
    // The citizen's save lands while the first dossier is on its way, and asks for a run.
    const announce: SyncPortal['announce'] = (item) => {
      if (!saved) {
        saved = true;
        void engine.run();
      }
      return portal.announce(item);
    };
    const engine = createSyncEngine({ outbox, portal: { ...portal, announce } });
    expect(await engine.run()).toEqual({ accepted: 2, needsHelp: 0, retry: null });
    expect(model.issued).toEqual([dossier.id, later.id]);
  });

  test('a refusal that is about the dossier goes to the helper and does not block the others', async () => {
    const other = { ...dossier, id: '00000000-0000-4000-8000-000000000002' };
    const model = portalModel();
    const disk = memoryOutbox([dossier, other], () => 'ok');
    const portal = faultyPortal(model, () => 'ok', disk.kill);
    const refusing: SyncPortal = {
      ...portal,
      announce: (item) => (item.id === dossier.id ? Promise.reject(new KioskError('portal.hashConflict')) : portal.announce(item)),
    };
    expect(await createSyncEngine({ outbox: disk.outbox, portal: refusing }).run()).toEqual({ accepted: 1, needsHelp: 1, retry: null });
    expect(disk.state.get(dossier.id)).toMatchObject({ needsHelp: true, lastError: 'portal.hashConflict' });
    expect(model.issued).toEqual([other.id]);
  });

  test('a link failure stops the run, counts the attempt and asks to come back later', async () => {
    const disk = memoryOutbox([dossier], () => 'ok');
    const portal = faultyPortal(portalModel(), () => 'dropRequest', disk.kill);
    const run = await createSyncEngine({ outbox: disk.outbox, portal, random: () => 0.5, backoff: { baseMs: 1000, capMs: 60_000 } }).run();
    expect(run).toEqual({ accepted: 0, needsHelp: 0, retry: { code: 'portal.unreachable', inMs: 1000 } });
    expect(disk.state.get(dossier.id)).toMatchObject({ attempts: 1, lastError: 'portal.unreachable' });
  });

  test('backoff grows exponentially with full jitter and stays under its cap', () => {
    const limits = { baseMs: 1000, capMs: 60_000 };
    expect([1, 2, 3, 10].map((n) => backoffMs(n, () => 0.999999, limits))).toEqual([1999, 3999, 7999, 59_999]);
    expect(backoffMs(1000, () => 0.999999, limits)).toBe(59_999);
    expect(backoffMs(3, () => 0, limits)).toBe(0);
  });

  test('only answers about the dossier itself stop it; unknown, link, clock and key failures are retried', () => {
    const aboutTheDossier: ErrorCode[] = ['portal.hashConflict', 'portal.attachmentsMissing', 'portal.badRequest'];
    const aboutTheWay: ErrorCode[] = ['portal.unreachable', 'portal.unavailable', 'portal.signatureStale', 'portal.signatureInvalid', 'portal.notEnrolled', 'host.internal'];
    expect(aboutTheDossier.filter(isTransient)).toEqual([]);
    expect(aboutTheWay.filter((code) => !isTransient(code))).toEqual([]);
  });
});
