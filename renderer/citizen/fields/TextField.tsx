import type { Step } from '../../../shared/dossier/formEngine';
import type { FieldProps } from './FieldProps';

const inputModes = { text: 'text', cccd: 'numeric', phone: 'tel', number: 'numeric' } as const;

/** One line of text or digits; the form engine cleans and checks it. */
export function TextField({ step, value, onChange, inputId, describedBy, invalid }: FieldProps<Extract<Step, { type: keyof typeof inputModes }>>) {
  return (
    <input
      id={inputId}
      className="text-input"
      type="text"
      inputMode={inputModes[step.type]}
      autoComplete="off"
      spellCheck={false}
      value={value === undefined ? '' : String(value)}
      aria-describedby={describedBy}
      aria-invalid={invalid}
      onChange={(event) => {
        const text = event.target.value;
        onChange(step.type === 'number' && /^\d+$/.test(text.trim()) ? Number(text.trim()) : text);
      }}
    />
  );
}
