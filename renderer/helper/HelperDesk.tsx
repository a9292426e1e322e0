import { useState } from 'react';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { endSession } from '../citizen/session';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { signOutHelper, startAssisting } from './helperSession';
import { Queue } from './Queue';
import { Reports } from './Reports';
import { SignIn } from './SignIn';
import { TechnicianDesk } from '../setup/TechnicianDesk';

/** The helper's desk over the kiosk's screen: sign-in first, then the desk's own screens. */
export function HelperDesk() {
  const signedIn = useStore((state) => state.helper !== null);
  const view = useStore((state) => state.desk);
  if (!signedIn) return <SignIn />;
  if (view === 'queue') return <Queue />;
  if (view === 'technician') return <TechnicianDesk />;
  return view === 'reports' ? <Reports /> : <DeskHome />;
}

/**
 * What a helper can do from here: take over the citizen's session in progress, look after the
 * queue, count a person helped without a dossier, or make the reports. Leaving signs out, so a citizen who opens the
 * desk after them finds the PIN screen.
 */
function DeskHome() {
  const t = useT();
  const helper = useStore((state) => state.helper);
  const citizenPresent = useStore((state) => state.route !== 'attract');
  const openDesk = useStore((state) => state.openDesk);
  const [guidedToday, setGuidedToday] = useState<number | null>(null);
  const [failure, setFailure] = useState<ErrorCode | null>(null);

  const recordGuidance = () => {
    if (!helper) return;
    setFailure(null);
    host()
      .call('helper.guidance', { token: helper.token })
      .then(
        ({ today }) => setGuidedToday(today),
        (error: unknown) => {
          const { code } = toKioskError(error);
          if (code === 'helper.signedOut') signOutHelper();
          else setFailure(code);
        },
      );
  };

  return (
    <Screen
      title={t('desk.title', { name: helper?.name ?? '' })}
      actions={
        // With no citizen on, leaving is the end of a session like any other: the next person starts clean.
        <BigButton variant="secondary" onClick={citizenPresent ? signOutHelper : endSession}>
          {t(citizenPresent ? 'desk.signOutBack' : 'desk.signOut')}
        </BigButton>
      }
    >
      <ErrorAlert code={failure} />
      <div className="choices">
        {citizenPresent && <BigButton onClick={startAssisting}>{t('desk.assist')}</BigButton>}
        <BigButton variant="secondary" onClick={() => openDesk('queue')}>
          {t('desk.queue')}
        </BigButton>
        <BigButton variant="secondary" onClick={recordGuidance}>
          {t('desk.guidance')}
        </BigButton>
        <BigButton variant="secondary" onClick={() => openDesk('reports')}>
          {t('desk.reports')}
        </BigButton>
        {helper?.role === 'technician' && (
          <BigButton variant="secondary" onClick={() => openDesk('technician')}>
            {t('desk.technician')}
          </BigButton>
        )}
      </div>
      {guidedToday !== null && (
        <p role="status" data-testid="guidance-today">
          {t('desk.guidanceRecorded', { count: guidedToday })}
        </p>
      )}
    </Screen>
  );
}
