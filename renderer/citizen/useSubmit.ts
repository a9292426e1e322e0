import { useEffect, useState } from 'react';
import { CONSENT_ANSWER, consentRecord } from '../../shared/dossier/consent';
import { dossierAnswers } from '../../shared/dossier/formEngine';
import { FEE_PAYMENT_ANSWER, quoteFee, type FeePayment } from '../../shared/dossier/payment';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { finishRepair } from '../helper/repairSession';
import { useStore } from '../store';
import { useT } from '../ui/useT';
import { onDigitiseProgress } from './documents';
import { submitJourney } from './session';

/**
 * The one submit of a session, from whichever screen ends it (check answers, or the fee): the
 * answers with the consent and the payment choice, then the queue. The label says what it waits
 * for: the documents being read, then the save.
 */
export function useSubmit() {
  const t = useT();
  const [error, setError] = useState<ErrorCode | null>(null);
  const [saving, setSaving] = useState(false);
  const repairing = useStore((state) => state.repair !== null);
  /** How far the scanned documents have been read, while the submit waits for them. */
  const [reading, setReading] = useState<number | null>(null);
  useEffect(() => (saving ? onDigitiseProgress(setReading) : undefined), [saving]);

  /** `feePayment`: how the fee is paid, from the fee screen; none when there is nothing to pay. */
  const submit = async (feePayment?: FeePayment) => {
    const { procedure, catalogueVersion, form, progress, consentedAt, repair, showSaved } = useStore.getState();
    // A repair keeps the consent and the payment the citizen gave with the dossier.
    const given = repair?.kept ?? (consentedAt ? { [CONSENT_ANSWER]: consentRecord(consentedAt) } : null);
    if (!procedure || !catalogueVersion || !form || !progress || !given) return;
    const answers = {
      ...dossierAnswers(form, progress.answers),
      ...given,
      ...(feePayment ? { [FEE_PAYMENT_ANSWER]: feePayment } : {}),
    };
    setSaving(true);
    try {
      const dossier = await submitJourney({ procedure, catalogueVersion, form, progress }, answers, quoteFee(procedure, answers).amountVnd);
      if (repair) finishRepair(dossier);
      else showSaved(dossier);
    } catch (failure) {
      setError(toKioskError(failure).code);
      setSaving(false);
    }
  };

  const label = !saving ? t(repairing ? 'repair.submit' : 'submit.button') : reading !== null && reading < 1 ? t('submit.reading', { percent: Math.round(reading * 100) }) : t('submit.saving');
  return { submit, saving, error, label };
}
