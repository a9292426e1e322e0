import { z } from 'zod';
import { PaperWidth } from './config';

/**
 * A signed provisioning file or QR (issue 8): what the province's operator decides for one kiosk,
 * signed with the province's key, which the kiosk verifies offline against the keys its build
 * pins (assets/trust/province-keys.json). It holds no secret, so a lost printout harms nobody: the
 * one-time enrolment code is handed over separately and typed in the wizard. Its text form, one
 * line for a QR or a `.dvcsetup` file: `DVCSETUP1.<key id>.<settings, base64url JSON>.<ECDSA
 * P-256 SHA-256 signature of what precedes it, base64url>`.
 */
export const PROVISIONING_FORMAT = 'DVCSETUP1';
/** Where a technician's USB stick carries provisioning files. */
export const PROVISIONING_FOLDER = 'cai-dat';
export const PROVISIONING_EXTENSION = '.dvcsetup';

export const ProvisioningSettings = z.strictObject({
  portalUrl: z.url({ protocol: /^https?$/ }),
  /**
   * The portal's signing key (its RFC 7638 JWK thumbprint): the kiosk keeps an enrolment only with
   * that portal, so a look-alike address on the day cannot take the kiosk over.
   */
  portalKeyThumbprint: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  communeCode: z.string().regex(/^\d{5}$/),
  name: z.string().trim().min(1).max(60).optional(),
  procedures: z.array(z.string().min(1)).min(1).optional(),
  paper: PaperWidth.optional(),
  issuedAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});
export type ProvisioningSettings = z.infer<typeof ProvisioningSettings>;

/** A provisioning the kiosk verified: its settings, the key that signed it, and its text (the wizard hands it back on save). */
export const VerifiedProvisioning = z.object({ settings: ProvisioningSettings, keyId: z.string(), text: z.string().max(4096) });
export type VerifiedProvisioning = z.infer<typeof VerifiedProvisioning>;
