import { useEffect, useState, type FormEvent } from 'react';
import { toKioskError } from '../../shared/errors';
import { errorKey, type MessageKey } from '../../shared/i18n/index';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { PinField } from '../ui/PinField';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { signInHelper } from './helperSession';

type Helper = { id: string; name: string };

/**
 * The helper's way to the desk: tap your name, then your PIN on the number keys (a PIN, not a password:
 * WCAG 3.3.8 asks for no memory test beyond it). The host checks it and closes sign-in after
 * repeated wrong PINs; the PIN never stays on screen or in the store.
 */
export function SignIn() {
  const t = useT();
  const closeDesk = useStore((state) => state.closeDesk);
  const [helpers, setHelpers] = useState<Helper[] | null>(null);
  const [chosen, setChosen] = useState<Helper | null>(null);
  const [pin, setPin] = useState('');
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<{ key: MessageKey; params?: Record<string, string | number> } | null>(null);

  useEffect(() => {
    host()
      .call('helper.list')
      .then(setHelpers, (error: unknown) => setProblem({ key: errorKey(toKioskError(error).code) }));
  }, []);

  const submit = (event?: FormEvent) => {
    event?.preventDefault();
    if (!chosen || checking) return;
    setChecking(true);
    // Signed in, the desk replaces this screen (HelperDesk): only a refusal is this screen's to show.
    signInHelper(chosen.id, pin).catch((error: unknown) => {
      const { code, params } = toKioskError(error);
      setProblem({ key: errorKey(code), params });
      setPin('');
      setChecking(false);
    });
  };

  if (!chosen) {
    return (
      <Screen
        title={t('helper.whoTitle')}
        actions={
          <BigButton variant="secondary" onClick={closeDesk}>
            {t('nav.back')}
          </BigButton>
        }
      >
        {problem && (
          <p className="error" role="alert">
            {t(problem.key, problem.params)}
          </p>
        )}
        {helpers?.length === 0 && <p>{t('helper.noneSetUp')}</p>}
        <div className="choices">
          {helpers?.map((helper) => (
            <BigButton key={helper.id} variant="secondary" onClick={() => setChosen(helper)}>
              {helper.name}
            </BigButton>
          ))}
        </div>
      </Screen>
    );
  }

  return (
    <form onSubmit={submit} noValidate className="screen-form">
      <Screen
        title={t('helper.pinTitle', { name: chosen.name })}
        titleFor="helper-pin"
        actions={
          <>
            <BigButton
              variant="secondary"
              onClick={() => {
                setChosen(null);
                setPin('');
                setProblem(null);
              }}
            >
              {t('nav.back')}
            </BigButton>
            <BigButton type="submit" disabled={checking || pin.length === 0}>
              {t('helper.signIn')}
            </BigButton>
          </>
        }
      >
        {problem && (
          <p className="error" id="helper-pin-error" role="alert">
            {t(problem.key, problem.params)}
          </p>
        )}
        <PinField
          id="helper-pin"
          value={pin}
          aria-invalid={problem !== null}
          aria-describedby={problem ? 'helper-pin-error' : undefined}
          onChange={(digits) => {
            setPin(digits);
            setProblem(null);
          }}
          onDone={() => submit()}
        />
      </Screen>
    </form>
  );
}
