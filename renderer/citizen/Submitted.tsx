import { shortReference } from '../../shared/dossier/dossier';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/** Shown only once the queue has committed and read back the dossier. */
export function Submitted() {
  const t = useT();
  const { saved, reset } = useStore();
  return (
    <Screen
      title={t('saved.title')}
      actions={<BigButton onClick={reset}>{t('nav.home')}</BigButton>}
    >
      <p>{t('saved.body')}</p>
      {saved && (
        <p className="reference" data-testid="saved-reference">
          {t('saved.reference', { reference: shortReference(saved.id) })}
        </p>
      )}
    </Screen>
  );
}
