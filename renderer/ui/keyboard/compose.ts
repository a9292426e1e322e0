/**
 * Vietnamese syllable composition for the on-screen keyboard: pure functions over the text, no DOM.
 *
 * Why our own engine: the JS input-method libraries (gotiengviet 1.0, vnkeys, vnikey) attach to DOM
 * inputs globally and listen to physical key events, and they are young or unmaintained. Our keys
 * are on-screen buttons that edit a controlled value, so we need a pure engine they can drive and
 * that tests can prove letter by letter.
 *
 * Everything acts on the word before the caret (the caret is always at the end). A word is taken
 * apart into letters (base a–z, case, vowel mark) and one tone for the whole syllable; an edit
 * changes a mark or the tone, then the tone is put back on the right vowel and the word is written
 * in NFC. Telex, VNI and the tone and mark buttons are three ways into that one core.
 */

export type Tone = 'sac' | 'huyen' | 'hoi' | 'nga' | 'nang';
export type InputMethod = 'telex' | 'vni' | 'direct';
/** The letters of the mark buttons. */
export type MarkedLetter = 'â' | 'ă' | 'ê' | 'ô' | 'ơ' | 'ư' | 'đ';

export const tones: readonly Tone[] = ['sac', 'huyen', 'hoi', 'nga', 'nang'];
export const markedLetters: readonly MarkedLetter[] = ['â', 'ă', 'ê', 'ô', 'ơ', 'ư', 'đ'];

type VowelMark = 'circumflex' | 'breve' | 'horn';
type LetterMark = VowelMark | 'stroke';

const toneCodePoints: Record<Tone, string> = {
  sac: '\u0301',
  huyen: '\u0300',
  hoi: '\u0309',
  nga: '\u0303',
  nang: '\u0323',
};
const vowelMarkCodePoints: Record<VowelMark, string> = { circumflex: '\u0302', breve: '\u0306', horn: '\u031B' };
const toneByCodePoint = new Map(tones.map((tone) => [toneCodePoints[tone], tone]));
const vowelMarkByCodePoint = new Map(
  (Object.keys(vowelMarkCodePoints) as VowelMark[]).map((mark) => [vowelMarkCodePoints[mark], mark]),
);

interface Letter {
  base: string; // lower case, without marks: "ườ" → "u"
  upper: boolean;
  mark: LetterMark | null;
}

interface Syllable {
  letters: Letter[];
  tone: Tone | null;
}

/**
 * What a key or a button asks of the word. `target` narrows a mark to one base letter (the â
 * button, Telex "aa"); `hornOrBreve` is Telex "w", which is ư/ơ where there is a u or o, else ă.
 */
type Edit =
  | { kind: 'tone'; tone: Tone | null }
  | { kind: 'mark'; mark: LetterMark | 'hornOrBreve'; target?: string };

const isVowel = (letter: Letter): boolean => 'aeiouy'.includes(letter.base);

/** NFD lets one code path read "ệ", "ê" + U+0323 and "e" + U+0302 + U+0323 alike. */
function parseWord(word: string): Syllable | null {
  const letters: Letter[] = [];
  let tone: Tone | null = null;
  for (const char of word.normalize('NFC')) {
    if (char === 'đ' || char === 'Đ') {
      letters.push({ base: 'd', upper: char === 'Đ', mark: 'stroke' });
      continue;
    }
    const [base = '', ...combining] = char.normalize('NFD');
    const lower = base.toLowerCase();
    if (!/^[a-z]$/.test(lower)) return null; // not a letter we compose (ü, ß, digits…): leave the word alone
    const letter: Letter = { base: lower, upper: base !== lower, mark: null };
    for (const codePoint of combining) {
      const mark = vowelMarkByCodePoint.get(codePoint);
      const toneHere = toneByCodePoint.get(codePoint);
      if (mark && !letter.mark) letter.mark = mark;
      else if (toneHere && !tone) tone = toneHere;
      else return null;
    }
    letters.push(letter);
  }
  return { letters, tone };
}

