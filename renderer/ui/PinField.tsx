import { PIN_DIGITS } from '../../shared/setup';
import { KeyboardField, type KeyboardFieldProps } from './keyboard/KeyboardField';

/** A PIN box on the number keys: hidden as typed, digits only, no longer than a PIN can be. */
export function PinField({ onChange, ...props }: Omit<KeyboardFieldProps, 'mode' | 'type' | 'keyLimit'>) {
  return <KeyboardField {...props} className="text-input" type="password" mode="numeric" keyLimit={PIN_DIGITS.max} onChange={(typed) => onChange(typed.replace(/\D/g, ''))} />;
}
