import type { QueueHealth } from '../../shared/contract';
import { isUnsent, UNSENT_STATUSES, type DossierStatus } from '../../shared/dossier/dossier';
import { host } from '../host';
import { copyRows } from './copyOutbox';
import { db, type KioskDb } from './db';

const EVERY_MS = 5 * 60_000;
let lastSent = 0;

/** The unsent dossiers' number and the oldest one's age, and free space, wherever the rows are read from. */
async function healthOf(unsent: ReadonlyArray<{ createdAt: string }>, queueStore: QueueHealth['queueStore'], now: number): Promise<QueueHealth> {
  const oldest = Math.min(...unsent.map(({ createdAt }) => Date.parse(createdAt)));
  const estimate = await navigator.storage.estimate();
  return {
    queueDepth: unsent.length,
    oldestUnsentAgeSeconds: unsent.length > 0 ? Math.max(0, Math.round((now - oldest) / 1000)) : null,
    freeBytes: Math.max(0, Math.floor((estimate.quota ?? 0) - (estimate.usage ?? 0))),
    queueStore,
  };
}

/** The queue as the province's dashboard needs it: depth, the oldest unsent dossier's age, free space. */
export async function queueHealth(database: KioskDb = db, now = Date.now()): Promise<QueueHealth> {
  return healthOf(await database.dossiers.where('status').anyOf([...UNSENT_STATUSES]).toArray(), 'indexedDb', now);
}

/** The heartbeat's figures and how many dossiers are in each state, for the technician's diagnostics bundle. */
export async function queueDiagnostics(database: KioskDb = db, now = Date.now()): Promise<QueueHealth & { byStatus: Partial<Record<DossierStatus, number>> }> {
  const byStatus: Partial<Record<DossierStatus, number>> = {};
  await database.dossiers.each(({ status }) => void (byStatus[status] = (byStatus[status] ?? 0) + 1));
  return { ...(await queueHealth(database, now)), byStatus };
}

/** The same from the host's sealed copies, when IndexedDB would not open: the province learns the kiosk needs a technician. */
export async function copiesHealth(now = Date.now()): Promise<QueueHealth> {
  return healthOf((await copyRows()).filter((row) => isUnsent(row.status)), 'sealedCopies', now);
}

/** At most every five minutes, whenever the sync loop has just reached the portal. */
export async function heartbeatIfDue(health: () => Promise<QueueHealth> = queueHealth): Promise<void> {
  if (Date.now() - lastSent < EVERY_MS) return;
  await host().call('portal.heartbeat', await health());
  lastSent = Date.now();
}
