import type { QueueHealth } from '../../shared/contract';
import { host } from '../host';
import { db, type KioskDb } from './db';

const EVERY_MS = 5 * 60_000;
let lastSent = 0;

/** The queue as the province's dashboard needs it: depth, the oldest unsent dossier's age, free space. */
export async function queueHealth(database: KioskDb = db, now = Date.now()): Promise<QueueHealth> {
  // A dossier waiting for a helper is unsent too, and the one the province most needs to hear about.
  const unsent = await database.dossiers.where('status').anyOf('queued', 'sending', 'needsHelp').sortBy('createdAt');
  const estimate = await navigator.storage.estimate();
  return {
    queueDepth: unsent.length,
    oldestUnsentAgeSeconds: unsent[0] ? Math.max(0, Math.round((now - Date.parse(unsent[0].createdAt)) / 1000)) : null,
    freeBytes: Math.max(0, Math.floor((estimate.quota ?? 0) - (estimate.usage ?? 0))),
  };
}

/** At most every five minutes, whenever the sync loop has just reached the portal. */
export async function heartbeatIfDue(): Promise<void> {
  if (Date.now() - lastSent < EVERY_MS) return;
  await host().call('portal.heartbeat', await queueHealth());
  lastSent = Date.now();
}
