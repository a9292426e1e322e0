import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { numberWords, speechText } from '../../shared/speechText';

const placeholder = 'số đã được ẩn';
const say = (text: string, allowIdNumbers?: boolean) => speechText(text, { placeholder, allowIdNumbers });

describe('numbers in Vietnamese words', () => {
  test.each([
    [0, 'không'],
    [1, 'một'],
    [5, 'năm'],
    [10, 'mười'],
    [11, 'mười một'],
    [14, 'mười bốn'],
    [15, 'mười lăm'],
    [21, 'hai mươi mốt'],
    [24, 'hai mươi tư'],
    [25, 'hai mươi lăm'],
    [101, 'một trăm lẻ một'],
    [105, 'một trăm lẻ năm'],
    [110, 'một trăm mười'],
    [1_001, 'một nghìn không trăm lẻ một'],
    [1_050, 'một nghìn không trăm năm mươi'],
    [1_000_000, 'một triệu'],
    [1_000_005, 'một triệu không trăm lẻ năm'],
    [1_000_000_000, 'một tỷ'],
    [1_000_001_000, 'một tỷ không trăm lẻ một nghìn'],
    [2_000_000_000_000, 'hai nghìn tỷ'],
  ])('%d is "%s"', (value, words) => {
    expect(numberWords(value)).toBe(words);
  });

  test('bigints beyond 2^53 are read too', () => {
    expect(numberWords(10n ** 18n)).toBe('một tỷ tỷ');
  });

  test('the northern and southern wordings are options', () => {
    expect(numberWords(105_000, { zeroTens: 'linh' })).toBe('một trăm linh năm nghìn');
    expect(numberWords(105_000, { thousand: 'ngàn' })).toBe('một trăm lẻ năm ngàn');
  });

  test('negative and fractional numbers are refused', () => {
    expect(() => numberWords(-1)).toThrow(RangeError);
    expect(() => numberWords(1.5)).toThrow(RangeError);
  });
});

describe('screen text to spoken text', () => {
  test.each([
    ['Lệ phí 50.000 đ', 'Lệ phí năm mươi nghìn đồng'],
    ['Lệ phí 50.000 VNĐ.', 'Lệ phí năm mươi nghìn đồng.'],
    ['50.000đ', 'năm mươi nghìn đồng'],
    ['1.200.000 đồng', 'một triệu hai trăm nghìn đồng'],
    ['15000 ₫', 'mười lăm nghìn đồng'],
    ['Mang theo CCCD đến UBND xã', 'Mang theo căn cước công dân đến Ủy ban nhân dân xã'],
    ['Chọn TTHC.', 'Chọn thủ tục hành chính.'],
    ['CCCDX và ACCCD giữ nguyên', 'CCCDX và ACCCD giữ nguyên'],
    ['Hẹn trả: 12/05/2024', 'Hẹn trả: ngày mười hai tháng năm năm hai nghìn không trăm hai mươi tư'],
    ['ngày 01/04/2025', 'ngày một tháng tư năm hai nghìn không trăm hai mươi lăm'],
    ['Ngày 21/12/2031.', 'ngày hai mươi mốt tháng mười hai năm hai nghìn không trăm ba mươi mốt.'],
    ['32/13/2024', 'ba mươi hai / mười ba / hai nghìn không trăm hai mươi tư'],
    ['Bước 3 trên 15', 'Bước ba trên mười lăm'],
    ['Mã 0912', 'Mã không chín một hai'],
    ['12345678 người', 'mười hai triệu ba trăm bốn mươi lăm nghìn sáu trăm bảy mươi tám người'],
  ])('%s', (screen, spoken) => {
    expect(say(screen)).toBe(spoken);
  });

  test.each([
    ['Số CCCD: 001099012345', 'Số căn cước công dân: số đã được ẩn'],
    ['Điện thoại 0912345678.', 'Điện thoại số đã được ẩn.'],
    ['Gọi +84 912 345 678 nhé', 'Gọi số đã được ẩn nhé'],
    ['0912.345.678', 'số đã được ẩn'],
    ['001.099.012.345', 'số đã được ẩn'],
    ['0912-345-678', 'số đã được ẩn'],
    ['CMND 123456789', 'chứng minh nhân dân số đã được ẩn'],
    ['Phí 1.000.000.000 đ', 'Phí số đã được ẩn đ'],
    ['mã:001099012345;', 'mã: số đã được ẩn;'],
  ])('%s is hidden without the opt-in', (screen, spoken) => {
    expect(say(screen)).toBe(spoken);
  });

  test.each([
    ['Số CCCD: 001099012345', 'Số căn cước công dân: không không một, không chín chín, không một hai, ba bốn năm'],
    ['0912345678', 'không chín một hai, ba bốn năm, sáu bảy tám'],
    ['+84 912 345 678', 'cộng tám bốn, chín một hai, ba bốn năm, sáu bảy tám'],
    ['Phí 1.000.000.000 đ', 'Phí một tỷ đồng'],
  ])('%s is read with the opt-in', (screen, spoken) => {
    expect(say(screen, true)).toBe(spoken);
  });

  test('full-width digits are read and hidden like ASCII ones', () => {
    expect(say('Bước ３')).toBe('Bước ba');
    expect(say('０９１２３４５６７８')).toBe(placeholder);
  });
});

/** Text around the number: letters, Vietnamese, digits, the separators and currency signs, or anything. */
const surroundings = fc.oneof(
  fc.string({ unit: fc.constantFrom(...'aĐđồng VNĐ₫CCCD0123456789 .,-/+:\n\u00a0ngày'.split('')) }),
  fc.string({ unit: 'grapheme' }),
);

/** A 9–15 digit number, as its shape (where separators go, a leading +) and two different digit fillings. */
const longNumber = fc.integer({ min: 9, max: 15 }).chain((length) =>
  fc.record({
    plus: fc.boolean(),
    separators: fc.array(fc.constantFrom('', '', '', ' ', '.', '-', ',', '\u00a0'), { minLength: length - 1, maxLength: length - 1 }),
    digits: fc.tuple(fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length }), fc.array(fc.integer({ min: 0, max: 9 }), { minLength: length, maxLength: length })),
  }),
);

function written(plus: boolean, separators: string[], digits: number[]) {
  return (plus ? '+' : '') + digits.map((digit, index) => (index ? (separators[index - 1] ?? '') : '') + String(digit)).join('');
}

test('no run of 9 or more digits is ever spoken without the opt-in', () => {
  fc.assert(
    fc.property(surroundings, longNumber, surroundings, (before, { plus, separators, digits: [first, second] }, after) => {
      const spoken = say(before + written(plus, separators, first) + after);
      // The same text with other digits in the number sounds the same: nothing of it is said, as digits or as words.
      expect(spoken).toBe(say(before + written(plus, separators, second) + after));
      expect(spoken).toContain(placeholder);
      expect(spoken).not.toMatch(/[0-9]/);
    }),
    { numRuns: 2000 },
  );
});

test('with the opt-in, the number is read', () => {
  fc.assert(
    fc.property(longNumber, ({ plus, separators, digits: [first] }) => {
      const spoken = say(written(plus, separators, first), true);
      expect(spoken).not.toContain(placeholder);
      expect(spoken).not.toMatch(/[0-9]/);
    }),
  );
});
