import type { ErrorCode } from '../../shared/errors';
import { errorKey } from '../../shared/i18n/index';
import { useT } from './useT';

/** The ids of a field's hint and error, for its `aria-describedby`: `<inputId>-hint`, `<inputId>-error`. */
export const helpIds = (inputId: string, hint: unknown, error: ErrorCode | null): string =>
  [hint && `${inputId}-hint`, error && `${inputId}-error`].filter(Boolean).join(' ');

/** Above a field: its hint, and, once an answer was refused, why (announced, GOV.UK-style). */
export function FieldHelp({ inputId, hint, error }: { inputId: string; hint?: string; error: ErrorCode | null }) {
  const t = useT();
  return (
    <>
      {hint && (
        <p className="hint" id={`${inputId}-hint`}>
          {hint}
        </p>
      )}
      {error && (
        <p className="error" id={`${inputId}-error`} role="alert">
          {t(errorKey(error))}
        </p>
      )}
    </>
  );
}
