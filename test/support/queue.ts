import type { Page } from 'playwright-core';

export interface RawRow {
  /** The row as JSON, byte arrays replaced by their length. */
  json: string;
  /** Every byte array in the row, as Latin-1 text, to search for plaintext. */
  bytes: string;
  row: Record<string, unknown>;
}

/** The kiosk's queue rows exactly as IndexedDB holds them, read without the app. */
export function rawQueueRows(page: Page): Promise<RawRow[]> {
  return page.evaluate(
    () =>
      new Promise<RawRow[]>((resolve, reject) => {
        const open = indexedDB.open('dvc-kiosk');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('dossiers').objectStore('dossiers').getAll();
          all.onerror = () => reject(all.error);
          all.onsuccess = () => {
            open.result.close();
            resolve(
              (all.result as Array<Record<string, unknown>>).map((row) => {
                let bytes = '';
                const json = JSON.stringify(row, (_key, value: unknown) => {
                  if (!(value instanceof Uint8Array)) return value;
                  bytes += String.fromCharCode(...value);
                  return `[${value.length} bytes]`;
                });
                return { json, bytes, row };
              }),
            );
          };
        };
      }),
  );
}
