import { visibleSteps, type CompiledForm, type FormProgress } from '../../shared/dossier/formEngine';
import type { Dossier } from '../../shared/dossier/dossier';
import { catalogue } from '../catalogue';
import { saveDossier } from '../queue/dossiers';
import { discardDraft, markReady, saveDraftAnswers, submitDraft } from '../queue/drafts';
import { syncNow } from '../queue/syncLoop';
import { useStore } from '../store';
import { finishDocuments, forgetDocuments } from './documents';

/**
 * The citizen's session with the queue: the submit, and its end. Returns the dossier only once the
 * queue has committed and read it back (dossiers.ts confirmSaved), so the screen may say "Đã lưu".
 */
export async function submitJourney(
  procedureCode: string,
  { form, progress }: { form: CompiledForm; progress: FormProgress },
  answers: Dossier['answers'],
  feeVnd: Dossier['feeVnd'],
): Promise<Dossier> {
  const { draftId } = useStore.getState();
  const dossier = draftId
    ? await submitWithPages(draftId, scannedDocuments(form, progress), answers, feeVnd)
    : await saveDossier({ procedureCode, catalogueVersion: catalogue.version, answers, feeVnd });
  syncNow();
  return dossier;
}

async function submitWithPages(draftId: string, scanned: ReadonlySet<string>, answers: Dossier['answers'], feeVnd: Dossier['feeVnd']): Promise<Dossier> {
  await finishDocuments(draftId, scanned);
  await saveDraftAnswers(draftId, answers);
  await markReady(draftId, feeVnd);
  return submitDraft(draftId);
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

/** Ends the session, whatever its state: the draft goes and the screen forgets the citizen. */
export function endSession(): void {
  dropDraft();
  useStore.getState().reset();
}
