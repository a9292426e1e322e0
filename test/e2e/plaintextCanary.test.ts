import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fold } from '../../shared/text';
import { CARD_QR, leaveAfterSubmit, submitScannedCertifiedCopy } from '../support/journey';
import { openChromium, startKiosk, type RunningBrowser, type RunningKiosk } from '../support/kiosk';

/**
 * The plaintext canary test (issue 9, quality target S-series): after a whole journey, with the
 * citizen's card read, their phone typed and a paper scanned and read by OCR, neither the browser
 * profile nor the kiosk's data folder holds any of it in clear, in any encoding Chromium or the
 * host might write. The reference portal's own files, which receive the dossier, are not the kiosk's.
 */
const env = {} as { kiosk: RunningKiosk; browser: RunningBrowser };
beforeAll(async () => {
  env.kiosk = await startKiosk({ devices: { documentScanner: { driver: 'simulator', pageDelayMs: 20, adfPages: 2, seed: 0 } } }, { link: true });
  env.browser = await openChromium();
});
afterAll(async () => {
  await env.kiosk.close();
  rmSync(env.browser.profileDir, { recursive: true, force: true });
});

/** A phone number no screen shows as an example (the procedures' hints say 0912345678). */
const PHONE = '0978146235';
/** From the card (CARD_QR), the phone the citizen types, and the birth certificate the feeder scans. */
const CANARIES = ['056090001234', '225123456', 'NGUYỄN VĂN AN', 'Nguyễn Văn An', PHONE, 'HỒNG NHUNG', 'TRẦN THỊ THỦY'];

/** Each canary as bytes a file could hold it in: UTF-8 composed and decomposed, UTF-16 (V8's two-byte strings), and with the marks folded away. */
function needles(canary: string): Array<{ form: string; bytes: Buffer }> {
  const texts = new Map([
    ['NFC', canary.normalize('NFC')],
    ['NFD', canary.normalize('NFD')],
    ['folded', fold(canary)],
    ['folded upper', fold(canary).toUpperCase()],
  ]);
  return [...texts].flatMap(([form, text]) => [
    { form: `${form} UTF-8`, bytes: Buffer.from(text, 'utf8') },
    { form: `${form} UTF-16`, bytes: Buffer.from(text, 'utf16le') },
  ]);
}

const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });

test('after a whole journey, no canary of the citizen is in the browser profile or the kiosk data folder, in any encoding', { timeout: 120_000 }, async () => {
  const { page } = env.browser;
  expect(CARD_QR).toContain('056090001234');
  env.kiosk.link!.setFaults({ down: true });
  await page.goto(env.kiosk.webHost.url);
  await submitScannedCertifiedCopy(page, { phone: PHONE });
  await leaveAfterSubmit(page);
  // Queued and sent: the data travels through every store it passes.
  env.kiosk.link!.setFaults({});
  await page.getByRole('button', { name: 'Chạm để bắt đầu' }).waitFor();
  await expect.poll(() => env.kiosk.portal.store.dossiers().filter((dossier) => dossier.maHoSo).length, { timeout: 30_000 }).toBe(1);
  // Chromium writes what it holds when it closes.
  await env.browser.close({ keepProfile: true });

  const portalFiles = /[\\/](portal\.sqlite[^\\/]*|uploads[\\/].*)$/;
  const files = [...filesUnder(env.browser.profileDir), ...filesUnder(env.kiosk.dataDir).filter((file) => !portalFiles.test(file))];
  expect(files.length).toBeGreaterThan(10);
  const found = files.flatMap((file) => {
    const bytes = readFileSync(file);
    return CANARIES.flatMap((canary) => needles(canary).flatMap(({ form, bytes: needle }) => (bytes.includes(needle) ? [`${path.basename(file)}: ${canary} (${form})`] : [])));
  });
  expect(found).toEqual([]);
});
