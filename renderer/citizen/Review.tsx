import { useEffect, useState } from 'react';
import { provinceByCode, unitByCode } from '../../shared/adminUnits';
import { AT_COUNTER, checkAnswers, dossierAnswers, editStep, vietnamToday, type AnswerValue, type Step } from '../../shared/dossier/formEngine';
import { quoteFee } from '../../shared/dossier/payment';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { errorKey, type Locale, type Translate } from '../../shared/i18n/index';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { formatVnd } from '../ui/format';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { onDigitiseProgress } from './documents';
import { submitJourney } from './session';

function display(step: Step, value: AnswerValue | undefined, locale: Locale, t: Translate): string {
  if (value === undefined || value === '') return t('review.notAnswered');
  switch (step.type) {
    case 'select':
      return step.options.find((option) => option.value === value)?.label[locale] ?? String(value);
    case 'date':
      return String(value).split('-').reverse().join('/');
    case 'address':
      return typeof value === 'object'
        ? [value.detail, unitByCode(value.communeCode)?.name, provinceByCode(value.provinceCode)?.name].filter(Boolean).join(', ')
        : String(value);
    case 'document':
      return value === AT_COUNTER ? t('review.atCounter') : t('review.pages', { count: Number(value) });
    default:
      return String(value);
  }
}

/** Check answers (quality target A5): every answer with "Sửa", the fee, then the one button that saves. */
export function Review() {
  const t = useT();
  const { procedure, form, progress, locale, setProgress, showSaved } = useStore();
  const [error, setError] = useState<ErrorCode | null>(null);
  const [saving, setSaving] = useState(false);
  /** How far the scanned documents have been read, while the submit waits for them. */
  const [reading, setReading] = useState<number | null>(null);
  useEffect(() => (saving ? onDigitiseProgress(setReading) : undefined), [saving]);
  if (!procedure || !form || !progress) return null;

  const today = { today: vietnamToday() };
  const { rows, problem } = checkAnswers(form, progress, today);
  const answers = dossierAnswers(form, progress.answers);
  const fee = quoteFee(procedure, answers);

  const submit = async () => {
    setSaving(true);
    try {
      showSaved(await submitJourney(procedure.code, { form, progress }, answers, fee.amountVnd));
    } catch (failure) {
      setError(toKioskError(failure).code);
      setSaving(false);
    }
  };

  return (
    <Screen
      title={t('review.title')}
      caption={procedure.name[locale]}
      actions={
        <BigButton onClick={submit} disabled={saving || problem !== null}>
          {!saving ? t('submit.button') : reading !== null && reading < 1 ? t('submit.reading', { percent: Math.round(reading * 100) }) : t('submit.saving')}
        </BigButton>
      }
    >
      {(problem || error) && (
        <p className="error" role="alert">
          {t(errorKey(problem?.code ?? error!))}
        </p>
      )}
      <dl className="answers">
        {rows.map(({ step, value, fromIdCard }) => (
          <div key={step.id} className="answer">
            <dt>
              {step.context ? `${step.context[locale]} · ` : ''}
              {step.label[locale]}
            </dt>
            <dd>
              {display(step, value, locale, t)}
              {fromIdCard && <span className="badge">{t('review.fromIdCard')}</span>}
            </dd>
            <dd>
              <BigButton variant="secondary" aria-label={t('review.changeLabel', { label: step.label[locale] })} onClick={() => setProgress(editStep(form, progress, step.id))}>
                {t('review.change')}
              </BigButton>
            </dd>
          </div>
        ))}
      </dl>
      <p className="fee" data-testid="review-fee">
        {fee.amountVnd === null ? t('fee.setByProvince') : fee.amountVnd === 0 ? t('fee.free') : t('fee.amount', { amount: formatVnd(fee.amountVnd, locale) })}
      </p>
    </Screen>
  );
}
