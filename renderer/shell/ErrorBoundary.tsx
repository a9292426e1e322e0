import { Component, useEffect, useLayoutEffect, useMemo, useRef, useState, type ErrorInfo, type ReactNode } from 'react';
import { createT, type Locale } from '../../shared/i18n/index';
import { host } from '../host';
import { discardDraft } from '../queue/drafts';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { wipeSession } from './IdleGuard';

/** How long the error screen stays before the kiosk starts again by itself: time to read it, not to wait on it. */
const RESTART_SECONDS = 10;
/** The longest a start-over waits for the draft's shred and the log line: a hung queue or host must not freeze the screen. */
const SETTLE_MS = 3_000;
/** What the contract lets through to the host's log (shared/contract.ts `app.renderFailed`). */
const CODE_NAME = /^[A-Za-z_$][\w$]{0,63}$/;
const MAX_COMPONENTS = 40;

/** The error's name (TypeError, NotFoundError…), never its message: a message may quote what the citizen typed. */
function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null && 'name' in error ? error.name : undefined;
  return typeof name === 'string' && CODE_NAME.test(name) ? name : 'UnknownError';
}

/**
 * The components a React component stack names, innermost first, and nothing else of it (no URL,
 * line or column). Chromium writes a frame "at Name (url:line:column)", a class's "at new Name (…)".
 * The built kiosk's names are the bundle's, so minified, but for host elements (div, main).
 */
function componentNames(stack: string | null | undefined): string[] {
  return (stack ?? '')
    .split('\n')
    .flatMap((line) => {
      const name = /^\s*(?:at\s+|in\s+)?(?:new\s+)?([^\s(@]+)/.exec(line)?.[1];
      return name && CODE_NAME.test(name) ? [name] : [];
    })
    .slice(0, MAX_COMPONENTS);
}

interface State {
  failed: boolean;
  /** The session's language when it failed, for the error screen. */
  locale: Locale;
}

/**
 * Around the whole app (renderer/main.tsx): a screen that fails to render, a citizen's, a helper's
 * or a technician's, never leaves a white or frozen screen, nor the last person's data on it. The
 * session is wiped at once, the way the idle timeout wipes it (IdleGuard.tsx wipeSession), the host
 * logs the error's name and components, and a calm screen says the kiosk starts again; after
 * RESTART_SECONDS, or at once on "Bắt đầu lại", the page reloads to the attract screen.
 *
 * Why a reload rather than mounting the app again: a render error means some state was not what
 * the code expected, and not all of it is the store's that the wipe resets: module state (the
 * session's scans and jobs, caches), work still under way for the failed session that could land in
 * the next one (a draft being made sets its id when it resolves), the DOM itself when something
 * else changed it. A reload starts the renderer afresh on the boot path every kiosk start takes,
 * the one the Electron watchdog uses after a renderer crash (electron/main.ts); what must outlive
 * the session (queue, sealed copies, the web host's token) is in IndexedDB, the host and
 * sessionStorage. The reload waits for the shred (a reload would cut an IndexedDB transaction
 * short) and the log line, at most SETTLE_MS.
 */
export class ErrorBoundary extends Component<{ children: ReactNode }, State> {
  override state: State = { failed: false, locale: 'vi' };
  private settled: Promise<unknown> = Promise.resolve();
  private restarting = false;

  static getDerivedStateFromError(): Partial<State> {
    // Read before componentDidCatch wipes the session.
    return { failed: true, locale: useStore.getState().locale };
  }

  override componentDidCatch(error: unknown, info: ErrorInfo): void {
    const { draftId } = useStore.getState();
    wipeSession();
    // discardDraft is idempotent, and IndexedDB runs read-write transactions over the same stores in
    // the order they were made: this one settles once the wipe's own discard has committed.
    const shred = draftId ? discardDraft(draftId) : null;
    const report = Promise.resolve().then(() => host().call('app.renderFailed', { error: errorName(error), components: componentNames(info.componentStack) }));
    const work = Promise.allSettled([this.settled, shred, report]);
    this.settled = Promise.race([work, new Promise((resolve) => setTimeout(resolve, SETTLE_MS))]);
  }

  private readonly restart = () => {
    if (this.restarting) return;
    this.restarting = true;
    void this.settled.then(() => location.reload());
  };

  override render() {
    return this.state.failed ? <ErrorScreen locale={this.state.locale} onRestart={this.restart} /> : this.props.children;
  }
}

/**
 * Plain words, large, nothing of the failed screen: no stack, no message, no data. Its catalogue is
 * its own, in the session's language, so it needs nothing of the tree that failed.
 */
function ErrorScreen({ locale, onRestart }: { locale: Locale; onRestart(): void }) {
  const t = useMemo(() => createT(locale), [locale]);
  const [secondsLeft, setSecondsLeft] = useState(RESTART_SECONDS);
  const screen = useRef<HTMLElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  // React removed the failed tree's nodes, but not those it could not find where it left them: a
  // node something else moved (a translator, an extension) is the very cause of some render errors.
  // The error screen is then the container's only node, before it is painted.
  useLayoutEffect(() => {
    const own = screen.current;
    for (const node of [...(own?.parentNode?.childNodes ?? [])]) if (node !== own) node.remove();
  }, []);
  useEffect(() => heading.current?.focus(), []);
  useEffect(() => {
    const timer = setInterval(() => setSecondsLeft((left) => Math.max(0, left - 1)), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (secondsLeft === 0) onRestart();
  }, [secondsLeft, onRestart]);
  return (
    <main ref={screen} className="attract" lang={locale}>
      <h1 ref={heading} tabIndex={-1}>
        {t('crash.title')}
      </h1>
      <p>{t('crash.cleared')}</p>
      <p>{t('crash.askHelper')}</p>
      <p>{t('crash.secondsLeft', { seconds: secondsLeft })}</p>
      <BigButton onClick={onRestart}>{t('crash.restart')}</BigButton>
    </main>
  );
}
