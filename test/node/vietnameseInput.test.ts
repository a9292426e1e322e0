import fc from 'fast-check';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import { createI18n } from '../../shared/i18n/index';
import {
  applyMark,
  applyTone,
  removeTone,
  typeKey,
  type InputMethod,
  type MarkedLetter,
  type Tone,
} from '../../renderer/ui/keyboard/compose';
import { Keyboard } from '../../renderer/ui/keyboard/Keyboard';
import { layouts, press, type KeyAction, type PressOptions } from '../../renderer/ui/keyboard/keys';

const type = (keys: string, method: InputMethod, text = ''): string =>
  Array.from(keys).reduce((typed, key) => typeKey(typed, key, method), text);

const toneOrder: readonly Tone[] = ['sac', 'huyen', 'hoi', 'nga', 'nang'];
const telexToneKeys = ['s', 'f', 'r', 'x', 'j'];
const vniToneKeys = ['1', '2', '3', '4', '5'];

// The 134 precomposed Vietnamese letters, written out: each row is a vowel without tone, then
// sắc, huyền, hỏi, ngã, nặng; then đ. Both cases by hand, not by toUpperCase.
const lowerTable = `
a á à ả ã ạ
ă ắ ằ ẳ ẵ ặ
â ấ ầ ẩ ẫ ậ
e é è ẻ ẽ ẹ
ê ế ề ể ễ ệ
i í ì ỉ ĩ ị
o ó ò ỏ õ ọ
ô ố ồ ổ ỗ ộ
ơ ớ ờ ở ỡ ợ
u ú ù ủ ũ ụ
ư ứ ừ ử ữ ự
y ý ỳ ỷ ỹ ỵ`;
const upperTable = `
A Á À Ả Ã Ạ
Ă Ắ Ằ Ẳ Ẵ Ặ
Â Ấ Ầ Ẩ Ẫ Ậ
E É È Ẻ Ẽ Ẹ
Ê Ế Ề Ể Ễ Ệ
I Í Ì Ỉ Ĩ Ị
O Ó Ò Ỏ Õ Ọ
Ô Ố Ồ Ổ Ỗ Ộ
Ơ Ớ Ờ Ở Ỡ Ợ
U Ú Ù Ủ Ũ Ụ
Ư Ứ Ừ Ử Ữ Ự
Y Ý Ỳ Ỷ Ỹ Ỵ`;
const rows = (table: string) => table.trim().split('\n').map((row) => row.split(' '));

// How each vowel is typed before its tone: Telex, VNI, and the mark button (if any).
const vowelKeys: Record<string, { telex: string; vni: string; button?: MarkedLetter }> = {
  a: { telex: 'a', vni: 'a' },
  ă: { telex: 'aw', vni: 'a8', button: 'ă' },
  â: { telex: 'aa', vni: 'a6', button: 'â' },
  e: { telex: 'e', vni: 'e' },
  ê: { telex: 'ee', vni: 'e6', button: 'ê' },
  i: { telex: 'i', vni: 'i' },
  o: { telex: 'o', vni: 'o' },
  ô: { telex: 'oo', vni: 'o6', button: 'ô' },
  ơ: { telex: 'ow', vni: 'o7', button: 'ơ' },
  u: { telex: 'u', vni: 'u' },
  ư: { telex: 'uw', vni: 'u7', button: 'ư' },
  y: { telex: 'y', vni: 'y' },
};

const cells = [lowerTable, upperTable].flatMap((table, caseIndex) =>
  rows(table).flatMap((row) => {
    const vowel = row[0]!.toLowerCase();
    const keys = vowelKeys[vowel]!;
    const cased = (text: string) => (caseIndex === 1 ? text.toUpperCase() : text);
    return row.map((expected, column) => ({
      expected,
      tone: column === 0 ? null : toneOrder[column - 1]!,
      telex: cased(keys.telex + (column === 0 ? '' : telexToneKeys[column - 1]!)),
      vni: cased(keys.vni) + (column === 0 ? '' : vniToneKeys[column - 1]!),
      base: cased(vowel.normalize('NFD')[0]!),
      button: keys.button && cased(keys.button),
    }));
  }),
);

