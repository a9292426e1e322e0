import { performance } from 'node:perf_hooks';
import { fillCertifiedCopyToReview, leaveAfterSubmit, payAtCounter } from '../support/journey';
import { withKioskAndBrowser, type Bench } from './bench';

/**
 * P6, as a citizen feels it: from touching "Gửi hồ sơ" on the fee screen to "Đã lưu hồ sơ" on
 * screen, with answers only (savePages.ts measures 10 pages). That covers sealing the answers
 * into the session's draft (AES-256-GCM, key wrap), the strict-durability commits, the read-back
 * that decrypts, and the host's fsync'd sealed copy.
 */
export const saveDossier: Bench = {
  id: 'P6',
  title: 'Touch "Gửi hồ sơ" → "Đã lưu hồ sơ": encrypt, strict commit, read-back, sealed copy (answers only)',
  target: { p95Ms: 250 },
  runs: 20,
  run: (runs) =>
    withKioskAndBrowser({}, async (_kiosk, { page }) => {
      const samples: number[] = [];
      for (let i = 0; i < runs; i += 1) {
        await fillCertifiedCopyToReview(page);
        const submit = await payAtCounter(page);
        const started = performance.now();
        await submit.click();
        await page.getByRole('heading', { level: 1, name: 'Đã lưu hồ sơ' }).waitFor();
        samples.push(performance.now() - started);
        await leaveAfterSubmit(page);
      }
      return { samples };
    }),
};
