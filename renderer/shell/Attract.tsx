import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { useT } from '../ui/useT';

/** The screen a passer-by sees: one big invitation, and a discreet way in for helpers. */
export function Attract() {
  const t = useT();
  const go = useStore((state) => state.go);
  return (
    <main className="attract">
      <h1>{t('app.title')}</h1>
      <p>{t('attract.subtitle')}</p>
      <BigButton onClick={() => go('procedures')}>{t('attract.touchToStart')}</BigButton>
      <BigButton variant="secondary" onClick={() => go('queue')}>
        {t('attract.helper')}
      </BigButton>
    </main>
  );
}
