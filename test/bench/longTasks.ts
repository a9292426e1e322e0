import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import { answerAfterScanToReview, answerCertifiedCopyToScan, leaveAfterSubmit, pressSubmit } from '../support/journey';
import { withKioskAndBrowser, type Bench } from './bench';

/** Sheets in the simulated feeder: each dossier's copy has this many pages. */
const PAGES = 5;
/** Dossiers scanned while the link is down, then sent in one sync. */
const DOSSIERS_PER_SYNC = 3;
const SLOW = { timeout: 120_000 };

/**
 * The citizen's way with a paper to scan, each screen reached by its role and label; the flow is
 * still changing (issue 7), so only these two functions know it. Up to the scan step:
 */
async function toScanStep(page: Page): Promise<void> {
  await answerCertifiedCopyToScan(page, String(PAGES));
  await page.getByRole('button', { name: 'Quét giấy tờ' }).waitFor();
}

/** From the scan step: scan the paper, answer the rest and submit, until "Đã lưu hồ sơ". */
async function scanAndSubmit(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Quét giấy tờ' }).click();
  await page.getByRole('img', { name: `Trang ${PAGES}` }).waitFor(SLOW);
  await answerAfterScanToReview(page);
  await pressSubmit(page);
  await page.getByRole('heading', { level: 1, name: 'Đã lưu hồ sơ' }).waitFor(SLOW);
}

interface ScriptTiming {
  invoker: string;
  sourceURL: string;
  sourceFunctionName: string;
  sourceCharPosition: number;
  duration: number;
}
interface LongFrame {
  startTime: number;
  duration: number;
  renderStart: number;
  scripts: ScriptTiming[];
}
type LongTaskWindow = Window & { longTasks: { startTime: number; duration: number }[]; longFrames: LongFrame[] };

/**
 * Long tasks (over 50 ms, https://w3c.github.io/longtasks/) for the verdict, and long animation
 * frames for what ran in them: LoAF attributes each script of 5 ms or more to its entry point
 * (`invoker`, such as a promise callback or an IndexedDB event) and its function, and says when
 * the frame's rendering started.
 */
function observeLongTasks(): void {
  const win = window as unknown as LongTaskWindow;
  win.longTasks = [];
  win.longFrames = [];
  new PerformanceObserver((list) => win.longTasks.push(...list.getEntries().map(({ startTime, duration }) => ({ startTime, duration })))).observe({ type: 'longtask' });
  new PerformanceObserver((list) => {
    for (const { startTime, duration, renderStart, scripts } of list.getEntries() as unknown as LongFrame[]) {
      const attributed = scripts.map(({ invoker, sourceURL, sourceFunctionName, sourceCharPosition, duration }) => ({ invoker, sourceURL, sourceFunctionName, sourceCharPosition, duration }));
      win.longFrames.push({ startTime, duration, renderStart, scripts: attributed });
    }
  }).observe({ type: 'long-animation-frame' });
}

/** What ran in a long frame: its scripts, longest first, then rendering and the rest. */
function describe(frame: LongFrame | undefined): string {
  if (!frame) return 'no long frame recorded';
  const scripts = [...frame.scripts].sort((a, b) => b.duration - a.duration);
  const scriptMs = scripts.reduce((sum, script) => sum + script.duration, 0);
  const renderMs = frame.renderStart ? frame.startTime + frame.duration - frame.renderStart : 0;
  const named = scripts
    .slice(0, 3)
    .map((script) => `${script.invoker} → ${script.sourceFunctionName || '(anonymous)'} (${script.sourceURL.split('/').pop()}:${script.sourceCharPosition}) ${script.duration.toFixed(0)} ms`);
  return [...named, `rendering ${renderMs.toFixed(0)} ms`, `other work ${(frame.duration - scriptMs - renderMs).toFixed(0)} ms`].join('; ');
}

/** The longest main-thread task (0: none over 50 ms), and what ran in the frame that held it. */
interface LongestTask {
  ms: number;
  culprits: string;
}

