import { applyMark, applyTone, markedLetters, tones, typeKey, type InputMethod, type MarkedLetter, type Tone } from './compose';

/**
 * What each key of the on-screen keyboard does to the value, apart from React so that Node tests
 * can press keys. `text` is letters, numbers and address punctuation; `numeric` is a digit pad
 * (CCCD number, years); `phone` adds "+"; `latin` is for what is no Vietnamese word (a web address,
 * an enrolment code): no tone or mark keys, no Telex, and ":" and "_" for addresses.
 */
export type KeyboardMode = 'text' | 'numeric' | 'phone' | 'latin';

export type KeyAction =
  | { kind: 'char'; char: string }
  | { kind: 'tone'; tone: Tone }
  | { kind: 'mark'; letter: MarkedLetter }
  | { kind: 'shift' }
  | { kind: 'space' }
  | { kind: 'backspace' }
  | { kind: 'done' };

export interface KeyboardState {
  value: string;
  /** One-shot capital: the next letter is upper case, then shift lets go. */
  shift: boolean;
}

export interface PressOptions {
  mode: KeyboardMode;
  /** Telex or VNI apply in `text` mode only: a digit pad types digits. */
  method: InputMethod;
  /** Counted in letters (code points of the NFC text): a CCCD number is 12 digits. */
  maxLength?: number;
}

const chars = (text: string): KeyAction[] => Array.from(text, (char) => ({ kind: 'char', char }));

/** Rows of keys per mode; tone and mark rows come first, where the citizen looks. */
export const layouts: Record<KeyboardMode, KeyAction[][]> = {
  text: [
    tones.map((tone) => ({ kind: 'tone', tone })),
    markedLetters.map((letter) => ({ kind: 'mark', letter })),
    chars('1234567890'),
    chars('qwertyuiop'),
    chars('asdfghjkl'),
    [{ kind: 'shift' }, ...chars('zxcvbnm'), { kind: 'backspace' }],
    [...chars(',.-/'), { kind: 'space' }, { kind: 'done' }],
  ],
  numeric: [chars('123'), chars('456'), chars('789'), [{ kind: 'backspace' }, ...chars('0'), { kind: 'done' }]],
  phone: [chars('123'), chars('456'), chars('789'), [...chars('+0'), { kind: 'backspace' }], [{ kind: 'done' }]],
  latin: [
    chars('1234567890'),
    chars('qwertyuiop'),
    chars('asdfghjkl'),
    [{ kind: 'shift' }, ...chars('zxcvbnm'), { kind: 'backspace' }],
    [...chars(':/.-_'), { kind: 'done' }],
  ],
};

/** The value after a key press; `done` is the caller's to handle and changes nothing here. */
export function press(state: KeyboardState, action: KeyAction, { mode, method, maxLength }: PressOptions): KeyboardState {
  const { value, shift } = state;
  const length = (text: string) => Array.from(text).length;
  const tooLong = (next: string) => maxLength !== undefined && length(next) > maxLength && length(next) > length(value);
  const typed = (next: string): KeyboardState => (tooLong(next) ? state : { value: next, shift: false });
  switch (action.kind) {
    case 'char': {
      const char = shift ? action.char.toLocaleUpperCase('vi') : action.char;
      return typed(typeKey(value, char, mode === 'text' ? method : 'direct'));
    }
    case 'mark':
      return typed(applyMark(value, shift ? action.letter.toLocaleUpperCase('vi') : action.letter));
    case 'tone':
      return { value: applyTone(value, action.tone), shift };
    case 'space':
      return typed(`${value} `);
    case 'backspace':
      // In NFC one press takes a whole letter, "ễ" included, even from a value someone set in NFD.
      return { value: Array.from(value.normalize('NFC')).slice(0, -1).join(''), shift };
    case 'shift':
      return { value, shift: !shift };
    case 'done':
      return state;
  }
}
