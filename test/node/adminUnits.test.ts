import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import predecessorsFile from '../../assets/admin-units/predecessors.json';
import unitsFile from '../../assets/admin-units/units.json';
import { communesOf, parseAdminUnits, provinceByCode, provinces, searchCommunes, unitByCode, type AdminUnit } from '../../shared/adminUnits';
import { fold } from '../../shared/text';

const allUnits = provinces().flatMap((province) => communesOf(province.code));
const codesOf = (units: readonly AdminUnit[]) => units.map((unit) => unit.code);

describe('the asset files', () => {
  test('parse with the schema into 34 provinces and 3,321 units (facts §6.1)', () => {
    const parsed = parseAdminUnits(unitsFile, predecessorsFile);
    expect(parsed.provinces).toHaveLength(34);
    expect(parsed.units).toHaveLength(3321);
  });

  const valid = { provinces: [{ code: '56', name: 'Tỉnh Khánh Hòa', units: [{ code: '22651', name: 'Xã Diên Khánh' }] }] };
  const former = { code: '22690', name: 'Xã Diên Toàn', district: 'Huyện Diên Khánh', province: 'Tỉnh Khánh Hòa' };
  const withUnit = (unit: object) => ({ provinces: [{ ...valid.provinces[0], units: [unit] }] });

  test('a minimal valid pair parses, so the rejections below are about the one thing each breaks', () => {
    expect(parseAdminUnits(valid, { '22651': [former] }).units[0]?.formerly).toEqual([{ ...former, partial: false }]);
  });

  test.each([
    ['a duplicated unit code', { provinces: [{ ...valid.provinces[0], units: [{ code: '22651', name: 'Xã Diên Khánh' }, { code: '22651', name: 'Xã Diên Lạc' }] }] }, {}],
    ['a duplicated province code', { provinces: [valid.provinces[0], { ...valid.provinces[0], units: [{ code: '22678', name: 'Xã Diên Lạc' }] }] }, {}],
    ['a name in NFD', withUnit({ code: '22651', name: 'Xã Diên Khánh'.normalize('NFD') }), {}],
    ['a name with a double space', withUnit({ code: '22651', name: 'Xã  Diên Khánh' }), {}],
    ['a unit name without its type', withUnit({ code: '22651', name: 'Diên Khánh' }), {}],
    ['a pre-2025 type (thị trấn no longer exists)', withUnit({ code: '22651', name: 'Thị trấn Diên Khánh' }), {}],
    ['a province name without its type', { provinces: [{ ...valid.provinces[0], name: 'Khánh Hòa' }] }, {}],
    ['a 4-digit unit code', withUnit({ code: '2265', name: 'Xã Diên Khánh' }), {}],
    ['a numeric code', withUnit({ code: 22651, name: 'Xã Diên Khánh' }), {}],
    ['a province without units', { provinces: [{ ...valid.provinces[0], units: [] }] }, {}],
    ['predecessors of a unit that does not exist', valid, { '22690': [former] }],
    ['an empty predecessor list', valid, { '22651': [] }],
    ['a predecessor name in NFD', valid, { '22651': [{ ...former, name: former.name.normalize('NFD') }] }],
    ['a predecessor without its district', valid, { '22651': [{ code: '22690', name: 'Xã Diên Toàn', province: 'Tỉnh Khánh Hòa' }] }],
    ['not an object at all', null, {}],
  ])('reject %s', (_, units, predecessors) => {
    expect(() => parseAdminUnits(units, predecessors)).toThrow();
  });
});

describe('provinces', () => {
  test('are the 34 of Công văn 915/CTK-CSCL, by code (domain README §5.1)', () => {
    const codes915 = '01 04 08 11 12 14 15 19 20 22 24 25 31 33 37 38 40 42 44 46 48 51 52 56 66 68 75 79 80 82 86 91 92 96';
    expect(provinces().map((province) => province.code)).toEqual(codes915.split(' '));
  });

  test('are 6 centrally-run cities and 28 provinces (NQ 202/2025/QH15)', () => {
    expect(provinces().filter((province) => province.type === 'thành phố').map((province) => province.shortName)).toEqual([
      'Hà Nội',
      'Hải Phòng',
      'Huế',
      'Đà Nẵng',
      'Hồ Chí Minh',
      'Cần Thơ',
    ]);
    expect(provinces().filter((province) => province.type === 'tỉnh')).toHaveLength(28);
  });

  test('are found by code, with name, short name and type', () => {
    expect(provinceByCode('56')).toEqual({ code: '56', name: 'Tỉnh Khánh Hòa', shortName: 'Khánh Hòa', type: 'tỉnh' });
    expect(provinceByCode('79')).toMatchObject({ name: 'Thành phố Hồ Chí Minh', type: 'thành phố' });
  });
});

