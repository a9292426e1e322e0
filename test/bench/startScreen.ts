import { performance } from 'node:perf_hooks';
import { openChromium, startKiosk } from '../support/kiosk';
import { percentile, type Bench } from './bench';

const START = 'Chạm để bắt đầu';

/** What the page records of its own start, in its own clock (ms since navigation start). */
interface StartMarks {
  /** The module script's task: running every module of the bundle. */
  script?: { startTime: number; end: number };
  /** React put the start button in the DOM. */
  buttonInDom?: number;
  /** The frame that shows the button is done: the screen is drawn and the main thread free for a touch. */
  buttonFrame?: number;
}

/**
 * Runs in the page before its own scripts. The button is found by its text, so the measurement
 * does not depend on the attract screen's markup. rAF runs just before a frame is drawn; a task
 * posted from it runs once that frame is done.
 */
function recordStart(label: string): void {
  const marks: StartMarks = {};
  (window as unknown as { startMarks: StartMarks }).startMarks = marks;
  new PerformanceObserver((list) => {
    for (const frame of list.getEntries() as unknown as { scripts: { invokerType: string; startTime: number; duration: number }[] }[]) {
      const script = frame.scripts.find((candidate) => candidate.invokerType === 'module-script');
      if (script) marks.script ??= { startTime: script.startTime, end: script.startTime + script.duration };
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
  new MutationObserver((_, observer) => {
    if (![...document.querySelectorAll('button')].some((button) => button.textContent?.trim() === label)) return;
    observer.disconnect();
    marks.buttonInDom = performance.now();
    requestAnimationFrame(() => setTimeout(() => (marks.buttonFrame = performance.now())));
  }).observe(document, { childList: true, subtree: true });
}

/** Wall-clock ms, comparable between this process and the page (both on this machine's clock). */
const now = () => performance.timeOrigin + performance.now();

/**
 * P1, with issue 7's target (≤ 1.0 s p95; the quality targets' CI proxy allows 1.5 s): Chromium
 * launch → touchable attract screen. Each run starts a fresh Chromium with an empty profile (cold:
 * no HTTP or V8 code cache), against one running web host and reference portal. Timed to the end of
 * the first frame that shows "Chạm để bắt đầu", read in the page: Playwright's own wait polls with
 * a growing back-off (up to 500 ms between looks) and would add its lag to the kiosk's time.
 */
export const startScreen: Bench = {
  id: 'P1',
  title: 'Chromium launch → touchable attract screen (web host, fresh profile)',
  target: { p95Ms: 1000 },
  runs: 20,
  async run(runs) {
    const kiosk = await startKiosk();
    const samples: number[] = [];
    const phases: Record<'launch' | 'fetch' | 'compile' | 'evaluate' | 'render' | 'frame' | 'playwright', number[]> = {
      launch: [], fetch: [], compile: [], evaluate: [], render: [], frame: [], playwright: [],
    };
    try {
      for (let i = 0; i < runs; i += 1) {
        const started = now();
        const browser = await openChromium();
        try {
          const launched = now();
          await browser.page.addInitScript(recordStart, START);
          await browser.page.goto(kiosk.webHost.url, { waitUntil: 'commit' });
          // What a citizen sees: the button by its role and name, visible.
          await browser.page.getByRole('button', { name: START }).waitFor({ state: 'visible' });
          const seen = now();
          const marks = await browser.page.waitForFunction(() => {
            const { startMarks } = window as unknown as { startMarks: StartMarks };
            // The entry bundle, named in the HTML (the other screens' chunk loads after the first frame).
            const entry = document.querySelector<HTMLScriptElement>('script[type=module]')!.src;
            const bundleReceived = (performance.getEntriesByName(entry)[0] as PerformanceResourceTiming).responseEnd;
            return startMarks.buttonFrame !== undefined && { origin: performance.timeOrigin, bundleReceived, ...startMarks };
          });
          const { origin, bundleReceived, script, buttonInDom, buttonFrame } = (await marks.jsonValue()) as StartMarks & { origin: number; bundleReceived: number; buttonInDom: number; buttonFrame: number };
          samples.push(origin + buttonFrame - started);
          phases.launch.push(launched - started);
          phases.fetch.push(origin + bundleReceived - launched);
          // The script's frame is reported only when it is long (> 50 ms), as it is with a cold cache.
          if (script) {
            phases.compile.push(script.startTime - bundleReceived);
            phases.evaluate.push(script.end - script.startTime);
            phases.render.push(buttonInDom - script.end);
          }
          phases.frame.push(buttonFrame - buttonInDom);
          phases.playwright.push(seen - (origin + buttonFrame));
        } finally {
          await browser.close();
        }
      }
    } finally {
      await kiosk.close();
    }
    const median = (values: number[]) => percentile(values, 50).toFixed(0);
    return {
      samples,
      notes: [
        `P1 medians: Chromium launch and first tab ${median(phases.launch)} ms; navigation and fetching the HTML and bundle ${median(phases.fetch)} ms; ` +
          `bundle received → run (compile) ${median(phases.compile)} ms; bundle evaluation ${median(phases.evaluate)} ms; first React render ${median(phases.render)} ms; ` +
          `frame with the button ${median(phases.frame)} ms (Playwright's polling saw it ${median(phases.playwright)} ms later)`,
      ],
    };
  },
};
