import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { KioskConfig } from '../../shared/config';
import type { MessageKey } from '../../shared/i18n/index';
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

/**
 * The next citizen must never see this one's data: endSession discards the draft and the screen's
 * state. The idle timeout and the error boundary (ErrorBoundary.tsx) end a session this way.
 */
export function wipeSession(): void {
  endSession();
  // Where the page may write it (the web host); Electron denies the permission, so its host must clear it.
  void navigator.clipboard?.writeText('').catch(() => undefined);
}

/**
 * A session's idle timer while `active`: after the configured quiet time a warning counts down;
 * "Tôi vẫn đang dùng" gives the full time again, as often as needed; at zero `onExpire` runs. Any
 * touch, key or device event is activity.
 */
function useIdleSession(active: boolean, onExpire: () => void) {
  const limits = useIdleLimits();
  const [phase, setPhase] = useState<IdlePhase>({ kind: 'active' });
  const timer = useRef<IdleTimer | null>(null);
  const expire = useRef(onExpire);
  useEffect(() => void (expire.current = onExpire));

  useEffect(() => {
    if (!active) return;
    const idle = startIdleTimer(limits, (next) => {
      setPhase(next);
      if (next.kind === 'expired') expire.current();
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
  }, [active, limits]);

  return { phase, warningSeconds: limits.warningMs / 1000, extend: () => timer.current?.extend() };
}

/**
 * Ends a citizen session nobody is using (quality targets A3, D5): any route but the attract
 * screen is a session, and so is the helper's desk. At the end of the warning the session is wiped
 * and the attract screen says so. Read-aloud stops with the route change.
 */
export function IdleGuard({ children }: { children: ReactNode }) {
  const inSession = useStore((state) => state.route !== 'attract' || state.desk !== null);
  const submitted = useStore((state) => state.saved !== null);
  const [ended, setEnded] = useState<IdleEnd | null>(null);
  // A new session: the last one's message goes (set while rendering, as React advises for derived state).
  const [sessionShown, setSessionShown] = useState(inSession);
  if (sessionShown !== inSession) {
    setSessionShown(inSession);
    if (inSession) setEnded(null);
  }
  const { phase, warningSeconds, extend } = useIdleSession(inSession, () => {
    setEnded({ submitted: useStore.getState().saved !== null });
    wipeSession();
  });

  return (
    <IdleEndContext.Provider value={ended}>
      {children}
      {phase.kind === 'warning' && (
        <IdleWarning secondsLeft={phase.secondsLeft} warningSeconds={warningSeconds} says={['idle.willClear', submitted ? 'idle.submittedSafe' : 'idle.unsentLost']} onExtend={extend} />
      )}
    </IdleEndContext.Provider>
  );
}

/**
 * The setup wizard left half-done (`active`: past its first screen, or a technician signed in):
 * names and PINs typed do not stay on a screen nobody watches. `onExpire` starts it afresh.
 */
export function SetupIdleGuard({ active, onExpire, children }: { active: boolean; onExpire(): void; children: ReactNode }) {
  const { phase, warningSeconds, extend } = useIdleSession(active, onExpire);
  return (
    <>
      {children}
      {phase.kind === 'warning' && <IdleWarning secondsLeft={phase.secondsLeft} warningSeconds={warningSeconds} says={['idle.setupWillClear', 'idle.setupKept']} onExtend={extend} />}
    </>
  );
}

/**
 * The warning (WCAG 2.2.1, 2.2.6): a native modal dialog, so the screen behind is inert and focus
 * goes to its one button; it says what will be cleared and what stays safe.
 */
function IdleWarning({ secondsLeft, warningSeconds, says, onExtend }: { secondsLeft: number; warningSeconds: number; says: readonly [MessageKey, MessageKey]; onExtend(): void }) {
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
        <p>{t(says[0])}</p>
        <p>{t(says[1])}</p>
      </div>
      <p className="idle-countdown">{t('idle.secondsLeft', { seconds: secondsLeft })}</p>
      <p className="idle-announce" aria-live="polite" aria-atomic="true">
        {t('idle.secondsLeft', { seconds: spokenSeconds(secondsLeft, warningSeconds) })}
      </p>
      <BigButton onClick={onExtend}>{t('idle.stay')}</BigButton>
    </dialog>
  );
}
