import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { decodeCccdNumber, parseCccdQr, type CccdQrData } from '../../shared/cccd';
import { collapseSpaces, nameCase, nfc } from '../../shared/text';

// Fixtures: the founders' domain notes, facts.md §F.1 (QR payloads) and §F.2 (number decoding),
// and domain/README.md §1.3 (five example payloads). All people and numbers there are invented.
const F1_ADDRESS = 'Thôn Suối Thơm, Khánh Đông, Khánh Vĩnh, Khánh Hòa';
const F1_VALID_1 = `056190012345|225000001|Trần Thị Thử|15031990|Nữ|${F1_ADDRESS}|20042021`;

describe('decoding the 12-digit number', () => {
  test.each([
    ['056190012345', '056', 'Khánh Hòa', 'Nữ', 1990],
    ['056305001234', '056', 'Khánh Hòa', 'Nữ', 2005],
    ['058085004321', '058', 'Ninh Thuận', 'Nam', 1985],
    ['056315009876', '056', 'Khánh Hòa', 'Nữ', 2015],
    ['087084000999', '087', 'Đồng Tháp', 'Nam', 1984],
  ])('F.2: %s is registered in %s (%s), %s, born %i', (number, placeCode, placeName, gender, birthYear) => {
    expect(decodeCccdNumber(number)).toEqual({
      ok: true,
      value: { number, placeCode, placeName, placeKind: 'province', century: birthYear < 2000 ? 20 : 21, gender, birthYear },
    });
  });

  test.each([
    ['05619001234', 'cccd.numberFormat'],
    ['0561900123456', 'cccd.numberFormat'],
    ['05619001234X', 'cccd.numberFormat'],
    ['０５６１９００１２３４５', 'cccd.numberFormat'],
    ['', 'cccd.numberFormat'],
    ['099190012345', 'cccd.unknownPlaceCode'],
    ['003190012345', 'cccd.unknownPlaceCode'],
    ['999190012345', 'cccd.unknownPlaceCode'],
  ])('%j is refused with %s', (number, code) => {
    expect(decodeCccdNumber(number)).toMatchObject({ ok: false, code });
  });

  test.each([
    ['0', 1900, 'Nam'],
    ['1', 1900, 'Nữ'],
    ['2', 2000, 'Nam'],
    ['3', 2000, 'Nữ'],
    ['4', 2100, 'Nam'],
    ['9', 2300, 'Nữ'],
  ])('century-and-gender digit %s means born from %i, %s', (digit, base, gender) => {
    const decoded = decodeCccdNumber(`056${digit}07123456`);
    expect(decoded).toMatchObject({ ok: true, value: { birthYear: base + 7, gender } });
  });

  test('a number typed in groups of digits decodes like the plain number', () => {
    expect(decodeCccdNumber(' 056 190 012 345 ')).toEqual(decodeCccdNumber('056190012345'));
  });

  test('a number registered abroad names the country, not a province', () => {
    expect(decodeCccdNumber('232190012345')).toMatchObject({ ok: true, value: { placeKind: 'country', placeName: 'Nhật Bản' } });
  });
});

