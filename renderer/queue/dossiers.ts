import { liveQuery } from 'dexie';
import { Dossier, newSyncState } from '../../shared/dossier/dossier';
import { KioskError } from '../../shared/errors';
import { db, type KioskDb } from './db';

export type DossierDraft = Pick<Dossier, 'procedureCode' | 'catalogueVersion' | 'answers' | 'feeVnd'>;

/**
 * Saves a dossier in one transaction, its UUID (the idempotency key) created inside it, and
 * returns it only after the commit and a read-back: the caller may then say "Đã lưu".
 */
export async function saveDossier(draft: DossierDraft, database: KioskDb = db): Promise<Dossier> {
  try {
    const id = await database.transaction('rw', database.dossiers, () =>
      database.dossiers.add(
        Dossier.parse({ ...draft, id: crypto.randomUUID(), status: 'queued', createdAt: new Date().toISOString(), sync: newSyncState(), portal: null }),
      ),
    );
    const stored = await database.dossiers.get(id);
    if (!stored) throw new KioskError('queue.saveFailed');
    return stored;
  } catch (error) {
    throw error instanceof KioskError ? error : new KioskError('queue.saveFailed', {}, { cause: error });
  }
}

/** Newest first. */
export function listDossiers(database: KioskDb = db): Promise<Dossier[]> {
  return database.dossiers.orderBy('createdAt').reverse().toArray();
}

/** The queue, newest first, again after every committed change (Dexie liveQuery); returns the unsubscribe. */
export function watchDossiers(onChange: (dossiers: Dossier[]) => void, database: KioskDb = db): () => void {
  const subscription = liveQuery(() => listDossiers(database)).subscribe({ next: onChange, error: () => onChange([]) });
  return () => subscription.unsubscribe();
}
