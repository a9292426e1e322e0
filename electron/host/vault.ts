import { createHmac, randomBytes } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KioskError } from '../../shared/errors';
import { removeFileDurably, writeFileAtomic } from './atomicFile';

/**
 * The device key-encryption key (KEK): 32 random bytes, replaced at least daily. The renderer imports
 * it as a non-extractable AES-KW key and wraps each dossier's own AES-256-GCM key with it
 * (renderer/queue/crypto.ts), so the queue in IndexedDB holds only ciphertext and wrapped keys.
 *
 * At rest the KEK is protected by `protect`: Electron's safeStorage (OS keychain / libsecret),
 * injected by main.ts. The web host, which exists for development and tests, keeps it in a 0600
 * file as it is (the founders' decision for the web host).
 */
export interface KeyProtection {
  encrypt(plain: Buffer): Buffer;
  decrypt(sealed: Buffer): Buffer;
}

export const plainFile: KeyProtection = { encrypt: (plain) => plain, decrypt: (sealed) => sealed };

const KEK_BYTES = 32;

export interface DeviceKey {
  /** Not secret: names the key a dossier key was wrapped with (renderer rows keep it). */
  id: string;
  key: Buffer;
  createdAt: Date;
}

export interface Vault {
  /** The current KEK and, while a rotation is under way, the one before it. */
  keys(): Promise<{ current: DeviceKey; previous: DeviceKey | null }>;
  /** Starts a rotation: a new current key, the old one kept as previous. Nothing if one is under way. */
  rotate(): Promise<void>;
  /** Ends a rotation: destroys the previous key, once the queue has nothing wrapped by it any more. */
  retire(id: string): Promise<void>;
}

/** An id that names a key without revealing it: HMAC of a fixed label under the key. */
const keyId = (key: Buffer) => createHmac('sha256', key).update('dvc-kiosk device key id').digest('hex').slice(0, 16);

/**
 * Rotation (quality targets D2, D3): `vault.key` is the current KEK; during a rotation the one
 * before it waits in `vault.previous.key` until the renderer has re-wrapped every dossier key
 * and the host's copies, then it is deleted — after that, no wrapped key left behind anywhere
 * (IndexedDB's old log files, a stale copy) can be opened. Each step is one atomic file write, so
 * a crash in between leaves a state the next run finishes.
 */
export function createVault({ dataDir, protect }: { dataDir: string; protect: KeyProtection }): Vault {
  const currentFile = path.join(dataDir, 'vault.key');
  const previousFile = path.join(dataDir, 'vault.previous.key');

  const read = async (file: string): Promise<DeviceKey | null> => {
    const stored = await readFile(file).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? null : Promise.reject(error)));
    if (!stored) return null;
    const key = protect.decrypt(stored);
    if (key.length !== KEK_BYTES) throw new KioskError('config.invalid', { file });
    return { id: keyId(key), key, createdAt: (await stat(file)).mtime };
  };
  const write = async (file: string, key: Buffer) => writeFileAtomic(file, protect.encrypt(key));

  let loaded: Promise<{ current: DeviceKey; previous: DeviceKey | null }> | undefined;
  const load = async () => {
    const current = await read(currentFile);
    if (current) return { current, previous: await read(previousFile) };
    await write(currentFile, randomBytes(KEK_BYTES));
    return { current: (await read(currentFile))!, previous: null };
  };
  const keys = () =>
    (loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    }));

  return {
    keys,
    async rotate() {
      const { current, previous } = await keys();
      if (previous) return;
      loaded = undefined;
      await write(previousFile, current.key);
      await write(currentFile, randomBytes(KEK_BYTES));
    },
    async retire(id) {
      const { previous } = await keys();
      if (previous?.id !== id) return;
      loaded = undefined;
      await removeFileDurably(previousFile);
    },
  };
}

/**
 * Linux's `basic_text` safeStorage backend "encrypts" with a hard-coded password: a kiosk on it has
 * no real key custody (quality target S7, Signal's Linux note). It runs only if a technician has
 * accepted that explicitly in the config.
 */
export function checkKeyCustody(backend: string, acceptedWeakKeyStore: boolean): void {
  if (backend === 'basic_text' && !acceptedWeakKeyStore) throw new KioskError('vault.weakKeyStore', { backend });
}
