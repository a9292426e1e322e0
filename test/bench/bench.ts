import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Page } from 'playwright-core';
import type { KioskConfigInput } from '../../shared/config';
import type { Faults } from '../support/faultProxy';
import { openChromium, startKiosk, type KioskOptions, type RunningBrowser, type RunningKiosk } from '../support/kiosk';

/** What a benchmark measured: one value per run (a duration in ms unless its target says), and lines worth adding under the table. */
export interface BenchResult {
  samples: number[];
  notes?: string[];
}

/** A benchmark: runs itself `runs` times. Most are timed (`p95Ms`); a few measure something else, such as memory. */
export interface Bench {
  id: string;
  title: string;
  target: { p95Ms: number } | { p95: number; unit: string };
  runs: number;
  run(runs: number): Promise<BenchResult>;
}

/** A target as a limit and its unit. */
export const targetOf = ({ target }: Bench): { limit: number; unit: string } => ('p95Ms' in target ? { limit: target.p95Ms, unit: 'ms' } : { limit: target.p95, unit: target.unit });

export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;
}

export interface BenchKioskOptions extends KioskOptions {
  config?: KioskConfigInput;
  /** Runs before the kiosk's page loads, e.g. to install Playwright's clock. */
  beforeLoad?(page: Page): Promise<void>;
}

/** A kiosk (reference portal + web host) and a Chromium on it for the length of `measure`. */
export async function withKioskAndBrowser<T>(options: BenchKioskOptions, measure: (kiosk: RunningKiosk, browser: RunningBrowser) => Promise<T>): Promise<T> {
  const kiosk = await startKiosk(options.config, options);
  const browser = await openChromium();
  try {
    await options.beforeLoad?.(browser.page);
    await browser.page.goto(kiosk.webHost.url);
    if (options.harness) await browser.page.waitForFunction(() => 'queueHarness' in window);
    return await measure(kiosk, browser);
  } finally {
    await browser.close();
    await kiosk.close();
  }
}

/**
 * Waits until the portal has accepted all these dossiers, as the queue harness reports. Polled
 * from here: Playwright's waitForFunction takes a returned promise as a truthy value.
 */
export async function allAccepted(page: Page, ids: readonly string[], timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await page.evaluate((ids) => Promise.all(ids.map((id) => window.queueHarness.status(id))).then((statuses) => statuses.every((status) => status === 'accepted')), ids))) {
    if (performance.now() > deadline) throw new Error(`${ids.length} dossiers not accepted within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** `n` scanned pages of `bytes` each, base64, as the queue harness takes them; random, so nothing compresses. */
export function pages(n: number, bytes: number): string[] {
  return Array.from({ length: n }, () => randomBytes(bytes).toString('base64'));
}

type Stats = ReturnType<NonNullable<RunningKiosk['link']>['stats']>;

/**
 * A backlog benchmark: each run saves `dossiers()` (pages each, base64) through the queue harness
 * while the link is down, then opens the link with `faults` and times how long until the portal
 * accepted them all. `note` turns a run into a line under the table.
 */
export function backlogBench(spec: {
  id: string;
  title: string;
  idealMs: number;
  target: { p95Ms: number };
  /** Made one at a time: a big backlog does not fit in memory at once. */
  dossiers: () => Iterable<string[]>;
  faults: Faults;
  note: (run: { ms: number; before: Stats; after: Stats; kiosk: RunningKiosk }) => string;
}): Bench {
  return {
    id: spec.id,
    title: spec.title,
    target: spec.target,
    runs: 1,
    run: (runs) =>
      withKioskAndBrowser({ link: true, harness: true }, async (kiosk, { page }) => {
        const link = kiosk.link!;
        const samples: number[] = [];
        const notes: string[] = [];
        for (let i = 0; i < runs; i += 1) {
          link.setFaults({ down: true });
          const ids: string[] = [];
          for (const scans of spec.dossiers()) ids.push((await page.evaluate((scans) => window.queueHarness.save(scans), scans)).id);
          const before = link.stats();
          const started = performance.now();
          link.setFaults(spec.faults);
          await page.evaluate(() => window.queueHarness.syncNow());
          await allAccepted(page, ids, 20 * spec.idealMs);
          const ms = performance.now() - started;
          samples.push(ms);
          notes.push(`${spec.id} run ${i + 1}: ${spec.note({ ms, before, after: link.stats(), kiosk })}`);
        }
        return { samples, notes };
      }),
  };
}