describe('the tone × vowel table', () => {
  it('is the 134 precomposed letters, one code point each', () => {
    const letters = new Set([...cells.map((cell) => cell.expected), 'đ', 'Đ'].filter((letter) => !/^[a-z]$/i.test(letter)));
    expect(letters.size).toBe(134);
    for (const letter of letters) expect(letter.length).toBe(1);
  });

  it.each(cells)('Telex $telex → $expected', ({ telex, expected }) => {
    expect(type(telex, 'telex')).toBe(expected);
  });

  it.each(cells)('VNI $vni → $expected', ({ vni, expected }) => {
    expect(type(vni, 'vni')).toBe(expected);
  });

  it.each(cells)('buttons on $base → $expected', ({ base, button, tone, expected }) => {
    const marked = button ? applyMark(base, button) : base;
    expect(tone ? applyTone(marked, tone) : marked).toBe(expected);
  });

  it.each(cells.filter((cell) => cell.tone))('Telex tone before mark still gives $expected', ({ telex, expected }) => {
    // "asa" → "ấ": the tone key right after the base, the mark key last.
    const reordered = telex[0]! + telex.at(-1)! + telex.slice(1, -1);
    expect(type(reordered, 'telex')).toBe(expected);
  });

  it('types đ with dd, 9 and the đ button, in both cases', () => {
    expect([type('dd', 'telex'), type('DD', 'telex'), type('d9', 'vni'), type('D9', 'vni')]).toEqual(['đ', 'Đ', 'đ', 'Đ']);
    expect([applyMark('d', 'đ'), applyMark('D', 'đ'), applyMark('', 'Đ')]).toEqual(['đ', 'Đ', 'Đ']);
  });
});

const words = [
  'Nguyễn Thị Hồng Nhung', 'Trần Văn Đức', 'Lê Thị Thu Hà', 'Phạm Quốc Khánh', 'Hoàng Minh Tuấn',
  'Huỳnh Ngọc Ánh', 'Phan Thanh Bình', 'Vũ Đình Trường', 'Võ Thị Thuý Kiều', 'Đặng Hữu Phước',
  'Bùi Xuân Huấn', 'Đỗ Mạnh Cường', 'Hồ Thị Yến', 'Ngô Bảo Châu', 'Dương Khắc Nguyện',
  'Lý Thường Kiệt', 'Trịnh Công Sơn', 'Đinh Tiên Hoàng', 'Quỳnh', 'Thuỷ', 'Tuyết', 'Nguyệt',
  'Hường', 'Oanh', 'Khoẻ', 'Loan', 'Toản', 'Luỹ', 'Huệ', 'Xuyến', 'Khánh Hoà', 'Thừa Thiên Huế',
  'Hà Nội', 'Thành phố Hồ Chí Minh', 'Đà Nẵng', 'Hải Phòng', 'Cần Thơ', 'Quảng Ngãi',
  'Bà Rịa Vũng Tàu', 'Điện Biên Phủ', 'Lạng Sơn', 'Đắk Lắk', 'Gia Lai', 'Nghệ An', 'Thanh Hoá',
  'Quảng Trị', 'Bến Tre', 'Tây Ninh', 'Diên Khánh', 'Đường Quốc lộ', 'phường Bến Nghé',
  'xã Diên Khánh', 'số nhà', 'ngõ', 'ngách', 'hẻm', 'thôn', 'ấp', 'khuỷu tay', 'rượu', 'người',
  'giường', 'nghiêng', 'khuya', 'quyết', 'giữa', 'gì', 'già', 'ngoài', 'cứu', 'mưa', 'hoặc',
  'yêu', 'Đường Trường Sơn',
];

const telexMarkKey: Record<string, (base: string) => string> = {
  '\u0302': (base) => base, // â ê ô: the vowel twice
  '\u0306': (base) => (base === base.toUpperCase() ? 'W' : 'w'),
  '\u031B': (base) => (base === base.toUpperCase() ? 'W' : 'w'),
};
const vniMarkKey: Record<string, string> = { '\u0302': '6', '\u031B': '7', '\u0306': '8' };
const toneCodePoints = ['\u0301', '\u0300', '\u0309', '\u0303', '\u0323'];

/**
 * The keys a person would type for a written word: each letter with its mark key, the tone key at
 * the end of the word (after the final consonant, the hardest place).
 */
function keystrokes(text: string, method: 'telex' | 'vni'): string {
  return text
    .split(' ')
    .map((word) => {
      let toneKey = '';
      const letters = Array.from(word, (letter) => {
        if (letter === 'đ' || letter === 'Đ') return method === 'telex' ? (letter === 'Đ' ? 'DD' : 'dd') : `${letter === 'Đ' ? 'D' : 'd'}9`;
        const [base = '', ...marks] = letter.normalize('NFD');
        return base + marks.map((mark) => {
          const tone = toneCodePoints.indexOf(mark);
          if (tone >= 0) toneKey = (method === 'telex' ? telexToneKeys : vniToneKeys)[tone]!;
          return tone >= 0 ? '' : method === 'telex' ? telexMarkKey[mark]!(base) : vniMarkKey[mark]!;
        }).join('');
      });
      return letters.join('') + toneKey;
    })
    .join(' ');
}

