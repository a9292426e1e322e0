import { KioskError } from '../../shared/errors';
import { createSyncEngine, type SyncEngine, type SyncPortal } from '../../shared/sync';
import { host } from '../host';
import { reconcileCopies } from './copies';
import { toBase64 } from './crypto';
import { readAttachments, sealPlainDossiers } from './dossiers';
import { heartbeatIfDue } from './heartbeat';
import { shredExpired } from './retention';
import { pullStatuses } from './statuses';
import { requestPersistentStorage } from './storage';
import { createOutbox, type QueuedDossier } from './outbox';

/** How often to look again when the last run succeeded; new dossiers start a run themselves. */
const IDLE_MS = 30_000;

/** The portal through the host: the renderer has no network of its own (decision 3). */
const hostPortal: SyncPortal<QueuedDossier> = {
  announce: (item) => host().call('portal.announce', { package: item.package, packageSha256: item.packageSha256 }),
  async upload(item, { id }) {
    const attachment = item.row.attachments.find((candidate) => candidate.id === id);
    if (!attachment) throw new KioskError('queue.attachmentMissing', { attachmentId: id });
    const [bytes] = await readAttachments(item.row, [id]);
    await host().call('portal.upload', { uuid: item.id, attachment, bytes: toBase64(bytes!) });
  },
  submit: (item) => host().call('portal.submit', { uuid: item.id, packageSha256: item.packageSha256 }),
};

let engine: SyncEngine | undefined;
let timer: number | undefined;

/**
 * Runs the sync engine now, then again after the backoff it asks for, or after IDLE_MS. The
 * browser's `online` event is only a hint to try sooner: reachability is the portal answering.
 */
export function syncNow(): void {
  engine ??= createSyncEngine({ outbox: createOutbox(), portal: hostPortal });
  window.clearTimeout(timer);
  void engine
    .run()
    .then(
      async (run) => {
        if (run.retry) return run.retry.inMs;
        // After a clean run the link is up: read what the portal has done with earlier dossiers,
        // and tell the province how this kiosk is doing.
        await pullStatuses().catch(() => undefined);
        await heartbeatIfDue().catch(() => undefined);
        // Personal data of dossiers the portal has had long enough is destroyed.
        await shredExpired((await host().call('app.info')).retentionDays).catch(() => undefined);
        return IDLE_MS;
      },
      () => IDLE_MS,
    )
    .then((delay) => {
      window.clearTimeout(timer);
      timer = window.setTimeout(syncNow, delay);
    });
}

/**
 * The queue's start: ask for persistent storage, seal rows from before encryption, reconcile with
 * the host's sealed copies, then sync now and from then on.
 */
export function startQueue(): () => void {
  window.addEventListener('online', syncNow);
  // Rows from before encryption get sealed, then the queue and the host's copies are reconciled;
  // sending does not wait on either if the host is away.
  void requestPersistentStorage()
    .then(() => sealPlainDossiers())
    .then(() => reconcileCopies())
    .catch(() => undefined)
    .finally(syncNow);
  return () => {
    window.removeEventListener('online', syncNow);
    window.clearTimeout(timer);
  };
}
