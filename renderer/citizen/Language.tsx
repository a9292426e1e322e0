import { locales } from '../../shared/i18n/index';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { endSession } from './session';

/** The citizen's language for the rest of the session, each named in itself; the status bar can still switch. */
export function Language() {
  const t = useT();
  const { setLocale, go } = useStore();
  return (
    <Screen
      title={t('language.title')}
      actions={
        <BigButton variant="secondary" onClick={endSession}>
          {t('nav.home')}
        </BigButton>
      }
    >
      <div className="choices">
        {locales.map((locale) => (
          <BigButton
            key={locale}
            variant="secondary"
            className="choice"
            lang={locale}
            onClick={() => {
              setLocale(locale);
              go('procedures');
            }}
          >
            {t(`language.${locale}`)}
          </BigButton>
        ))}
      </div>
    </Screen>
  );
}
