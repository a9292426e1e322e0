import { communesOf, provinces, searchCommunes, type AdminUnit } from '../adminUnits';
import type { CccdQrData, PartialDate } from '../cccd';
import type { ChipRead } from '../contract';
import { collapseSpaces, fold } from '../text';
import type { AddressAnswer, Identity } from './formEngine';

/** yyyy-mm-dd, or yyyy-mm or yyyy for a date the card gives only in part. */
export const isoDate = ({ year, month, day }: Omit<PartialDate, 'raw'>): string =>
  [String(year).padStart(4, '0'), month && String(month).padStart(2, '0'), month && day && String(day).padStart(2, '0')].filter(Boolean).join('-');

/** Commune-level names start with their type; "thị trấn" no longer exists but old cards print it. */
const COMMUNE_LEVEL = /^(xa|phuong|thi tran|dac khu) /;

/**
 * The card's one-line address as today's units: the last part names the province, the last
 * commune-level part the commune — matched by its current or, for pre-2025 cards, its former name
 * (adminUnits' predecessors), and only when exactly one unit fits. What comes before it is the
 * house, street or village. Whatever cannot be matched is left for the citizen to pick.
 */
export function addressFromCard(address: string): AddressAnswer {
  const parts = address.split(',').map(collapseSpaces).filter(Boolean);
  const last = fold(parts.at(-1) ?? '');
  const province = provinces().find((candidate) => fold(candidate.name) === last || fold(candidate.shortName) === last);
  const at = parts.findLastIndex((part) => COMMUNE_LEVEL.test(fold(part)));
  if (at < 0) return { provinceCode: province?.code ?? '', communeCode: '', detail: collapseSpaces(address) };
  const named = fold(parts[at]!);
  const fits = (unit: AdminUnit) => fold(unit.name) === named || unit.formerly.some((former) => fold(former.name) === named);
  const candidates = province ? communesOf(province.code) : searchCommunes(parts[at]!.replace(/^\S+( trấn| khu)? /iu, ''));
  const matches = candidates.filter(fits);
  const commune = matches.length === 1 ? matches[0] : undefined;
  return {
    provinceCode: commune?.provinceCode ?? province?.code ?? '',
    communeCode: commune?.code ?? '',
    detail: parts.slice(0, at).join(', '),
  };
}

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
    ...(card.address ? { address: addressFromCard(card.address) } : {}),
  };
}

/**
 * The applicant's answers read from their card's chip (DG13). Fields the chip lacks, or a date
 * that is not a real day, are left for the citizen to answer.
 */
export function identityFromChip(personal: NonNullable<ChipRead['personalData']>): Identity {
  const birth = personal.dateOfBirth?.date;
  const gender = { Nam: 'male', Nữ: 'female' }[personal.gender ?? ''];
  return {
    ...(personal.fullName ? { fullName: personal.fullName } : {}),
    ...(personal.idNumber ? { number: personal.idNumber } : {}),
    ...(birth ? { dateOfBirth: isoDate(birth) } : {}),
    ...(gender ? { gender } : {}),
    ...(personal.placeOfResidence ? { address: addressFromCard(personal.placeOfResidence) } : {}),
  };
}
