import { useState } from 'react';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { openQueue } from '../queue/db';
import { ensureRoomForNewDossier } from '../queue/storage';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useT } from '../ui/useT';
import { useIdleEnd } from './IdleGuard';

/** The screen a passer-by sees: one big invitation, and a discreet way in for helpers. */
export function Attract() {
  const t = useT();
  const go = useStore((state) => state.go);
  const openDesk = useStore((state) => state.openDesk);
  const [refusal, setRefusal] = useState<ErrorCode | null>(null);
  const ended = useIdleEnd();
  // A queue still opening is waited for: a citizen starts only where the dossier can be saved.
  const start = () =>
    openQueue()
      .then(ensureRoomForNewDossier)
      .then(
        () => go('language'),
        (error: unknown) => setRefusal(toKioskError(error).code),
      );
  return (
    <main className="attract">
      <h1>{t('app.title')}</h1>
      <p>{t('attract.subtitle')}</p>
      {ended && (
        <p className="session-ended" role="status">
          {t('idle.ended')} {ended.submitted && t('idle.submittedSafe')}
        </p>
      )}
      <ErrorAlert code={refusal} />
      <BigButton onClick={start}>{t('attract.touchToStart')}</BigButton>
      <BigButton variant="secondary" onClick={() => go('check')}>
        {t('check.start')}
      </BigButton>
      <BigButton variant="secondary" onClick={() => openDesk('home')}>
        {t('attract.helper')}
      </BigButton>
    </main>
  );
}
