import { useEffect, useState, type FormEvent } from 'react';
import { assertNever, type ErrorCode } from '../../shared/errors';
import { answerStep, goBack, REVIEW, vietnamToday, visibleSteps, type AnswerValue, type Step } from '../../shared/dossier/formEngine';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { FieldHelp, helpIds } from '../ui/FieldHelp';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { AddressField } from './fields/AddressField';
import { DateField } from './fields/DateField';
import { DocumentField } from './fields/DocumentField';
import type { FieldProps } from './fields/FieldProps';
import { SelectField } from './fields/SelectField';
import { TextField } from './fields/TextField';

function Field(props: FieldProps) {
  const { step } = props;
  switch (step.type) {
    case 'text':
    case 'cccd':
    case 'phone':
    case 'number':
      return <TextField {...props} step={step} />;
    case 'date':
      return <DateField {...props} />;
    case 'select':
      return <SelectField {...props} step={step} />;
    case 'address':
      return <AddressField {...props} />;
    case 'document':
      return <DocumentField {...props} step={step} />;
    default:
      return assertNever(step);
  }
}

/** One question of the procedure's form: the engine decides which, and whether the answer will do. */
export function StepScreen({ step }: { step: Step }) {
  const t = useT();
  const { form, progress, locale, repair, setProgress, go } = useStore();
  const [draft, setDraft] = useState<AnswerValue | undefined>(progress?.answers[step.id]);
  const [error, setError] = useState<ErrorCode | null>(null);
  const label = step.label[locale];

  useEffect(() => {
    document.title = error ? `${t('app.errorTitlePrefix')} ${label}` : label;
  }, [error, label, t]);

  if (!form || !progress) return null;
  const visible = visibleSteps(form, progress.answers);
  const position = visible.findIndex((candidate) => candidate.id === step.id) + 1;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const result = answerStep(form, progress, draft ?? '', { today: vietnamToday() });
    if (result.error) setError(result.error);
    else setProgress(result.progress);
  };
  const back = () => {
    // A repair reaches each question from check answers: back there, the answer as it was.
    if (repair) return setProgress({ ...progress, current: REVIEW, reviewing: false });
    const previous = goBack(form, progress);
    if (previous === progress) go('identify');
    else setProgress(previous);
  };

  const inputId = `step-${step.id}`;
  const describedBy = helpIds(inputId, step.hint, error);
  return (
    <form onSubmit={submit} noValidate className="screen-form">
      <Screen
        title={label}
        titleFor={step.type === 'select' || step.type === 'document' ? undefined : inputId}
        caption={[t('question.progress', { current: position, total: visible.length }), step.context?.[locale]].filter(Boolean).join(' · ')}
        actions={
          <>
            <BigButton variant="secondary" onClick={back}>
              {t('nav.back')}
            </BigButton>
            <BigButton type="submit">{t('nav.next')}</BigButton>
          </>
        }
      >
        <FieldHelp inputId={inputId} hint={step.hint?.[locale]} error={error} />
        <Field
          step={step}
          value={draft}
          onChange={(value) => {
            setDraft(value);
            setError(null);
          }}
          inputId={inputId}
          describedBy={describedBy}
          invalid={error !== null}
        />
      </Screen>
    </form>
  );
}
