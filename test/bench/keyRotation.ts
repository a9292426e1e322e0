import { withKioskAndBrowser, type Bench } from './bench';

const DOSSIERS = 1000;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * D3: rotating the device key over a queue of 1,000 dossiers (accepted, as most are): re-wrapping
 * every dossier key in one transaction and destroying the old key. Each run is one rotation, the
 * clock moved a day past the last one.
 */
export const keyRotation: Bench = {
  id: 'D3',
  title: `Device key rotation over ${DOSSIERS} dossier keys: re-wrap, commit, retire the old key`,
  target: { p95Ms: 2000 },
  runs: 5,
  run: (runs) =>
    withKioskAndBrowser({ harness: true }, async (_kiosk, { page }) => {
      const ids: string[] = [];
      for (let i = 0; i < DOSSIERS; i += 1) ids.push((await page.evaluate(() => window.queueHarness.save([]))).id);
      await page.waitForFunction(
        (ids) => Promise.all(ids.map((id) => window.queueHarness.status(id))).then((statuses) => statuses.every((status) => status === 'accepted')),
        ids,
        { timeout: 10 * 60_000, polling: 1000 },
      );
      const samples: number[] = [];
      // The kiosk's own loop then pulls 1,000 status changes into the rows; a daily rotation runs
      // after that in the same loop, not beside it.
      while ((await page.evaluate(() => window.queueHarness.withPortalStatus())) < DOSSIERS) await new Promise((resolve) => setTimeout(resolve, 1000));
      for (let i = 1; i <= runs; i += 1) {
        // A thousand strict writes (the last rotation) leave IndexedDB busy for a while (LevelDB
        // compacting): a daily rotation meets a quiet kiosk, so it is timed on one. Even so the first
        // rotation after the burst of status pulls can take ~14 s: timed by stage (2026-11-24), its
        // first read of the rows took 6 s and the host's fsync of the new key 3 s, while each
        // re-wrap transaction took ~17 ms; Chromium's compaction holds the store and the disk.
        while ((await page.evaluate(() => window.queueHarness.timeFullRead())) > 100) await new Promise((resolve) => setTimeout(resolve, 1000));
        const { rotated, ms } = await page.evaluate(async (now) => {
          const started = performance.now();
          const rotated = await window.queueHarness.rotateKeysIfDue(now);
          return { rotated, ms: performance.now() - started };
        }, Date.now() + i * 2 * DAY_MS);
        if (!rotated) throw new Error(`rotation ${i} did not finish`);
        samples.push(ms);
      }
      return { samples };
    }),
};
