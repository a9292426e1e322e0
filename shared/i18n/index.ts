import i18next, { type i18n } from 'i18next';
import type { ErrorCode } from '../errors';
import { en } from './en';
import { vi, type MessageKey } from './vi';

export type Locale = 'vi' | 'en';
export const locales: readonly Locale[] = ['vi', 'en'];
export const defaultLocale: Locale = 'vi';
export type { MessageKey };

export const resources = { vi: { translation: vi }, en: { translation: en } } as const;

/**
 * One i18next instance per caller (UI, receipt, PDF), so they all say the same thing. Keys are
 * flat, hence no key separator; React escapes output itself, receipts and PDFs are not HTML.
 */
export function createI18n(locale: Locale = defaultLocale): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    lng: locale,
    fallbackLng: defaultLocale,
    resources,
    keySeparator: false,
    nsSeparator: false,
    interpolation: { escapeValue: false },
    initAsync: false,
    showSupportNotice: false,
  });
  return instance;
}

export type Translate = (key: MessageKey, params?: Record<string, string | number>) => string;

export function createT(locale: Locale = defaultLocale): Translate {
  const instance = createI18n(locale);
  return (key, params) => instance.t(key, params ?? {});
}

export const errorKey = (code: ErrorCode): MessageKey => `errors.${code}`;
