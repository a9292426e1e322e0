import type { Page } from 'playwright-core';
import type { Dossier } from '../../shared/dossier/dossier';
import { importDeviceKey, unseal } from '../../renderer/queue/crypto';

/** A queue row as IndexedDB holds it (renderer/queue/db.ts `StoredDossier`), byte arrays as base64. */
export type RawRow = Omit<Dossier, 'answers'> & { answers?: Dossier['answers']; sealed?: { wrappedKey: string; iv: string; ciphertext: string; keyId?: string }; shreddedAt?: string };

export interface RawQueueRow {
  /** The row as JSON, byte arrays replaced by their length. */
  json: string;
  /** Every byte array in the row, as Latin-1 text, to search for plaintext. */
  bytes: string;
  /** The row with its byte arrays as base64. */
  row: RawRow;
}

/**
 * The kiosk's queue rows exactly as IndexedDB holds them, read in the kiosk's origin without the
 * app: the dossiers, or another table of the queue (`attachments`).
 */
export function rawQueueRows(page: Page, table = 'dossiers'): Promise<RawQueueRow[]> {
  return page.evaluate(
    (table) =>
      new Promise<RawQueueRow[]>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction(table).objectStore(table).getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            open.result.close();
            const latin1 = (bytes: Uint8Array) => {
              let text = '';
              for (const byte of bytes) text += String.fromCharCode(byte);
              return text;
            };
            resolve(
              (all.result as Array<Record<string, unknown>>).map((stored) => {
                let bytes = '';
                const json = JSON.stringify(stored, (_key, value: unknown) => {
                  if (!(value instanceof Uint8Array)) return value;
                  bytes += latin1(value);
                  return `[${value.length} bytes]`;
                });
                const row = JSON.parse(JSON.stringify(stored, (_key, value: unknown) => (value instanceof Uint8Array ? btoa(latin1(value)) : value))) as RawRow;
                return { json, bytes, row };
              }),
            );
          };
        };
      }),
    table,
  );
}

/**
 * How many rows the kiosk's IndexedDB holds in `dossiers`, drafts included, read without making
 * the database: -1 while the page has not made it yet.
 */
export function queueRowCount(page: Page): Promise<number> {
  return page.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk');
        // Not made yet: this read must not make it.
        open.onupgradeneeded = () => open.transaction?.abort();
        open.onerror = () => (open.error?.name === 'AbortError' ? resolve(-1) : reject(open.error));
        open.onsuccess = () => {
          const database = open.result;
          if (!database.objectStoreNames.contains('dossiers')) {
            database.close();
            resolve(-1);
            return;
          }
          const count = database.transaction('dossiers').objectStore('dossiers').count();
          count.onerror = () => reject(count.error);
          count.onsuccess = () => {
            database.close();
            resolve(count.result);
          };
        };
      }),
  );
}

/** Opens raw rows with the host vault's key (the web host's `vault.key`) through the renderer's own envelope code. */
export async function openRawRows(rows: readonly RawRow[], vaultKey: Uint8Array): Promise<Dossier[]> {
  const key = await importDeviceKey(Buffer.from(vaultKey).toString('base64'));
  const bytes = (text: string) => new Uint8Array(Buffer.from(text, 'base64'));
  return Promise.all(
    rows.map(async ({ sealed, ...row }) =>
      sealed
        ? { ...row, answers: await unseal<Dossier['answers']>({ wrappedKey: bytes(sealed.wrappedKey), iv: bytes(sealed.iv), ciphertext: bytes(sealed.ciphertext) }, row.id, key) }
        : (row as Dossier),
    ),
  );
}

/** Deletes the kiosk's IndexedDB as a wiped profile would, from a page of its origin that does not hold it open. */
export async function deleteQueueDatabase(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/no-app-here.txt`);
  await page.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const deletion = indexedDB.deleteDatabase('dvc-kiosk');
        deletion.onsuccess = () => resolve();
        deletion.onerror = () => reject(deletion.error);
        deletion.onblocked = () => reject(new Error('blocked'));
      }),
  );
}

/** What a test does to the queue behind the app's back: a dossier put aside as the sync engine's markNeedsHelp leaves it, or a dossier's sealed pages lost. */
export type QueueDamage = { putAside: string; lastError: string } | { losePagesOf: string };

/**
 * Changes the kiosk's IndexedDB straight, from a page of its origin without the app (so no sync run
 * races the write), then opens the app again at its start screen.
 */
export async function changeQueueWithoutApp(page: Page, { origin, url }: { origin: string; url: string }, damage: QueueDamage): Promise<void> {
  await page.goto(`${origin}/no-app-here.txt`);
  await page.evaluate(
    (damage) =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const transaction = open.result.transaction(['dossiers', 'attachments'], 'readwrite');
          if ('putAside' in damage) {
            const dossiers = transaction.objectStore('dossiers');
            const read = dossiers.get(damage.putAside);
            read.onsuccess = () => {
              const row = read.result as { status: string; sync: { lastError: string | null } };
              dossiers.put({ ...row, status: 'needsHelp', sync: { ...row.sync, lastError: damage.lastError } });
            };
          } else {
            transaction.objectStore('attachments').index('dossierId').openCursor(IDBKeyRange.only(damage.losePagesOf)).onsuccess = (event) => {
              const cursor = (event.target as IDBRequest<IDBCursorWithValue | null>).result;
              cursor?.delete();
              cursor?.continue();
            };
          }
          transaction.oncomplete = () => {
            open.result.close();
            resolve();
          };
          transaction.onerror = () => reject(transaction.error);
        };
      }),
    damage,
  );
  await page.goto(url);
}

/** The session's draft rows. */
export const drafts = async (page: Page): Promise<RawQueueRow[]> => (await rawQueueRows(page)).filter(({ row }) => row.status === 'draft');

/** The web host's per-run token (renderer/host.ts): the only thing a page may keep in its storage. */
const TOKEN_KEY = 'kioskHost.token';

/** Which of a citizen's canaries the page still holds: in its DOM, or in session or local storage beside the token. */
export function leftovers(page: Page, canaries: readonly string[]): Promise<string[]> {
  return page.evaluate(
    ({ canaries, tokenKey }) => {
      const stored = [sessionStorage, localStorage].flatMap((storage) =>
        Object.keys(storage)
          .filter((key) => key !== tokenKey)
          .map((key) => `${key}=${storage.getItem(key)}`),
      );
      const text = [document.documentElement.outerHTML, ...stored].join('\n').normalize('NFC');
      return [...canaries.filter((canary) => text.includes(canary)), ...stored.map((entry) => `storage: ${entry}`)];
    },
    { canaries, tokenKey: TOKEN_KEY },
  );
}
