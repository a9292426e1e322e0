import { useEffect, useState } from 'react';
import { isUnsent, shortReference, type DossierStatus } from '../../shared/dossier/dossier';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { errorKey, type MessageKey, type Translate } from '../../shared/i18n/index';
import { procedureByCode } from '../catalogue';
import { lastRestore } from '../queue/copies';
import type { StoredDossier } from '../queue/db';
import { watchDossiers } from '../queue/dossiers';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useNow } from '../ui/useNow';
import { useT } from '../ui/useT';
import { carryUnsentToUsb } from './carryOut';
import { DossierCare } from './DossierCare';

/** The queue as a helper reads it: what needs them first, then what waits, then what is done. */
const STATES = ['needsHelp', 'waiting', 'accepted', 'rejected', 'cancelled'] as const;
type QueueState = (typeof STATES)[number];
/** Drafts are the citizen's at the kiosk, not the queue's: listDossiers leaves them out. */
const stateOf: Record<DossierStatus, QueueState | null> = {
  draft: null,
  ready: null,
  needsHelp: 'needsHelp',
  queued: 'waiting',
  sending: 'waiting',
  accepted: 'accepted',
  rejected: 'rejected',
  cancelled: 'cancelled',
};

/** By state; the oldest first where something waits, the newest first where it is done. */
function inQueueOrder(dossiers: readonly StoredDossier[]): StoredDossier[] {
  const rank = (dossier: StoredDossier) => STATES.indexOf(stateOf[dossier.status] ?? 'waiting');
  return [...dossiers].sort((a, b) => rank(a) - rank(b) || (isUnsent(a.status) ? 1 : -1) * a.createdAt.localeCompare(b.createdAt));
}

/** "2 ngày 4 giờ", "3 giờ 20 phút", "5 phút". */
function ageText(ms: number, t: Translate): string {
  const minutes = Math.max(0, Math.floor(ms / 60_000));
  const [days, hours] = [Math.floor(minutes / 1440), Math.floor((minutes % 1440) / 60)];
  if (days > 0) return t('age.days', { days, hours });
  if (hours > 0) return t('age.hours', { hours, minutes: minutes % 60 });
  return t('age.minutes', { minutes });
}

/** The helper's view of what this kiosk holds, and the way into each dossier's care. */
export function Queue() {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const openDesk = useStore((state) => state.openDesk);
  const [dossiers, setDossiers] = useState<StoredDossier[] | null>(null);
  const [failure, setFailure] = useState<ErrorCode | null>(null);
  const [restore, setRestore] = useState<{ at: number; count: number } | null>(null);
  const caring = useStore((state) => state.caring);
  const care = useStore((state) => state.care);
  const now = useNow(60_000);

  useEffect(() => watchDossiers(setDossiers, (error) => setFailure(error.code)), []);
  // Read again with the rows: a restore commits its note with each row it brings back.
  useEffect(() => void lastRestore().then(setRestore, () => undefined), [dossiers]);

  const time = new Intl.DateTimeFormat(locale === 'vi' ? 'vi-VN' : 'en-GB', { dateStyle: 'short', timeStyle: 'short' });
  const procedureName = (code: string) => procedureByCode(code)?.name[locale] ?? code;
  const opened = caring && dossiers?.find((dossier) => dossier.id === caring);
  if (opened) return <DossierCare dossier={opened} onBack={() => care(null)} />;

  const unsent = dossiers?.filter((dossier) => isUnsent(dossier.status)) ?? [];
  const oldestUnsent = Math.min(...unsent.map((dossier) => Date.parse(dossier.createdAt)));
  const counts = STATES.map((state) => [state, dossiers?.filter((dossier) => stateOf[dossier.status] === state).length ?? 0] as const).filter(([, count]) => count > 0);

  return (
    <Screen
      title={t('queue.title')}
      actions={
        <BigButton variant="secondary" onClick={() => openDesk('home')}>
          {t('nav.back')}
        </BigButton>
      }
    >
      <ErrorAlert code={failure} />
      {restore && <p data-testid="queue-restored">{t('queue.restored', { count: restore.count, time: time.format(new Date(restore.at)) })}</p>}
      {dossiers && dossiers.length === 0 && <p>{t('queue.empty')}</p>}
      {dossiers && dossiers.length > 0 && (
        <>
          <p className={unsent.length > 0 ? 'notice' : undefined} data-testid="queue-unsent">
            {unsent.length > 0 ? t('queue.unsent', { count: unsent.length, age: ageText(now - oldestUnsent, t) }) : t('queue.allSent')}
          </p>
          {unsent.some((dossier) => stateOf[dossier.status] === 'waiting') && <CarryToUsb />}
          <p data-testid="queue-counts">
            {t('queue.count', { count: dossiers.length })}: {counts.map(([state, count]) => `${t(`queue.state.${state}`)} ${count}`).join(' · ')}
          </p>
          <ul className="queue-list" data-testid="queue-list">
            {inQueueOrder(dossiers).map((dossier) => (
              <li key={dossier.id}>
                <button type="button" className="queue-row" onClick={() => care(dossier.id)}>
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
                    {dossier.sync.carriedAt && isUnsent(dossier.status) && ` · ${t('queue.carriedAt', { time: time.format(new Date(dossier.sync.carriedAt)) })}`}
                    {' · '}
                    {t('queue.createdAt', { time: time.format(new Date(dossier.createdAt)) })}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Screen>
  );
}

/** For a link down for days: the waiting dossiers onto a USB stick, for the one-stop office to import. */
function CarryToUsb() {
  const t = useT();
  const helper = useStore((state) => state.helper);
  const [state, setState] = useState<'idle' | 'carrying' | { carried: number } | ErrorCode>('idle');
  const carry = async () => {
    if (!helper) return;
    setState('carrying');
    try {
      setState({ carried: await carryUnsentToUsb(helper.token) });
    } catch (error) {
      setState(toKioskError(error).code);
    }
  };
  return (
    <div className="choices">
      <BigButton variant="secondary" disabled={state === 'carrying'} onClick={() => void carry()}>
        {t('queue.carry')}
      </BigButton>
      {state === 'carrying' && <p role="status">{t('queue.carrying')}</p>}
      {typeof state === 'object' && (
        <p role="status" data-testid="queue-carried">
          {t('queue.carried', { count: state.carried })}
        </p>
      )}
      <ErrorAlert code={typeof state === 'string' && state !== 'idle' && state !== 'carrying' ? state : null} />
    </div>
  );
}
