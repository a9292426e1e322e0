import { useEffect, useState } from 'react';
import type { StoredDossier } from '../queue/db';
import { watchCopies } from '../queue/copyOutbox';
import { isPending } from '../queue/outbox';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/**
 * Instead of every other screen when the queue will not open (R6): for the helper and the
 * technician. It offers nothing to touch, so no dossier can be started that could not be saved.
 */
export function Recovery() {
  const t = useT();
  const [copies, setCopies] = useState<StoredDossier[] | null>(null);
  useEffect(() => watchCopies(setCopies), []);
  const waiting = copies?.filter(isPending).length ?? 0;
  return (
    <Screen title={t('recovery.title')}>
      <p>{t('recovery.cannotOpen')}</p>
      {copies && (
        <p role="status" data-testid="recovery-copies">
          {t('recovery.safe', { count: copies.length })} {waiting > 0 ? t('recovery.sending', { count: waiting }) : t('recovery.nothingWaiting')}
        </p>
      )}
      <p>
        <strong>{t('recovery.doNotClear')}</strong> {t('recovery.callTechnician')}
      </p>
    </Screen>
  );
}
