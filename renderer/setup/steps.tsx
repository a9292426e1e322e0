import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { PaperWidth } from '../../shared/config';
import type { MessageKey } from '../../shared/i18n/index';
import { Pin, type SetupPerson } from '../../shared/setup';
import { catalogue } from '../catalogue';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { KeyboardField } from '../ui/keyboard/KeyboardField';
import type { KeyboardMode } from '../ui/keyboard/keys';
import { PinField } from '../ui/PinField';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/** What a box that must not stay empty says when it is. */
export const required = (value: string): MessageKey | null => (value.trim() === '' ? 'setup.required' : null);

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

/** The catalogue's procedures this support point offers, at least one. */
export function ProceduresStep({ chosen, onChange, nextLabel, ...nav }: StepNav & { chosen: readonly string[]; onChange(codes: string[]): void; nextLabel?: string }) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  return (
    <StepForm title={t('setup.proceduresTitle')} onBack={nav.onBack} onSubmit={nav.onNext} ready={chosen.length > 0} nextLabel={nextLabel}>
      {chosen.length === 0 && (
        <p className="error" role="alert">
          {t('setup.noProcedure')}
        </p>
      )}
      <div className="choices">
        {catalogue().procedures.map((procedure) => (
          <label key={procedure.code} className="choice">
            <input
              type="checkbox"
              checked={chosen.includes(procedure.code)}
              onChange={(event) => onChange(event.target.checked ? [...chosen, procedure.code] : chosen.filter((code) => code !== procedure.code))}
            />
            {procedure.name[locale]}
          </label>
        ))}
      </div>
    </StepForm>
  );
}

/** The common 80 mm roll first. */
const WIDTHS: readonly PaperWidth[] = ['80mm', '58mm'];

/** The receipt printer's paper width, as its label or its roll says. */
export function PaperStep({ paper, onChange, nextLabel, ...nav }: StepNav & { paper: PaperWidth; onChange(paper: PaperWidth): void; nextLabel?: string }) {
  const t = useT();
  return (
    <StepForm title={t('setup.paperTitle')} onBack={nav.onBack} onSubmit={nav.onNext} nextLabel={nextLabel}>
      <p>{t('setup.paperHelp')}</p>
      <div className="choices" role="radiogroup" aria-labelledby="step-title">
        {WIDTHS.map((width) => (
          <label key={width} className="choice">
            <input type="radio" name="paper" checked={paper === width} onChange={() => onChange(width)} />
            {t(width === '80mm' ? 'setup.paper80' : 'setup.paper58')}
          </label>
        ))}
      </div>
    </StepForm>
  );
}

/** A new helper: the name, then the PIN twice. */
export function AddHelper({ onAdd, onBack }: { onAdd(helper: SetupPerson): void; onBack(): void }) {
  const t = useT();
  const [typed, setTyped] = useState('');
  const [name, setName] = useState<string | null>(null);
  if (name === null) {
    return <TextStep onBack={onBack} onNext={() => setName(typed.trim())} title={t('setup.helperNameTitle')} value={typed} onChange={setTyped} problem={required} />;
  }
  return <PinStep name={name} onBack={() => setName(null)} onPin={(pin) => onAdd({ name, pin })} />;
}

/**
 * Settings as label and value, each with "Sửa" that leads to its screen where `changeable` says so
 * (the wizard's review, the technician's settings).
 */
export function SettingsList<Key extends string>({ rows, onChange, changeable = () => true, testId }: {
  rows: ReadonlyArray<readonly [label: string, value: string, key: Key]>;
  onChange(key: Key): void;
  changeable?: (key: Key) => boolean;
  testId: string;
}) {
  const t = useT();
  return (
    <dl className="answers" data-testid={testId}>
      {rows.map(([label, value, key]) => (
        <div key={key} className="answer">
          <dt>{label}</dt>
          <dd>{value}</dd>
          <dd>
            {changeable(key) && (
              <BigButton variant="secondary" aria-label={t('review.changeLabel', { label })} onClick={() => onChange(key)}>
                {t('review.change')}
              </BigButton>
            )}
          </dd>
        </div>
      ))}
    </dl>
  );
}

/** The helpers by name, each with its way out; the technician's own account is not listed. */
export function HelperList({ names, onRemove }: { names: readonly string[]; onRemove(index: number): void }) {
  const t = useT();
  return (
    <ul className="setup-people">
      {names.map((name, index) => (
        <li key={`${index}:${name}`}>
          <strong>{name}</strong>{' '}
          <button type="button" className="link-button" onClick={() => onRemove(index)}>
            {t('setup.removeHelper', { name })}
          </button>
        </li>
      ))}
    </ul>
  );
}