/** The same word with the on-screen buttons: plain letters, then a mark button per marked letter and the tone button. */
function withButtons(text: string): string {
  return text
    .split(' ')
    .map((word) => {
      const plain = word.normalize('NFD').replace(/\p{M}/gu, '').replace('đ', 'd').replace('Đ', 'D');
      const marked = Array.from(word.normalize('NFC'))
        .map((letter) => letter.normalize('NFD').replace(/[\u0300\u0301\u0303\u0309\u0323]/gu, '').normalize('NFC'))
        .filter((letter, index, all) => /[âăêôơưđ]/iu.test(letter) && !(/ơ/iu.test(letter) && /ư/iu.test(all[index - 1] ?? '')));
      const tone = toneOrder.find((_, index) => word.normalize('NFD').includes(toneCodePoints[index]!));
      const withMarks = marked.reduce((typed, letter) => applyMark(typed, letter), type(plain, 'direct'));
      return tone ? applyTone(withMarks, tone) : withMarks;
    })
    .join(' ');
}

describe('real words', () => {
  it('has at least 60 of them', () => expect(words.length).toBeGreaterThanOrEqual(60));

  it.each(words)('Telex types %s', (word) => {
    expect(type(keystrokes(word, 'telex'), 'telex')).toBe(word);
  });

  it.each(words)('VNI types %s', (word) => {
    expect(type(keystrokes(word, 'vni'), 'vni')).toBe(word);
  });

  it.each(words)('the buttons write %s', (word) => {
    expect(withButtons(word)).toBe(word);
  });

  it('writes the keys a person would type', () => {
    // Guards the two helpers above against agreeing with the engine on a wrong key sequence.
    expect(keystrokes('Đường Quốc lộ', 'telex')).toBe('DDuwowngf Quoocs looj');
    expect(keystrokes('Đường Quốc lộ', 'vni')).toBe('D9u7o7ng2 Quo6c1 lo65');
  });
});

