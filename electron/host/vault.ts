import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KioskError } from '../../shared/errors';
import { writeFileAtomic } from './atomicFile';

/**
 * The device key-encryption key (KEK): 32 random bytes made once per kiosk. The renderer imports it
 * as a non-extractable AES-KW key and wraps each dossier's own AES-256-GCM key with it
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

export interface Vault {
  dataKey(): Promise<Buffer>;
}

export function createVault({ dataDir, protect }: { dataDir: string; protect: KeyProtection }): Vault {
  const file = path.join(dataDir, 'vault.key');
  let key: Promise<Buffer> | undefined;
  const load = async () => {
    const stored = await readFile(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return null;
      throw error;
    });
    if (stored) {
      const kek = protect.decrypt(stored);
      if (kek.length !== KEK_BYTES) throw new KioskError('config.invalid', { file });
      return kek;
    }
    const kek = randomBytes(KEK_BYTES);
    await writeFileAtomic(file, protect.encrypt(kek));
    return kek;
  };
  return {
    dataKey() {
      key ??= load().catch((error: unknown) => {
        key = undefined;
        throw error;
      });
      return key;
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
