import './journey.css';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { feeText, handingKey, timeText } from './procedureFacts';

/** Before starting: what to have ready, the fee, the time and how the result comes (GOV.UK "before you start"). */
export function ProcedureOverview() {
  const t = useT();
  const { procedure, locale, go } = useStore();
  if (!procedure) return null;
  return (
    <Screen
      title={procedure.name[locale]}
      caption={t('about.caption')}
      actions={
        <>
          <BigButton variant="secondary" onClick={() => go('procedures')}>
            {t('about.other')}
          </BigButton>
          <BigButton onClick={() => go('consent')}>{t('about.start')}</BigButton>
        </>
      }
    >
      <h2 className="facts-title">{t('about.documents')}</h2>
      <ul className="facts-list" data-testid="about-documents">
        {procedure.documents.map((document) => (
          <li key={document.id}>
            <strong>{document.count > 1 ? t('about.count', { count: document.count, name: document.name[locale] }) : document.name[locale]}</strong>
            <span>{t(handingKey(document))}</span>
            {document.note && document.form !== 'declaration' && <span className="document-note">{document.note[locale]}</span>}
          </li>
        ))}
      </ul>
      <dl className="facts">
        <dt>{t('about.fee')}</dt>
        <dd>{feeText(procedure, t, locale)}</dd>
        <dt>{t('about.time')}</dt>
        <dd>{timeText(procedure, t)}</dd>
        <dt>{t('about.authority')}</dt>
        <dd>{procedure.authority[locale]}</dd>
        <dt>{t('about.delivery')}</dt>
        <dd>{procedure.resultDelivery.map((way) => t(`journey.delivery.${way}`)).join('; ')}</dd>
      </dl>
      {!procedure.fullyOnline && procedure.inPersonNote && <p className="notice">{procedure.inPersonNote[locale]}</p>}
    </Screen>
  );
}
