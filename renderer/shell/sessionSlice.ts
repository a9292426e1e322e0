import type { StateCreator } from 'zustand';
import { defaultLocale, type Locale } from '../../shared/i18n/index';

/** The text size steps, in per cent of the default: up to 200 % (WCAG 1.4.4; pinch zoom is off on the kiosk). */
export const textSizes = [100, 150, 200] as const;
export type TextSize = (typeof textSizes)[number];

const defaultDisplay = { textSize: 100, highContrast: false } as const;

/** Kiosk-wide display state: the language on screen, the text size and the high-contrast theme. */
export interface SessionSlice {
  locale: Locale;
  setLocale(locale: Locale): void;
  textSize: TextSize;
  setTextSize(textSize: TextSize): void;
  highContrast: boolean;
  setHighContrast(highContrast: boolean): void;
  /** The default look, for the next citizen: the kiosk is shared. */
  resetDisplay(): void;
}

export const createSessionSlice: StateCreator<SessionSlice> = (set) => ({
  locale: defaultLocale,
  setLocale: (locale) => set({ locale }),
  ...defaultDisplay,
  setTextSize: (textSize) => set({ textSize }),
  setHighContrast: (highContrast) => set({ highContrast }),
  resetDisplay: () => set(defaultDisplay),
});
