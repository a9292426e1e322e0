import { visibleSteps, type CompiledForm, type FormProgress } from '../../shared/dossier/formEngine';
import type { Dossier } from '../../shared/dossier/dossier';
import type { Procedure } from '../../shared/dossier/procedures';
import { discardDraft, markReady, saveDraftAnswers, submitDraft } from '../queue/drafts';
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
  await finishDocuments(draftId, scannedDocuments(form, progress));
  await saveDraftAnswers(draftId, answers);
  await attachDeclaration(draftId, procedure, catalogueVersion, answers).catch((failure: unknown) => console.warn('declaration not attached', failure));
  await markReady(draftId, feeVnd);
  const dossier = await submitDraft(draftId);
  syncNow();
  return dossier;
}

/** The documents whose answer is scanned pages (not the counter), among the questions still asked. */
function scannedDocuments(form: CompiledForm, progress: FormProgress): Set<string> {
  return new Set(
    visibleSteps(form, progress.answers).flatMap((step) => (step.type === 'document' && typeof progress.answers[step.id] === 'number' ? [step.document] : [])),
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
