import { useState, type MouseEvent } from 'react';
import { useT } from '../useT';
import { applyTone, type InputMethod } from './compose';
import { layouts, press, type KeyAction, type KeyboardMode } from './keys';
import './keyboard.css';

export interface KeyboardProps {
  value: string;
  onChange: (next: string) => void;
  onDone: () => void;
  mode?: KeyboardMode;
  /** How typed letters compose. Direct by default: citizens use the tone and mark buttons. */
  method?: InputMethod;
  maxLength?: number;
}

/** A key's face: its text, a glyph above it, and its accessible name where the text is not one. */
interface KeyFace {
  text: string;
  glyph?: string;
  name?: string;
}

const keyId = (action: KeyAction): string =>
  action.kind === 'char' ? `char-${action.char}` : action.kind === 'tone' ? `tone-${action.tone}` : action.kind === 'mark' ? `mark-${action.letter}` : action.kind;

/**
 * Focus moves on mousedown, whose default action we cancel, so the field being edited keeps its
 * focus, caret and screen-reader context; touch taps send the same mousedown after touchend. The
 * click still fires, and Tab, Enter and Space still reach every key.
 */
const keepFocus = (event: MouseEvent) => event.preventDefault();

/** The on-screen keyboard of a touch kiosk: it edits a controlled `value`, caret at the end. */
export function Keyboard({ value, onChange, onDone, mode = 'text', method = 'direct', maxLength }: KeyboardProps) {
  const t = useT();
  const [shift, setShift] = useState(false);

  const onKey = (action: KeyAction) => {
    if (action.kind === 'done') return onDone();
    const next = press({ value, shift }, action, { mode, method, maxLength });
    setShift(next.shift);
    if (next.value !== value) onChange(next.value);
  };

  const face = (action: KeyAction): KeyFace => {
    switch (action.kind) {
      case 'char':
        return { text: shift ? action.char.toLocaleUpperCase('vi') : action.char };
      case 'tone':
        return { glyph: applyTone('a', action.tone), text: t(`keyboard.tone.${action.tone}`) };
      case 'mark': {
        const letter = shift ? action.letter.toLocaleUpperCase('vi') : action.letter;
        return { text: letter, name: t('keyboard.markLetter', { letter }) };
      }
      case 'backspace':
        return { glyph: '⌫', text: t('keyboard.backspace') };
      default:
        return { text: t(`keyboard.${action.kind}`) };
    }
  };

  const rowLabel = (row: readonly KeyAction[]) =>
    row[0]?.kind === 'tone' ? t('keyboard.tones') : row[0]?.kind === 'mark' ? t('keyboard.marks') : undefined;

  return (
    <div className={`keyboard keyboard-${mode}`} role="group" aria-label={t('keyboard.label')}>
      {layouts[mode].map((row) => (
        <div className="keyboard-row" role={rowLabel(row) && 'group'} aria-label={rowLabel(row)} key={row.map(keyId).join(' ')}>
          {row.map((action) => {
            const { glyph, text, name } = face(action);
            return (
              <button
                type="button"
                key={keyId(action)}
                className={`keyboard-key key-${action.kind}`}
                aria-label={name}
                aria-pressed={action.kind === 'shift' ? shift : undefined}
                disabled={action.kind === 'tone' && applyTone(value, action.tone) === value}
                onMouseDown={keepFocus}
                onClick={() => onKey(action)}
              >
                {glyph && (
                  <span className="keyboard-glyph" aria-hidden="true">
                    {glyph}
                  </span>
                )}
                <span className="keyboard-text">{text}</span>
              </button>
            );
          })}
        </div>
      ))}
    </div>
  );
}
