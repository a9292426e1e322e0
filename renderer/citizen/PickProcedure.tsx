import { catalogue } from '../catalogue';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

export function PickProcedure() {
  const t = useT();
  const { locale, pickProcedure, reset } = useStore();
  const money = new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-US', { style: 'currency', currency: 'VND' });
  return (
    <Screen
      title={t('procedures.title')}
      actions={
        <BigButton variant="secondary" onClick={reset}>
          {t('nav.home')}
        </BigButton>
      }
    >
      <ul className="procedure-list">
        {catalogue.procedures.map((procedure) => (
          <li key={procedure.code}>
            <BigButton variant="secondary" onClick={() => pickProcedure(procedure)}>
              <span>{procedure.name[locale]}</span>
              <span className="fee">
                {procedure.feeVnd === 0
                  ? t('procedures.fee.free')
                  : t('procedures.fee.amount', { amount: money.format(procedure.feeVnd) })}
              </span>
            </BigButton>
          </li>
        ))}
      </ul>
    </Screen>
  );
}
