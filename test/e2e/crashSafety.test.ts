import { randomInt } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, expect, test } from 'vitest';
import { startReferencePortal } from '../../scripts/reference-portal/server';
import { fillCertifiedCopyToReview, pressSubmit } from '../support/journey';
import { checkHistory, killPoint, packageHasher, PageHistory, settledState } from '../support/crashHistory';
import { bundleWebHostProcess, closeCrashRig, freePort, type HostProcess, type KioskChromium, launchKioskChromium, sleep, startHostProcess } from '../support/crashProcesses';
import { mulberry32 } from '../../shared/random';
import { projectTempBase, rendererDir, root, tempDir } from '../support/kiosk';
import { queueRowCount } from '../support/queue';

/**
 * Target R1 (quality-targets.md §3.4), Jepsen-style: a seeded nemesis SIGKILLs the web host (a
 * child process) or Chromium (the whole browser, or only the kiosk page's renderer) at random
 * moments while dossiers are being saved and synced; each is started again on the same port and
 * profile, so the page keeps its origin and its IndexedDB. Every reference the UI showed on
 * "Đã lưu" goes into the history. After the chaos everything heals, the kiosk syncs, and the
 * checker demands: every confirmed dossier at the portal exactly once, with one maHoSo that the
 * kiosk holds too, the same package hash, no uuid twice, nothing the kiosk does not hold.
 *
 * CRASH_SEED=<n> replays a schedule (the seed is printed); CRASH_KILLS sets the number of kills.
 * The schedule replays exactly; where a kill lands also depends on timing, and is logged.
 */
const seed = Number(process.env.CRASH_SEED ?? randomInt(2 ** 31));
// R1 asks for ≥ 200 kills in CI. Measured on this 2-core machine: ~1.5 s per kill (a UI journey
// of ~0.9 s per dossier, then 0.2–1 s to start the killed process and reopen the page), so 200
// take about 5 minutes. The nightly run sets 5000.
const kills = Number(process.env.CRASH_KILLS ?? 200);
const random = mulberry32(seed);

type Target = 'host' | 'browser' | 'renderer';
/** Host kills are cheap to heal (~0.2 s), a whole browser costs ~1 s to launch again. */
const pickTarget = (): Target => {
  const r = random();
  return r < 0.5 ? 'host' : r < 0.75 ? 'renderer' : 'browser';
};

const dirs = [tempDir('crash-data'), tempDir('crash-chromium'), tempDir('crash-bundle', projectTempBase)];
let host: HostProcess | undefined;
let browser: KioskChromium | undefined;
let portal: Awaited<ReturnType<typeof startReferencePortal>> | undefined;
afterAll(() => closeCrashRig({ browser, host, portal, dirs }));


