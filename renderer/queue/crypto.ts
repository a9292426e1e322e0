/**
 * Envelope encryption of a dossier's personal data (quality target D1): each dossier has its own
 * AES-256-GCM key, wrapped (AES-KW, RFC 3394) by the device key the host vault keeps. The row's
 * UUID is the additional authenticated data, so a ciphertext moved to another row does not open.
 * Destroying the wrapped key destroys the dossier (crypto-shredding). WebCrypto only.
 */
export interface SealedBytes {
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}
/** A dossier's answers, sealed, with the dossier key wrapped by the device key `keyId` names. */
export interface Sealed extends SealedBytes {
  wrappedKey: Uint8Array<ArrayBuffer>;
  /** Absent on rows sealed before key rotation existed. */
  keyId?: string;
}
/** A device key-encryption key as the renderer holds it: imported, non-extractable, and its id. */
export interface DeviceKey {
  id: string;
  key: CryptoKey;
}
/** One attachment's bytes, sealed with its dossier's key. */
export interface SealedAttachment extends SealedBytes {
  id: string;
}

const DOSSIER_KEY = { name: 'AES-GCM', length: 256 } as const;
const encoder = new TextEncoder();

/** Base64 (the vault's keys), by Chromium's native Uint8Array.fromBase64 where there is one (not in Node 20's unit tests). */
const nativeFromBase64 = (Uint8Array as { fromBase64?: (text: string) => Uint8Array<ArrayBuffer> }).fromBase64;
export const fromBase64 = (text: string): Uint8Array<ArrayBuffer> =>
  nativeFromBase64 ? nativeFromBase64(text) : Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

const hex = (bytes: ArrayBuffer) => Array.from(new Uint8Array(bytes), (byte) => byte.toString(16).padStart(2, '0')).join('');
export const sha256Hex = async (bytes: Uint8Array<ArrayBuffer>): Promise<string> => hex(await crypto.subtle.digest('SHA-256', bytes));

/** Imported once, non-extractable: page script can use the device key but never read it back. */
export function importDeviceKey(base64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', fromBase64(base64), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
}

async function encrypt(key: CryptoKey, plain: Uint8Array<ArrayBuffer>, additionalData: string): Promise<SealedBytes> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(additionalData) }, key, plain);
  return { iv, ciphertext: new Uint8Array(ciphertext) };
}

async function decrypt(key: CryptoKey, { iv, ciphertext }: SealedBytes, additionalData: string): Promise<Uint8Array<ArrayBuffer>> {
  return new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(additionalData) }, key, ciphertext));
}

const unwrap = (wrappedKey: Uint8Array<ArrayBuffer>, deviceKey: CryptoKey) =>
  crypto.subtle.unwrapKey('raw', wrappedKey, deviceKey, 'AES-KW', DOSSIER_KEY, false, ['decrypt']);

/** An attachment is bound to its dossier and its own id, so pages cannot be swapped between them. */
const attachmentAad = (rowId: string, attachmentId: string) => `${rowId}/${attachmentId}`;

/** Seals a dossier's answers and attachments under one new dossier key, wrapped by the device key. */
export async function seal(
  answers: unknown,
  rowId: string,
  deviceKey: DeviceKey,
  files: readonly { id: string; bytes: Uint8Array<ArrayBuffer> }[] = [],
): Promise<{ sealed: Sealed; attachments: SealedAttachment[] }> {
  const dossierKey = await crypto.subtle.generateKey(DOSSIER_KEY, true, ['encrypt', 'decrypt']);
  const sealedAnswers = await sealAnswers(dossierKey, answers, rowId);
  const attachments = await Promise.all(files.map((file) => sealAttachment(dossierKey, file, rowId)));
  const wrappedKey = new Uint8Array(await crypto.subtle.wrapKey('raw', dossierKey, deviceKey.key, 'AES-KW'));
  return { sealed: { ...sealedAnswers, wrappedKey, keyId: deviceKey.id }, attachments };
}

/** A draft's own dossier key, unwrapped (non-extractable) to seal what the citizen adds to it. */
export const openDossierKey = (wrappedKey: Uint8Array<ArrayBuffer>, deviceKey: CryptoKey): Promise<CryptoKey> =>
  crypto.subtle.unwrapKey('raw', wrappedKey, deviceKey, 'AES-KW', DOSSIER_KEY, false, ['encrypt', 'decrypt']);

export const sealAnswers = (dossierKey: CryptoKey, answers: unknown, rowId: string): Promise<SealedBytes> =>
  encrypt(dossierKey, encoder.encode(JSON.stringify(answers)), rowId);

export const sealAttachment = async (dossierKey: CryptoKey, { id, bytes }: { id: string; bytes: Uint8Array<ArrayBuffer> }, rowId: string): Promise<SealedAttachment> => ({
  id,
  ...(await encrypt(dossierKey, bytes, attachmentAad(rowId, id))),
});

/**
 * The same dossier key wrapped by another device key (key rotation). The dossier key exists
 * unwrapped only inside this call; what it encrypted is not touched.
 */
export async function rewrapKey(wrappedKey: Uint8Array<ArrayBuffer>, from: CryptoKey, to: CryptoKey): Promise<Uint8Array<ArrayBuffer>> {
  const dossierKey = await crypto.subtle.unwrapKey('raw', wrappedKey, from, 'AES-KW', DOSSIER_KEY, true, ['encrypt', 'decrypt']);
  return new Uint8Array(await crypto.subtle.wrapKey('raw', dossierKey, to, 'AES-KW'));
}

/** Rejects (OperationError) when the key, the row or a single byte is not the one sealed. */
export async function unseal<T>(sealed: Sealed, rowId: string, deviceKey: CryptoKey): Promise<T> {
  const plain = await decrypt(await unwrap(sealed.wrappedKey, deviceKey), sealed, rowId);
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}

/** Attachments' plain bytes, in order; rejects like `unseal`, and for a page of another dossier or slot. */
export async function unsealAttachments(wrappedKey: Uint8Array<ArrayBuffer>, attachments: readonly SealedAttachment[], rowId: string, deviceKey: CryptoKey): Promise<Uint8Array<ArrayBuffer>[]> {
  const dossierKey = await unwrap(wrappedKey, deviceKey);
  return Promise.all(attachments.map((attachment) => decrypt(dossierKey, attachment, attachmentAad(rowId, attachment.id))));
}
