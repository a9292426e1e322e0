import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect, test } from 'vitest';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { checkHistory, killPoint, packageHasher, PageHistory, settledState, submittedRow } from '../support/crashHistory';
import { bundleWebHostProcess, closeCrashRig, freePort, type HostProcess, type KioskChromium, launchKioskChromium, sleep, startHostProcess } from '../support/crashProcesses';
import { leaveHelperQueue } from '../support/helper';
import { fillCertifiedCopyToReview, pressSubmit } from '../support/journey';
import { buildQueueHarness, projectTempBase, rendererDir, root, tempDir } from '../support/kiosk';
import { rawQueueRows } from '../support/queue';

/**
 * Target R1, the deterministic half (the randomized half is crashSafety.test.ts): a crash at every
 * instrumented point of the save/sync pipeline, in the manner of SQLite's crash tests: run a
 * journey crashing at point 1, heal, let it settle, check; then point 2, … until a journey
 * completes with no crash point left, so each loop finds its number of points itself.
 *
 * Every await of the pipeline with an effect outside the renderer crosses the host contract, and
 * the IndexedDB commits sit between those calls. So a crash point is (k, phase, victim): the k-th
 * call of a PIPELINE method about the journey's dossier that the web host receives (its child
 * process counts and crashes them, test/support/webHostProcess.ts), `before` the host does
 * anything or `after` it did it and before it answers, and the victim SIGKILLed there: the host,
 * the page's renderer, or the whole Chromium. What each point is in renderer/queue (dossiers.ts
 * saveDossier, copies.ts, outbox.ts, syncLoop.ts) and shared/sync.ts:
 * - queue.keepCopy before: the save's strict transaction has committed (the dossier and its pages
 *   are durable), readBack runs, "Đã lưu" is not shown yet; after: the host copy is on disk too.
 * - portal.announce before: "Đã lưu" shown, the sync run read the outbox, nothing sent yet;
 *   after: the portal holds the announced dossier, markAnnounced not yet written.
 * - portal.upload (one page): before: markAnnounced committed; after: the portal holds the page,
 *   markUploaded not yet written.
 * - portal.submit before: the last mark committed; after: the portal gave the dossier its maHoSo
 *   and the kiosk has not recorded it (the lost answer that exactly-once hinges on).
 * - queue.dropCopy before: markAccepted committed and the page started again (reconcileCopies
 *   drops an accepted dossier's copy), the copy still on disk; after: the copy gone.
 * A renderer or browser killed `before` never made the call; killed `after`, it lost the answer.
 *
 * The commits themselves: the commit loops hold the j-th transaction that writes the journey's
 * dossier open (a test init script keeps issuing reads in it, so it cannot commit) and kill the
 * renderer or Chromium inside it: the save (saveDossier's add of the row and its pages),
 * markAnnounced, markUploaded, markAccepted (outbox.ts). The host has no part in a commit, so it
 * is no victim there.
 *
 * Two journeys: a citizen saves one dossier through the real screens (test/support/journey.ts),
 * which have no scanned pages yet (issue 6); the queue harness (test/harness) saves one with a
 * page, for portal.upload. One web host serves both (the harness under /harness/), so they share
 * the origin, the IndexedDB and the portal, and the checker (crashHistory.ts) runs over the whole
 * history so far after every point. Each point starts a fresh host (its calls are counted from
 * its start, configured by its environment) and that start is the heal of the point before: the
 * killed renderer or Chromium comes back on the same profile, the page's queue start sends what
 * the crash left, and once everything is accepted the checker runs.
 *
 * The test fails on any loss or duplicate, if any PIPELINE method was never a crash point in every
 * phase × victim (a renamed method cannot empty the loop), and if the points of a journey differ
 * between victims (the loop must be deterministic).
 */
