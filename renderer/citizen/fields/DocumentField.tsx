import { AT_COUNTER } from '../../../shared/dossier/formEngine';
import { useT } from '../../ui/useT';
import type { FieldProps } from './FieldProps';

/**
 * A paper document the procedure needs. Until the document scanner arrives (issue 6), the honest
 * choice is to hand the paper in at the counter, which the dossier records.
 */
export function DocumentField({ value, onChange, inputId, describedBy, invalid }: FieldProps) {
  const t = useT();
  return (
    <label className="choice">
      <input
        id={inputId}
        type="checkbox"
        checked={value === AT_COUNTER}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onChange={(event) => onChange(event.target.checked ? AT_COUNTER : '')}
      />
      <span>{t('field.document.atCounter')}</span>
    </label>
  );
}
