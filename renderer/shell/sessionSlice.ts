import type { StateCreator } from 'zustand';
import { defaultLocale, type Locale } from '../../shared/i18n/index';

/** Kiosk-wide display state: the language on screen. */
export interface SessionSlice {
  locale: Locale;
  setLocale(locale: Locale): void;
}

export const createSessionSlice: StateCreator<SessionSlice> = (set) => ({
  locale: defaultLocale,
  setLocale: (locale) => set({ locale }),
});
