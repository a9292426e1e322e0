import { ruleAmount } from '../../shared/dossier/payment';
import type { Procedure, RequiredDocument } from '../../shared/dossier/procedures';
import type { Locale, Translate } from '../../shared/i18n/index';
import { formatVnd } from '../ui/format';

/** What the procedure costs, in words, before any answer: the base rate for one page and one copy. */
export function feeText(procedure: Procedure, t: Translate, locale: Locale): string {
  const base = ruleAmount(procedure.fee, 1, 1);
  if (base === null) return t('fee.setByProvince');
  if (base === 0) return procedure.fee.kind === 'freeIfOnTime' ? t('fee.freeIfOnTime') : t('fee.free');
  const grows = procedure.fee.kind === 'perPage' || (procedure.fee.kind === 'fixed' && procedure.fee.per === 'copy');
  return t(grows ? 'fee.from' : 'fee.amount', { amount: formatVnd(base, locale) });
}

/** How long the commune takes, in working days. */
export function timeText({ processingTime }: Procedure, t: Translate): string {
  const days = processingTime.workingDays === 0 ? t('about.sameDay') : t('about.workingDays', { count: processingTime.workingDays });
  const max = processingTime.maxWorkingDaysIfVerification;
  return max ? `${days} ${t('about.ifVerification', { count: max })}` : days;
}

/** How a document is handed in: the kiosk fills the declaration and scans papers; the officer sees the card and takes the rest. */
export function handingKey(document: RequiredDocument) {
  if (document.form === 'declaration') return 'about.filledByKiosk';
  if (document.scannable) return 'about.scanned';
  return document.form === 'present' ? 'about.shown' : 'about.atCounter';
}
