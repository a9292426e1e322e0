/**
 * Vietnamese text. Everything is stored and compared in Unicode NFC: scanners, keyboards and IMEs
 * may hand us NFD (decomposed) text, and "ế" as one code point or as "e" + U+0302 + U+0301 must be
 * the same name on screen, on the receipt and in the PDF.
 */

export const nfc = (text: string): string => text.normalize('NFC');

/** Runs of whitespace (no-break spaces and tabs included) become one space; ends are trimmed. */
export const collapseSpaces = (text: string): string => text.replace(/\s+/gu, ' ').trim();

/**
 * The search key: no tone or vowel marks, đ → d, lower case, single spaces. "KHAI SINH",
 * "khai sinh" and "Khai Sinh" all fold to "khai sinh", as does "Đăng ký" to "dang ky".
 */
export function fold(text: string): string {
  return collapseSpaces(
    text
      .normalize('NFD')
      .replace(/\p{M}/gu, '')
      .replace(/[đĐ]/g, 'd')
      .toLowerCase(),
  );
}

/**
 * A personal name for display: NFC, single spaces, each word capitalised ("NGUYỄN  văn an" →
 * "Nguyễn Văn An"). Vietnamese names carry no particles that stay lower case.
 */
export function nameCase(name: string): string {
  return collapseSpaces(nfc(name))
    .toLocaleLowerCase('vi')
    .split(' ')
    .map((word) => word.charAt(0).toLocaleUpperCase('vi') + word.slice(1))
    .join(' ');
}

/** Lower is better; `null` is no match. */
function score(query: string, foldedQuery: string, text: string): number | null {
  const folded = fold(text);
  const exactMarks = nfc(text).toLocaleLowerCase('vi').includes(nfc(collapseSpaces(query)).toLocaleLowerCase('vi'));
  const bonus = exactMarks ? -0.5 : 0; // typed with the right diacritics: rank above folded-only matches
  if (folded === foldedQuery) return 0 + bonus;
  if (folded.startsWith(foldedQuery)) return 1 + bonus;
  if (folded.includes(` ${foldedQuery}`)) return 2 + bonus;
  if (folded.includes(foldedQuery)) return 3 + bonus;
  const words = folded.split(' ');
  if (foldedQuery.split(' ').every((token) => words.some((word) => word.startsWith(token)))) return 4 + bonus;
  return null;
}

/**
 * Diacritic- and case-insensitive search, best match first: the whole text, then its start, then
 * the start of a word, then anywhere, then every typed word as the start of some word. Ties keep
 * the input order. An empty query returns everything.
 */
export function search<T>(query: string, items: readonly T[], textsOf: (item: T) => readonly string[]): T[] {
  const foldedQuery = fold(query);
  if (foldedQuery === '') return [...items];
  return items
    .map((item, index) => {
      const scores = textsOf(item)
        .map((text) => score(query, foldedQuery, text))
        .filter((value): value is number => value !== null);
      return { item, index, best: scores.length ? Math.min(...scores) : null };
    })
    .filter((entry): entry is { item: T; index: number; best: number } => entry.best !== null)
    .sort((a, b) => a.best - b.best || a.index - b.index)
    .map((entry) => entry.item);
}
