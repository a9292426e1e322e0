import { host } from '../host';
import { db, type KioskDb } from './db';

/** The portal takes at most this many per call. */
const BATCH = 1000;

/** Keeps a citizen's rating (one strict transaction); it goes to the portal with the next clean sync run. */
export async function recordRating(rating: { score: number; dossierId?: string }, database: KioskDb = db): Promise<void> {
  await database.transaction('rw', database.ratings, () =>
    database.ratings.add({ id: crypto.randomUUID(), score: rating.score, at: new Date().toISOString(), ...(rating.dossierId ? { dossierId: rating.dossierId } : {}) }),
  );
}

/**
 * Sends the ratings the portal does not have yet, oldest first, and marks them sent. A lost answer
 * means they are sent again; the portal stores a resent rating once (docs/portal-protocol.md).
 */
export async function uploadRatings(database: KioskDb = db): Promise<number> {
  let sent = 0;
  for (;;) {
    const unsent = await database.ratings.orderBy('at').filter((rating) => !rating.sentAt).limit(BATCH).toArray();
    if (!unsent.length) return sent;
    await host().call('portal.ratings', { ratings: unsent.map(({ score, at, dossierId }) => ({ score, at, ...(dossierId ? { uuid: dossierId } : {}) })) });
    const sentAt = new Date().toISOString();
    await database.transaction('rw', database.ratings, () => database.ratings.bulkUpdate(unsent.map(({ id }) => ({ key: id, changes: { sentAt } }))));
    sent += unsent.length;
  }
}
