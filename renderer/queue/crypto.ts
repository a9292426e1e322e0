/**
 * Envelope encryption of a dossier's personal data (quality target D1): each dossier has its own
 * AES-256-GCM key, wrapped (AES-KW, RFC 3394) by the device key the host vault keeps. The row's
 * UUID is the additional authenticated data, so a ciphertext moved to another row does not open.
 * Destroying the wrapped key destroys the dossier (crypto-shredding). WebCrypto only.
 */
export interface Sealed {
  wrappedKey: Uint8Array<ArrayBuffer>;
  iv: Uint8Array<ArrayBuffer>;
  ciphertext: Uint8Array<ArrayBuffer>;
}

const DOSSIER_KEY = { name: 'AES-GCM', length: 256 } as const;
const encoder = new TextEncoder();

/** Base64 in slices: ciphertexts of scanned pages are too long to spread into one call. */
export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < bytes.length; i += 0x8000) text += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(text);
}
export const fromBase64 = (text: string) => Uint8Array.from(atob(text), (char) => char.charCodeAt(0));

/** Imported once, non-extractable: page script can use the device key but never read it back. */
export function importDeviceKey(base64: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', fromBase64(base64), 'AES-KW', false, ['wrapKey', 'unwrapKey']);
}

export async function seal(value: unknown, rowId: string, deviceKey: CryptoKey): Promise<Sealed> {
  const dossierKey = await crypto.subtle.generateKey(DOSSIER_KEY, true, ['encrypt', 'decrypt']);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ciphertext = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: encoder.encode(rowId) }, dossierKey, encoder.encode(JSON.stringify(value)));
  const wrappedKey = await crypto.subtle.wrapKey('raw', dossierKey, deviceKey, 'AES-KW');
  return { wrappedKey: new Uint8Array(wrappedKey), iv, ciphertext: new Uint8Array(ciphertext) };
}

/** Rejects (OperationError) when the key, the row or a single byte is not the one sealed. */
export async function unseal<T>(sealed: Sealed, rowId: string, deviceKey: CryptoKey): Promise<T> {
  const dossierKey = await crypto.subtle.unwrapKey('raw', sealed.wrappedKey, deviceKey, 'AES-KW', DOSSIER_KEY, false, ['decrypt']);
  const plain = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: sealed.iv, additionalData: encoder.encode(rowId) }, dossierKey, sealed.ciphertext);
  return JSON.parse(new TextDecoder().decode(plain)) as T;
}
