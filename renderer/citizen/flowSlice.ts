import type { StateCreator } from 'zustand';
import type { Dossier } from '../../shared/dossier/dossier';
import { REVIEW, startForm, vietnamToday, type Answers, type CompiledForm, type FormProgress, type Identity } from '../../shared/dossier/formEngine';
import type { FeePayment } from '../../shared/dossier/payment';
import type { Procedure } from '../../shared/dossier/procedures';
import { journeyForm } from '../../shared/dossier/resultDelivery';
import type { DraftPage } from './documents';

/** The citizen's way: attract → language → procedures → about → consent → identify → step… → review → fee → saved → rate. */
export type Route = 'attract' | 'language' | 'procedures' | 'about' | 'consent' | 'identify' | 'step' | 'review' | 'fee' | 'saved' | 'rate' | 'check';

/** A helper repairing a dossier on the citizen's screens (renderer/helper/repairSession.ts). */
export interface Repair {
  dossierId: string;
  /** What the citizen gave besides the form's answers (their consent, how they paid): kept as it was. */
  kept: Answers;
}

/** Where the citizen is, and their answers so far. Screen state only: dossiers live in the queue. */
export interface FlowSlice {
  route: Route;
  procedure: Procedure | null;
  /** The catalogue version the procedure came from: the dossier keeps it, and its declaration is filled from it. */
  catalogueVersion: string | null;
  form: CompiledForm | null;
  progress: FormProgress | null;
  saved: Dossier | null;
  /** When the citizen agreed to the personal-data notice; nothing of theirs is read before. */
  consentedAt: string | null;
  feePayment: FeePayment | null;
  /** The session's draft in the queue, made at first need (documents.ts sessionDraft). */
  draftId: string | null;
  /** Each document's scanned pages, by the catalogue's document id, in the citizen's order. */
  pages: Readonly<Record<string, readonly DraftPage[]>>;
  /** Set while the screens edit a repair of a queued dossier rather than a new one. */
  repair: Repair | null;
  go(route: Route): void;
  pickProcedure(procedure: Procedure, catalogueVersion: string): void;
  /** The citizen agreed to the personal-data notice: the card may be read now. */
  consent(): void;
  /** Starts the form, with the applicant's answers from their ID card when they scanned it. */
  identify(identity: Identity): void;
  setProgress(progress: FormProgress): void;
  setDraft(draftId: string): void;
  setFeePayment(payment: FeePayment): void;
  setPages(document: string, pages: readonly DraftPage[]): void;
  /** Called after the queue committed the dossier, never before. */
  showSaved(dossier: Dossier): void;
  /** Back to the attract screen with nothing of the last citizen left on screen. */
  reset(): void;
}

const empty = { route: 'attract', procedure: null, catalogueVersion: null, form: null, progress: null, saved: null, consentedAt: null, feePayment: null, draftId: null, pages: {}, repair: null } as const;
const routeFor = (progress: FormProgress): Route => (progress.current === REVIEW ? 'review' : 'step');

export const createFlowSlice: StateCreator<FlowSlice> = (set, get) => ({
  ...empty,
  go: (route) => set({ route }),
  pickProcedure: (procedure, catalogueVersion) => set({ procedure, catalogueVersion, form: journeyForm(procedure), progress: null, route: 'about' }),
  consent: () => set({ consentedAt: new Date().toISOString(), route: 'identify' }),
  identify: (identity) => {
    const { form } = get();
    if (!form) return;
    const progress = startForm(form, identity, { today: vietnamToday() });
    set({ progress, route: routeFor(progress) });
  },
  setProgress: (progress) => set({ progress, route: routeFor(progress) }),
  setDraft: (draftId) => set({ draftId }),
  setFeePayment: (feePayment) => set({ feePayment }),
  setPages: (document, pages) => set({ pages: { ...get().pages, [document]: pages } }),
  showSaved: (saved) => set({ saved, progress: null, route: 'saved' }),
  reset: () => set(empty),
});
