import { parseArgs } from 'node:util';
import { startReferencePortal } from './server';

/** `tsx scripts/reference-portal/main.ts [--port 8787] [--db .data/portal.sqlite]` */
const { values } = parseArgs({
  options: { port: { type: 'string', default: '8787' }, db: { type: 'string', default: '.data/portal.sqlite' } },
});
const portal = await startReferencePortal({ dbFile: values.db, port: Number(values.port), logger: true });
console.log(`reference portal: ${portal.url}`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void portal.app.close());
