import { pages, withKioskAndBrowser, type Bench } from './bench';

/** A scanned A4 page as the image pipeline will store it: grey JPEG at 200 dpi, ~300 KB. */
const PAGE_BYTES = 300_000;

/**
 * P6 with pages (issue 4's target, stricter than P6's 250 ms): `saveDossier` of a dossier with 10
 * scanned pages, timed in the page: hashing and sealing every page, the strict-durability commit of
 * row and pages, the read-back that decrypts and re-hashes each page, and the host's fsync'd sealed
 * copy of all of it. The link is down, so no sync competes.
 */
export const savePages: Bench = {
  id: 'P6p',
  title: `Strict save of a dossier with 10 encrypted pages (${(10 * PAGE_BYTES) / 1e6} MB): seal, commit, read-back, sealed copy`,
  target: { p95Ms: 150 },
  runs: 20,
  run: (runs) =>
    withKioskAndBrowser({ link: true, harness: true }, async (kiosk, { page }) => {
      kiosk.link!.setFaults({ down: true });
      const samples: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        const { ms } = await page.evaluate((scans) => window.queueHarness.save(scans), pages(10, PAGE_BYTES));
        samples.push(ms);
      }
      return { samples };
    }),
};
