import { KioskError } from '../../shared/errors';
import { createSyncEngine, type SyncEngine, type SyncPortal } from '../../shared/sync';
import { host } from '../host';
import { reconcileCopies } from './copies';
import { createCopyOutbox } from './copyOutbox';
import { discardAbandonedDrafts } from './drafts';
import { sealPlainDossiers } from './dossiers';
import { rotateKeysIfDue } from './deviceKeys';
import { copiesHealth, heartbeatIfDue } from './heartbeat';
import { shredExpired } from './retention';
import { uploadRatings } from './ratings';
import { updateFromProvinceIfDue } from '../provinceUpdates';
import { pullStatuses } from './statuses';
import { requestPersistentStorage } from './storage';
import { createOutbox, type QueuedDossier } from './outbox';
import { openQueue } from './db';

/** How often to look again when the last run succeeded; new dossiers start a run themselves. */
const IDLE_MS = 30_000;

/** The portal through the host: the renderer has no network of its own (decision 3). */
const hostPortal: SyncPortal<QueuedDossier> = {
  announce: (item) => host().call('portal.announce', { package: item.package, packageSha256: item.packageSha256 }),
  async upload(item, { id }) {
    const attachment = item.row.attachments.find((candidate) => candidate.id === id);
    if (!attachment) throw new KioskError('queue.attachmentMissing', { attachmentId: id });
    const [bytes] = await item.openPages([id]);
    await host().call('portal.upload', { uuid: item.id, attachment, bytes: bytes! });
  },
  submit: (item) => host().call('portal.submit', { uuid: item.id, packageSha256: item.packageSha256 }),
};

let engine: SyncEngine | undefined;
/** IndexedDB would not open: the engine sends from the host's sealed copies (R6). */
let fromCopies = false;
let timer: number | undefined;
/** While above zero, no run starts (withSyncHeld). */
let holds = 0;

/**
 * Runs the sync engine now, then again after the backoff it asks for, or after IDLE_MS. The
 * browser's `online` event is only a hint to try sooner: reachability is the portal answering.
 */
export function syncNow(): void {
  // Before startQueue has opened the queue (or chosen the copies) there is nothing to send from.
  if (!engine || holds > 0) return;
  window.clearTimeout(timer);
  void engine
    .run()
    .then(
      async (run) => {
        // A draft whose session never came back holds a citizen's data: it goes, link or no link.
        if (!fromCopies) await discardAbandonedDrafts().catch(() => undefined);
        if (run.retry) return run.retry.inMs;
        // Everything else below works on IndexedDB; the province hears the kiosk needs a technician.
        if (fromCopies) {
          await heartbeatIfDue(copiesHealth).catch(() => undefined);
          return IDLE_MS;
        }
        // After a clean run the link is up: read what the portal has done with earlier dossiers,
        // and tell the province how this kiosk is doing and how citizens rated it.
        await pullStatuses().catch(() => undefined);
        await heartbeatIfDue().catch(() => undefined);
        await uploadRatings().catch(() => undefined);
        await updateFromProvinceIfDue().catch(() => undefined);
        // Personal data of dossiers the portal has had long enough is destroyed, then the device
        // key is replaced if it is due, so their wrapped keys left in old files open no more.
        await shredExpired((await host().call('app.info')).retentionDays).catch(() => undefined);
        await rotateKeysIfDue().catch(() => undefined);
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
 * Runs `work` with no sync run going: the one under way is waited for and no new one starts until
 * `work` is done, then one starts at once. For changes to a dossier the engine may be sending.
 */
export async function withSyncHeld<T>(work: () => Promise<T>): Promise<T> {
  holds += 1;
  try {
    await engine?.settled();
    return await work();
  } finally {
    holds -= 1;
    syncNow();
  }
}

/**
 * The queue's start: open IndexedDB, ask for persistent storage, seal rows from before encryption,
 * reconcile with the host's sealed copies, then sync now and from then on. When IndexedDB will not
 * open, the sealed copies are sent instead.
 */
export function startQueue(): () => void {
  window.addEventListener('online', syncNow);
  void openQueue()
    .then(
      // Rows from before encryption get sealed, then the queue and the host's copies are
      // reconciled; sending does not wait on either if the host is away.
      () =>
        requestPersistentStorage()
          .then(() => sealPlainDossiers())
          .then(() => reconcileCopies())
          .catch(() => undefined)
          .then(() => createOutbox()),
      () => {
        fromCopies = true;
        return createCopyOutbox();
      },
    )
    .then((outbox) => {
      engine = createSyncEngine({ outbox, portal: hostPortal });
      syncNow();
    });
  return () => {
    window.removeEventListener('online', syncNow);
    window.clearTimeout(timer);
  };
}