describe('the CCCD QR fixtures (F.1 and README §1.3)', () => {
  test('F.1: a chip CCCD with an old CMND parses into typed fields', () => {
    expect(parseCccdQr(F1_VALID_1)).toEqual({
      ok: true,
      value: {
        number: '056190012345',
        numberInfo: { number: '056190012345', placeCode: '056', placeName: 'Khánh Hòa', placeKind: 'province', century: 20, gender: 'Nữ', birthYear: 1990 },
        oldIdNumber: '225000001',
        fullName: 'Trần Thị Thử',
        dateOfBirth: { raw: '15031990', year: 1990, month: 3, day: 15 },
        gender: 'Nữ',
        address: F1_ADDRESS,
        issueDate: { raw: '20042021', year: 2021, month: 4, day: 20 },
        extraFields: [],
      },
    } satisfies { ok: true; value: CccdQrData });
  });

  test.each([
    // F.1 valid: thẻ căn cước 2024, never had a CMND, new two-tier address
    ['056305001234||Lê Thị Thử Hai|21082005|Nữ|Tổ 5, Phường Nam Nha Trang, Khánh Hòa|10092025', null, 'Lê Thị Thử Hai', 'Tổ 5, Phường Nam Nha Trang, Khánh Hòa', []],
    // F.1 valid: born in old Ninh Thuận (058), lives in Khánh Hòa
    ['058085004321|264000002|Phạm Văn Mẫu|02111985|Nam|Khu phố 3, Đô Vinh, Phan Rang-Tháp Chàm, Ninh Thuận|12052022', '264000002', 'Phạm Văn Mẫu', 'Khu phố 3, Đô Vinh, Phan Rang-Tháp Chàm, Ninh Thuận', []],
    // F.1 hypothetical: under-14 card with the parents appended
    ['056315009876||Nguyễn Gia Thử|01022015|Nữ|Thôn Phú Ân Nam, Xã Diên Khánh, Khánh Hòa|15082025|Nguyễn Văn Bố|Trần Thị Mẹ', null, 'Nguyễn Gia Thử', 'Thôn Phú Ân Nam, Xã Diên Khánh, Khánh Hòa', ['Nguyễn Văn Bố', 'Trần Thị Mẹ']],
    // README §1.3: (1) old CMND … (5) hypothetical 2024 card with a trailing empty field
    ['056090001234|225123456|Nguyễn Văn An|15031990|Nam|Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa|20042021', '225123456', 'Nguyễn Văn An', 'Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa', []],
    ['058195001357||Trần Thị Bích|02111995|Nữ|Khu phố 3, Phường Đô Vinh, Thành phố Phan Rang-Tháp Chàm, Ninh Thuận|10082021', null, 'Trần Thị Bích', 'Khu phố 3, Phường Đô Vinh, Thành phố Phan Rang-Tháp Chàm, Ninh Thuận', []],
    ['056305004321||Lê Thị Mai|09072005|Nữ|Tổ 5, Phường Nam Nha Trang, Khánh Hòa|15012026', null, 'Lê Thị Mai', 'Tổ 5, Phường Nam Nha Trang, Khánh Hòa', []],
    ['079052000111|020123456|Phạm Văn Bình|1952|Nam|12 Đường số 3, Phường 7, Quận 8, TP. Hồ Chí Minh|05062021', '020123456', 'Phạm Văn Bình', '12 Đường số 3, Phường 7, Quận 8, TP. Hồ Chí Minh', []],
    ['001201009876||Hoàng Minh Khôi|30122001|Nam|Số 8 ngõ 2, Phường Ba Đình, Hà Nội|01072024|', null, 'Hoàng Minh Khôi', 'Số 8 ngõ 2, Phường Ba Đình, Hà Nội', ['']],
  ])('valid payload %s parses, keeping the address whole and the extras', (payload, oldIdNumber, fullName, address, extraFields) => {
    expect(parseCccdQr(payload)).toMatchObject({ ok: true, value: { number: payload.slice(0, 12), oldIdNumber, fullName, address, extraFields } });
  });

  test('a year-only birth date stays year-only: no day or month is invented', () => {
    const parsed = parseCccdQr('079052000111|020123456|Phạm Văn Bình|1952|Nam|12 Đường số 3, Quận 8|05062021');
    expect(parsed).toMatchObject({ ok: true, value: { dateOfBirth: { raw: '1952', year: 1952, month: null, day: null } } });
  });

  test('a month-and-year birth date keeps its month and no day', () => {
    const parsed = parseCccdQr('079052000111|020123456|Phạm Văn Bình|031952|Nam|12 Đường số 3, Quận 8|05062021');
    expect(parsed).toMatchObject({ ok: true, value: { dateOfBirth: { raw: '031952', year: 1952, month: 3, day: null } } });
  });

  test.each([
    ['six fields (the phalconsupply/phongkham layout)', `056190012345|Trần Thị Thử|15031990|Nữ|${F1_ADDRESS}|20042021`, 'cccd.tooFewFields', { count: 6 }],
    ['birth year 1991 against digits "90"', `056190012345|225000001|Trần Thị Thử|15031991|Nữ|${F1_ADDRESS}|20042021`, 'cccd.birthYearMismatch', { numberYear: 1990, dateYear: 1991 }],
    ['"Nam" against the female digit 1', `056190012345|225000001|Trần Thị Thử|15031990|Nam|${F1_ADDRESS}|20042021`, 'cccd.genderMismatch', { numberGender: 'Nữ', cardGender: 'Nam' }],
    ['31 February', `056190012345|225000001|Trần Thị Thử|31021990|Nữ|${F1_ADDRESS}|20042021`, 'cccd.dateImpossible', { field: 'dateOfBirth' }],
    ['province code 099', '099190012345|225000001|Trần Thị Thử|15031990|Nữ|X|20042021', 'cccd.unknownPlaceCode', { placeCode: '099' }],
  ])('F.1 invalid: %s is refused with %s', (_case, payload, code, params) => {
    expect(parseCccdQr(payload)).toEqual({ ok: false, code, params });
  });
});

