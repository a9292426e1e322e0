import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ChipRead as ChipReadResult } from '../../shared/contract';
import { isRealDate } from '../../shared/dossier/formEngine';
import { identityFromChip } from '../../shared/dossier/identity';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import type { MessageKey } from '../../shared/i18n/index';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { cardDate } from '../ui/format';
import { FieldHelp, helpIds } from '../ui/FieldHelp';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { CardFacts } from './CardFacts';
import { DateField } from './fields/DateField';

type Question = 'number' | 'dateOfBirth' | 'dateOfExpiry';
/** What the chip opens with, as the citizen answers it: the number, and dates as yyyy-mm-dd. */
export type ChipAnswers = Partial<Record<Question, string>>;

const QUESTIONS: Record<Question, { label: MessageKey; check(value: string): ErrorCode | null }> = {
  number: { label: 'chip.number', check: (value) => (/^\d{12}$/.test(value) ? null : 'form.cccdInvalid') },
  dateOfBirth: { label: 'chip.dateOfBirth', check: (value) => (isRealDate(value) ? null : 'form.dateInvalid') },
  dateOfExpiry: { label: 'chip.dateOfExpiry', check: (value) => (isRealDate(value) ? null : 'form.dateInvalid') },
};

/** yyyy-mm-dd → the MRZ's YYMMDD. */
const mrzDate = (iso: string) => iso.slice(2).replaceAll('-', '');

/** What passive authentication found, in words for the helper beside the citizen. */
const AUTHENTICITY: Record<ChipReadResult['passiveAuthentication']['outcome'], MessageKey> = {
  genuine: 'chip.genuine',
  issuerUnknown: 'chip.issuerUnknown',
  altered: 'chip.altered',
};

/** The chip's data, its portrait and whether it is genuine; an altered chip cannot be used. */
function ChipSummary({ chip, onBack }: { chip: ChipReadResult; onBack(): void }) {
  const t = useT();
  const identify = useStore((state) => state.identify);
  const person = chip.personalData;
  const altered = chip.passiveAuthentication.outcome === 'altered';
  const rows: Array<[string, string]> = [
    [t('identify.card.fullName'), person?.fullName ?? `${chip.mrz.surname} ${chip.mrz.givenNames}`],
    [t('identify.card.number'), person?.idNumber ?? chip.mrz.cccdNumber ?? '—'],
    [t('identify.card.dateOfBirth'), person?.dateOfBirth?.date ? cardDate(person.dateOfBirth.date) : (person?.dateOfBirth?.raw ?? '—')],
    [t('identify.card.gender'), person?.gender === 'Nam' ? t('identify.card.male') : person?.gender === 'Nữ' ? t('identify.card.female') : (person?.gender ?? '—')],
    [t('chip.placeOfOrigin'), person?.placeOfOrigin ?? '—'],
    [t('identify.card.address'), person?.placeOfResidence ?? '—'],
  ];
  return (
    <Screen
      title={t('chip.result.title')}
      actions={
        <>
          <BigButton variant="secondary" onClick={onBack}>
            {t('nav.back')}
          </BigButton>
          {!altered && person && <BigButton onClick={() => identify(identityFromChip(person))}>{t('identify.card.confirm')}</BigButton>}
        </>
      }
    >
      <p className={altered ? 'error' : 'hint'} role={altered ? 'alert' : undefined} data-testid="chip-authenticity">
        {t(AUTHENTICITY[chip.passiveAuthentication.outcome])}
      </p>
      {chip.face?.format === 'jpeg' ? (
        <img className="chip-face" src={`data:image/jpeg;base64,${chip.face.image}`} alt={t('chip.face')} />
      ) : (
        chip.face && <p className="hint">{t('chip.faceNotShown')}</p>
      )}
      <CardFacts rows={rows} testId="chip-summary" />
    </Screen>
  );
}

/** The number alone opens a chip by PACE; these say it did not (a chip without PACE, or another CAN), so the dates are asked for BAC. */
const NEEDS_DATES: ReadonlySet<ErrorCode> = new Set(['card.wrongCan', 'card.unsupported']);

