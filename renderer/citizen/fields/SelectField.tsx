import type { Step } from '../../../shared/dossier/formEngine';
import { useStore } from '../../store';
import type { FieldProps } from './FieldProps';

/** Big radio buttons, one choice each; the whole row is the touch target. */
export function SelectField({ step, value, onChange, describedBy, invalid }: FieldProps<Extract<Step, { type: 'select' }>>) {
  const locale = useStore((state) => state.locale);
  return (
    <div role="radiogroup" aria-labelledby="step-title" aria-describedby={describedBy} aria-invalid={invalid} className="choices">
      {step.options.map((option) => (
        <label key={option.value} className="choice">
          <input type="radio" name={step.id} value={option.value} checked={value === option.value} onChange={() => onChange(option.value)} />
          <span>{option.label[locale]}</span>
        </label>
      ))}
    </div>
  );
}