describe('units', () => {
  test('every code is unique, nationwide', () => {
    const codes = [...provinces().map((province) => province.code), ...codesOf(allUnits)];
    expect(new Set(codes).size).toBe(codes.length);
    expect(allUnits).toHaveLength(3321);
  });

  test('Khánh Hòa has exactly the 65 units of Công văn 1027/CTK-CSCL (domain README §5.2)', () => {
    const codes1027 = `22333 22366 22390 22402 22411 22420 22423 22432 22435 22453 22465 22480 22489 22498 22504 22516
      22525 22528 22546 22552 22558 22561 22576 22591 22597 22609 22612 22615 22624 22648 22651 22657 22660 22672 22678
      22702 22708 22714 22720 22732 22736 22738 22741 22759 22780 22786 22795 22801 22810 22813 22822 22828 22834 22840
      22846 22849 22852 22861 22870 22873 22888 22891 22897 22900 22909`;
    expect(codesOf(communesOf('56'))).toEqual(codes1027.split(/\s+/u));
  });

  test('Khánh Hòa has 48 xã, 16 phường and 1 đặc khu (NQ 1667/NQ-UBTVQH15, khoản 66)', () => {
    const count = (type: AdminUnit['type']) => communesOf('56').filter((unit) => unit.type === type).length;
    expect([count('xã'), count('phường'), count('đặc khu')]).toEqual([48, 16, 1]);
  });

  test.each([
    ['22366', 'Phường Nha Trang', 'Nha Trang', 'phường'],
    ['22390', 'Phường Tây Nha Trang', 'Tây Nha Trang', 'phường'],
    ['22651', 'Xã Diên Khánh', 'Diên Khánh', 'xã'],
    ['22609', 'Xã Khánh Vĩnh', 'Khánh Vĩnh', 'xã'],
    ['22615', 'Xã Bắc Khánh Vĩnh', 'Bắc Khánh Vĩnh', 'xã'],
    ['22736', 'Đặc khu Trường Sa', 'Trường Sa', 'đặc khu'],
    ['22759', 'Phường Phan Rang', 'Phan Rang', 'phường'],
    ['22909', 'Xã Cà Ná', 'Cà Ná', 'xã'],
  ])('%s is %s in Khánh Hòa (domain README §5.2)', (code, name, shortName, type) => {
    expect(unitByCode(code)).toMatchObject({ code, name, shortName, type, provinceCode: '56' });
  });

  test('units of other provinces are found by code too (Công văn 1027)', () => {
    expect(unitByCode('00070')).toMatchObject({ name: 'Phường Hoàn Kiếm', provinceCode: '01' });
    expect(unitByCode('31078')).toMatchObject({ name: 'Đặc khu Phú Quốc', type: 'đặc khu', provinceCode: '91' });
    expect(unitByCode('31894')).toMatchObject({ name: 'Xã Châu Thới', provinceCode: '96' });
  });

  test('every unit belongs to the province it is listed under', () => {
    for (const province of provinces()) {
      expect(communesOf(province.code).every((unit) => unit.provinceCode === province.code)).toBe(true);
    }
  });

  test('unknown and abolished codes give nothing rather than throwing', () => {
    expect(unitByCode('99999')).toBeUndefined();
    expect(unitByCode('')).toBeUndefined();
    expect(unitByCode('56')).toBeUndefined();
    expect(provinceByCode('58')).toBeUndefined(); // Ninh Thuận, merged into Khánh Hòa
    expect(provinceByCode('22651')).toBeUndefined();
    expect(communesOf('58')).toEqual([]);
    expect(searchCommunes('Phan Rang', { provinceCode: '58' })).toEqual([]);
  });

  test('an old commune code is not a current unit, but names a predecessor (facts §F.6)', () => {
    expect(unitByCode('22690')).toBeUndefined(); // Xã Diên Toàn
    expect(unitByCode('22651')?.formerly).toEqual([
      { code: '22651', name: 'Thị trấn Diên Khánh', district: 'Huyện Diên Khánh', province: 'Tỉnh Khánh Hòa', partial: false },
      { code: '22690', name: 'Xã Diên Toàn', district: 'Huyện Diên Khánh', province: 'Tỉnh Khánh Hòa', partial: false },
      { code: '22693', name: 'Xã Diên An', district: 'Huyện Diên Khánh', province: 'Tỉnh Khánh Hòa', partial: false },
    ]);
  });

  test('a commune split between new units is a partial predecessor of each (facts §F.6: Cam Tân)', () => {
    const receivers = communesOf('56').filter((unit) => unit.formerly.some((former) => former.code === '22435'));
    expect(codesOf(receivers)).toEqual(['22435', '22453', '22708']); // Cam Hiệp, Cam Lâm, Suối Dầu
    expect(receivers.every((unit) => unit.formerly.find((former) => former.code === '22435')?.partial)).toBe(true);
  });

  test('Ninh Thuận communes keep their old province among the predecessors', () => {
    expect(unitByCode('22759')?.formerly.map((former) => former.province)).toEqual(Array(4).fill('Tỉnh Ninh Thuận'));
  });
});