// Vowel groups of modern Vietnamese by their base letters (ươ is "uo", oă is "oa"): a key that
// would make anything else types its own letter, so "aaa" → "aa" and "ass" → "as" stay put.
const nuclei = new Set(
  ('a e i o u y ai ao au ay eo eu ia ie iu oa oe oi oo ua ue ui uo uu uy ye ' +
    'ieu yeu oai oay oao oeo uay uoi uou uya uye uyu').split(' '),
);
// k ends a few official names from minority languages: Đắk Lắk, Đắk Nông.
const finals = new Set(['', 'c', 'ch', 'k', 'm', 'n', 'ng', 'nh', 'p', 't']);
/**
 * Stop finals: a syllable ending in p, t, c or ch (or k) has only sắc or nặng ("việt", never
 * "viềt"), so another tone key types its letter.
 */
const stopFinals = new Set(['c', 'ch', 'k', 'p', 't']);

interface Parts {
  start: number; // first letter of the vowel group
  end: number; // one past its last letter
  final: string;
}

/**
 * The vowel group and the final consonant, or null for what is not a Vietnamese syllable. The u of
 * "qu" and the i of "gi" belong to the initial when a vowel follows ("quốc", "già"), but "gì" has
 * only its i.
 */
function partsOf(letters: readonly Letter[]): Parts | null {
  let start = letters.findIndex(isVowel);
  if (start < 0) return null;
  const initial = letters.slice(0, start).map((letter) => letter.base).join('');
  const next = letters[start + 1];
  const glide = (initial === 'q' && letters[start]!.base === 'u') || (initial === 'g' && letters[start]!.base === 'i');
  if (glide && next && isVowel(next)) start += 1;
  let end = start;
  while (end < letters.length && isVowel(letters[end]!)) end += 1;
  const group = letters.slice(start, end).map((letter) => letter.base).join('');
  const final = letters.slice(end).map((letter) => (letter.mark ? '?' : letter.base)).join('');
  return nuclei.has(group) && finals.has(final) ? { start, end, final } : null;
}

/**
 * Where the tone goes, by the "new" placement rule (the one Unicode fonts, the 2018 Ministry of
 * Education spelling and most current writing use):
 * 1. on the vowel with a mark (â ă ê ô ơ ư), the last one when there are two: "trường", "cứu";
 * 2. else, with a final consonant, on the last vowel: "toán", "huỳnh";
 * 3. else, of three vowels, on the middle one: "ngoài", "khuỷu";
 * 4. else, of two, on the second for oa, oe, uy ("hoà", "khoẻ", "thuý") and on the first
 *    otherwise ("mái", "múa", "mía"); the old rule wrote "hòa", "thúy".
 */
function toneIndex(letters: readonly Letter[], { start, end, final }: Parts): number {
  for (let index = end - 1; index >= start; index -= 1) if (letters[index]!.mark) return index;
  if (final !== '') return end - 1;
  if (end - start >= 3) return start + 1;
  if (end - start === 2) {
    const pair = letters[start]!.base + letters[start + 1]!.base;
    return ['oa', 'oe', 'uy'].includes(pair) ? start + 1 : start;
  }
  return start;
}

function writeWord({ letters, tone }: Syllable): string {
  const parts = partsOf(letters);
  const toneAt = tone && parts ? toneIndex(letters, parts) : -1;
  return letters
    .map((letter, index) => {
      if (letter.mark === 'stroke') return letter.upper ? 'Đ' : 'đ';
      const base = letter.upper ? letter.base.toUpperCase() : letter.base;
      const mark = letter.mark ? vowelMarkCodePoints[letter.mark] : '';
      return base + mark + (index === toneAt && tone ? toneCodePoints[tone] : '');
    })
    .join('')
    .normalize('NFC');
}

/**
 * The e of "ie", "ye", "uye" before a final or a u is always ê in Vietnamese ("việt", "nguyễn",
 * "yêu"), so a tone adds it: "vietj" → "việt", as the Telex of Unikey and EVKey does. Not after
 * the i of "gi", which has both "giết" and "gièm".
 */
function addImpliedCircumflex(letters: Letter[], { start, end }: Parts): void {
  for (let index = start + 1; index < end; index += 1) {
    const letter = letters[index]!;
    const afterIorY = ['i', 'y'].includes(letters[index - 1]!.base);
    const followed = index + 1 < letters.length;
    if (letter.base === 'e' && !letter.mark && afterIorY && followed) letter.mark = 'circumflex';
  }
}

