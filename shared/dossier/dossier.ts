import { z } from 'zod';
import { KioskErrorShape } from '../errors';
import { AnswerValue } from './formEngine';

/**
 * draft → ready → queued → sending → accepted | needsHelp | rejected.
 * - draft: the citizen is answering and scanning; ready: they checked the answers and consented
 *   (renderer/queue/drafts.ts). Neither is synced, and a session that ends discards it.
 * - needsHelp: the portal refused it for a reason a person must look at (a repair re-queues it).
 * - rejected: the portal reported TrangThaiHoSo 3, "Không được tiếp nhận"; final.
 * - cancelled: a helper cancelled it before the portal had it, with a reason; its personal data is
 *   destroyed (renderer/queue/care.ts); final.
 * The portal's other statuses (TrangThaiHoSo) are kept beside, in `portalStatus`.
 */
export const DossierStatus = z.enum(['draft', 'ready', 'queued', 'sending', 'accepted', 'needsHelp', 'rejected', 'cancelled']);
export type DossierStatus = z.infer<typeof DossierStatus>;

/**
 * Submitted by the citizen and not yet at the portal: what the province's dashboard and the reports
 * count as unsent (one waiting for a helper too: the one the province most needs to hear about),
 * what the host keeps a sealed copy of, and what a helper may still cancel.
 */
export const UNSENT_STATUSES = ['queued', 'sending', 'needsHelp'] as const satisfies readonly DossierStatus[];
export const isUnsent = (status: DossierStatus): boolean => (UNSENT_STATUSES as readonly DossierStatus[]).includes(status);

/** Why a helper cancelled a dossier: a choice, never free text, so the record holds no personal data. */
export const CancelReason = z.enum(['citizenWithdrew', 'duplicate', 'wrongProcedure', 'cannotRepair']);
export type CancelReason = z.infer<typeof CancelReason>;

/** The sync engine's progress for this dossier (shared/sync.ts). */
export const SyncState = z.object({
  announced: z.boolean(),
  uploaded: z.array(z.string()),
  attempts: z.number().int().nonnegative(),
  lastError: KioskErrorShape.shape.code.nullable(),
  lastAttemptAt: z.iso.datetime().nullable(),
  /** When a helper last copied it to a USB stick for the portal (sneakernet); it stays queued. */
  carriedAt: z.iso.datetime().optional(),
});
export type SyncState = z.infer<typeof SyncState>;
export const newSyncState = (): SyncState => ({ announced: false, uploaded: [], attempts: 0, lastError: null, lastAttemptAt: null });

/**
 * A scanned or attached document as the dossier lists it: what it is and its fingerprint, never its
 * content (the bytes are sealed apart, renderer/queue/). The sha-256 is of the plain bytes the
 * portal receives; it checks every upload end to end.
 */
export const Attachment = z.object({
  id: z.uuid(),
  /** The procedure's document code (`documents[].code` in assets/procedures). */
  documentType: z.string().min(1).max(100),
  /** Scans are JPEG (pdf-lib embeds them as they are); a generated form is PDF. */
  mediaType: z.enum(['image/jpeg', 'application/pdf']),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  size: z.number().int().positive(),
});
export type Attachment = z.infer<typeof Attachment>;

export const Dossier = z.object({
  /** Created in the same transaction as the dossier; its idempotency key towards the portal forever. */
  id: z.uuid(),
  procedureCode: z.string(),
  /** The catalogue the citizen answered, kept for the life of the dossier. */
  catalogueVersion: z.string(),
  status: DossierStatus,
  /** How many times a helper repaired it after the portal refused it (shared/dossier/portalPackage.ts). */
  revision: z.number().int().positive().optional(),
  createdAt: z.iso.datetime(),
  /** On a draft that repairs a dossier (renderer/queue/repair.ts): that dossier's id. */
  repairOf: z.uuid().optional(),
  /** The answers to the steps that were shown, keyed by step id. */
  answers: z.record(z.string(), AnswerValue),
  attachments: z.array(Attachment),
  /** In đồng; null when the province sets the fee and the officer tells it. */
  feeVnd: z.number().int().nonnegative().nullable(),
  sync: SyncState,
  /** The portal's receipt: its dossier code (MaHoSo) and when it took the dossier. */
  portal: z.object({ maHoSo: z.string(), receivedAt: z.string() }).nullable(),
  /** The latest TrangThaiHoSo the portal reported (1 mới đăng ký … 10 đã trả kết quả), and when. */
  portalStatus: z.object({ code: z.number().int().min(1).max(10), at: z.string() }).nullable(),
});
export type Dossier = z.infer<typeof Dossier>;

/** The short reference a citizen can read out: the first 8 characters of the UUID, upper case. */
export const shortReference = (id: string): string => id.slice(0, 8).toUpperCase();