/** F1_VALID_1 with one field replaced. */
const withField = (index: number, value: string) =>
  F1_VALID_1.split('|')
    .map((field, i) => (i === index ? value : field))
    .join('|');

/** UTF-8 bytes read as Windows-1252 (WHATWG index; 0x81, 0x8D, 0x8F, 0x90, 0x9D stay C1 controls). */
const CP1252_80_9F = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ';
const asWindows1252 = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (b >= 0x80 && b < 0xa0 ? CP1252_80_9F[b - 0x80] : String.fromCharCode(b))).join('');
const asLatin1 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('hostile scanner input', () => {
  test.each([
    ['a BOM in front', `\uFEFF${F1_VALID_1}`],
    ['CR at the end (keyboard-wedge scanner)', `${F1_VALID_1}\r`],
    ['LF at the end', `${F1_VALID_1}\n`],
    ['CRLF at the end', `${F1_VALID_1}\r\n`],
    ['BOM, spaces and CRLF', `\uFEFF  ${F1_VALID_1}  \r\n`],
    ['NFD (decomposed) text', F1_VALID_1.normalize('NFD')],
    ['spaces around and inside fields', ' 056190012345 | 225000001 |  Trần   Thị Thử | 15031990 | Nữ |Thôn Suối Thơm,  Khánh Đông, Khánh Vĩnh, Khánh Hòa | 20042021 '],
    ['the name in upper case, as on the card face', withField(2, 'TRẦN THỊ THỬ')],
    ['the gender in upper case', withField(4, 'NỮ')],
  ])('%s parses to the same data as the clean payload', (_case, payload) => {
    expect(parseCccdQr(payload)).toEqual(parseCccdQr(F1_VALID_1));
    expect(parseCccdQr(payload).ok).toBe(true);
  });

  test.each([
    ['an empty string', '', 'cccd.notCccdQr'],
    ['only whitespace and a BOM', '\uFEFF \r\n', 'cccd.notCccdQr'],
    ['a URL', 'https://dichvucong.gov.vn/p/home/dvc-trang-chu.html', 'cccd.notCccdQr'],
    ['a product barcode', '8934563138165', 'cccd.notCccdQr'],
    ['the 2021 COVID personal QR (6 fields)', '056190012345|Trần Thị Thử|15031990|1|QID123|EXT', 'cccd.tooFewFields'],
    ['a VietQR payment code', '00020101021238570010A000000727012700069704050113123456789012340208QRIBFTTA53037045802VN6304ABCD', 'cccd.notCccdQr'],
    ['two separators only', '||', 'cccd.tooFewFields'],
    ['seventeen fields', `${F1_VALID_1}${'|x'.repeat(10)}`, 'cccd.tooManyFields'],
    ['input longer than any QR code holds', `${F1_VALID_1}|${'a'.repeat(3000)}`, 'cccd.tooLong'],
    ['a non-digit in the number', withField(0, '05619001234O'), 'cccd.numberFormat'],
    ['an 11-digit number', withField(0, '05619001234'), 'cccd.numberFormat'],
    ['an 8-digit old CMND', withField(1, '22500000'), 'cccd.oldIdFormat'],
    ['letters in the old CMND', withField(1, 'Trần Thị'), 'cccd.oldIdFormat'],
    ['an empty name', withField(2, '  '), 'cccd.nameMissing'],
    ['a dashed birth date', withField(3, '15-03-1990'), 'cccd.dateFormat'],
    ['an empty birth date', withField(3, ''), 'cccd.dateFormat'],
    ['a 5-digit birth date', withField(3, '31990'), 'cccd.dateFormat'],
    ['month 13', withField(3, '15131990'), 'cccd.dateImpossible'],
    ['day 0', withField(3, '00031990'), 'cccd.dateImpossible'],
    ['29 February of a non-leap year', withField(3, '29021990'), 'cccd.dateImpossible'],
    ['31 April', withField(3, '31041990'), 'cccd.dateImpossible'],
    ['an impossible issue date', withField(6, '30022021'), 'cccd.dateImpossible'],
    ['a year-only issue date', withField(6, '2021'), 'cccd.dateFormat'],
    ['an issue date before 1900, when the numbering starts', withField(6, '01011899'), 'cccd.dateImpossible'],
    ['an unknown gender word', withField(4, 'Khác'), 'cccd.genderText'],
    ['"Nu": Nữ with its marks dropped by the scanner', withField(4, 'Nu'), 'cccd.garbledText'],
    ['Windows-1252 mojibake ("Nguyá»…n")', withField(2, 'Nguyá»…n Thị Thử'), 'cccd.garbledText'],
    ['the whole payload as Windows-1252 mojibake', asWindows1252(F1_VALID_1), 'cccd.garbledText'],
    ['the whole payload as Latin-1 mojibake', asLatin1(F1_VALID_1), 'cccd.garbledText'],
    ['a replacement character', withField(2, 'Tr\uFFFDn Thị Thử'), 'cccd.garbledText'],
    ['a line break inside (two scans joined)', `${F1_VALID_1}\r\n${F1_VALID_1}`, 'cccd.garbledText'],
    ['a lone surrogate', withField(2, 'Trần \uD800Thị'), 'cccd.garbledText'],
  ])('%s is refused with %s', (_case, payload, code) => {
    expect(parseCccdQr(payload)).toMatchObject({ ok: false, code });
  });

  test.each([
    ['29 February 2000 (divisible by 400) is accepted', '056300012345', '29022000', { ok: true }],
    ['29 February 2004 is accepted', '056304012345', '29022004', { ok: true }],
    ['29 February 1900 (divisible by 100, not by 400) is refused', '056100012345', '29021900', { ok: false, code: 'cccd.dateImpossible' }],
  ])('%s', (_case, number, date, outcome) => {
    expect(parseCccdQr(`${number}||Lê Thị Thử|${date}|Nữ|Khánh Hòa|01012021`)).toMatchObject(outcome);
  });
});

