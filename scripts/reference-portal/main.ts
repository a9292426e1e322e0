import { parseArgs } from 'node:util';
import { createReferencePortal, DEFAULT_COMMUNE, startReferencePortal } from './server';
import { openPortalStore } from './store';

/**
 * `tsx scripts/reference-portal/main.ts [--port 8787] [--db .data/portal.sqlite]
 *   [--enrolment-code CODE [--commune-code 22651 --commune-name "Xã Diên Khánh"]]`
 * `--enrolment-code` creates (or refreshes, if still unused) a single-use code valid for 24 hours.
 * `--import DIR` only imports the dossiers kiosks carried on a USB stick (`DIR`: its
 * `DVC-Kiosk/chuyen-tay` folder, or one kiosk's folder in it), says what it did and exits (1 if it
 * refused any).
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    db: { type: 'string', default: '.data/portal.sqlite' },
    'enrolment-code': { type: 'string' },
    'commune-code': { type: 'string', default: DEFAULT_COMMUNE.code },
    'commune-name': { type: 'string', default: DEFAULT_COMMUNE.name },
    import: { type: 'string' },
  },
});
if (values.import) {
  // Import only: into the portal's database and uploads folder (beside a running portal too: SQLite
  // takes one writer at a time), then exit.
  const store = openPortalStore(values.db);
  const { imported, already, refused } = await createReferencePortal({ store, uploadDir: `${values.db}.uploads`, updateDir: `${values.db}.updates` }).importSneakernet(values.import);
  for (const { uuid, maHoSo } of imported) console.log(`imported ${uuid}: ${maHoSo}`);
  for (const uuid of already) console.log(`already here ${uuid}`);
  for (const { file, reason } of refused) console.log(`refused ${file}: ${reason}`);
  store.close();
  process.exit(refused.length > 0 ? 1 : 0);
}
const portal = await startReferencePortal({ dbFile: values.db, port: Number(values.port), logger: true });
console.log(`reference portal: ${portal.url} (admin: ${portal.url}/admin)`);
if (values['enrolment-code']) {
  const code = portal.createEnrolmentCode({
    code: values['enrolment-code'],
    commune: { code: values['commune-code'], name: values['commune-name'] },
    ttlSeconds: 24 * 3600,
  });
  console.log(
    code.usedAt
      ? `enrolment code ${code.code} was already used at ${code.usedAt}`
      : `enrolment code ${code.code} for ${code.commune.name}, until ${code.expiresAt}`,
  );
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void portal.app.close());
