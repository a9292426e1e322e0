import { parseArgs } from 'node:util';
import { DEFAULT_COMMUNE, startReferencePortal } from './server';

/**
 * `tsx scripts/reference-portal/main.ts [--port 8787] [--db .data/portal.sqlite]
 *   [--enrolment-code CODE [--commune-code 22651 --commune-name "Xã Diên Khánh"]]`
 * `--enrolment-code` creates (or refreshes, if still unused) a single-use code valid for 24 hours.
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    db: { type: 'string', default: '.data/portal.sqlite' },
    'enrolment-code': { type: 'string' },
    'commune-code': { type: 'string', default: DEFAULT_COMMUNE.code },
    'commune-name': { type: 'string', default: DEFAULT_COMMUNE.name },
  },
});
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
