import { useEffect, useState } from 'react';
import type { PortalHealth } from '../../shared/contract';
import { useDeskHold } from '../helper/deskGestures';
import { signOutHelper } from '../helper/helperSession';
import { host } from '../host';
import { syncNow } from '../queue/syncLoop';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { DisplaySettings } from './DisplaySettings';
import { ReadAloud } from './ReadAloud';

const HEALTH_INTERVAL_MS = 15_000;

/** Top bar on every screen: the link to the portal, the version, read-aloud, text size and contrast, and the language switch. */
export function StatusBar() {
  const t = useT();
  const { locale, setLocale } = useStore();
  const info = useAppInfo();
  const deskHold = useDeskHold();
  const assistedBy = useStore((state) => (state.assisting ? state.helper?.name : undefined));
  const [health, setHealth] = useState<PortalHealth | null>(null);

  useEffect(() => {
    let reachable = false;
    const check = () =>
      host()
        .call('portal.health')
        .then(
          (health) => {
            // The portal answering again is the moment to send what waited, not the next backoff tick.
            if (health.reachable && !reachable) syncNow();
            reachable = health.reachable;
            setHealth(health);
          },
          () => setHealth(null),
        );
    void check();
    const timer = window.setInterval(check, HEALTH_INTERVAL_MS);
    return () => window.clearInterval(timer);
  }, []);

  const online = health?.reachable === true;
  return (
    <header className="status-bar">
      <span role="status" className={online ? 'online' : 'offline'} data-testid="portal-status">
        {t(online ? 'portal.online' : 'portal.offline')}
      </span>
      {info && (
        <span data-testid="app-version" {...deskHold}>
          {t('app.version', { version: info.version })}
        </span>
      )}
      {assistedBy && (
        <span className="assisting" role="status" data-testid="assisting">
          {t('desk.assisting', { name: assistedBy })}
          <BigButton variant="secondary" onClick={signOutHelper}>
            {t('desk.endAssist')}
          </BigButton>
        </span>
      )}
      <ReadAloud />
      <DisplaySettings />
      <BigButton
        variant="secondary"
        lang={locale === 'vi' ? 'en' : 'vi'}
        onClick={() => setLocale(locale === 'vi' ? 'en' : 'vi')}
      >
        {t('lang.switch')}
      </BigButton>
    </header>
  );
}
