import { useEffect, useState, type FormEvent } from 'react';
import { parseCccdQr, type CccdQrData } from '../../shared/cccd';
import { identityFromCccd, isoDate } from '../../shared/dossier/identity';
import type { ErrorCode } from '../../shared/errors';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { cardDate } from '../ui/format';
import { FieldHelp, helpIds } from '../ui/FieldHelp';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { CardFacts } from './CardFacts';
import { ChipRead, type ChipAnswers } from './ChipRead';

/** What the chip opens with that the QR already gave: the number, and the birth date when whole. */
const chipAnswersFrom = (card: CccdQrData): ChipAnswers => {
  const whole = card.dateOfBirth.month !== null && card.dateOfBirth.day !== null;
  return { number: card.number, ...(whole ? { dateOfBirth: isoDate(card.dateOfBirth) } : {}) };
};

/** What the card said, for the citizen to see before it fills their answers. */
function CardSummary({ card, onBack, onReadChip }: { card: CccdQrData; onBack(): void; onReadChip(): void }) {
  const t = useT();
  const identify = useStore((state) => state.identify);
  const rows: Array<[string, string]> = [
    [t('identify.card.fullName'), card.fullName],
    [t('identify.card.number'), card.number],
    [t('identify.card.dateOfBirth'), cardDate(card.dateOfBirth)],
    [t('identify.card.gender'), card.gender === 'Nam' ? t('identify.card.male') : t('identify.card.female')],
    [t('identify.card.address'), card.address ?? '—'],
  ];
  return (
    <Screen
      title={t('identify.card.title')}
      actions={
        <>
          <BigButton variant="secondary" onClick={onBack}>
            {t('identify.card.scanAgain')}
          </BigButton>
          <BigButton variant="secondary" onClick={onReadChip}>
            {t('identify.readChip')}
          </BigButton>
          <BigButton onClick={() => identify(identityFromCccd(card))}>{t('identify.card.confirm')}</BigButton>
        </>
      }
    >
      <CardFacts rows={rows} testId="card-summary" />
    </Screen>
  );
}

/**
 * The citizen shows the QR code on the front of their ID card to the scanner, whose driver sends
 * each scan as a host event (never as keystrokes). A volunteer may also type or paste the payload
 * into the box. Either way the card's chip can be read too: it holds more, and says if it is genuine.
 */
export function Identify() {
  const t = useT();
  const { identify, go } = useStore();
  const [payload, setPayload] = useState('');
  const [error, setError] = useState<ErrorCode | null>(null);
  const [card, setCard] = useState<CccdQrData | null>(null);
  const [chipFrom, setChipFrom] = useState<ChipAnswers | null>(null);

  const read = (text: string) => {
    const result = parseCccdQr(text);
    setError(result.ok ? null : result.code);
    setCard(result.ok ? result.value : null);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    read(payload);
  };
  useEffect(() => host().on('qr.scanned', (scan) => (scan.ok ? read(scan.text) : setError(scan.error.code))), []);

  if (chipFrom) return <ChipRead known={chipFrom} onBack={() => setChipFrom(null)} />;
  if (card) {
    return (
      <CardSummary
        card={card}
        onBack={() => {
          setCard(null);
          setPayload('');
        }}
        onReadChip={() => setChipFrom(chipAnswersFrom(card))}
      />
    );
  }

  return (
    <form onSubmit={submit} noValidate className="screen-form">
      <Screen
        title={t('identify.title')}
        titleFor="card-qr"
        actions={
          <>
            <BigButton variant="secondary" onClick={() => go('about')}>
              {t('nav.back')}
            </BigButton>
            <BigButton variant="secondary" onClick={() => identify({})}>
              {t('identify.withoutCard')}
            </BigButton>
            <BigButton variant="secondary" onClick={() => setChipFrom({})}>
              {t('identify.readChip')}
            </BigButton>
            <BigButton type="submit">{t('nav.next')}</BigButton>
          </>
        }
      >
        <FieldHelp inputId="card-qr" hint={t('identify.hint')} error={error} />
        <input
          id="card-qr"
          className="text-input wide"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={payload}
          aria-describedby={helpIds('card-qr', true, error)}
          aria-invalid={error !== null}
          onChange={(event) => {
            setPayload(event.target.value);
            setError(null);
          }}
        />
      </Screen>
    </form>
  );
}
