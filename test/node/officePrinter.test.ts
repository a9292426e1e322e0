import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { createAuditLog } from '../../electron/host/audit';
import { loadCatalogue } from '../../electron/host/catalogue';
import { loadFonts } from '../../electron/host/fonts';
import { printOnOfficePrinter } from '../../electron/host/officePrinter';
import { createReports } from '../../electron/host/reports';
import { cupsUnavailable, withRawCupsQueue } from '../support/cups';
import { codeOf } from '../support/errors';
import { assetsDir, tempDir } from '../support/kiosk';

test('without an office printer in the config, printing says so', async () => {
  expect(await codeOf(printOnOfficePrinter(null, new Uint8Array([37, 80, 68, 70]), 'x'))).toBe('officePrinter.notSet');
  expect(await codeOf(printOnOfficePrinter({ queue: 'office', lpPath: '/nonexistent/lp' }, new Uint8Array([1]), 'x'))).toBe('officePrinter.notFound');
});

const cupsSkip = cupsUnavailable();
describe.skipIf(cupsSkip)(`the office printer through CUPS${cupsSkip ? ` (skipped: ${cupsSkip})` : ''}`, () => {
  // A raw queue stands in for the office printer's driver: the job arrives as the kiosk sent it.
  const cups = withRawCupsQueue('office_a4');
  const data = tempDir('office');
  afterAll(() => data.remove());

  test("the day's report, made and kept on the kiosk, reaches the office printer as its PDF", async () => {
    const reports = createReports({
      dataDir: data.dir,
      fonts: loadFonts(assetsDir),
      catalogue: () => loadCatalogue(assetsDir),
      kiosk: { name: 'Điểm hỗ trợ DVC Diên Khánh', commune: 'Xã Diên Khánh' },
      audit: createAuditLog(path.join(data.dir, 'audit.jsonl')),
      usbDrives: async () => [],
      officePrinter: { queue: 'office_a4', lpPath: 'lp' },
    });
    const made = await reports.make({ period: { kind: 'day', date: '2026-11-24' }, dossiers: [], ratings: [] });
    expect(made.name).toBe('bao-cao-ngay-2026-11-24');
    const job = cups.printer.nextJob();
    await reports.print(made.name);
    expect(Buffer.from(await job).equals(readFileSync(path.join(data.dir, 'reports', `${made.name}.pdf`)))).toBe(true);
    // Only a report the kiosk made can be printed.
    expect(await codeOf(reports.print('bao-cao-ngay-2026-11-25'))).toBe('host.badInput');
  }, 20_000);

  test('a queue CUPS does not have is officePrinter.notFound', async () => {
    expect(await codeOf(printOnOfficePrinter({ queue: 'no_such_office', lpPath: 'lp' }, new Uint8Array([37, 80, 68, 70]), 'x'))).toBe('officePrinter.notFound');
  });
});
