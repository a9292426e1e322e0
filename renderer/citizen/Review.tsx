import { provinceByCode, unitByCode } from '../../shared/adminUnits';
import { shortReference } from '../../shared/dossier/dossier';
import { AT_COUNTER, checkAnswers, dossierAnswers, editStep, vietnamToday, type AnswerValue, type Step } from '../../shared/dossier/formEngine';
import { quoteFee } from '../../shared/dossier/payment';
import type { Locale, Translate } from '../../shared/i18n/index';
import { abandonRepair } from '../helper/repairSession';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { formatVnd } from '../ui/format';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { useSubmit } from './useSubmit';

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

/**
 * Check answers (quality target A5): every answer with "Sửa", and the fee. With a fee to pay the
 * fee screen comes next and submits; without, this screen's button saves.
 */
export function Review() {
  const t = useT();
  const { procedure, form, progress, locale, repair, setProgress, go } = useStore();
  const { submit, saving, error, label } = useSubmit();
  if (!procedure || !form || !progress) return null;

  const { rows, problem } = checkAnswers(form, progress, { today: vietnamToday() });
  const fee = quoteFee(procedure, dossierAnswers(form, progress.answers));
  const toPay = fee.amountVnd !== null && fee.amountVnd > 0;

  return (
    <Screen
      title={t('review.title')}
      caption={procedure.name[locale]}
      actions={
        // A repair keeps the payment the citizen made with the dossier: no fee screen again.
        repair ? (
          <>
            <BigButton variant="secondary" disabled={saving} onClick={abandonRepair}>
              {t('repair.abandon')}
            </BigButton>
            <BigButton onClick={() => submit()} disabled={saving || problem !== null}>
              {label}
            </BigButton>
          </>
        ) : toPay ? (
          <BigButton onClick={() => go('fee')} disabled={problem !== null}>
            {t('nav.next')}
          </BigButton>
        ) : (
          <BigButton onClick={() => submit()} disabled={saving || problem !== null}>
            {label}
          </BigButton>
        )
      }
    >
      {repair && (
        <p className="notice" data-testid="repair-notice">
          {t('repair.notice', { reference: shortReference(repair.dossierId) })}
        </p>
      )}
      <ErrorAlert code={problem?.code ?? error} />
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
