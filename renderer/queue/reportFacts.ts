import { db, type KioskDb } from './db';

/**
 * What the helpers' report counts from this kiosk's queue: each dossier's procedure, state and
 * times, and each rating; never an answer. Drafts are counted out by the report itself.
 */
export async function reportFacts(database: KioskDb = db) {
  const [dossiers, ratings] = await Promise.all([database.dossiers.toArray(), database.ratings.toArray()]);
  return {
    dossiers: dossiers.map(({ procedureCode, status, createdAt, portal }) => ({ procedureCode, status, createdAt, receivedAt: portal?.receivedAt ?? null })),
    ratings: ratings.map(({ score, at }) => ({ score, at })),
  };
}
