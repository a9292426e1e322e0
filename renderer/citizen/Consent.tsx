import './journey.css';
import { useState } from 'react';
import { KioskConfig } from '../../shared/config';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { endSession } from './session';

/** The config's default, for as long as the host has not answered. */
const DEFAULT_RETENTION_DAYS = KioskConfig.shape.retentionDays.parse(undefined);

/**
 * The personal-data notice, before the card or any paper is read (Law 91/2025/QH15; Decree
 * 356/2025: images of ID papers are sensitive data). Consent counts only if informed and explicit,
 * so it says what is read, why, who receives it, how long it stays and the citizen's rights, in
 * plain words, and waits for a tap. Saying no is a real choice: the counter still takes the dossier.
 */
export function Consent() {
  const t = useT();
  const { procedure, locale, consent } = useStore();
  const info = useAppInfo();
  const [declined, setDeclined] = useState(false);
  if (!procedure) return null;

  if (declined) {
    return (
      <Screen
        title={t('consent.declinedTitle')}
        actions={
          <>
            <BigButton variant="secondary" onClick={() => setDeclined(false)}>
              {t('nav.back')}
            </BigButton>
            <BigButton onClick={endSession}>{t('nav.home')}</BigButton>
          </>
        }
      >
        <p>{t('consent.declined')}</p>
      </Screen>
    );
  }

  const items = [
    [t('consent.whatTitle'), t('consent.what')],
    [t('consent.whyTitle'), t('consent.why', { procedure: procedure.name[locale] })],
    [t('consent.whoTitle'), t('consent.who', { authority: procedure.authority[locale] })],
    [t('consent.keepTitle'), t('consent.keep', { days: info?.retentionDays ?? DEFAULT_RETENTION_DAYS })],
    [t('consent.rightsTitle'), t('consent.rights')],
  ] as const;
  return (
    <Screen
      title={t('consent.title')}
      actions={
        <>
          <BigButton variant="secondary" onClick={() => setDeclined(true)}>
            {t('consent.decline')}
          </BigButton>
          <BigButton onClick={consent}>{t('consent.agree')}</BigButton>
        </>
      }
    >
      <dl className="facts consent">
        {items.map(([title, text]) => (
          <div key={title}>
            <dt>{title}</dt>
            <dd>{text}</dd>
          </div>
        ))}
      </dl>
      <p className="caption">{t('consent.law')}</p>
    </Screen>
  );
}