// ---- properties ---------------------------------------------------------------------------------

const vietnameseLetters = 'aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ';
const word = fc
  .array(fc.constantFrom(...vietnameseLetters, ...vietnameseLetters.toUpperCase()), { minLength: 1, maxLength: 7 })
  .map((chars) => chars.join(''));
const freeText = fc
  .array(fc.constantFrom(...vietnameseLetters, ...'ABCXYZ0123456789 ,.-/'), { maxLength: 60 })
  .map((chars) => chars.join(''));
const digits = (length: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: length, maxLength: length }).map((d) => d.join(''));
// Every code in the table, found through the public API rather than by reading the data file.
const placeCodes = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0')).filter((code) => decodeCccdNumber(`${code}000000000`).ok);

/** Days in a month by the JavaScript calendar, an oracle independent of the parser's own rule. */
const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
const fullDate = fc
  .record({ year: fc.integer({ min: 1900, max: 2399 }), month: fc.integer({ min: 1, max: 12 }), dayIndex: fc.nat() })
  .map(({ year, month, dayIndex }) => ({ year, month, day: (dayIndex % daysIn(year, month)) + 1 }));
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** The parts of a valid card, and the payload a scanner could deliver for them. */
const validCard = fc
  .record({
    placeCode: fc.constantFrom(...placeCodes),
    female: fc.boolean(),
    birth: fullDate,
    precision: fc.constantFrom('day', 'month', 'year'),
    random: digits(6),
    oldId: fc.oneof(fc.constant(''), digits(9), digits(12)),
    name: fc.array(word, { minLength: 1, maxLength: 5 }),
    genderCase: fc.constantFrom('as printed', 'upper', 'lower'),
    address: freeText,
    issue: fc.option(fullDate),
    extras: fc.array(freeText, { maxLength: 9 }),
  })
  .map((card) => {
    const { year, month, day } = card.birth;
    const centuryDigit = (Math.floor(year / 100) - 19) * 2 + (card.female ? 1 : 0);
    const number = `${card.placeCode}${centuryDigit}${String(year).slice(2)}${card.random}`;
    const birthRaw = { day: `${pad(day)}${pad(month)}${year}`, month: `${pad(month)}${year}`, year: String(year) }[card.precision];
    const gender = card.female ? 'Nữ' : 'Nam';
    const genderText = { 'as printed': gender, upper: gender.toUpperCase(), lower: gender.toLowerCase() }[card.genderCase];
    const issueRaw = card.issue ? `${pad(card.issue.day)}${pad(card.issue.month)}${card.issue.year}` : '';
    const name = card.name.join(' ');
    const payload = [number, card.oldId, name, birthRaw, genderText, card.address, issueRaw, ...card.extras].join('|');
    const expected = {
      number,
      oldIdNumber: card.oldId === '' ? null : card.oldId,
      fullName: nameCase(name),
      dateOfBirth: {
        raw: birthRaw,
        year,
        month: card.precision === 'year' ? null : month,
        day: card.precision === 'day' ? day : null,
      },
      gender,
      address: collapseSpaces(card.address) || null,
      issueDate: card.issue ? { raw: issueRaw, ...card.issue } : null,
      extraFields: card.extras.map((extra) => collapseSpaces(nfc(extra))),
    };
    return { payload, expected };
  });

