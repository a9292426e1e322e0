import { lazy, Suspense, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { assertNever } from '../shared/errors';
import { CheckDossier } from './citizen/CheckDossier';
import { Consent } from './citizen/Consent';
import { Fee } from './citizen/Fee';
import { Identify } from './citizen/Identify';
import { Language } from './citizen/Language';
import { PickProcedure } from './citizen/PickProcedure';
import { ProcedureOverview } from './citizen/ProcedureOverview';
import { Rate } from './citizen/Rate';
import { Review } from './citizen/Review';
import { StepScreen } from './citizen/StepScreen';
import { Submitted } from './citizen/Submitted';
import { HelperDesk } from './helper/HelperDesk';
import { useDeskShortcut } from './helper/deskGestures';
import { openQueue } from './queue/db';
import { Attract } from './shell/Attract';
import { IdleGuard } from './shell/IdleGuard';
import { Recovery } from './shell/Recovery';
import { StatusBar } from './shell/StatusBar';
import { useStore, type Store } from './store';
import { useAppInfo } from './ui/useAppInfo';

// Only a kiosk never set up needs the wizard (and the 2025 units and catalogue it lists): its own chunk.
const SetupWizard = lazy(() => import('./setup/SetupWizard'));

function Route({ route }: { route: Store['route'] }) {
  const step = useStore((state) => state.form?.steps.find((candidate) => candidate.id === state.progress?.current));
  switch (route) {
    case 'attract':
      return <Attract />;
    case 'language':
      return <Language />;
    case 'procedures':
      return <PickProcedure />;
    case 'about':
      return <ProcedureOverview />;
    case 'consent':
      return <Consent />;
    case 'identify':
      return <Identify />;
    case 'step':
      // Keyed by step, so each question starts from its own stored answer.
      return step ? <StepScreen key={step.id} step={step} /> : null;
    case 'review':
      return <Review />;
    case 'fee':
      return <Fee />;
    case 'saved':
      return <Submitted />;
    case 'rate':
      return <Rate />;
    case 'check':
      return <CheckDossier />;
    default:
      return assertNever(route);
  }
}

/** True once the queue's first open has failed or run out of time. */
function useQueueDown(): boolean {
  const [down, setDown] = useState(false);
  useEffect(() => void openQueue().catch(() => setDown(true)), []);
  return down;
}

export function App() {
  const { i18n } = useTranslation();
  const queueDown = useQueueDown();
  const info = useAppInfo();
  const { route, locale, desk } = useStore();
  useDeskShortcut();
  useEffect(() => {
    void i18n.changeLanguage(locale);
    document.documentElement.lang = locale;
  }, [i18n, locale]);
  return (
    <>
      <StatusBar />
      {info?.setupNeeded ? (
        <Suspense>
          <SetupWizard portalUrl={info.portalUrl} />
        </Suspense>
      ) : queueDown ? <Recovery /> : (
        <IdleGuard>
          {/* Hidden, not unmounted, under the desk: the citizen's half-typed answer is there when the helper leaves. */}
          <div hidden={desk !== null} className="route">
            <Route route={route} />
          </div>
          {desk && <HelperDesk />}
        </IdleGuard>
      )}
    </>
  );
}
