import { useCallback, useEffect, useRef, useState } from 'react';
import { shortReference, type Dossier } from '../../shared/dossier/dossier';
import type { CompiledForm } from '../../shared/dossier/formEngine';
import type { Procedure } from '../../shared/dossier/procedures';
import { expectedResultDate, receiptDocuments } from '../../shared/dossier/receiptData';
import { FEE_PAYMENT_ANSWER } from '../../shared/dossier/payment';
import { resultDelivery } from '../../shared/dossier/resultDelivery';
import { qrMatrix } from '../../shared/dossier/vietqr';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { errorKey } from '../../shared/i18n/index';
import { dueDateText, pagesText, receiptQrText } from '../../shared/receipt';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { formatVnd } from '../ui/format';
import { QrCode } from '../ui/QrCode';
import { Screen } from '../ui/Screen';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { PaymentQr } from './Fee';
import { printReceipt } from './printReceipt';

/** Big enough for a phone camera at arm's length; the receipt's own QR holds only `DVC:` and the UUID. */
const RECEIPT_QR_SIZE_PX = 200;

/** The fee once more: the VietQR code for who chose to pay by phone (they may not have yet), else where to pay. */
function FeeNote({ dossier }: { dossier: Dossier }) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const info = useAppInfo();
  const fee = dossier.feeVnd;
  if (fee === null) return <p className="fee">{t('fee.setByProvince')}</p>;
  if (fee === 0) return <p className="fee">{t('fee.free')}</p>;
  if (info === undefined) return null;
  if (dossier.answers[FEE_PAYMENT_ANSWER] === 'phone' && info?.payee) {
    return (
      <>
        <p className="fee">{t('payment.phoneAgain')}</p>
        <PaymentQr dossierId={dossier.id} feeVnd={fee} payee={info.payee} />
      </>
    );
  }
  return <p className="fee">{t('payment.atCounter', { amount: formatVnd(fee, locale) })}</p>;
}

interface SavedProps {
  dossier: Dossier;
  procedure: Procedure;
  form: CompiledForm;
}

/**
 * Prints the stage-1 receipt once when the screen shows, and again on "In lại". A printer fault
 * never puts the dossier in doubt: it is already saved, and the screen says so.
 */
function ReceiptPrint({ dossier, procedure, form }: SavedProps) {
  const t = useT();
  const [state, setState] = useState<'printing' | 'printed' | ErrorCode>('printing');
  const print = useCallback(async () => {
    setState('printing');
    try {
      await printReceipt({ dossier, procedure, form });
      setState('printed');
    } catch (failure) {
      setState(toKioskError(failure).code);
    }
  }, [dossier, procedure, form]);
  // A ref, not state: StrictMode runs effects twice, and the citizen must get one receipt, not two.
  const started = useRef(false);
  useEffect(() => {
    if (started.current) return;
    started.current = true;
    void print();
  }, [print]);

  if (state === 'printing' || state === 'printed') {
    return (
      <p className={`print-status ${state}`} role="status">
        {t(state === 'printing' ? 'printed.printing' : 'printed.done')}
      </p>
    );
  }
  return (
    <div className="print-status failed" role="alert">
      <p className="error">{t(errorKey(state))}</p>
      <p>{t('printed.savedAnyway')}</p>
      <BigButton variant="secondary" onClick={print}>
        {t('printed.retry')}
      </BigButton>
    </div>
  );
}

/** The receipt's key facts on screen, and its QR code for the citizen to photograph. */
function ReceiptFacts(saved: SavedProps) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const reference = shortReference(saved.dossier.id);
  const documents = receiptDocuments(saved, locale);
  return (
    <section className="receipt-facts" aria-labelledby="receipt-facts-title">
      <div>
        <h2 id="receipt-facts-title">{t('printed.summary')}</h2>
        <dl>
          <dt>{t('printed.procedure')}</dt>
          <dd>{saved.procedure.name[locale]}</dd>
          <dt>{t('printed.dueDate')}</dt>
          <dd data-testid="receipt-due-date">{dueDateText(expectedResultDate(saved), t)}</dd>
          <dt>{t('receipt.delivery')}</dt>
          <dd>{t(`receipt.delivery.${resultDelivery(saved.procedure, saved.dossier.answers)}`)}</dd>
          {documents.length > 0 && (
            <>
              <dt>{t('printed.documents')}</dt>
              {documents.map((document) => (
                <dd key={document.name}>
                  {document.name}: {pagesText(document.pages, t)}
                </dd>
              ))}
            </>
          )}
        </dl>
      </div>
      <figure>
        <QrCode matrix={qrMatrix(receiptQrText(saved.dossier.id))} label={t('printed.qrLabel', { reference })} size={RECEIPT_QR_SIZE_PX} />
        <figcaption>{t('printed.qrHint')}</figcaption>
      </figure>
    </section>
  );
}

/** Shown only once the queue has committed and read back the dossier. */
export function Submitted() {
  const t = useT();
  const { saved, procedure, form, go } = useStore();
  const details = saved && procedure && form ? { dossier: saved, procedure, form } : null;
  return (
    <Screen title={t('saved.title')} actions={<BigButton onClick={() => go('rate')}>{t('nav.next')}</BigButton>}>
      <p>{t('saved.body')}</p>
      {saved && (
        <p className="reference" data-testid="saved-reference">
          {t('saved.reference', { reference: shortReference(saved.id) })}
        </p>
      )}
      {details && (
        <>
          <ReceiptPrint {...details} />
          <ReceiptFacts {...details} />
        </>
      )}
      {saved && <FeeNote dossier={saved} />}
    </Screen>
  );
}