const PIPELINE = ['queue.keepCopy', 'portal.announce', 'portal.upload', 'portal.submit', 'queue.dropCopy'] as const;
const PHASES = ['before', 'after'] as const;
const VICTIMS = ['host', 'renderer', 'browser'] as const;
const JOURNEYS = ['citizen', 'pages'] as const;
/** CRASH_POINTS_JOURNEY=citizen|pages runs one journey's loops only (to replay; the full checks need both). */
const only = process.env.CRASH_POINTS_JOURNEY;
type Phase = (typeof PHASES)[number];
type Victim = (typeof VICTIMS)[number];
type Journey = (typeof JOURNEYS)[number];

/** A page of the harness journey: a JPEG start and noise, small so the loop stays quick. */
const SCANNED_PAGE = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(20_000, 0x5a)]).toString('base64');

const HOLD_TAG = '[crash-hold] ';
/**
 * Test init script, for the commit-window points: when the page's URL has `?crashHoldTx=<j>`, it
 * counts the transactions that write the dossier this page saves (its `add` is the draft's start or
 * the save, then the draft's edits and the outbox's marks `put` it, up to the one that writes it
 * accepted), and keeps the j-th open once its write succeeded, by issuing one read after another
 * in it: IndexedDB commits a transaction only when no request is pending. Reports each counted transaction, and the hold, as console lines.
 */
function holdDossierTransaction(tag: string): void {
  const target = Number(new URLSearchParams(location.search).get('crashHoldTx') ?? 0);
  if (!target) return;
  type Row = { id?: string; status?: string; sync?: { announced?: boolean; uploaded?: unknown[] } };
  const counted = new WeakSet<IDBTransaction>();
  let dossier: string | undefined;
  let last: Row = {};
  let count = 0;
  let done = false;
  // Which step of the draft (drafts.ts), saveDossier or the outbox (outbox.ts) wrote the row, from what changed.
  const step = (kind: 'add' | 'put', row: Row) => {
    if (row.status === 'draft') return kind === 'add' ? 'startDraft' : 'editDraft';
    if (row.status === 'ready') return 'markReady';
    if (last.status === 'ready') return 'submitDraft';
    if (kind === 'add') return 'save';
    if (row.status === 'accepted') return 'markAccepted';
    if ((row.sync?.uploaded?.length ?? 0) > (last.sync?.uploaded?.length ?? 0)) return 'markUploaded';
    return row.sync?.announced && !last.sync?.announced ? 'markAnnounced' : 'markRetry';
  };
  for (const kind of ['add', 'put'] as const) {
    const original = IDBObjectStore.prototype[kind];
    IDBObjectStore.prototype[kind] = function (this: IDBObjectStore, ...args: Parameters<typeof original>) {
      const request = original.apply(this, args);
      const row = (args[0] ?? {}) as Row;
      if (kind === 'add' && this.name === 'dossiers') dossier ??= row.id;
      if (this.name !== 'dossiers' || row.id !== dossier || done || counted.has(this.transaction)) return request;
      counted.add(this.transaction);
      const j = (count += 1);
      const label = step(kind, row);
      last = JSON.parse(JSON.stringify(row)) as Row;
      if (row.status === 'accepted') done = true;
      console.debug(tag + JSON.stringify({ tx: j, label }));
      if (j === target) {
        request.addEventListener('success', () => {
          const keepOpen = () => {
            this.count().onsuccess = keepOpen;
          };
          keepOpen();
          console.debug(tag + JSON.stringify({ holding: j, label }));
        });
      }
      return request;
    };
  }
}

interface Outcome {
  journey: Journey;
  point: string;
  reached: boolean;
  /** The contract method (or the transaction) the crash point fell on. */
  at?: string;
  /** Where the page's own history places the kill (crashHistory.ts killPoint). */
  pageSaw?: string;
  confirmed?: boolean;
  problems: string[];
  ms: number;
}

