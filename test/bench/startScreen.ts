import { performance } from 'node:perf_hooks';
import { openChromium, startKiosk } from '../support/kiosk';
import type { Bench } from './bench';

/**
 * P1 (CI proxy): Chromium launch → touchable start screen, p95 ≤ 1.5 s. Each run starts a fresh
 * Chromium with an empty profile (cold), against one running web host and reference portal.
 */
export const startScreen: Bench = {
  id: 'P1',
  title: 'Chromium launch → touchable start screen (web host, fresh profile)',
  target: { p95Ms: 1500 },
  runs: 20,
  async run(runs) {
    const kiosk = await startKiosk();
    const samples: number[] = [];
    try {
      for (let i = 0; i < runs; i += 1) {
        const started = performance.now();
        const browser = await openChromium();
        await browser.page.goto(kiosk.webHost.url);
        await browser.page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor({ state: 'visible' });
        samples.push(performance.now() - started);
        await browser.close();
      }
    } finally {
      await kiosk.close();
    }
    return { samples };
  },
};
