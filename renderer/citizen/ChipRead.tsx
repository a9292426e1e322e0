import { useState, type FormEvent } from 'react';
import type { ChipAccess, ChipRead as ChipReadResult } from '../../shared/contract';
import { isRealDate } from '../../shared/dossier/formEngine';
import { identityFromChip } from '../../shared/dossier/identity';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import type { MessageKey } from '../../shared/i18n/index';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { FieldHelp, helpIds } from '../ui/FieldHelp';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { CardFacts } from './CardFacts';
import { DateField } from './fields/DateField';

type Question = keyof ChipAccess;
/** What the chip opens with, as the citizen answers it: the number, and dates as yyyy-mm-dd. */
export type ChipAnswers = Partial<Record<Question, string>>;

const QUESTIONS: Record<Question, { label: MessageKey; check(value: string): ErrorCode | null }> = {
  number: { label: 'chip.number', check: (value) => (/^\d{12}$/.test(value) ? null : 'form.cccdInvalid') },
  dateOfBirth: { label: 'chip.dateOfBirth', check: (value) => (isRealDate(value) ? null : 'form.dateInvalid') },
  dateOfExpiry: { label: 'chip.dateOfExpiry', check: (value) => (isRealDate(value) ? null : 'form.dateInvalid') },
};

/** yyyy-mm-dd → the MRZ's YYMMDD. */
const mrzDate = (iso: string) => iso.slice(2).replaceAll('-', '');

const dateText = (date: { year: number; month: number; day: number } | null | undefined, raw: string | undefined) =>
  date ? [date.day, date.month].map((part) => String(part).padStart(2, '0')).concat(String(date.year)).join('/') : (raw ?? '—');

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
    [t('identify.card.dateOfBirth'), dateText(person?.dateOfBirth?.date, person?.dateOfBirth?.raw)],
    [t('identify.card.gender'), person?.gender ?? '—'],
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

/**
 * Reads the card's chip. It opens only with the number and the dates of birth and expiry printed
 * on the card (BAC), so each one the QR did not give is asked, one per screen; then the card is
 * read on the reader and what it holds is shown with whether it is genuine.
 */
export function ChipRead({ known, onBack }: { known: ChipAnswers; onBack(): void }) {
  const t = useT();
  const questions = (Object.keys(QUESTIONS) as Question[]).filter((question) => !known[question]);
  const [answers, setAnswers] = useState<ChipAnswers>(known);
  const [at, setAt] = useState(0);
  const [error, setError] = useState<ErrorCode | null>(null);
  const [reading, setReading] = useState(false);
  const [chip, setChip] = useState<ChipReadResult | null>(null);

  if (chip) return <ChipSummary chip={chip} onBack={() => setChip(null)} />;
  if (reading) return <Screen title={t('chip.reading')} />;

  const question = questions[at]!;
  const value = answers[question] ?? '';
  const read = async () => {
    setReading(true);
    try {
      const { number = '', dateOfBirth = '', dateOfExpiry = '' } = answers;
      setChip(await host().call('cardReader.readChip', { number, dateOfBirth: mrzDate(dateOfBirth), dateOfExpiry: mrzDate(dateOfExpiry) }));
    } catch (failure) {
      setError(toKioskError(failure).code);
    } finally {
      setReading(false);
    }
  };
  const next = (event: FormEvent) => {
    event.preventDefault();
    const problem = QUESTIONS[question].check(value);
    setError(problem);
    if (problem) return;
    if (at < questions.length - 1) setAt(at + 1);
    else void read();
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
            <BigButton type="submit">{at < questions.length - 1 ? t('nav.next') : t('chip.read')}</BigButton>
          </>
        }
      >
        <FieldHelp inputId="chip-answer" hint={t('chip.hint')} error={error} />
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
