import { useEffect, useState } from 'react';
import type { Payee } from '../../shared/config';
import { shortReference, type Dossier } from '../../shared/dossier/dossier';
import { buildVietQr, qrMatrix } from '../../shared/dossier/vietqr';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { formatVnd } from '../ui/format';
import { QrCode } from '../ui/QrCode';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { endSession } from './session';

const QR_SIZE_PX = 320;

/** The fee for a saved dossier: a VietQR code when the commune has an account, else at the counter. */
function Payment({ dossier }: { dossier: Dossier }) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const [payee, setPayee] = useState<Payee | null | undefined>(undefined);
  useEffect(() => {
    host().call('app.info').then((info) => setPayee(info.payee), () => setPayee(null));
  }, []);

  const fee = dossier.feeVnd;
  if (fee === null) return <p className="fee">{t('fee.setByProvince')}</p>;
  if (fee === 0) return <p className="fee">{t('fee.free')}</p>;
  const amount = formatVnd(fee, locale);
  if (payee === undefined) return null;
  if (payee === null) return <p className="fee">{t('payment.atCounter', { amount })}</p>;
  // ASCII only: the bank shows it on the commune's statement, where the fee is matched to the dossier.
  const reference = `DVC ${shortReference(dossier.id)}`;
  const payload = buildVietQr({ bankBin: payee.bankBin, accountNumber: payee.accountNumber, amountVnd: fee, reference });
  return (
    <section className="payment" aria-labelledby="payment-title">
      <h2 id="payment-title">{t('payment.title', { amount })}</h2>
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

/** Shown only once the queue has committed and read back the dossier. */
export function Submitted() {
  const t = useT();
  const saved = useStore((state) => state.saved);
  return (
    <Screen title={t('saved.title')} actions={<BigButton onClick={endSession}>{t('nav.home')}</BigButton>}>
      <p>{t('saved.body')}</p>
      {saved && (
        <>
          <p className="reference" data-testid="saved-reference">
            {t('saved.reference', { reference: shortReference(saved.id) })}
          </p>
          <Payment dossier={saved} />
        </>
      )}
    </Screen>
  );
}
