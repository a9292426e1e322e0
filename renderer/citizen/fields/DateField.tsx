import { useState } from 'react';
import { useT } from '../../ui/useT';
import type { FieldProps } from './FieldProps';

const parts = (value: unknown) => {
  const match = typeof value === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(value) : null;
  return match ? { day: String(Number(match[3])), month: String(Number(match[2])), year: match[1]! } : { day: '', month: '', year: '' };
};

/**
 * Day, month and year in three boxes, in the Vietnamese order: easier on a touchscreen than a
 * calendar picker. The engine gets yyyy-mm-dd and decides whether the date exists.
 */
export function DateField({ value, onChange, inputId, describedBy, invalid }: Omit<FieldProps, 'step'>) {
  const t = useT();
  const [draft, setDraft] = useState(() => parts(value));
  const update = (part: keyof typeof draft, text: string) => {
    const next = { ...draft, [part]: text.replace(/\D/g, '') };
    setDraft(next);
    const complete = next.day && next.month && next.year.length === 4;
    onChange(complete ? `${next.year}-${next.month.padStart(2, '0')}-${next.day.padStart(2, '0')}` : '');
  };
  const box = (part: keyof typeof draft, label: string, maxLength: number) => (
    <label className="date-part">
      <span>{label}</span>
      <input
        id={part === 'day' ? inputId : undefined}
        className="text-input"
        inputMode="numeric"
        autoComplete="off"
        maxLength={maxLength}
        value={draft[part]}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onChange={(event) => update(part, event.target.value)}
      />
    </label>
  );
  return (
    <div className="date-field">
      {box('day', t('field.date.day'), 2)}
      {box('month', t('field.date.month'), 2)}
      {box('year', t('field.date.year'), 4)}
    </div>
  );
}
