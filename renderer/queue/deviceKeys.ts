import { KioskError } from '../../shared/errors';
import { host } from '../host';
import { keepCopy, needsCopy } from './copies';
import { importDeviceKey, rewrapKey, type DeviceKey, type Sealed } from './crypto';
import { db, type KioskDb, type StoredDossier } from './db';

const DAY_MS = 24 * 60 * 60 * 1000;
/** Passes over the queue per rotation: a save that began before the new key arrived wraps with the old one. */
const REWRAP_PASSES = 3;

export interface DeviceKeys {
  current: DeviceKey & { createdAt: number };
  /** The key before the current one, while a rotation is under way. */
  previous: DeviceKey | null;
}

let keys: Promise<DeviceKeys> | undefined;

/** The vault's keys, fetched and imported (non-extractable) once per page and again after a rotation. */
export function deviceKeys(): Promise<DeviceKeys> {
  keys ??= host()
    .call('vault.keys')
    .then(async ({ current, previous }) => ({
      current: { id: current.id, key: await importDeviceKey(current.key), createdAt: Date.parse(current.createdAt) },
      previous: previous && { id: previous.id, key: await importDeviceKey(previous.key) },
    }))
    .catch((error: unknown) => {
      keys = undefined;
      throw error;
    });
  return keys;
}

let savesUnderWay = 0;
const onNoSave: Array<() => void> = [];

/**
 * Seals and commits with the current device key. A rotation re-wraps rows only once no save that
 * took a key is still under way, so none can commit a key wrapped by a device key just retired.
 */
export async function withCurrentKey<T>(sealAndCommit: (current: DeviceKey) => Promise<T>): Promise<T> {
  savesUnderWay += 1;
  try {
    return await sealAndCommit((await deviceKeys()).current);
  } finally {
    savesUnderWay -= 1;
    if (savesUnderWay === 0) onNoSave.splice(0).forEach((resolve) => resolve());
  }
}
const noSaveUnderWay = () => (savesUnderWay === 0 ? Promise.resolve() : new Promise<void>((resolve) => onNoSave.push(resolve)));

/**
 * The device key that wrapped a dossier key. Rows sealed before rotation existed name none: they
 * are under the oldest key the vault still holds.
 */
export function keyFor({ current, previous }: DeviceKeys, sealed: Sealed): CryptoKey {
  if (sealed.keyId === current.id) return current.key;
  if (previous && (sealed.keyId === undefined || sealed.keyId === previous.id)) return previous.key;
  if (sealed.keyId === undefined) return current.key;
  throw new KioskError('vault.keyUnknown');
}

const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((byte, i) => byte === b[i]);

/**
 * Rows re-wrapped per transaction: a thousand in one strict transaction held the queue for seconds
 * when LevelDB stalled, and a citizen's save waits behind it.
 */
const REWRAP_CHUNK = 100;

/**
 * Re-wraps every dossier key the current device key did not wrap, a chunk at a time: outside a
 * transaction (WebCrypto), then each chunk in one transaction, each row only if it still holds the
 * key it was made from (a row shredded or re-wrapped meanwhile is left alone). Returns the rows it
 * changed.
 */
async function rewrapStale(ring: DeviceKeys, database: KioskDb): Promise<{ stale: number; changed: StoredDossier[] }> {
  const stale = (await database.dossiers.toArray()).filter((row) => row.sealed && row.sealed.keyId !== ring.current.id);
  const changed: StoredDossier[] = [];
  for (let start = 0; start < stale.length; start += REWRAP_CHUNK) {
    const rewrapped = await Promise.all(
      stale
        .slice(start, start + REWRAP_CHUNK)
        .map(async ({ id, sealed }) => ({ id, from: sealed!.wrappedKey, wrappedKey: await rewrapKey(sealed!.wrappedKey, keyFor(ring, sealed!), ring.current.key) })),
    );
    const updated = await database.transaction('rw', database.dossiers, async () => {
      const rows = await database.dossiers.bulkGet(rewrapped.map(({ id }) => id));
      const fresh = rewrapped.flatMap(({ from, wrappedKey }, i) => {
        const row = rows[i];
        if (!row?.sealed || !sameBytes(row.sealed.wrappedKey, from)) return [];
        return [{ ...row, sealed: { ...row.sealed, wrappedKey, keyId: ring.current.id } }];
      });
      await database.dossiers.bulkPut(fresh);
      return fresh;
    });
    changed.push(...updated);
  }
  return { stale: stale.length, changed };
}

/**
 * Key rotation (quality targets D2, D3), after a clean sync run: once the device key is a day old
 * the vault makes a new one; every dossier key is re-wrapped with it, the host's copies of dossiers
 * not yet at the portal are written again, and only then is the old key destroyed. From then on no
 * wrapped key left behind (IndexedDB's old log files, an old copy) can be opened. A crash anywhere
 * leaves a rotation under way, which the next run finishes. Returns whether a rotation finished.
 */
export function rotateKeysIfDue(now = Date.now(), database: KioskDb = db): Promise<boolean> {
  // One at a time: the sync loop asks after every clean run, and two rotations would fight over the rows.
  rotation ??= rotate(now, database).finally(() => (rotation = undefined));
  return rotation;
}
let rotation: Promise<boolean> | undefined;

async function rotate(now: number, database: KioskDb): Promise<boolean> {
  let ring = await deviceKeys();
  if (!ring.previous) {
    if (now - ring.current.createdAt < DAY_MS) return false;
    await host().call('vault.rotate');
    keys = undefined;
    ring = await deviceKeys();
  }
  const previous = ring.previous;
  if (!previous) return false;
  for (let pass = 0; pass < REWRAP_PASSES; pass += 1) {
    await noSaveUnderWay();
    const { stale, changed } = await rewrapStale(ring, database);
    // Copies of dossiers the portal has were dropped, drafts have none; the others must open with the new key.
    for (const row of changed) if (needsCopy(row)) await keepCopy(row, database);
    if (stale === 0) {
      await host().call('vault.retire', { id: previous.id });
      keys = undefined;
      return true;
    }
  }
  return false;
}