/** What a scanner or driver may add around the same payload. */
const scannerNoise = fc.record({
  bom: fc.boolean(),
  form: fc.constantFrom('NFC', 'NFD'),
  before: fc.constantFrom('', ' ', '  '),
  after: fc.constantFrom('', '\r', '\n', '\r\n', ' \r\n'),
});

describe('parser properties', () => {
  test('never throws on any string, and always answers ok or a cccd.* code', () => {
    const anyString = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 400 }),
      fc.string({ unit: 'grapheme', maxLength: 400 }),
      fc.array(fc.string({ unit: 'binary', maxLength: 20 }), { maxLength: 20 }).map((fields) => fields.join('|')),
      fc.string({ maxLength: 4000 }),
    );
    fc.assert(
      fc.property(anyString, (raw) => {
        const parsed = parseCccdQr(raw);
        if (!parsed.ok) expect(parsed.code).toMatch(/^cccd\./);
      }),
      { numRuns: 2000 },
    );
  });

  test('a payload built from valid parts parses back to the same parts, whatever the scanner adds around it', () => {
    fc.assert(
      fc.property(validCard, scannerNoise, ({ payload, expected }, noise) => {
        const scanned = `${noise.bom ? '\uFEFF' : ''}${noise.before}${payload.normalize(noise.form)}${noise.after}`;
        const parsed = parseCccdQr(scanned);
        expect(parsed.ok).toBe(true);
        if (parsed.ok) expect({ ...parsed.value, numberInfo: undefined }).toEqual({ ...expected, numberInfo: undefined });
      }),
      { numRuns: 500 },
    );
  });

  test('changing the birth-year digits of a valid card is always caught as a mismatch', () => {
    fc.assert(
      fc.property(validCard, fc.integer({ min: 1, max: 99 }), ({ payload }, shift) => {
        const yy = (Number(payload.slice(4, 6)) + shift) % 100;
        const tampered = `${payload.slice(0, 4)}${pad(yy)}${payload.slice(6)}`;
        expect(parseCccdQr(tampered)).toMatchObject({ ok: false, code: 'cccd.birthYearMismatch' });
      }),
    );
  });

  test('a name read through a Windows-1252 or Latin-1 decoder is refused, never prefilled', () => {
    const accentedName = fc.array(word, { minLength: 1, maxLength: 4 }).filter((words) => /[^\p{ASCII}]/u.test(words.join('')));
    fc.assert(
      fc.property(accentedName, fc.constantFrom(asWindows1252, asLatin1), (words, misread) => {
        expect(parseCccdQr(withField(2, misread(words.join(' '))))).toMatchObject({ ok: false, code: 'cccd.garbledText' });
      }),
    );
  });
});
