import type { CccdQrData, PartialDate } from '../cccd';
import type { Identity } from './formEngine';

const isoDate = ({ year, month, day }: PartialDate): string =>
  [String(year).padStart(4, '0'), month && String(month).padStart(2, '0'), month && day && String(day).padStart(2, '0')].filter(Boolean).join('-');

/**
 * The applicant's answers read from their card. A year-only or month-and-year birth date stays
 * partial, so the date step is asked rather than filled with an invented day.
 */
export function identityFromCccd(card: CccdQrData): Identity {
  return {
    fullName: card.fullName,
    number: card.number,
    dateOfBirth: isoDate(card.dateOfBirth),
    gender: card.gender === 'Nam' ? 'male' : 'female',
    ...(card.address ? { address: card.address } : {}),
  };
}
