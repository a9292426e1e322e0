import { z } from 'zod';
import predecessorsFile from '../assets/admin-units/predecessors.json';
import unitsFile from '../assets/admin-units/units.json';
import { collapseSpaces, nfc, search } from './text';

/**
 * Vietnam's administrative units from 1 July 2025: two tiers, 34 provinces and centrally-run cities
 * (Nghị quyết 202/2025/QH15), each with its communes, wards and special zones; the district level
 * is gone. Codes are the statistical ones: 2 digits for provinces (Công văn 915/CTK-CSCL), 5 for
 * communes (Công văn 1027/CTK-CSCL, 25-06-2025). A new commune reuses the code of one of the old
 * units it was formed from, so an old code may now name a different place: look old codes up in
 * `formerly`, never as a current code. Where the data comes from: assets/admin-units/SOURCES.md.
 */

export type ProvinceType = 'tỉnh' | 'thành phố';
export type UnitType = 'xã' | 'phường' | 'đặc khu';

export interface Province {
  readonly code: string;
  /** Official name, type included: "Tỉnh Khánh Hòa", "Thành phố Hà Nội". */
  readonly name: string;
  /** Without the type: "Khánh Hòa". */
  readonly shortName: string;
  readonly type: ProvinceType;
}

/** A pre-2025 commune, as old CCCD addresses still name it. */
export interface FormerUnit {
  readonly code: string;
  readonly name: string;
  /** The abolished district level: "Huyện Diên Khánh", "Thành phố Nha Trang". */
  readonly district: string;
  /** The pre-2025 province, one of the 63: "Tỉnh Ninh Thuận". */
  readonly province: string;
  /** Only part of it went into this unit; the rest went to a neighbour. */
  readonly partial: boolean;
}

export interface AdminUnit {
  readonly code: string;
  /** Official name, type included: "Xã Diên Khánh". */
  readonly name: string;
  /** Without the type: "Diên Khánh". */
  readonly shortName: string;
  readonly type: UnitType;
  readonly provinceCode: string;
  /** The units it was formed from; empty where our sources give none (today: outside Khánh Hòa). */
  readonly formerly: readonly FormerUnit[];
}

// Official names start with their type; the type and the short name are read from that prefix.
const provinceTypes = [['Tỉnh', 'tỉnh'], ['Thành phố', 'thành phố']] as const;
const unitTypes = [['Xã', 'xã'], ['Phường', 'phường'], ['Đặc khu', 'đặc khu']] as const;

/** Names are compared and shown as stored, so they must already be NFC with single spaces. */
const Name = z
  .string()
  .min(1)
  .refine((name) => name === collapseSpaces(nfc(name)), 'not NFC with single spaces');
const typedName = <T extends string>(types: readonly (readonly [string, T])[]) =>
  Name.transform((name, context) => {
    const entry = types.find(([prefix]) => name.startsWith(`${prefix} `));
    if (entry === undefined) {
      context.issues.push({ code: 'custom', message: 'does not start with its type', input: name });
      return z.NEVER;
    }
    return { name, type: entry[1], shortName: name.slice(entry[0].length + 1) };
  });

const UnitsFile = z
  .object({
    provinces: z.array(
      z.object({
        code: z.string().regex(/^\d{2}$/),
        name: typedName(provinceTypes),
        units: z.array(z.object({ code: z.string().regex(/^\d{5}$/), name: typedName(unitTypes) })).min(1),
      }),
    ),
  })
  // Lookups go through maps keyed by code: a duplicate would silently hide a unit.
  .superRefine(({ provinces }, context) => {
    const seen = new Set<string>();
    for (const code of [...provinces.map((province) => province.code), ...provinces.flatMap((province) => province.units.map((unit) => unit.code))]) {
      if (seen.has(code)) context.addIssue({ code: 'custom', message: `duplicate code ${code}` });
      seen.add(code);
    }
  });

const PredecessorsFile = z.record(
  z.string().regex(/^\d{5}$/),
  z
    .array(
      z.object({
        code: z.string().regex(/^\d{5}$/),
        name: Name,
        district: Name,
        province: Name,
        partial: z.boolean().default(false),
      }),
    )
    .min(1),
);

/**
 * Parses the two asset files (a trust boundary, ARCHITECTURE §6.4) and joins them. Throws on a bad
 * file, and on predecessors filed under a code that is not a current unit.
 */
export function parseAdminUnits(units: unknown, predecessors: unknown): { provinces: Province[]; units: AdminUnit[] } {
  const parsedUnits = UnitsFile.parse(units);
  const formerly = PredecessorsFile.parse(predecessors);
  const known = new Set(parsedUnits.provinces.flatMap((province) => province.units.map((unit) => unit.code)));
  const stray = Object.keys(formerly).filter((code) => !known.has(code));
  if (stray.length > 0) throw new Error(`predecessors for unknown units ${stray.join(', ')}`);
  return {
    provinces: parsedUnits.provinces.map(({ code, name }) => ({ code, ...name })),
    units: parsedUnits.provinces.flatMap((province) =>
      province.units.map(({ code, name }) => ({ code, ...name, provinceCode: province.code, formerly: formerly[code] ?? [] })),
    ),
  };
}

/** Parsed and indexed at first use, not at start: the kiosk's first screen needs none of it (P1). */
let indexed: ReturnType<typeof indexUnits> | undefined;
const data = () => (indexed ??= indexUnits(parseAdminUnits(unitsFile, predecessorsFile)));

function indexUnits({ provinces, units }: ReturnType<typeof parseAdminUnits>) {
  return {
    provinces,
    units,
    provincesByCode: new Map(provinces.map((province) => [province.code, province])),
    unitsByCode: new Map(units.map((unit) => [unit.code, unit])),
    unitsByProvince: new Map(provinces.map((province) => [province.code, units.filter((unit) => unit.provinceCode === province.code)])),
  };
}

/** The 34 provinces and centrally-run cities, by code. */
export const provinces = (): readonly Province[] => data().provinces;

export const provinceByCode = (code: string): Province | undefined => data().provincesByCode.get(code);

/** A province's communes, wards and special zones, by code; none for an unknown province. */
export const communesOf = (provinceCode: string): readonly AdminUnit[] => data().unitsByProvince.get(provinceCode) ?? [];

export const unitByCode = (code: string): AdminUnit | undefined => data().unitsByCode.get(code);

/**
 * Diacritic- and case-insensitive search (shared/text.ts `search`), best match first: "dien khanh",
 * "DIEN KHANH" and "Diên Khánh" all find Xã Diên Khánh. Units whose current name matches come
 * first; after them, units formed from a former commune of that name, because citizens type what
 * their old CCCD address says ("Vĩnh Hiệp" finds Phường Tây Nha Trang).
 */
export function searchCommunes(query: string, options: { provinceCode?: string } = {}): AdminUnit[] {
  const pool = options.provinceCode === undefined ? data().units : communesOf(options.provinceCode);
  const byName = search(query, pool, (unit) => [unit.shortName, unit.name]);
  const found = new Set(byName);
  const byFormerName = search(
    query,
    pool.filter((unit) => unit.formerly.length > 0 && !found.has(unit)),
    (unit) => unit.formerly.map((former) => former.name),
  );
  return [...byName, ...byFormerName];
}