/** The longest main-thread task since the last look; then forgets what it saw. */
async function longestTask(page: Page): Promise<LongestTask> {
  const { tasks, frames } = await page.evaluate(() => {
    const win = window as unknown as LongTaskWindow;
    const seen = { tasks: win.longTasks, frames: win.longFrames };
    win.longTasks = [];
    win.longFrames = [];
    return seen;
  });
  const worst = tasks.sort((a, b) => b.duration - a.duration)[0];
  if (!worst) return { ms: 0, culprits: '' };
  const frame = frames.find((candidate) => candidate.startTime <= worst.startTime + worst.duration && worst.startTime <= candidate.startTime + candidate.duration);
  return { ms: worst.duration, culprits: describe(frame) };
}

interface Measured {
  scans: LongestTask[];
  syncs: LongestTask[];
}

let measured: Promise<Measured> | undefined;
/**
 * One kiosk for both benches, run once: each round scans and submits DOSSIERS_PER_SYNC dossiers
 * while the link is down (OCR and PDF on submit), then heals the link and syncs them, pages and all.
 */
function scanAndSyncRounds(rounds: number): Promise<Measured> {
  measured ??= withKioskAndBrowser(
    { link: true, config: { devices: { documentScanner: { driver: 'simulator', pageDelayMs: 300, adfPages: PAGES, seed: 0 } } } },
    async (kiosk, { page }) => {
      const link = kiosk.link!;
      const result: Measured = { scans: [], syncs: [] };
      await page.evaluate(observeLongTasks);
      for (let round = 0; round < rounds; round += 1) {
        link.setFaults({ down: true });
        for (let i = 0; i < DOSSIERS_PER_SYNC; i += 1) {
          await toScanStep(page);
          await longestTask(page);
          await scanAndSubmit(page);
          result.scans.push(await longestTask(page));
          await leaveAfterSubmit(page);
        }
        const sent = (round + 1) * DOSSIERS_PER_SYNC;
        await longestTask(page);
        link.setFaults({});
        // The kiosk would notice by its next portal health check; `online` starts the sync now.
        await page.evaluate(() => dispatchEvent(new Event('online')));
        const deadline = performance.now() + SLOW.timeout;
        while (kiosk.portal.store.dossiers().filter((dossier) => dossier.maHoSo !== null).length < sent) {
          if (performance.now() > deadline) throw new Error(`${sent} dossiers not at the portal within ${SLOW.timeout} ms`);
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        // The portal's answers are recorded in the queue after it has them.
        await new Promise((resolve) => setTimeout(resolve, 2000));
        result.syncs.push(await longestTask(page));
      }
      return result;
    },
  );
  return measured;
}

const TARGET = { p95Ms: 50 };
const note = (id: string, what: string, runs: LongestTask[]) => {
  const worst = [...runs].sort((a, b) => b.ms - a.ms)[0]!;
  if (worst.ms === 0) return `${id}: no main-thread task over 50 ms ${what} (the Long Tasks API reports none shorter; target met)`;
  return `${id}: longest main-thread task ${worst.ms.toFixed(0)} ms ${what} (target ≤ ${TARGET.p95Ms} ms: ${worst.ms <= TARGET.p95Ms ? 'met' : '**missed**'}); in its frame: ${worst.culprits}`;
};

/**
 * P2 (issue 7: no main-thread long task over 50 ms during OCR, PDF or sync). Each sample is the
 * longest task seen in the kiosk's page during one activity; 0 when none passed 50 ms.
 */
export const longTasksScan: Bench = {
  id: 'P2scan',
  title: `Longest main-thread task: scan ${PAGES} pages, submit (OCR + searchable PDF), save`,
  target: TARGET,
  runs: 2,
  async run(runs) {
    const { scans } = await scanAndSyncRounds(runs);
    return { samples: scans.map(({ ms }) => ms), notes: [note('P2scan', `over ${scans.length} scans and submits`, scans)] };
  },
};

export const longTasksSync: Bench = {
  id: 'P2sync',
  title: `Longest main-thread task: sync ${DOSSIERS_PER_SYNC} dossiers with their PDFs to the reference portal`,
  target: TARGET,
  runs: 2,
  async run(runs) {
    const { syncs } = await scanAndSyncRounds(runs);
    return { samples: syncs.map(({ ms }) => ms), notes: [note('P2sync', `over ${syncs.length} syncs`, syncs)] };
  },
};