describe('Telex and VNI details', () => {
  it.each([
    ['vietj', 'việt'], ['truongwf', 'trường'], ['nguyeenx', 'nguyễn'], ['nguyenx', 'nguyễn'],
    ['quoocs', 'quốc'], ['giaf', 'già'], ['gif', 'gì'], ['hoas', 'hoá'], ['thuys', 'thuý'],
    ['khoer', 'khoẻ'], ['muaf', 'mùa'], ['miaf', 'mìa'], ['ngoaif', 'ngoài'], ['khuyur', 'khuỷu'],
    ['yeeus', 'yếu'], ['yeus', 'yếu'], ['giemf', 'gièm'], ['hoangf', 'hoàng'], ['huynhf', 'huỳnh'], ['NGUYEENX', 'NGUYỄN'],
  ])('puts a tone typed at the end on the right vowel: %s → %s', (keys, expected) => {
    expect(type(keys, 'telex')).toBe(expected);
  });

  it.each([
    ['ass', 'as'], ['aff', 'af'], ['ajj', 'aj'], ['aaa', 'aa'], ['eee', 'ee'], ['ooo', 'oo'], ['aww', 'aw'],
    ['ddd', 'dd'], ['ww', 'w'], ['vietjj', 'viêtj'], ['truongww', 'truongw'], ['ASS', 'AS'],
  ])('Telex undoes a repeated key: %s → %s', (keys, expected) => {
    expect(type(keys, 'telex')).toBe(expected);
  });

  it.each([['a11', 'a1'], ['a66', 'a6'], ['a88', 'a8'], ['o77', 'o7'], ['d99', 'd9'], ['tru7o77ng2', 'truo7ng2']])(
    'VNI undoes a repeated key: %s → %s',
    (keys, expected) => {
      expect(type(keys, 'vni')).toBe(expected);
    },
  );

  it('replaces one tone by another and removes it with z or 0', () => {
    expect(type('asf', 'telex')).toBe('à');
    expect(type('hoangfz', 'telex')).toBe('hoang');
    expect(type('z', 'telex')).toBe('z');
    expect(type('ho2a10', 'vni')).toBe('hoa');
    expect(type('a0', 'vni')).toBe('a0');
  });

  it.each([
    ['vietf', 'vietf'], ['hocr', 'hocr'], ['sachx', 'sachx'], ['hopf', 'hopf'], ['Đắkf', 'Đắkf'],
    ['hocs', 'hóc'], ['hocj', 'học'], ['sachs', 'sách'], ['hopj', 'họp'],
  ])('lets p, t, c, ch take only sắc and nặng: %s → %s', (keys, expected) => {
    expect(type(keys, 'telex')).toBe(expected);
  });

  it('refuses huyền, hỏi and ngã on a stop final from the buttons too', () => {
    for (const tone of ['huyen', 'hoi', 'nga'] as const) expect(applyTone('việt', tone)).toBe('việt');
    expect(applyTone('việt', 'sac')).toBe('viết');
  });

  it('types w alone as ư, and marks ươ together', () => {
    expect([type('w', 'telex'), type('W', 'telex'), type('trw', 'telex'), type('ngwowif', 'telex')]).toEqual(['ư', 'Ư', 'trư', 'người']);
    expect([type('muaw', 'telex'), type('hoawcj', 'telex'), type('ruouwj', 'telex')]).toEqual(['mưa', 'hoặc', 'rượu']);
  });

  it('leaves words it cannot compose as typed', () => {
    expect(type('Jackson', 'telex')).toBe('Jackson');
    expect(type('aaaa', 'telex')).toBe('aaa');
    expect(type('asss', 'telex')).toBe('ass');
    expect(typeKey('über', 's', 'telex')).toBe('übers');
    expect(type('as', 'direct')).toBe('as');
  });

  it('acts on the last word only, buttons included', () => {
    expect(applyTone('Nguyễn Van', 'nang')).toBe('Nguyễn Vạn');
    expect(applyMark('Trần truong', 'ơ')).toBe('Trần trương');
    expect(applyMark('truong', 'ư')).toBe('trương');
    expect(applyMark('trương', 'ơ')).toBe('truong');
    expect(applyMark('Nguyen ', 'Ư')).toBe('Nguyen Ư');
    expect(removeTone('Hồng Nhụng')).toBe('Hồng Nhung');
    expect(removeTone('Hồng ')).toBe('Hồng ');
  });

  it('answers NFC even for decomposed input', () => {
    const decomposed = 'Nguyễn Viet'.normalize('NFD');
    expect(typeKey(decomposed, 'j', 'telex')).toBe('Nguyễn Việt');
    expect(applyTone('Hoa'.normalize('NFD'), 'huyen')).toBe('Hoà');
  });
});

const keyAlphabet = fc.constantFrom(...'aeiouydwsfrxjzAEOWDSqgtnhc0123456789 .âơĐ'.split(''));
const methods = fc.constantFrom<InputMethod>('telex', 'vni', 'direct');

