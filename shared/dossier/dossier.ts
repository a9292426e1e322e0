import { z } from 'zod';
import { KioskError } from '../errors';

/** Dossier states; the full machine (sending, accepted, needsHelp, rejected…) comes with the sync engine. */
export const DossierStatus = z.enum(['queued']);
export type DossierStatus = z.infer<typeof DossierStatus>;

export const Dossier = z.object({
  /** Created in the same transaction as the dossier; its idempotency key towards the portal forever. */
  id: z.uuid(),
  procedureCode: z.string(),
  catalogueVersion: z.string(),
  status: DossierStatus,
  createdAt: z.iso.datetime(),
  answers: z.object({ phone: z.string() }),
});
export type Dossier = z.infer<typeof Dossier>;

/** Vietnamese mobile and landline numbers as citizens type them: 10 digits starting with 0. */
export function normalisePhone(raw: string): string {
  const digits = raw.replace(/[\s.-]/g, '');
  if (digits === '') throw new KioskError('form.required');
  if (!/^0\d{9}$/.test(digits)) throw new KioskError('form.phoneInvalid');
  return digits;
}

/** The short reference a citizen can read out: the first 8 characters of the UUID, upper case. */
export const shortReference = (id: string): string => id.slice(0, 8).toUpperCase();