interface Edited {
  word: string;
  /** The edit took a tone or mark away again: a key then also types its own letter. */
  undone: boolean;
}

function editTone(syllable: Syllable, tone: Tone | null): Edited | null {
  const parts = partsOf(syllable.letters);
  if (!parts) return null;
  if (tone === null) return syllable.tone ? { word: writeWord({ ...syllable, tone: null }), undone: false } : null;
  if (syllable.tone === tone) return { word: writeWord({ ...syllable, tone: null }), undone: true };
  if (stopFinals.has(parts.final) && tone !== 'sac' && tone !== 'nang') return null;
  addImpliedCircumflex(syllable.letters, parts);
  return { word: writeWord({ ...syllable, tone }), undone: false };
}

/** The letters a mark lands on: the ươ pair together, else one letter. */
function markTargets(letters: readonly Letter[], parts: Parts, mark: VowelMark, target?: string): number[] {
  const group = letters.slice(parts.start, parts.end);
  const at = (offset: number) => parts.start + offset;
  if (mark === 'horn') {
    const pair = group.findIndex((letter, offset) => letter.base === 'u' && group[offset + 1]?.base === 'o');
    if (pair >= 0) return [at(pair), at(pair + 1)];
  }
  const bases = target ? [target] : mark === 'circumflex' ? ['a', 'e', 'o'] : mark === 'breve' ? ['a'] : ['u', 'o'];
  // Circumflex and breve take the last candidate ("uô", "yê"), horn the first u, else the first o.
  const candidates = group.map((letter, offset) => (bases.includes(letter.base) ? at(offset) : -1)).filter((i) => i >= 0);
  if (mark === 'horn') candidates.sort((a, b) => bases.indexOf(letters[a]!.base) - bases.indexOf(letters[b]!.base));
  const chosen = mark === 'horn' ? candidates[0] : candidates.at(-1);
  return chosen === undefined ? [] : [chosen];
}

function editMark(syllable: Syllable, mark: LetterMark | 'hornOrBreve', target?: string): Edited | null {
  const letters = syllable.letters.map((letter) => ({ ...letter }));
  if (mark === 'stroke') {
    const first = letters[0];
    // "dd" → "đ" before any vowel is typed, so a lone d is a syllable here.
    if (first?.base !== 'd' || (letters.length > 1 && !partsOf(letters))) return null;
    first.mark = first.mark === 'stroke' ? null : 'stroke';
    return { word: writeWord({ letters, tone: syllable.tone }), undone: first.mark === null };
  }
  const parts = partsOf(letters);
  if (!parts) return null;
  const hasBase = (base: string) => letters.slice(parts.start, parts.end).some((letter) => letter.base === base);
  const vowelMark: VowelMark = mark !== 'hornOrBreve' ? mark : !hasBase('u') && hasBase('a') ? 'breve' : 'horn';
  const targets = markTargets(letters, parts, vowelMark, target);
  if (targets.length === 0) return null;
  const undone = targets.every((index) => letters[index]!.mark === vowelMark);
  for (const index of targets) letters[index]!.mark = undone ? null : vowelMark;
  // ô of "ươ" → "uô": the u's horn goes with the o's.
  const [only] = targets;
  const before = letters[only! - 1];
  if (targets.length === 1 && vowelMark === 'circumflex' && before?.base === 'u' && before.mark === 'horn') before.mark = null;
  return { word: writeWord({ letters, tone: syllable.tone }), undone };
}

/** The text split before its last word: the word the keys act on. */
function splitLastWord(text: string): [before: string, word: string] {
  const nfcText = text.normalize('NFC');
  const word = /[\p{L}\p{M}]*$/u.exec(nfcText)![0];
  return [nfcText.slice(0, nfcText.length - word.length), word];
}

function editWord(word: string, edit: Edit): Edited | null {
  const syllable = parseWord(word);
  if (!syllable) return null;
  return edit.kind === 'tone' ? editTone(syllable, edit.tone) : editMark(syllable, edit.mark, edit.target);
}

/** The text with its last word edited, or null when the edit does not apply to it. */
function editLastWord(text: string, edit: Edit): string | null {
  const [before, word] = splitLastWord(text);
  const edited = editWord(word, edit);
  return edited && before + edited.word;
}

