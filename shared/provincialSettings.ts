import { z } from 'zod';
import { KioskConfig } from './config';

/**
 * Settings a province sets on its kiosks from afar (issue 8, "config updates"): its policies, signed
 * with its key like the catalogue (electron/host/provincial.ts) and verified offline. Never a
 * kiosk's identity, portal, people or devices: those are the technician's, on the kiosk.
 */
export const PROVINCIAL_SETTINGS_FORMAT = 'DVCCONF1';

const config = KioskConfig.shape;
/** Each one as the config takes it, without the config's default: what a document leaves out stays as it is. */
export const ProvincialPolicy = z.strictObject({
  retentionDays: config.retentionDays.unwrap().optional(),
  idleSeconds: config.idleSeconds.unwrap().optional(),
  idleWarningSeconds: config.idleWarningSeconds.unwrap().optional(),
  minFreeStorageBytes: config.minFreeStorageBytes.unwrap().optional(),
  procedures: config.procedures.unwrap().optional(),
  payee: config.payee.unwrap().optional(),
});
export type ProvincialPolicy = z.infer<typeof ProvincialPolicy>;

export const ProvincialSettings = z.strictObject({
  /** A kiosk takes an issue only when it is newer than the last one it took: an old one sent again changes nothing. */
  issuedAt: z.iso.datetime(),
  /** The communes (2025 codes) it is for; absent, every kiosk of the province. A commune's payee is for that commune only. */
  communeCodes: z.array(z.string().regex(/^\d{5}$/)).min(1).optional(),
  policy: ProvincialPolicy,
});
export type ProvincialSettings = z.infer<typeof ProvincialSettings>;
