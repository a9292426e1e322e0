import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { MessageKey } from '../../shared/i18n/index';
import { Pin } from '../../shared/setup';
import { BigButton } from '../ui/BigButton';
import { KeyboardField } from '../ui/keyboard/KeyboardField';
import type { KeyboardMode } from '../ui/keyboard/keys';
import { PinField } from '../ui/PinField';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

export interface StepNav {
  onBack(): void;
  onNext(): void;
}

/** A wizard screen as a form: "Tiếp tục" (or the keyboard's "Xong", or Enter) submits it, once `ready`. */
export function StepForm({ title, titleFor, onBack, onSubmit, ready = true, nextLabel, children }: {
  title: string;
  titleFor?: string;
  onBack(): void;
  onSubmit(): void;
  ready?: boolean;
  nextLabel?: string;
  children: ReactNode;
}) {
  const t = useT();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (ready) onSubmit();
  };
  return (
    <form onSubmit={submit} noValidate className="screen-form">
      <Screen
        title={title}
        titleFor={titleFor}
        caption={t('setup.caption')}
        actions={
          <>
            <BigButton variant="secondary" onClick={onBack}>
              {t('nav.back')}
            </BigButton>
            <BigButton type="submit" disabled={!ready}>
              {nextLabel ?? t('nav.next')}
            </BigButton>
          </>
        }
      >
        {children}
      </Screen>
    </form>
  );
}

/**
 * One box on its screen with its on-screen keyboard: the kiosk name, the portal address, the
 * enrolment code, a person's name. `problem` says what is wrong with the value, or null when it will do.
 */
export function TextStep({ title, help, value, onChange, mode = 'text', type = 'text', problem, ...nav }: StepNav & {
  title: string;
  help?: string;
  value: string;
  onChange(value: string): void;
  mode?: KeyboardMode;
  type?: 'text' | 'url';
  problem(value: string): MessageKey | null;
}) {
  const t = useT();
  const id = useId();
  const [tried, setTried] = useState(false);
  const wrong = problem(value);
  return (
    <StepForm title={title} titleFor={id} onBack={nav.onBack} onSubmit={() => (wrong ? setTried(true) : nav.onNext())}>
      {help && <p id={`${id}-help`}>{help}</p>}
      {tried && wrong && (
        <p className="error" id={`${id}-error`} role="alert">
          {t(wrong)}
        </p>
      )}
      <KeyboardField
        id={id}
        className="text-input wide"
        type={type}
        mode={mode}
        value={value}
        aria-invalid={tried && wrong !== null}
        aria-describedby={[help && `${id}-help`, tried && wrong && `${id}-error`].filter(Boolean).join(' ') || undefined}
        onChange={(typed) => {
          onChange(typed);
          setTried(false);
        }}
      />
    </StepForm>
  );
}

/**
 * A PIN, typed twice on the number keys: a PIN mistyped unseen would lock its owner out on day one.
 * Only the second entry's match hands it on.
 */
export function PinStep({ name, onPin, onBack }: { name: string; onPin(pin: string): void; onBack(): void }) {
  const t = useT();
  const id = useId();
  const [first, setFirst] = useState<string | null>(null);
  const [typed, setTyped] = useState('');
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const submit = () => {
    if (first === null) {
      if (!Pin.safeParse(typed).success) return setProblem('setup.pinLength');
      setFirst(typed);
    } else if (typed !== first) {
      setFirst(null);
      setProblem('setup.pinMismatch');
    } else {
      return onPin(typed);
    }
    setTyped('');
  };
  return (
    <StepForm
      title={t(first === null ? 'setup.pinTitle' : 'setup.pinAgainTitle', { name })}
      titleFor={id}
      onBack={first === null ? onBack : () => setFirst(null)}
      onSubmit={submit}
      ready={typed.length > 0}
    >
      <p id={`${id}-help`}>{t('setup.pinHelp')}</p>
      {problem && (
        <p className="error" id={`${id}-error`} role="alert">
          {t(problem)}
        </p>
      )}
      <PinField
        id={id}
        value={typed}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-help ${id}-error` : `${id}-help`}
        onChange={(digits) => {
          setTyped(digits);
          setProblem(null);
        }}
      />
    </StepForm>
  );
}