test(
  `${kills} seeded SIGKILLs of web host and Chromium during save and sync lose no confirmed dossier and send none twice`,
  async () => {
    console.log(`crash-safety: seed ${seed} (replay with CRASH_SEED=${seed}), ${kills} kills`);
    const [data, profile, bundle] = dirs.map((dir) => dir.dir) as [string, string, string];
    portal = await startReferencePortal({ dbFile: path.join(data, 'portal.sqlite'), port: 0, uploadDir: path.join(data, 'uploads') });
    const hostOptions = {
      entry: await bundleWebHostProcess(bundle),
      port: await freePort(),
      dataDir: path.join(data, 'kiosk'),
      rendererDir,
      portalUrl: portal.url,
    };
    mkdirSync(hostOptions.dataDir);
    // A fresh one-time code per start: a kill between the portal's enrolment and the identity
    // file's write must not leave the kiosk unable to enrol.
    const startHost = () => startHostProcess({ ...hostOptions, enrolmentCode: portal!.createEnrolmentCode().code });

    const history = new PageHistory();
    const { events, confirmed } = history;
    const prepare = async (page: Page) => {
      page.setDefaultTimeout(15_000);
      await history.watch(page);
    };
    const open = async () => {
      const page = browser!.page;
      // about:blank first: going from the kiosk's page to the same URL with a new token in the
      // fragment would only change the hash, not reload the page.
      await page.goto('about:blank');
      await page.goto(host!.url).catch((error: unknown) => {
        // Say whether the host was up, and what it last logged, so a failure here can be read.
        const { exitCode, signalCode } = host!.state();
        throw new Error(`${String(error)}\nweb host pid ${host!.pid}: exit code ${String(exitCode)}, signal ${String(signalCode)}; its last log:\n${host!.stderr().join('\n')}`);
      });
    };

    host = await startHost();
    browser = await launchKioskChromium(profile, prepare);
    await open();

    const log: Array<{ kill: number; target: Target; mode: 'save' | 'sync'; delayMs: number; point: string; pids: number[]; fillMs: number; healMs: number; rows: number | null }> = [];
    const started = Date.now();
    for (let kill = 1; kill <= kills; kill += 1) {
      const target = pickTarget();
      // Most kills aim at a new dossier's save and the sync right behind it; the rest at the sync
      // of the backlog that a page starts with.
      const mode = random() < 0.7 ? 'save' : 'sync';
      // A save and the sync behind it take ~60–110 ms after the click here (seal, save, keepCopy,
      // announce, markAnnounced, submit, markAccepted), a page start with a backlog ~300–600 ms.
      const delayMs = Math.floor(random() * (mode === 'save' ? 110 : 600));
      const page = browser.page;
      const cycleStart = Date.now();
      if (mode === 'save') {
        await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
        await fillCertifiedCopyToReview(page);
        await pressSubmit(page);
      } else {
        await page.goto('about:blank');
        void page.goto(host.url).catch(() => undefined);
      }
      const fillMs = Date.now() - cycleStart;
      await sleep(delayMs);
      let killed: { pids: number[]; at: number };
      if (target === 'host') {
        killed = { pids: [host.pid], at: Date.now() };
        await host.kill();
      } else if (target === 'renderer') {
        killed = await browser.killRenderer();
      } else {
        killed = await browser.killAll();
      }
      const { pids, at } = killed;
      // Lines the page wrote before the kill may still be on their way.
      await sleep(30);
      const point = killPoint(events, at);
      const healStart = Date.now();
      if (target === 'host') host = await startHost();
      else if (target === 'renderer') await browser.newPage();
      else browser = await launchKioskChromium(profile, prepare);
      await open();
      const healMs = Date.now() - healStart;
      // What IndexedDB holds after each kill: a drop of more than a discarded draft says which kill lost rows.
      const rows = await queueRowCount(browser.page).catch(() => null);
      log.push({ kill, target, mode, delayMs, point, pids, fillMs, healMs, rows });
    }
    const chaosMs = Date.now() - started;

    // Heal: host and page up, no more kills; the sync loop runs on the page's start.
    const { kiosk, portal: atPortal, acceptedOnScreen: acceptedRows } = await settledState({ page: browser.page, dataDir: hostOptions.dataDir, portal: portal.store, history });

    const problems = checkHistory({ confirmed: [...confirmed.keys()], kiosk, portal: atPortal, hash: packageHasher(root) });
    const points = new Map<string, number>();
    for (const entry of log) points.set(`${entry.target} ${entry.point}`, (points.get(`${entry.target} ${entry.point}`) ?? 0) + 1);
    // One file per run: a replay of the seed must not write over the history of the run that failed.
    const historyFile = path.join(tmpdir(), `dvc-crash-${seed}-${Date.now()}.json`);
    const drops = log.flatMap((entry, index) => {
      const before = log.slice(0, index).findLast((earlier) => earlier.rows !== null)?.rows;
      return before !== undefined && before !== null && entry.rows !== null && entry.rows < before - 1 ? [`    kill ${entry.kill} (${entry.target} ${entry.point}): IndexedDB rows ${before} → ${entry.rows}`] : [];
    });
    writeFileSync(historyFile, JSON.stringify({ seed, kills, chaosMs, log, confirmed: [...confirmed.keys()], events, kiosk, portal: atPortal, problems }, null, 1));
    console.log(
      [
        `crash-safety: seed ${seed}: ${kills} kills in ${(chaosMs / 1000).toFixed(1)} s (${(chaosMs / kills).toFixed(0)} ms per kill)`,
        `  confirmed "Đã lưu": ${confirmed.size}; in IndexedDB: ${kiosk.length}; at the portal: ${atPortal.length}; queue screen "Cổng đã nhận": ${acceptedRows}`,
        `  kills by target: ${(['host', 'renderer', 'browser'] as const).map((t) => `${t} ${log.filter((e) => e.target === t).length}`).join(', ')}`,
        '  where the kills landed:',
        ...[...points].sort((a, b) => b[1] - a[1]).map(([point, count]) => `    ${String(count).padStart(4)}  ${point}`),
        `  history: ${historyFile}`,
        ...(drops.length ? ['  IndexedDB lost rows at:', ...drops] : []),
        ...(problems.length ? [`  VIOLATIONS (replay with CRASH_SEED=${seed}):`, ...problems.map((p) => `    ${p}`)] : ['  checker: no loss, no duplicate']),
      ].join('\n'),
    );
    expect(problems, `seed ${seed}`).toEqual([]);
    expect(acceptedRows).toBe(kiosk.length);
    expect(confirmed.size).toBeGreaterThan(0);
  },
  30 * 60_000,
);
