import { z } from 'zod';
import { AnswerValue } from './formEngine';

/** Dossier states; the full machine (sending, accepted, needsHelp, rejected…) comes with the sync engine. */
export const DossierStatus = z.enum(['queued']);
export type DossierStatus = z.infer<typeof DossierStatus>;

export const Dossier = z.object({
  /** Created in the same transaction as the dossier; its idempotency key towards the portal forever. */
  id: z.uuid(),
  procedureCode: z.string(),
  /** The catalogue the citizen answered, kept for the life of the dossier. */
  catalogueVersion: z.string(),
  status: DossierStatus,
  createdAt: z.iso.datetime(),
  /** The answers to the steps that were shown, keyed by step id. */
  answers: z.record(z.string(), AnswerValue),
  /** In đồng; null when the province sets the fee and the officer tells it. */
  feeVnd: z.number().int().nonnegative().nullable(),
});
export type Dossier = z.infer<typeof Dossier>;

/** The short reference a citizen can read out: the first 8 characters of the UUID, upper case. */
export const shortReference = (id: string): string => id.slice(0, 8).toUpperCase();