/**
 * Reads the card's chip. Its number (from the QR, or asked) opens it by PACE; a chip that wants
 * BAC also needs the dates of birth and expiry printed on the card, asked one per screen. Then
 * what the chip holds is shown with whether it is genuine.
 */
export function ChipRead({ known, onBack }: { known: ChipAnswers; onBack(): void }) {
  const t = useT();
  const [answers, setAnswers] = useState<ChipAnswers>(known);
  const [withDates, setWithDates] = useState(false);
  const [at, setAt] = useState(0);
  const [error, setError] = useState<ErrorCode | null>(null);
  const [phase, setPhase] = useState<'asking' | 'reading' | 'failed'>('asking');
  const [chip, setChip] = useState<ChipReadResult | null>(null);
  const questions = (['number', ...(withDates ? (['dateOfBirth', 'dateOfExpiry'] as const) : [])] as const).filter((question) => !known[question]);

  const read = async (dates: boolean) => {
    setPhase('reading');
    try {
      const { number = '', dateOfBirth = '', dateOfExpiry = '' } = answers;
      setChip(await host().call('cardReader.readChip', dates ? { number, dateOfBirth: mrzDate(dateOfBirth), dateOfExpiry: mrzDate(dateOfExpiry) } : { number }));
    } catch (failure) {
      const { code } = toKioskError(failure);
      if (!dates && NEEDS_DATES.has(code)) {
        setWithDates(true);
        setAt(known.number ? 0 : 1);
        setPhase('asking');
      } else {
        setError(code);
        // Wrong dates are the last answers' fault: ask again there; anything else can be retried.
        setPhase(code === 'card.wrongMrz' ? 'asking' : 'failed');
      }
    }
  };
  // With the number from the QR there is nothing to ask before trying PACE.
  const started = useRef(false);
  useEffect(() => {
    if (started.current || questions.length > 0) return;
    started.current = true;
    void read(false);
  });

  if (chip) return <ChipSummary chip={chip} onBack={onBack} />;
  if (phase === 'reading' || (phase === 'asking' && questions.length === 0)) return <Screen title={t('chip.reading')} />;
  if (phase === 'failed') {
    return (
      <Screen
        title={t('chip.failed')}
        actions={
          <>
            <BigButton variant="secondary" onClick={onBack}>
              {t('nav.back')}
            </BigButton>
            <BigButton onClick={() => void read(withDates)}>{t('chip.retry')}</BigButton>
          </>
        }
      >
        <FieldHelp inputId="chip-read" error={error} />
      </Screen>
    );
  }

  const question = questions[Math.min(at, questions.length - 1)]!;
  const value = answers[question] ?? '';
  const last = at >= questions.length - 1;
  const next = (event: FormEvent) => {
    event.preventDefault();
    const problem = QUESTIONS[question].check(value);
    setError(problem);
    if (problem) return;
    if (last) void read(withDates);
    else setAt(at + 1);
  };
  const set = (answer: string) => {
    setAnswers({ ...answers, [question]: answer });
    setError(null);
  };
  const describedBy = helpIds('chip-answer', true, error);

  return (
    <form onSubmit={next} noValidate className="screen-form">
      <Screen
        title={t(QUESTIONS[question].label)}
        titleFor="chip-answer"
        actions={
          <>
            <BigButton variant="secondary" onClick={() => (at > 0 ? setAt(at - 1) : onBack())}>
              {t('nav.back')}
            </BigButton>
            <BigButton type="submit">{last ? t('chip.read') : t('nav.next')}</BigButton>
          </>
        }
      >
        <FieldHelp inputId="chip-answer" hint={t(withDates ? 'chip.hintDates' : 'chip.hint')} error={error} />
        {question === 'number' ? (
          <input
            id="chip-answer"
            className="text-input"
            inputMode="numeric"
            autoComplete="off"
            maxLength={12}
            value={value}
            aria-describedby={describedBy}
            aria-invalid={error !== null}
            onChange={(event) => set(event.target.value.replace(/\D/g, ''))}
          />
        ) : (
          <DateField key={question} value={value} onChange={(answer) => set(String(answer))} inputId="chip-answer" describedBy={describedBy} invalid={error !== null} />
        )}
      </Screen>
    </form>
  );
}
