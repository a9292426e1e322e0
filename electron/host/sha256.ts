import { createHash } from 'node:crypto';

/** SHA-256 as lower-case hex: the protocol's hashes of packages, pages and log lines. */
export const sha256Hex = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');
