import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { collapseSpaces, fold, nameCase, nfc, search } from '../../shared/text';

const procedures = ['Đăng ký khai sinh', 'Đăng ký lại khai sinh', 'Đăng ký khai tử', 'Đăng ký kết hôn', 'Chứng thực bản sao từ bản chính', 'Đăng ký tạm trú'];
const find = (query: string) => search(query, procedures, (name) => [name]);

/** Vietnamese letters with every diacritic, in NFC and NFD, with odd spacing. */
const vietnameseText = fc
  .array(fc.constantFrom(...'aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ  \u00a0\t'.split('')), { minLength: 1, maxLength: 30 })
  .chain((chars) => fc.constantFrom('NFC', 'NFD').map((form) => chars.join('').normalize(form)));

describe('fold', () => {
  test.each([
    ['Đăng ký khai sinh', 'dang ky khai sinh'],
    ['KHAI SINH', 'khai sinh'],
    ['  khai\u00a0\tsinh ', 'khai sinh'],
    ['Nguyễn Thị Ánh Tuyết'.normalize('NFD'), 'nguyen thi anh tuyet'],
    ['ĐỖ ĐỨC ĐẠT', 'do duc dat'],
    ['Ưu tiên ương', 'uu tien uong'],
  ])('%s → %s', (input, expected) => expect(fold(input)).toBe(expected));

  test('is idempotent, leaves no marks, no đ, no upper case and no double spaces', () => {
    fc.assert(
      fc.property(vietnameseText, (text) => {
        const folded = fold(text);
        expect(fold(folded)).toBe(folded);
        expect(folded).toMatch(/^[a-z]+( [a-z]+)*$|^$/);
      }),
    );
  });

  test('does not depend on case or normalisation form', () => {
    fc.assert(
      fc.property(vietnameseText, (text) => {
        expect(fold(text.toUpperCase())).toBe(fold(text));
        expect(fold(text.normalize('NFD'))).toBe(fold(text.normalize('NFC')));
      }),
    );
  });
});

describe('names', () => {
  test.each([
    ['NGUYỄN  văn an', 'Nguyễn Văn An'],
    ['trần thị bích', 'Trần Thị Bích'],
    ['đỗ   ĐỨC\u00a0đạt', 'Đỗ Đức Đạt'],
    ['ưng hoàng phúc'.normalize('NFD'), 'Ưng Hoàng Phúc'],
  ])('%s is shown as %s', (input, expected) => expect(nameCase(input)).toBe(expected));

  test('name casing always yields NFC with single spaces, and keeps the letters', () => {
    fc.assert(
      fc.property(vietnameseText, (text) => {
        const cased = nameCase(text);
        expect(cased).toBe(nfc(cased));
        expect(cased).toBe(collapseSpaces(cased));
        expect(fold(cased)).toBe(fold(text));
      }),
    );
  });
});

describe('search', () => {
  test.each(['khai sinh', 'Khai Sinh', 'KHAI SINH', 'khai  sinh', 'dang ky khai sinh', 'Đăng ký khai sinh'])(
    '"%s" finds Đăng ký khai sinh first',
    (query) => expect(find(query)[0]).toBe('Đăng ký khai sinh'),
  );

  test('ranks the whole name, then its start, then a word start, then anywhere', () => {
    expect(find('dang ky')).toEqual(['Đăng ký khai sinh', 'Đăng ký lại khai sinh', 'Đăng ký khai tử', 'Đăng ký kết hôn', 'Đăng ký tạm trú']);
    expect(find('sao')).toEqual(['Chứng thực bản sao từ bản chính']);
    expect(find('ket')).toEqual(['Đăng ký kết hôn']);
    expect(find('khai')[0]).toBe('Đăng ký khai sinh');
  });

  test('the right diacritics rank above a folded-only match', () => {
    const names = ['Đăng ký tạm trú', 'Đăng ký tam tru'];
    expect(search('tạm trú', names, (n) => [n])).toEqual(['Đăng ký tạm trú', 'Đăng ký tam tru']);
  });

  test('words typed out of order still match; nonsense matches nothing; empty matches all', () => {
    expect(find('sinh khai')).toEqual(['Đăng ký khai sinh', 'Đăng ký lại khai sinh']);
    expect(find('hộ chiếu')).toEqual([]);
    expect(find('   ')).toEqual(procedures);
  });

  test('any word of a name, typed without marks in any case, finds that name', () => {
    fc.assert(
      fc.property(fc.constantFrom(...procedures), fc.nat(), fc.boolean(), (name, pick, upper) => {
        const words = name.split(' ');
        const word = fold(words[pick % words.length]!);
        expect(find(upper ? word.toUpperCase() : word)).toContain(name);
      }),
    );
  });
});
