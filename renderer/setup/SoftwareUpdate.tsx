import { useEffect, useState } from 'react';
import type { UpdateStatus } from '../../shared/contract';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { asHelper } from '../helper/helperSession';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/**
 * The kiosk's software on the technician's desk (docs/updates.md): the running version, a newer
 * one from the province's server or a USB stick (downloaded and checked against the province's
 * signature first), its installation now, and an update that failed here and was gone back from.
 */
export function SoftwareUpdate({ onBack }: { onBack: () => void }) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const [status, setStatus] = useState<UpdateStatus | null>(null);
  const [looking, setLooking] = useState(false);
  const [looked, setLooked] = useState(false);
  const [failure, setFailure] = useState<ErrorCode | null>(null);
  useEffect(() => void host().call('update.status').then(setStatus, (error: unknown) => setFailure(toKioskError(error).code)), []);

  const run = async (work: () => Promise<UpdateStatus | void>) => {
    setLooking(true);
    setFailure(null);
    try {
      const answer = await work();
      if (answer) {
        setStatus(answer);
        setLooked(true);
      }
    } catch (error) {
      setFailure(toKioskError(error).code);
    } finally {
      setLooking(false);
    }
  };
  const time = new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
  const staged = status?.staged;

  return (
    <Screen
      title={t('software.title')}
      actions={
        <BigButton variant="secondary" onClick={onBack}>
          {t('nav.back')}
        </BigButton>
      }
    >
      {status && <p data-testid="software-current">{t('software.current', { version: status.current })}</p>}
      {status?.rolledBack && (
        <p role="alert" data-testid="software-rolled-back">
          {t(`software.rolledBack.${status.rolledBack.reason}`, { from: status.rolledBack.from, to: status.rolledBack.to, at: time.format(new Date(status.rolledBack.at)) })}
        </p>
      )}
      <ErrorAlert code={failure} />
      <div className="choices">
        <BigButton variant="secondary" disabled={looking} onClick={() => void run(() => host().call('update.check', { from: 'province' }))}>
          {t('software.fromProvince')}
        </BigButton>
        <BigButton variant="secondary" disabled={looking} onClick={() => void run(() => asHelper((token) => host().call('update.check', { from: 'usb', token })))}>
          {t('software.fromUsb')}
        </BigButton>
      </div>
      {looking && <p role="status">{t('software.looking')}</p>}
      {looked && !staged && <p role="status" data-testid="software-outcome">{t('software.upToDate')}</p>}
      {staged && (
        <div role="status" data-testid="software-outcome">
          <p>{t('software.staged', { version: staged.version, at: time.format(new Date(staged.releasedAt)) })}</p>
          {staged.notes && <p>{staged.notes[locale]}</p>}
          {status.canInstall ? (
            <BigButton disabled={looking} onClick={() => void run(() => asHelper((token) => host().call('update.install', { version: staged.version, token })))}>
              {t('software.install', { version: staged.version })}
            </BigButton>
          ) : (
            <p>{t('errors.update.unsupported')}</p>
          )}
        </div>
      )}
    </Screen>
  );
}
