import { useId, useState, type FormEvent } from 'react';
import { normalisePhone } from '../../shared/dossier/dossier';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { errorKey } from '../../shared/i18n/index';
import { catalogue } from '../catalogue';
import { saveDossier } from '../queue/dossiers';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/** One question per screen. The form engine (issue 3) will drive the questions; here there is one. */
export function Question() {
  const t = useT();
  const { procedure, locale, phone, setPhone, showSaved, go } = useStore();
  const [error, setError] = useState<ErrorCode | null>(null);
  const [saving, setSaving] = useState(false);
  const inputId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!procedure || saving) return;
    setSaving(true);
    try {
      const answers = { phone: normalisePhone(phone) };
      showSaved(await saveDossier({ procedureCode: procedure.code, catalogueVersion: catalogue.version, answers }));
    } catch (failure) {
      setError(toKioskError(failure).code);
      setSaving(false);
    }
  };

  return (
    <form onSubmit={submit} noValidate className="screen-form">
      <Screen
        title={procedure?.name[locale] ?? ''}
        actions={
          <>
            <BigButton variant="secondary" onClick={() => go('procedures')}>
              {t('nav.back')}
            </BigButton>
            <BigButton type="submit" disabled={saving}>
              {saving ? t('submit.saving') : t('submit.button')}
            </BigButton>
          </>
        }
      >
        <p>{t('question.progress', { current: 1, total: 1 })}</p>
        <div className="field">
          <label htmlFor={inputId}>{t('question.phone.label')}</label>
          <p className="hint" id={`${inputId}-hint`}>
            {t('question.phone.hint')}
          </p>
          <input
            id={inputId}
            type="tel"
            inputMode="numeric"
            autoComplete="off"
            value={phone}
            aria-describedby={`${inputId}-hint${error ? ` ${inputId}-error` : ''}`}
            aria-invalid={error !== null}
            onChange={(event) => {
              setPhone(event.target.value);
              setError(null);
            }}
          />
          {error && (
            <p className="error" id={`${inputId}-error`} role="alert">
              {t(errorKey(error))}
            </p>
          )}
        </div>
      </Screen>
    </form>
  );
}
