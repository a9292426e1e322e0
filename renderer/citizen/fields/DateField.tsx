import { useRef, useState } from 'react';
import { useT } from '../../ui/useT';
import { KeyboardDock, KeyboardInput, submitFormOf } from '../../ui/keyboard/KeyboardField';
import type { FieldProps } from './FieldProps';

const parts = (value: unknown) => {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  return match ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1]! } : { day: '', month: '', year: '' };
};
type Part = keyof ReturnType<typeof parts>;
const order: readonly Part[] = ['day', 'month', 'year'];
const digits: Record<Part, number> = { day: 2, month: 2, year: 4 };

/**
 * Day, month and year in three boxes, in the Vietnamese order: easier on a touchscreen than a
 * calendar picker. The engine gets yyyy-mm-dd and decides whether the date exists. One number pad
 * types into the box last touched (the day at first); its "Xong" goes on to the next box, and
 * after the year submits like "Tiếp tục".
 */
export function DateField({ value, onChange, inputId, describedBy, invalid }: Omit<FieldProps, 'step'>) {
  const t = useT();
  const [draft, setDraft] = useState(() => parts(value));
  const [active, setActive] = useState<Part>('day');
  const boxes = useRef<Partial<Record<Part, HTMLInputElement | null>>>({});
  const update = (part: Part, text: string) => {
    const next = { ...draft, [part]: text.replace(/\D/g, '') };
    setDraft(next);
    const complete = next.day && next.month && next.year.length === 4;
    onChange(complete ? `${next.year}-${next.month.padStart(2, '0')}-${next.day.padStart(2, '0')}` : '');
  };
  // Focusing the next box makes it the keys' target (its onFocus), as a touch on it would.
  const done = () => {
    const next = order[order.indexOf(active) + 1];
    if (next) boxes.current[next]?.focus();
    else submitFormOf(boxes.current[active] ?? null);
  };
  const box = (part: Part, label: string) => (
    <label className="date-part">
      <span>{label}</span>
      <KeyboardInput
        ref={(element) => {
          boxes.current[part] = element;
        }}
        id={part === 'day' ? inputId : undefined}
        className="text-input"
        maxLength={digits[part]}
        value={draft[part]}
        active={active === part}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onFocus={() => setActive(part)}
        onChange={(text) => update(part, text)}
      />
    </label>
  );
  return (
    <>
      <div className="date-field">
        {box('day', t('field.date.day'))}
        {box('month', t('field.date.month'))}
        {box('year', t('field.date.year'))}
      </div>
      <KeyboardDock value={draft[active]} onChange={(text) => update(active, text)} onDone={done} mode="numeric" maxLength={digits[active]} />
    </>
  );
}