/** Polls `condition` every 25 ms until true; throws `what` after `timeoutMs`. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what()}`);
    await sleep(25);
  }
}

const dirs = [tempDir('points-data'), tempDir('points-chromium'), tempDir('points-bundle', projectTempBase), tempDir('points-site')];
let host: HostProcess | undefined;
let browser: KioskChromium | undefined;
let portal: Awaited<ReturnType<typeof startReferencePortal>> | undefined;
afterAll(() => closeCrashRig({ browser, host, portal, dirs }));

test(
  'a crash at every instrumented point of save and sync (each pipeline call before/after, each commit) loses no dossier and sends none twice',
  async () => {
    const started = Date.now();
    const [data, profile, bundle, site] = dirs.map((dir) => dir.dir) as [string, string, string, string];
    portal = await startReferencePortal({ dbFile: path.join(data, 'portal.sqlite'), port: 0, uploadDir: path.join(data, 'uploads') });
    // The kiosk's screens at /, the queue harness at /harness/: one origin, one IndexedDB.
    cpSync(rendererDir, site, { recursive: true });
    cpSync(await buildQueueHarness(), path.join(site, 'harness'), { recursive: true });
    const hostOptions = { entry: await bundleWebHostProcess(bundle), port: await freePort(), dataDir: path.join(data, 'kiosk'), rendererDir: site, portalUrl: portal.url };
    mkdirSync(hostOptions.dataDir);
    const copiesDir = path.join(hostOptions.dataDir, 'outbox');
    const copiesLeft = () => readdirSync(copiesDir).filter((name) => name.endsWith('.json')).length;
    const startHost = (env: Record<string, string> = {}) => startHostProcess({ ...hostOptions, enrolmentCode: portal!.createEnrolmentCode().code, env });
    const hash = packageHasher(root);

    const history = new PageHistory();
    /** Transactions the hold script counted in the current page, and the one it holds. */
    let txs: string[] = [];
    let holding: string | undefined;
    const prepare = async (page: Page) => {
      page.setDefaultTimeout(15_000);
      await history.watch(page);
      await page.addInitScript(holdDossierTransaction, HOLD_TAG);
      page.on('console', (message) => {
        const text = message.text();
        if (!text.startsWith(HOLD_TAG)) return;
        const report = JSON.parse(text.slice(HOLD_TAG.length)) as { tx?: number; holding?: number; label: string };
        if (report.tx) txs.push(report.label);
        if (report.holding) holding = `commit of ${report.label}`;
      });
    };
    /**
     * Opens the citizen's screens or the harness, fresh, with the running host's token (a query
     * of its own makes it a new document, not a jump to another fragment). The harness saves at
     * once, so it waits for the queue's start (reconcileCopies, then a sync run and its status
     * pull) to be over: a save during reconcileCopies is copied twice, and a save's sync joining a
     * run that already read the outbox would wait for the next one.
     */
    let opens = 0;
    const open = async (journey: Journey, query: Record<string, string> = {}, stop: () => boolean = () => false) => {
      const page = browser!.page;
      const url = new URL(host!.url);
      url.pathname = journey === 'citizen' ? '/' : '/harness/index.html';
      url.search = new URLSearchParams({ ...query, open: String((opens += 1)) }).toString();
      const from = history.events.length;
      await page.goto(url.href);
      if (journey === 'citizen') return page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
      await page.waitForFunction(() => 'queueHarness' in window);
      const started = () => history.events.slice(from).some((event) => event.op === 'call' && event.method === 'portal.changes' && event.phase === 'end');
      await until(() => stop() || started(), 10_000, () => 'the harness queue never finished its start (no portal.changes after its first sync run)');
    };
    /** The save: resolves once it was confirmed ("Đã lưu" on screen, or the harness's save returned). */
    const save = async (journey: Journey) => {
      const page = browser!.page;
      if (journey === 'citizen') {
        await fillCertifiedCopyToReview(page);
        await pressSubmit(page);
        await page.getByRole('heading', { level: 1, name: 'Đã lưu hồ sơ' }).waitFor();
      } else {
        const { id } = await page.evaluate((pages) => window.queueHarness.save(pages), [SCANNED_PAGE]);
        history.confirmed.set(id.slice(0, 8).toUpperCase(), Date.now());
      }
    };
    const allAccepted = async () => (await rawQueueRows(browser!.page)).filter(submittedRow).every(({ row }) => row.status === 'accepted');

    /**
     * One journey to the end of the pipeline: the save, its sync until the kiosk recorded the
     * portal's receipt, and its copy dropped. An accepted dossier's copy is dropped by the next
     * start's reconcileCopies (copies.ts), so when it outlives the sync the page starts again.
     * `dossier()` names the journey's dossier once the host saw it. Returns false as soon as
     * `stop()` (a crash point was reached) without finishing.
     */
    const journeyToEnd = async (journey: Journey, dossier: () => string | undefined, stop: () => boolean): Promise<boolean> => {
      const wait = async (condition: () => boolean | Promise<boolean>, what: string) => {
        const deadline = Date.now() + 20_000;
        for (;;) {
          if (stop()) return false;
          if (await condition()) return true;
          if (Date.now() > deadline) throw new Error(`${journey} journey: ${what} timed out`);
          await sleep(25);
        }
      };
      const copyGone = () => dossier() !== undefined && !existsSync(path.join(copiesDir, `${dossier()}.json`));
      await save(journey);
      if (!(await wait(allAccepted, 'the sync'))) return false;
      // A copy dropped right after markAccepted, if the outbox does so, goes within milliseconds.
      const grace = Date.now() + 200;
      if (!(await wait(() => copyGone() || Date.now() > grace, 'the copy'))) return false;
      if (copyGone()) return true;
      await open(journey, {}, stop);
      return wait(copyGone, 'the copy dropped at the next start');
    };

    /** What the last crash killed and nothing has started again yet. */
    let dead: 'renderer' | 'browser' | null = null;
    /**
     * Heals and checks: starts a fresh host (its calls counted from now, armed with `env`), brings
     * back a killed renderer or Chromium (same port, profile and data dir, as crashSafety does),
     * and opens the citizen's screens, whose queue start sends what the last point left. Once
     * every dossier is accepted, runs the history checker over everything so far (the portal is
     * shared and accumulates). Returns its violations; leaves the page on the start screen.
     */
    const healAndCheck = async (env: Record<string, string>, query: Record<string, string>) => {
      await host!.kill();
      host = await startHost(env);
      if (dead === 'renderer') await browser!.newPage();
      if (dead === 'browser') browser = await launchKioskChromium(profile, prepare);
      dead = null;
      await open('citizen', query);
      // settledState polls every 500 ms: most heals settle well within that.
      await until(allAccepted, 30_000, () => 'the queue never settled').catch(() => undefined);
      const state = await settledState({ page: browser!.page, dataDir: hostOptions.dataDir, portal: portal!.store, history });
      const problems = checkHistory({ confirmed: [...history.confirmed.keys()], kiosk: state.kiosk, portal: state.portal, hash });
      if (state.acceptedOnScreen !== state.kiosk.length) problems.push(`the queue screen shows ${state.acceptedOnScreen} of ${state.kiosk.length} as received by the portal`);
      await leaveHelperQueue(browser!.page);
      await browser!.page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
      return problems;
    };

    const outcomes: Outcome[] = [];
    const log = (outcome: Outcome) => {
      const { journey, point, reached, at, pageSaw, confirmed, problems, ms } = outcome;
      console.log(
        `crash-points: ${journey.padEnd(7)} ${point.padEnd(18)} ${reached ? `${at!.padEnd(28)} page saw: ${pageSaw!.padEnd(40)} confirmed: ${confirmed ? 'yes' : 'no '}` : `not reached (journey: ${at})`}  ${(ms / 1000).toFixed(1)} s  ${problems.length ? `VIOLATIONS: ${problems.join('; ')}` : 'ok'}`,
      );
    };
    /** The outcome whose heal and check the next point's start does. */
    let unchecked: Outcome | undefined;
    /** The history accumulates: a violation is told once, at the point where it first shows. */
    const told = new Set<string>();
    const checked = (problems: string[]) => {
      if (!unchecked) return expect(problems, 'before the first point').toEqual([]);
      unchecked.problems.push(...problems.filter((problem) => !told.has(problem)));
      problems.forEach((problem) => told.add(problem));
      log(unchecked);
      unchecked = undefined;
    };

    /**
     * Runs one journey against one crash point: a host call (counted and crashed by the host
     * child) or a held commit (`commit`: counted and held by the page's init script). The point's
     * start heals and checks the previous one. When the point is reached, SIGKILLs the victim
     * (the next start heals it); when the journey ends first, checks that it made fewer calls (or
     * commits) than the point's number.
     */
    const runPoint = async (journey: Journey, point: { k: number; phase: Phase | 'commit'; victim: Victim }): Promise<Outcome> => {
      const pointStart = Date.now();
      const { k, phase, victim } = point;
      const label = phase === 'commit' ? `tx${k}:commit:${victim}` : `${k}:${phase}:${victim}`;
      // Commit points: the page holds the commit, the host only names the journey's dossier.
      const query: Record<string, string> = phase === 'commit' ? { crashHoldTx: String(k) } : {};
      checked(await healAndCheck({ CRASH_POINT_METHODS: PIPELINE.join(','), ...(phase === 'commit' ? {} : { CRASH_POINT: label }) }, query));
      const calls: string[] = [];
      let dossier: string | undefined;
      let reached: string | undefined;
      let reachedAt = 0;
      host!.onReport((report) => {
        const call = report.pipelineCall as { method: string; dossier: string } | undefined;
        if (call) calls.push(call.method);
        dossier ??= call?.dossier;
        const crash = report.crashPointReached as { method: string; at: number } | undefined;
        if (crash) [reached, reachedAt] = [crash.method, crash.at];
      });
      txs = [];
      holding = undefined;
      const isReached = () => (phase === 'commit' ? holding : reached);
      const steps = () => (phase === 'commit' ? txs : calls);
      if (journey === 'pages') await open('pages', query);
      const confirmedBefore = history.confirmed.size;

      let outcome: boolean | Error | undefined;
      const driving = journeyToEnd(journey, () => dossier, () => isReached() !== undefined).then(
        (completed) => (outcome = completed),
        (error: Error) => (outcome = error),
      );
      // Once the k-th step was taken its report is on its way, even when the journey ended first (a
      // dropped copy shows on disk before the host's line about it arrives).
      const settled = () => isReached() !== undefined || outcome instanceof Error || (outcome !== undefined && steps().length < k);
      await until(settled, 40_000, () => `${journey} ${label}: after ${steps().join(', ')}`);
      const result: Outcome = { journey, point: label, reached: isReached() !== undefined, problems: [], ms: 0 };
      unchecked = result;
      if (!result.reached) {
        if (outcome instanceof Error) throw new Error(`${journey} ${label} (steps ${steps().join(', ')}): ${outcome.message}\nhost log:\n${host!.stderr().slice(-10).join('\n')}`);
        expect(steps().length, `${journey} ${label}: ${steps().join(', ')}`).toBeLessThan(k);
        return Object.assign(result, { at: steps().join(' → '), ms: Date.now() - pointStart });
      }
      result.at = isReached();

      let killedAt: number;
      if (victim === 'host') {
        // It killed itself right after its report.
        killedAt = reachedAt;
        await host!.exited;
      } else if (victim === 'renderer') killedAt = (await browser!.killRenderer()).at;
      else killedAt = (await browser!.killAll()).at;
      if (victim !== 'host') dead = victim;
      // What the page still does without the victim (with the host gone, a save whose copy failed
      // still ends in "Đã lưu"), and the lines it wrote before the kill, reach us.
      await Promise.race([driving, sleep(5_000)]);
      await sleep(30);
      result.pageSaw = killPoint(history.events, killedAt);
      result.confirmed = history.confirmed.size > confirmedBefore;
      result.ms = Date.now() - pointStart;
      return result;
    };

    host = await startHost();
    browser = await launchKioskChromium(profile, prepare);
    // A first dossier through, untouched: the kiosk enrols and every later point starts from a
    // working kiosk.
    await open('citizen');
    await save('citizen');

    for (const journey of JOURNEYS.filter((candidate) => !only || candidate === only)) {
      for (const phase of PHASES) {
        for (const victim of VICTIMS) {
          for (let k = 1; ; k += 1) {
            const outcome = await runPoint(journey, { k, phase, victim });
            outcomes.push(outcome);
            if (!outcome.reached) break;
          }
        }
      }
      for (const victim of ['renderer', 'browser'] as const) {
        for (let j = 1; ; j += 1) {
          const outcome = await runPoint(journey, { k: j, phase: 'commit', victim });
          outcomes.push(outcome);
          if (!outcome.reached) break;
        }
      }
    }
    checked(await healAndCheck({}, {}));
    // What the journeys leave behind: no sealed copy once its dossier is accepted and the page
    // started again.
    await open('citizen');
    await until(() => copiesLeft() === 0, 5_000, () => '').catch(() => outcomes.at(-1)!.problems.push(`${copiesLeft()} sealed copies left at the end`));
    const wallMs = Date.now() - started;

    // Points per journey and phase × victim, and the method of each, for the summary and the checks.
    const reachedBy = new Map<string, string[]>();
    for (const { journey, point, reached, at } of outcomes) {
      if (!reached) continue;
      const [, phase, victim] = point.split(':');
      const key = `${journey} ${phase}:${victim}`;
      reachedBy.set(key, [...(reachedBy.get(key) ?? []), at!]);
    }
    const problems = outcomes.flatMap(({ journey, point, problems }) => problems.map((problem) => `${journey} ${point}: ${problem}`));
    console.log(
      [
        `crash-points: ${outcomes.filter((o) => o.reached).length} crash points (${outcomes.length} journeys) in ${(wallMs / 1000).toFixed(1)} s, ${history.confirmed.size} dossiers confirmed, ${portal.store.dossiers(Number.MAX_SAFE_INTEGER).length} at the portal`,
        ...[...reachedBy].map(([key, ats]) => `  ${key.padEnd(24)} N=${ats.length}: ${ats.join(' → ')}`),
        ...(problems.length ? ['  VIOLATIONS:', ...problems.map((p) => `    ${p}`)] : ['  checker: no loss, no duplicate']),
      ].join('\n'),
    );

    expect(problems).toEqual([]);
    if (only) return;
    // Every pipeline method was a crash point in every phase × victim, in one journey or the other.
    for (const phase of PHASES) {
      for (const victim of VICTIMS) {
        const methods = new Set(JOURNEYS.flatMap((journey) => reachedBy.get(`${journey} ${phase}:${victim}`) ?? []));
        expect([...methods].sort(), `${phase}:${victim}`).toEqual([...PIPELINE].sort());
      }
    }
    // The same journey crosses the same points whatever the victim: the loop is deterministic.
    for (const journey of JOURNEYS) {
      const sequences = new Set([...reachedBy].filter(([key]) => key.startsWith(`${journey} `) && !key.includes('commit')).map(([, ats]) => ats.join(',')));
      expect(sequences.size, `${journey}: ${[...sequences].join(' | ')}`).toBe(1);
      expect(reachedBy.get(`${journey} commit:renderer`)?.length, `${journey} commit points`).toBeGreaterThan(0);
      expect(reachedBy.get(`${journey} commit:browser`)).toEqual(reachedBy.get(`${journey} commit:renderer`));
    }
  },
  20 * 60_000,
);
