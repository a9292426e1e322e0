import { useTranslation } from 'react-i18next';
import type { Translate } from '../../shared/i18n/index';

/** `t()` typed by the Vietnamese catalogue's keys, so a misspelt key fails the build. */
export function useT(): Translate {
  const { t } = useTranslation();
  return (key, params) => t(key, params ?? {});
}
