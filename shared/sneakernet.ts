import { z } from 'zod';
import { canonicalJson, DossierPackage } from './dossier/portalPackage';

/**
 * Dossiers carried to the portal on a USB stick when the link is down for days (issue 8,
 * docs/portal-protocol.md "Sneakernet"). One file per dossier, sealed for the portal and signed by
 * the kiosk, plus a signed manifest; the portal imports them by UUID, exactly as if they had come
 * over the link, so the kiosk's later announce learns they arrived and nothing is sent twice.
 */
export const SNEAKERNET_FORMAT = 'dvc-kiosk-sneakernet/1';

/** `DVC-Kiosk/chuyen-tay/<kioskId>/` on the stick: "chuyển tay", carried by hand. */
export const sneakernetFolder = (kioskId: string): string[] => ['DVC-Kiosk', 'chuyen-tay', kioskId];
export const MANIFEST_FILE = 'manifest.json';
export const packageFileName = (uuid: string): string => `${uuid}.dvcpkg`;

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);
const base64 = z.string().regex(/^[A-Za-z0-9+/]*={0,2}$/);

/** What a package seals: the announcement the kiosk would send, and each attachment's bytes (base64, by attachment id). */
export const SealedContent = z.strictObject({ package: DossierPackage, files: z.record(z.string(), base64) });
export type SealedContent = z.infer<typeof SealedContent>;

/**
 * One dossier's file. `sealed` is ECIES to the portal's P-256 key (the one the kiosk learnt at
 * enrolment): an ephemeral P-256 key, ECDH, HKDF-SHA256 (salt: the UUID, info: SEAL_INFO), then
 * AES-256-GCM with `sealAad` as additional data and the tag after the ciphertext. `signature` is
 * the kiosk's device key's ECDSA P-256 SHA-256 (IEEE P1363) over `signedBytes` of the rest.
 */
export const PackageFile = z.strictObject({
  format: z.literal(SNEAKERNET_FORMAT),
  kioskId: z.string().min(1),
  uuid: z.uuid(),
  packageSha256: hex64,
  sealed: z.strictObject({ ephemeralPublicKey: z.strictObject({ kty: z.literal('EC'), crv: z.literal('P-256'), x: z.string(), y: z.string() }), iv: base64, ciphertext: base64 }),
  signature: base64,
});
export type PackageFile = z.infer<typeof PackageFile>;

/** What the stick holds from one kiosk, signed by it: no personal data, ids and hashes only. */
export const Manifest = z.strictObject({
  format: z.literal(SNEAKERNET_FORMAT),
  kioskId: z.string().min(1),
  writtenAt: z.iso.datetime(),
  dossiers: z.array(z.strictObject({ uuid: z.uuid(), packageSha256: hex64, file: z.string(), fileSha256: hex64 })),
  signature: base64,
});
export type Manifest = z.infer<typeof Manifest>;

export const SEAL_INFO = 'dvc-kiosk sneakernet v1';
/** Binds the ciphertext to its dossier and kiosk: moved to another file name or kiosk, it does not open. */
export const sealAad = ({ kioskId, uuid, packageSha256 }: Pick<PackageFile, 'kioskId' | 'uuid' | 'packageSha256'>): string => `${kioskId}|${uuid}|${packageSha256}`;

/** The bytes a signature covers: the file's canonical JSON without its signature. */
export const signedBytes = ({ signature: _signature, ...rest }: PackageFile | Manifest): string => canonicalJson(rest);
