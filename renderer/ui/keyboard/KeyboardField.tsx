import { useRef, type InputHTMLAttributes, type Ref } from 'react';
import { Keyboard, type KeyboardProps } from './Keyboard';
import type { KeyboardMode } from './keys';
import './keyboard.css';

export interface KeyboardInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange' | 'inputMode'> {
  value: string;
  onChange(text: string): void;
  /** The box the on-screen keys type into now: outlined, so the citizen sees where the letters go. */
  active?: boolean;
  ref?: Ref<HTMLInputElement>;
}

/**
 * A text box the on-screen keyboard types into. `inputMode="none"` keeps a touchscreen OS from
 * opening its own keyboard over ours; the box stays a real input, for screen readers and for a
 * helper's physical keyboard, and both edit the same value.
 */
export function KeyboardInput({ value, onChange, active = false, ...input }: KeyboardInputProps) {
  return (
    <input
      autoComplete="off"
      spellCheck={false}
      {...input}
      inputMode="none"
      data-keyboard-target={active || undefined}
      value={value}
      onChange={(event) => onChange(event.target.value)}
    />
  );
}

/**
 * The on-screen keyboard at the bottom of the screen's body, in the page's flow rather than over
 * it: it can never cover the box being typed into or the screen's buttons, and on a short screen
 * the page scrolls.
 */
export function KeyboardDock(props: KeyboardProps) {
  return (
    <div className="keyboard-dock">
      <Keyboard {...props} />
    </div>
  );
}

/** Submits the form the box is in, as its "Tiếp tục" button does, validation included. */
export const submitFormOf = (box: HTMLInputElement | null) => box?.form?.requestSubmit();

export interface KeyboardFieldProps extends KeyboardInputProps {
  mode: KeyboardMode;
  /** Caps what the keys type (letters of NFC text); the box itself takes what a helper types. */
  keyLimit?: number;
  /** "Xong": by default the form's submit, like "Tiếp tục". */
  onDone?(): void;
  /** Whether the keys are on screen; a box of its own on its screen keeps them there. */
  keyboardShown?: boolean;
}

/** One box and its keyboard: the wiring every one-box field shares. */
export function KeyboardField({ mode, keyLimit, onDone, keyboardShown = true, ...input }: KeyboardFieldProps) {
  const box = useRef<HTMLInputElement>(null);
  return (
    <>
      <KeyboardInput {...input} ref={box} active={keyboardShown} />
      {keyboardShown && (
        <KeyboardDock value={input.value} onChange={input.onChange} mode={mode} maxLength={keyLimit} onDone={onDone ?? (() => submitFormOf(box.current))} />
      )}
    </>
  );
}
