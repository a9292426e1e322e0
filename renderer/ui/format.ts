import type { Locale } from '../../shared/i18n/index';

/** "7.000 ₫" in Vietnamese, "₫7,000" in English: what banks and receipts show. */
export const formatVnd = (amount: number, locale: Locale): string =>
  new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-US', { style: 'currency', currency: 'VND' }).format(amount);
