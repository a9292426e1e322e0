import type { ErrorCode } from '../../shared/errors';
import { errorKey } from '../../shared/i18n/index';
import { useT } from './useT';

/** A failure told by its code (shared/errors.ts) in the screen's language, announced at once; nothing without one. */
export function ErrorAlert({ code, params }: { code: ErrorCode | null | undefined; params?: Record<string, string | number> }) {
  const t = useT();
  return code ? (
    <p className="error" role="alert">
      {t(errorKey(code), params)}
    </p>
  ) : null;
}
