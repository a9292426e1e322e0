import type { AppInfo } from '../contract';
import { createT, type Locale } from '../i18n/index';
import { FILLED_BY_KIOSK, type ReceiptData } from '../receipt';
import type { Dossier } from './dossier';
import { AT_COUNTER, vietnamToday, visibleSteps, type CompiledForm } from './formEngine';
import { declarationDocument, type Procedure } from './procedures';
import { resultDelivery } from './resultDelivery';

const vietnamese = createT('vi');
const DAY_MS = 86_400_000;
const isWeekend = (date: Date): boolean => date.getUTCDay() === 0 || date.getUTCDay() === 6;

/**
 * The date `workingDays` working days (Monday to Friday) after `isoDate` (yyyy-mm-dd, a Vietnam
 * date), 0 meaning the same day. A dossier received on a weekend counts from the next Monday, as
 * the office only takes it then. Public holidays (Tết, 30/4, 2/9…) are not known to the kiosk, so
 * the officer corrects the date when one falls in between.
 */
export function addWorkingDays(isoDate: string, workingDays: number): string {
  // Calendar arithmetic at UTC midnight, so the machine's time zone and DST never shift a day.
  let date = new Date(`${isoDate}T00:00:00Z`);
  const next = () => (date = new Date(date.getTime() + DAY_MS));
  while (isWeekend(date)) next();
  for (let left = workingDays; left > 0; ) {
    next();
    if (!isWeekend(date)) left--;
  }
  return date.toISOString().slice(0, 10);
}

/** The support point as the receipt heads it: the commune it serves (when enrolled) and the kiosk. */
export const receiptKiosk = ({ name, commune }: Pick<AppInfo, 'name' | 'commune'>): ReceiptData['kiosk'] => ({
  commune: commune?.name ?? vietnamese('printed.supportPoint'),
  name,
});

interface SavedDossier {
  dossier: Dossier;
  procedure: Procedure;
  form: CompiledForm;
}

/**
 * What the dossier holds: first the declaration the kiosk filled, when it is attached (without it
 * the officer has the citizen fill one in, so the receipt does not claim it); then each document
 * step still asked, with its scanned page count or AT_COUNTER. Papers only shown (the ID card) are
 * checked by the officer, so they are not listed. Names in `locale`: Vietnamese for the paper, the
 * citizen's language on screen.
 */
export function receiptDocuments({ dossier, procedure, form }: SavedDossier, locale: Locale = 'vi'): ReceiptData['documents'] {
  const declaration = declarationDocument(procedure);
  const attached = declaration && dossier.attachments.some((attachment) => attachment.documentType === declaration.id);
  const filled: ReceiptData['documents'] = attached ? [{ name: declaration.name[locale], pages: FILLED_BY_KIOSK }] : [];
  const scanned: ReceiptData['documents'] = visibleSteps(form, dossier.answers).flatMap((step) => {
    if (step.type !== 'document') return [];
    const answer = dossier.answers[step.id];
    const document = procedure.documents.find((candidate) => candidate.id === step.document);
    const pages = answer === AT_COUNTER ? AT_COUNTER : typeof answer === 'number' ? answer : null;
    return document && pages !== null ? [{ name: document.name[locale], pages }] : [];
  });
  return [...filled, ...scanned];
}

/** The procedure's working days from the day the dossier was saved, in Vietnam. */
export const expectedResultDate = ({ dossier, procedure }: Pick<SavedDossier, 'dossier' | 'procedure'>): string =>
  addWorkingDays(vietnamToday(new Date(dossier.createdAt)), procedure.processingTime.workingDays);

/** The receipt of a saved dossier, in `locale` (Vietnamese for the printer): stage 2 once the portal has given its code. */
export function receiptData(saved: SavedDossier & { kiosk: ReceiptData['kiosk']; locale?: Locale }): ReceiptData {
  const { dossier, procedure, kiosk, locale = 'vi' } = saved;
  return {
    dossierId: dossier.id,
    procedure: { code: procedure.code, name: procedure.name[locale] },
    documents: receiptDocuments(saved, locale),
    feeVnd: dossier.feeVnd,
    expectedResultDate: expectedResultDate(saved),
    delivery: resultDelivery(procedure, dossier.answers),
    kiosk,
    receivedAt: dossier.createdAt,
    portal: dossier.portal,
  };
}