describe('properties', () => {
  it('always answers NFC', () => {
    fc.assert(
      fc.property(fc.array(keyAlphabet, { maxLength: 30 }), methods, (keys, method) => {
        const text = type(keys.join(''), method);
        expect(text).toBe(text.normalize('NFC'));
      }),
      { numRuns: 300 },
    );
  });

  it('never changes the words before the one being typed', () => {
    const earlier = fc.string({ unit: fc.constantFrom(...'aăâeêoôơuưyđ bcdghnt,.'.split('')), maxLength: 20 });
    const word = fc.array(keyAlphabet.filter((key) => key !== ' '), { maxLength: 12 });
    fc.assert(
      fc.property(earlier, word, methods, (prefix, keys, method) => {
        const before = `${prefix} `;
        expect(type(keys.join(''), method, before).startsWith(before)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('gives back the toneless word after applying and removing a tone', () => {
    const initials = ['', 'b', 'ch', 'đ', 'gh', 'gi', 'kh', 'ng', 'nh', 'ph', 'qu', 'th', 'tr', 'v', 'x'];
    const rhymes = ['a', 'ai', 'anh', 'âu', 'ăn', 'em', 'êt', 'i', 'iêu', 'oa', 'oai', 'oan', 'oe', 'ôi', 'ơn', 'ua', 'uân', 'uê', 'ưa', 'ươi', 'ương', 'uy', 'uyên', 'uyêt', 'ach', 'ôp', 'ưu'];
    const syllable = fc
      .tuple(fc.constantFrom(...initials), fc.constantFrom(...rhymes), fc.boolean())
      // "quua", "giiêu": a glide doubled is not a syllable
      .filter(([initial, rhyme]) => !(initial === 'qu' && /^[uư]/u.test(rhyme)) && !(initial === 'gi' && rhyme.startsWith('i')))
      .map(([initial, rhyme, capital]) => {
        const word = initial + rhyme;
        return capital ? word.charAt(0).toUpperCase() + word.slice(1) : word;
      });
    fc.assert(
      fc.property(syllable, fc.constantFrom(...toneOrder), (word, tone) => {
        const stop = /(ch|c|p|t)$/u.test(word);
        fc.pre(!stop || tone === 'sac' || tone === 'nang');
        const toned = applyTone(word, tone);
        expect(toned).not.toBe(word);
        expect(removeTone(toned)).toBe(word);
      }),
      { numRuns: 400 },
    );
  });
});

describe('keyboard keys', () => {
  const text: PressOptions = { mode: 'text', method: 'telex' };
  const pressAll = (actions: KeyAction[], options: PressOptions, value = '') =>
    actions.reduce((state, action) => press(state, action, options), { value, shift: false });
  const chars = (keys: string): KeyAction[] => Array.from(keys, (char) => ({ kind: 'char', char }));

  it('capitalises one letter after shift', () => {
    const state = pressAll([{ kind: 'shift' }, ...chars('nga'), { kind: 'tone', tone: 'nga' }], text);
    expect(state).toEqual({ value: 'Ngã', shift: false });
    expect(pressAll([{ kind: 'shift' }, { kind: 'mark', letter: 'đ' }], text).value).toBe('Đ');
  });

  it('takes a whole letter with backspace', () => {
    expect(press({ value: 'Nguyễn', shift: false }, { kind: 'backspace' }, text).value).toBe('Nguyễ');
    expect(pressAll([{ kind: 'backspace' }, { kind: 'backspace' }], text, 'Nguyễ').value).toBe('Ngu');
    expect(press({ value: 'Nguyễ'.normalize('NFD'), shift: false }, { kind: 'backspace' }, text).value).toBe('Nguy');
  });

  it('types digits on the pads, whatever the method, up to the length', () => {
    const cccd: PressOptions = { mode: 'numeric', method: 'vni', maxLength: 12 };
    expect(pressAll(chars('0012345678901234'), cccd).value).toBe('001234567890');
    expect(pressAll(chars('a1'), { mode: 'text', method: 'vni' }).value).toBe('á');
    // A digit after a letter is a VNI tone in text mode only.
    expect(pressAll(chars('1'), { mode: 'numeric', method: 'vni' }, 'Phòng a').value).toBe('Phòng a1');
    expect(pressAll([...chars('0905'), { kind: 'space' }], { mode: 'phone', method: 'telex', maxLength: 4 }).value).toBe('0905');
  });

  it('gives the pads digits and a done key, phone a +', () => {
    const charsOf = (mode: 'numeric' | 'phone') =>
      layouts[mode].flat().flatMap((action) => (action.kind === 'char' ? [action.char] : [])).sort().join('');
    expect(charsOf('numeric')).toBe('0123456789');
    expect(charsOf('phone')).toBe('+0123456789');
    expect(layouts.numeric.flat().some((action) => action.kind === 'done')).toBe(true);
  });

  it('types a web address or an enrolment code as keyed on the latin pad, whatever the input method', () => {
    const options: PressOptions = { mode: 'latin', method: 'telex' };
    const typeOn = (text: string) =>
      Array.from(text).reduce((state, char) => press(state, { kind: 'char', char }, options), { value: '', shift: false }).value;
    expect(typeOn('https://dichvucong.khanhhoa.gov.vn')).toBe('https://dichvucong.khanhhoa.gov.vn');
    expect(typeOn('awwdd')).toBe('awwdd');
    expect(layouts.latin.flat().some((action) => action.kind === 'tone' || action.kind === 'mark' || action.kind === 'space')).toBe(false);
    expect(layouts.latin.flat().flatMap((action) => (action.kind === 'char' ? [action.char] : []))).toEqual(expect.arrayContaining([':', '/', '.', '-', '_']));
  });

  it('renders every key as a button that does not submit, with Vietnamese names', () => {
    const markup = renderToStaticMarkup(
      createElement(I18nextProvider, { i18n: createI18n('vi') }, createElement(Keyboard, { value: 'Nguyen', onChange: () => {}, onDone: () => {} })),
    );
    const buttons = markup.match(/<button[^>]*>/g) ?? [];
    expect(buttons.length).toBe(layouts.text.flat().length);
    expect(buttons.every((button) => button.includes('type="button"'))).toBe(true);
    expect(markup).toContain('>á<');
    expect(markup).toContain('>ư<');
  });
});