const telexKeys: Record<string, Edit> = {
  s: { kind: 'tone', tone: 'sac' },
  f: { kind: 'tone', tone: 'huyen' },
  r: { kind: 'tone', tone: 'hoi' },
  x: { kind: 'tone', tone: 'nga' },
  j: { kind: 'tone', tone: 'nang' },
  z: { kind: 'tone', tone: null },
  a: { kind: 'mark', mark: 'circumflex', target: 'a' },
  e: { kind: 'mark', mark: 'circumflex', target: 'e' },
  o: { kind: 'mark', mark: 'circumflex', target: 'o' },
  w: { kind: 'mark', mark: 'hornOrBreve' },
  d: { kind: 'mark', mark: 'stroke' },
};

const vniKeys: Record<string, Edit> = {
  '1': { kind: 'tone', tone: 'sac' },
  '2': { kind: 'tone', tone: 'huyen' },
  '3': { kind: 'tone', tone: 'hoi' },
  '4': { kind: 'tone', tone: 'nga' },
  '5': { kind: 'tone', tone: 'nang' },
  '0': { kind: 'tone', tone: null },
  '6': { kind: 'mark', mark: 'circumflex' },
  '7': { kind: 'mark', mark: 'horn' },
  '8': { kind: 'mark', mark: 'breve' },
  '9': { kind: 'mark', mark: 'stroke' },
};

/**
 * The text after typing `key` (one character) at its end. A Telex or VNI key that cannot apply
 * types its own letter; one that repeats the tone or mark it made takes it away and types its
 * letter ("ass" → "as", "aaa" → "aa"). In Telex, a w with no u, o or a to mark is ư ("w" → "ư").
 */
export function typeKey(text: string, key: string, method: InputMethod): string {
  const edit = method === 'telex' ? telexKeys[key.toLowerCase()] : method === 'vni' ? vniKeys[key] : undefined;
  if (!edit) return `${text}${key}`.normalize('NFC');
  const [before, word] = splitLastWord(text);
  const edited = editWord(word, edit);
  const isTelexW = method === 'telex' && key.toLowerCase() === 'w';
  // "ww" → "w": that ư was a lone w. ("uww" gives "w" too: without keeping history, the ư of "uw"
  // and of "w" are the same letter.)
  if (edited?.undone && isTelexW && word.toLowerCase() === 'ư') return before + key;
  if (edited) return before + edited.word + (edited.undone ? key : '');
  const letters = parseWord(word)?.letters;
  const loneW = isTelexW && letters !== undefined && !letters.some(isVowel);
  return `${text}${loneW ? (key === 'W' ? 'Ư' : 'ư') : key}`.normalize('NFC');
}

/**
 * The tone button: puts `tone` on the word before the caret, or takes it off when the word already
 * has it. Text it cannot apply to (no vowel, huyền on "việt") comes back unchanged.
 */
export function applyTone(text: string, tone: Tone): string {
  return editLastWord(text, { kind: 'tone', tone }) ?? text.normalize('NFC');
}

/** Telex z, VNI 0: the word before the caret without its tone. */
export function removeTone(text: string): string {
  return editLastWord(text, { kind: 'tone', tone: null }) ?? text.normalize('NFC');
}

const markOfLetter: Record<MarkedLetter, Edit & { kind: 'mark' }> = {
  â: { kind: 'mark', mark: 'circumflex', target: 'a' },
  ê: { kind: 'mark', mark: 'circumflex', target: 'e' },
  ô: { kind: 'mark', mark: 'circumflex', target: 'o' },
  ă: { kind: 'mark', mark: 'breve', target: 'a' },
  ơ: { kind: 'mark', mark: 'horn', target: 'o' },
  ư: { kind: 'mark', mark: 'horn', target: 'u' },
  đ: { kind: 'mark', mark: 'stroke' },
};

/**
 * The mark button: marks the matching letter of the word before the caret ("truong" + ơ →
 * "trương"), or unmarks it when already marked. Where the word has no such letter, the button
 * types its letter; `letter` may be upper case ("Ư") for that.
 */
export function applyMark(text: string, letter: string): string {
  const edit = markOfLetter[letter.toLowerCase() as MarkedLetter];
  if (!edit) throw new RangeError(`not a mark button: ${letter}`);
  return editLastWord(text, edit) ?? `${text}${letter}`.normalize('NFC');
}
