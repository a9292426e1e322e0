import { performance } from 'node:perf_hooks';
import { fillCertifiedCopyToReview, pressSubmit } from '../support/journey';
import { openChromium, startKiosk } from '../support/kiosk';
import type { Bench } from './bench';

/**
 * P6, as a citizen feels it (answers only until the scanner brings pages): from touching "Gửi hồ sơ"
 * to "Đã lưu hồ sơ" on screen. That covers sealing the answers (AES-256-GCM, key wrap), the
 * strict-durability commit, the read-back that decrypts, and the host's fsync'd sealed copy.
 */
export const saveDossier: Bench = {
  id: 'P6',
  title: 'Touch "Gửi hồ sơ" → "Đã lưu hồ sơ": encrypt, strict commit, read-back, sealed copy (answers only; pages come with the scanner)',
  target: { p95Ms: 250 },
  runs: 20,
  async run(runs) {
    const kiosk = await startKiosk();
    const browser = await openChromium();
    const { page } = browser;
    const samples: number[] = [];
    try {
      await page.goto(kiosk.webHost.url);
      for (let i = 0; i < runs; i += 1) {
        await fillCertifiedCopyToReview(page);
        const started = performance.now();
        await pressSubmit(page);
        await page.getByRole('heading', { level: 1, name: 'Đã lưu hồ sơ' }).waitFor();
        samples.push(performance.now() - started);
        await page.getByRole('button', { name: 'Về màn hình chính' }).click();
      }
    } finally {
      await browser.close();
      await kiosk.close();
    }
    return samples;
  },
};
