import { useEffect, useState } from 'react';
import { shortReference } from '../../shared/dossier/dossier';
import type { ErrorCode } from '../../shared/errors';
import { errorKey, type MessageKey } from '../../shared/i18n/index';
import { procedureByCode } from '../catalogue';
import { lastRestore } from '../queue/copies';
import type { StoredDossier } from '../queue/db';
import { endSession } from '../citizen/session';
import { watchDossiers } from '../queue/dossiers';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/** The helper's view of what this kiosk holds. Helper sign-in and queue care come with issue 8. */
export function Queue() {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const [dossiers, setDossiers] = useState<StoredDossier[] | null>(null);
  const [failure, setFailure] = useState<ErrorCode | null>(null);
  const [restore, setRestore] = useState<{ at: number; count: number } | null>(null);

  useEffect(() => watchDossiers(setDossiers, (error) => setFailure(error.code)), []);
  // Read again with the rows: a restore commits its note with each row it brings back.
  useEffect(() => void lastRestore().then(setRestore, () => undefined), [dossiers]);

  const time = new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
  const procedureName = (code: string) => procedureByCode(code)?.name[locale] ?? code;

  return (
    <Screen title={t('queue.title')} actions={<BigButton onClick={endSession}>{t('nav.home')}</BigButton>}>
      {failure && (
        <p className="error" role="alert">
          {t(errorKey(failure))}
        </p>
      )}
      {restore && <p data-testid="queue-restored">{t('queue.restored', { count: restore.count, time: time.format(new Date(restore.at)) })}</p>}
      {dossiers && dossiers.length === 0 && <p>{t('queue.empty')}</p>}
      {dossiers && dossiers.length > 0 && (
        <>
          <p>{t('queue.count', { count: dossiers.length })}</p>
          <ul className="queue-list" data-testid="queue-list">
            {dossiers.map((dossier) => (
              <li key={dossier.id}>
                <span>
                  <strong>{shortReference(dossier.id)}</strong> · {procedureName(dossier.procedureCode)}
                </span>
                <span>
                  {t(`queue.status.${dossier.status}`, {
                    maHoSo: dossier.portal?.maHoSo ?? '',
                    reason: dossier.sync.lastError ? t(errorKey(dossier.sync.lastError)) : '',
                  })}
                  {/* "Rejected" is the portal's status 3 already; the others add to the kiosk's own. */}
                  {dossier.portalStatus && dossier.status !== 'rejected' && ` · ${t(`portalStatus.${dossier.portalStatus.code}` as MessageKey)}`}
                  {' · '}
                  {t('queue.createdAt', { time: time.format(new Date(dossier.createdAt)) })}
                </span>
              </li>
            ))}
          </ul>
        </>
      )}
    </Screen>
  );
}
