import { useEffect, useState, type FormEvent } from 'react';
import { parseCccdQr, type CccdQrData } from '../../shared/cccd';
import { identityFromCccd } from '../../shared/dossier/identity';
import type { ErrorCode } from '../../shared/errors';
import { errorKey } from '../../shared/i18n/index';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

const dateText = ({ day, month, year }: CccdQrData['dateOfBirth']) =>
  [day, month].filter((part) => part !== null).map((part) => String(part).padStart(2, '0')).concat(String(year)).join('/');

/** What the card said, for the citizen to see before it fills their answers. */
function CardSummary({ card, onBack }: { card: CccdQrData; onBack(): void }) {
  const t = useT();
  const identify = useStore((state) => state.identify);
  const rows: Array<[string, string]> = [
    [t('identify.card.fullName'), card.fullName],
    [t('identify.card.number'), card.number],
    [t('identify.card.dateOfBirth'), dateText(card.dateOfBirth)],
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
          <BigButton onClick={() => identify(identityFromCccd(card))}>{t('identify.card.confirm')}</BigButton>
        </>
      }
    >
      <dl className="answers" data-testid="card-summary">
        {rows.map(([label, value]) => (
          <div key={label} className="answer">
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
    </Screen>
  );
}

/**
 * The citizen shows the QR code on the front of their ID card to the scanner, whose driver sends
 * each scan as a host event (never as keystrokes). A volunteer may also type or paste the payload
 * into the box.
 */
export function Identify() {
  const t = useT();
  const { identify, go } = useStore();
  const [payload, setPayload] = useState('');
  const [error, setError] = useState<ErrorCode | null>(null);
  const [card, setCard] = useState<CccdQrData | null>(null);

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

  if (card) {
    return (
      <CardSummary
        card={card}
        onBack={() => {
          setCard(null);
          setPayload('');
        }}
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
            <BigButton variant="secondary" onClick={() => go('procedures')}>
              {t('nav.back')}
            </BigButton>
            <BigButton variant="secondary" onClick={() => identify({})}>
              {t('identify.withoutCard')}
            </BigButton>
            <BigButton type="submit">{t('nav.next')}</BigButton>
          </>
        }
      >
        <p className="hint" id="card-qr-hint">
          {t('identify.hint')}
        </p>
        {error && (
          <p className="error" id="card-qr-error" role="alert">
            {t(errorKey(error))}
          </p>
        )}
        <input
          id="card-qr"
          className="text-input wide"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={payload}
          aria-describedby={error ? 'card-qr-hint card-qr-error' : 'card-qr-hint'}
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
