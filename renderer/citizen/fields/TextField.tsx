import type { Step } from '../../../shared/dossier/formEngine';
import { KeyboardField } from '../../ui/keyboard/KeyboardField';
import type { KeyboardMode } from '../../ui/keyboard/keys';
import type { FieldProps } from './FieldProps';

const keyboardModes = { text: 'text', cccd: 'numeric', phone: 'phone', number: 'numeric' } as const satisfies Record<string, KeyboardMode>;
const CCCD_DIGITS = 12;

/**
 * One line of text or digits; the form engine cleans and checks it. The on-screen keys stay up:
 * the box is the only thing the screen asks for, so the citizen need not find out to touch it.
 */
export function TextField({ step, value, onChange, inputId, describedBy, invalid }: FieldProps<Extract<Step, { type: keyof typeof keyboardModes }>>) {
  return (
    <KeyboardField
      id={inputId}
      className="text-input"
      type="text"
      mode={keyboardModes[step.type]}
      keyLimit={step.type === 'text' ? step.maxLength : step.type === 'cccd' ? CCCD_DIGITS : undefined}
      value={value === undefined ? '' : String(value)}
      aria-describedby={describedBy}
      aria-invalid={invalid}
      onChange={(text) => onChange(step.type === 'number' && /^\d+$/.test(text.trim()) ? Number(text.trim()) : text)}
    />
  );
}