describe('searchCommunes', () => {
  test.each(['dien khanh', 'Diên Khánh', 'DIEN KHANH', 'DIÊN KHÁNH', 'Diên Khánh'.normalize('NFD'), '  diên   khánh '])(
    '"%s" finds Xã Diên Khánh first, nationwide',
    (query) => {
      expect(searchCommunes(query)[0]?.code).toBe('22651');
    },
  );

  test('the whole short name ranks above a longer name that contains it', () => {
    expect(codesOf(searchCommunes('khanh vinh', { provinceCode: '56' }))).toEqual(['22609', '22612', '22615', '22624', '22648']);
    expect(codesOf(searchCommunes('nha trang', { provinceCode: '56' }))).toEqual(['22366', '22333', '22390', '22402']);
  });

  test('typing the right diacritics ranks their unit above one that matches only when folded', () => {
    // Quảng Ngãi has both Xã Sơn Hà (21289) and Xã Sơn Hạ (21292); both fold to "son ha".
    expect(codesOf(searchCommunes('son ha', { provinceCode: '51' })).slice(0, 2)).toEqual(['21289', '21292']);
    expect(codesOf(searchCommunes('Sơn Hạ', { provinceCode: '51' })).slice(0, 2)).toEqual(['21292', '21289']);
  });

  test('a province code keeps the search inside that province', () => {
    const everywhere = searchCommunes('binh an');
    const inAnGiang = searchCommunes('binh an', { provinceCode: '91' });
    expect(new Set(everywhere.map((unit) => unit.provinceCode)).size).toBeGreaterThan(1);
    expect(inAnGiang.length).toBeGreaterThan(0);
    expect(inAnGiang.every((unit) => unit.provinceCode === '91')).toBe(true);
  });

  test('a former commune name, as on an old CCCD, finds the unit it became', () => {
    expect(codesOf(searchCommunes('vinh hiep', { provinceCode: '56' }))).toEqual(['22390']); // → Phường Tây Nha Trang
    expect(codesOf(searchCommunes('Lộc Thọ', { provinceCode: '56' }))).toEqual(['22366']); // → Phường Nha Trang
  });

  test('a current name ranks above a unit that only had a former commune of that name', () => {
    // Xã Ninh Hải (Ninh Thuận) today; Phường Ninh Hải (Ninh Hòa) went into Phường Đông Ninh Hòa.
    expect(codesOf(searchCommunes('ninh hai', { provinceCode: '56' }))).toEqual(['22852', '22561']);
  });

  test('nothing matches a name that is not there', () => {
    expect(searchCommunes('zzz không có')).toEqual([]);
  });

  test('searching any unit by its folded name, or its short name in capitals, finds that unit', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allUnits), (unit) => {
        expect(searchCommunes(fold(unit.name))).toContain(unit);
        expect(searchCommunes(unit.shortName.toUpperCase(), { provinceCode: unit.provinceCode })).toContain(unit);
      }),
    );
  });
});
