import { useEffect, useState } from 'react';
import type { Payee } from '../../shared/config';
import { shortReference } from '../../shared/dossier/dossier';
import { dossierAnswers, type Step } from '../../shared/dossier/formEngine';
import { quoteFee, type FeePayment } from '../../shared/dossier/payment';
import { buildVietQr, qrMatrix } from '../../shared/dossier/vietqr';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { formatVnd } from '../ui/format';
import { QrCode } from '../ui/QrCode';
import { Screen } from '../ui/Screen';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { sessionDraft } from './documents';
import { SelectField } from './fields/SelectField';
import { useSubmit } from './useSubmit';

const QR_SIZE_PX = 320;

/**
 * A VietQR code for the exact fee, with the dossier's reference as the transfer's content. The
 * citizen's phone pays it through their bank, so it works when the kiosk is offline; the commune
 * matches the transfer to the dossier on its statement.
 */
export function PaymentQr({ dossierId, feeVnd, payee }: { dossierId: string; feeVnd: number; payee: Payee }) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const amount = formatVnd(feeVnd, locale);
  // ASCII only: the bank shows it on the commune's statement, where the fee is matched to the dossier.
  const reference = `DVC ${shortReference(dossierId)}`;
  const payload = buildVietQr({ bankBin: payee.bankBin, accountNumber: payee.accountNumber, amountVnd: feeVnd, reference });
  return (
    <section className="payment" aria-label={t('payment.title', { amount })}>
      <div className="payment-body">
        <QrCode matrix={qrMatrix(payload)} label={t('payment.qrLabel', { amount })} size={QR_SIZE_PX} />
        <div>
          <p>{t('payment.scan')}</p>
          <p>{t('payment.payee', { name: payee.accountName })}</p>
          <p data-testid="payment-reference">{t('payment.reference', { reference })}</p>
        </div>
      </div>
    </section>
  );
}

/** Shown after check answers when there is a fee to pay: by phone with VietQR, or at the counter; then the submit. */
export function Fee() {
  const t = useT();
  const { procedure, form, progress, locale, feePayment, setFeePayment, go } = useStore();
  const info = useAppInfo();
  const { submit, saving, error, label } = useSubmit();
  // The QR's reference is the dossier's, so the draft exists from here on.
  const [draftId, setDraftId] = useState<string | null>(null);
  const [draftError, setDraftError] = useState<ErrorCode | null>(null);
  useEffect(() => void sessionDraft().then(setDraftId, (failure: unknown) => setDraftError(toKioskError(failure).code)), []);
  const payee = info?.payee ?? null;
  // Without the commune's account the counter is the only way; unknown until the host answers.
  const payment = info === undefined ? null : payee ? feePayment : 'counter';
  if (!procedure || !form || !progress) return null;

  const feeVnd = quoteFee(procedure, dossierAnswers(form, progress.answers)).amountVnd ?? 0;
  const amount = formatVnd(feeVnd, locale);
  const choice: Extract<Step, { type: 'select' }> = {
    id: 'feePayment',
    type: 'select',
    required: true,
    label: { vi: t('fee.how'), en: t('fee.how') },
    options: (['phone', 'counter'] as const).map((value) => ({ value, label: { vi: t(`fee.${value}`), en: t(`fee.${value}`) } })),
  };
  const problem = error ?? draftError;
  return (
    <Screen
      title={t('payment.title', { amount })}
      actions={
        <>
          <BigButton variant="secondary" onClick={() => go('review')} disabled={saving}>
            {t('nav.back')}
          </BigButton>
          <BigButton onClick={() => payment && submit(payment)} disabled={saving || !payment}>
            {label}
          </BigButton>
        </>
      }
    >
      <ErrorAlert code={problem} />
      {info === undefined ? null : payee ? (
        <>
          <SelectField step={choice} value={feePayment ?? undefined} onChange={(value) => setFeePayment(value as FeePayment)} inputId="fee-payment" describedBy="" invalid={false} />
          {feePayment === 'phone' && draftId && <PaymentQr dossierId={draftId} feeVnd={feeVnd} payee={payee} />}
          {feePayment === 'counter' && <p>{t('payment.atCounter', { amount })}</p>}
        </>
      ) : (
        <p>{t('payment.atCounter', { amount })}</p>
      )}
    </Screen>
  );
}
