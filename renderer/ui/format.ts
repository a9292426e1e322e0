import type { Locale } from '../../shared/i18n/index';

/** "7.000 ₫" in Vietnamese, "₫7,000" in English: what banks and receipts show. */
export const formatVnd = (amount: number, locale: Locale): string =>
  new Intl.NumberFormat(locale === 'vi' ? 'vi-VN' : 'en-US', { style: 'currency', currency: 'VND' }).format(amount);

/** A date as printed on a Vietnamese card, dd/mm/yyyy, leaving out the parts it does not give. */
export const cardDate = ({ day, month, year }: { day: number | null; month: number | null; year: number }): string =>
  [day, month].filter((part) => part !== null).map((part) => String(part).padStart(2, '0')).concat(String(year)).join('/');
