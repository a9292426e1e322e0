import { visibleSteps, type CompiledForm, type FormProgress } from '../../shared/dossier/formEngine';
import type { Dossier } from '../../shared/dossier/dossier';
import type { Procedure } from '../../shared/dossier/procedures';
import { discardDraft, markReady, saveDraftAnswers, submitDraft } from '../queue/drafts';
import { commitRepair } from '../queue/repair';
import { syncNow } from '../queue/syncLoop';
import { signOutHelper } from '../helper/helperSession';
import { useStore } from '../store';
import { attachDeclaration } from './declaration';
import { finishDocuments, forgetDocuments, sessionDraft } from './documents';

/**
 * The citizen's session with the queue: the submit, and its end. Returns the dossier only once the
 * queue has committed and read it back (dossiers.ts confirmSaved), so the screen may say "Đã lưu".
 * A declaration the host cannot fill does not stop the submit: the receipt then does not list it,
 * and the officer has the citizen fill one in at the counter.
 */
export async function submitJourney(
  { procedure, catalogueVersion, form, progress }: { procedure: Procedure; catalogueVersion: string; form: CompiledForm; progress: FormProgress },
  answers: Dossier['answers'],
  feeVnd: Dossier['feeVnd'],
): Promise<Dossier> {
  const draftId = await sessionDraft();
  await finishDocuments(draftId, documentsByScan(form, progress));
  await saveDraftAnswers(draftId, answers);
  await attachDeclaration(draftId, procedure, catalogueVersion, answers).catch((failure: unknown) => console.warn('declaration not attached', failure));
  await markReady(draftId, feeVnd);
  // A repair's copy takes the repaired dossier's place, under its UUID (renderer/queue/repair.ts).
  const dossier = useStore.getState().repair ? await commitRepair(draftId) : await submitDraft(draftId);
  syncNow();
  return dossier;
}

/** Each document the form asks for, and whether it is handed in by scan: pages for an answer, to a question still asked. */
function documentsByScan(form: CompiledForm, progress: FormProgress): Map<string, boolean> {
  const visible = new Set(visibleSteps(form, progress.answers));
  return new Map(
    form.steps.flatMap((step) => (step.type === 'document' ? [[step.document, visible.has(step) && typeof progress.answers[step.id] === 'number'] as const] : [])),
  );
}

/**
 * Forgets the scanned documents: an unsent draft is crypto-shredded (a submitted one is the
 * queue's and stays) and the host stops reading them. For a new procedure, or the session's end.
 */
export function dropDraft(): void {
  const { draftId } = useStore.getState();
  forgetDocuments();
  if (draftId) void discardDraft(draftId);
  useStore.setState({ draftId: null, pages: {} });
}

/** Ends the session, whatever its state: the draft goes, a helper is signed out, and the screen forgets the citizen. */
export function endSession(): void {
  dropDraft();
  signOutHelper();
  useStore.getState().reset();
  useStore.getState().resetDisplay();
}
