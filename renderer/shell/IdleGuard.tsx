import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { KioskConfig } from '../../shared/config';
import { endSession } from '../citizen/session';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { spokenSeconds, startIdleTimer, type IdleLimits, type IdlePhase, type IdleTimer } from './idleTimer';

/** How the last session ended, for the attract screen: whether a dossier was sent, never which. */
export interface IdleEnd {
  submitted: boolean;
}
const IdleEndContext = createContext<IdleEnd | null>(null);
/** Set when the idle wipe ended the last session, until the next one starts. */
export const useIdleEnd = () => useContext(IdleEndContext);

/** What a citizen does on the screen; a tap on the on-screen keyboard is a pointerdown too. */
const SCREEN_ACTIVITY = ['pointerdown', 'keydown', 'input', 'wheel'] as const;
/** What a citizen does at the devices: the QR scanner, the document scanner, and the OCR a submit waits for. */
const DEVICE_ACTIVITY = ['qr.scanned', 'scanner.page', 'documents.progress'] as const;

const seconds = (field: 'idleSeconds' | 'idleWarningSeconds') => KioskConfig.shape[field].parse(undefined) * 1000;
/** The config's defaults, for as long as the host has not answered (or never does): a session is never unguarded. */
const DEFAULT_LIMITS: IdleLimits = { idleMs: seconds('idleSeconds'), warningMs: seconds('idleWarningSeconds') };

function useIdleLimits(): IdleLimits {
  const info = useAppInfo();
  return useMemo(() => (info ? { idleMs: info.idleSeconds * 1000, warningMs: info.idleWarningSeconds * 1000 } : DEFAULT_LIMITS), [info]);
}

/** The next citizen must never see this one's data: endSession discards the draft and the screen's state. */
function wipeSession(): void {
  endSession();
  // Where the page may write it (the web host); Electron denies the permission, so its host must clear it.
  void navigator.clipboard?.writeText('').catch(() => undefined);
}

/**
 * Ends a citizen session nobody is using (quality targets A3, D5): any route but the attract
 * screen is a session, and so is the helper's desk. After the configured quiet time a warning
 * counts down; "Tôi vẫn đang dùng" gives the full time again, as often as needed; at zero the
 * session is wiped and the attract screen says so. Read-aloud stops with the route change.
 */
export function IdleGuard({ children }: { children: ReactNode }) {
  const limits = useIdleLimits();
  const inSession = useStore((state) => state.route !== 'attract' || state.desk !== null);
  const submitted = useStore((state) => state.saved !== null);
  const [phase, setPhase] = useState<IdlePhase>({ kind: 'active' });
  const [ended, setEnded] = useState<IdleEnd | null>(null);
  const timer = useRef<IdleTimer | null>(null);
  // A new session: the last one's message goes (set while rendering, as React advises for derived state).
  const [sessionShown, setSessionShown] = useState(inSession);
  if (sessionShown !== inSession) {
    setSessionShown(inSession);
    if (inSession) setEnded(null);
  }

  useEffect(() => {
    if (!inSession) return;
    const idle = startIdleTimer(limits, (next) => {
      setPhase(next);
      if (next.kind !== 'expired') return;
      setEnded({ submitted: useStore.getState().saved !== null });
      wipeSession();
    });
    timer.current = idle;
    const activity = () => idle.activity();
    for (const name of SCREEN_ACTIVITY) window.addEventListener(name, activity, { capture: true, passive: true });
    const unsubscribe = DEVICE_ACTIVITY.map((event) => host().on(event, activity));
    return () => {
      idle.stop();
      timer.current = null;
      for (const name of SCREEN_ACTIVITY) window.removeEventListener(name, activity, { capture: true });
      for (const stop of unsubscribe) stop();
      setPhase({ kind: 'active' });
    };
  }, [inSession, limits]);

  return (
    <IdleEndContext.Provider value={ended}>
      {children}
      {phase.kind === 'warning' && (
        <IdleWarning
          secondsLeft={phase.secondsLeft}
          warningSeconds={limits.warningMs / 1000}
          submitted={submitted}
          onExtend={() => timer.current?.extend()}
        />
      )}
    </IdleEndContext.Provider>
  );
}

/**
 * The warning (WCAG 2.2.1, 2.2.6): a native modal dialog, so the screen behind is inert and focus
 * goes to its one button; it says what will be cleared and what stays safe.
 */
function IdleWarning({ secondsLeft, warningSeconds, submitted, onExtend }: { secondsLeft: number; warningSeconds: number; submitted: boolean; onExtend(): void }) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog
      ref={dialog}
      role="alertdialog"
      aria-labelledby="idle-title"
      aria-describedby="idle-body"
      className="idle-dialog"
      // Escape is an answer too: someone is at the keyboard.
      onCancel={(event) => {
        event.preventDefault();
        onExtend();
      }}
    >
      <h2 id="idle-title">{t('idle.title')}</h2>
      <div id="idle-body">
        <p>{t('idle.willClear')}</p>
        <p>{t(submitted ? 'idle.submittedSafe' : 'idle.unsentLost')}</p>
      </div>
      <p className="idle-countdown">{t('idle.secondsLeft', { seconds: secondsLeft })}</p>
      <p className="idle-announce" aria-live="polite" aria-atomic="true">
        {t('idle.secondsLeft', { seconds: spokenSeconds(secondsLeft, warningSeconds) })}
      </p>
      <BigButton onClick={onExtend}>{t('idle.stay')}</BigButton>
    </dialog>
  );
}
