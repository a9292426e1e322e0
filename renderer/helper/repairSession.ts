import { REVIEW, type Answers } from '../../shared/dossier/formEngine';
import type { Dossier } from '../../shared/dossier/dossier';
import { KioskError } from '../../shared/errors';
import { journeyForm } from '../../shared/dossier/resultDelivery';
import { procedureOf } from '../catalogue';
import { dropDraft } from '../citizen/session';
import { discardDraft } from '../queue/drafts';
import { startRepair } from '../queue/repair';
import { useStore } from '../store';
import { recordHelperAction, startAssisting } from './helperSession';

/**
 * A helper repairs a dossier on the citizen's own screens (check answers, a question, a document's
 * scan), with the citizen beside them: the same checks as a new dossier. The screens edit a copy
 * (renderer/queue/repair.ts); the submit puts it in the dossier's place (citizen/session.ts), after
 * which the helper is back at the dossier in the queue. Each screen passed is audited, as when
 * assisting.
 */
export async function openRepair(dossierId: string): Promise<void> {
  const { draftId, dossier, lostDocuments } = await startRepair(dossierId);
  const procedure = await procedureOf(dossier).catch(() => undefined);
  if (!procedure) {
    await discardDraft(draftId);
    throw new KioskError('catalogue.unknownVersion', { version: dossier.catalogueVersion });
  }
  const form = journeyForm(procedure);
  const inForm = (id: string) => form.steps.some((step) => step.id === id);
  // A document that lost a page has no pages in the copy: its question is asked again, first.
  const lostSteps = form.steps.flatMap((step) => (step.type === 'document' && lostDocuments.includes(step.document) ? [step.id] : []));
  const answers: Answers = Object.fromEntries(Object.entries(dossier.answers).filter(([id]) => inForm(id) && !lostSteps.includes(id)));
  const kept: Answers = Object.fromEntries(Object.entries(dossier.answers).filter(([id]) => !inForm(id)));
  const current = lostSteps[0] ?? REVIEW;
  useStore.setState({
    procedure,
    catalogueVersion: dossier.catalogueVersion,
    form,
    progress: { answers, current, reviewing: current !== REVIEW, prefilled: [] },
    draftId,
    pages: {},
    saved: null,
    consentedAt: null,
    feePayment: null,
    repair: { dossierId, kept },
    route: current === REVIEW ? 'review' : 'step',
  });
  startAssisting();
}

/** Back to the dossier in the helper's queue, the screens cleared of it. */
function backToDossier(dossierId: string): void {
  // Assisting ends first: clearing the screens is not a screen the helper passed.
  useStore.setState({ desk: 'queue', caring: dossierId, assisting: false });
  dropDraft();
  useStore.getState().reset();
}

/** The repair went into the queue (citizen/session.ts submitJourney): the helper sees the dossier on its way. */
export function finishRepair(dossier: Dossier): void {
  backToDossier(dossier.id);
  void recordHelperAction('dossier.repaired', { dossier: dossier.id });
}

/** The helper gave up the repair: its copy goes, the dossier stays as it was. */
export function abandonRepair(): void {
  const { repair } = useStore.getState();
  if (repair) backToDossier(repair.dossierId);
}
