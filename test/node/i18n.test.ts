import { describe, expect, test } from 'vitest';
import { errorCodes } from '../../shared/errors';
import { en } from '../../shared/i18n/en';
import { createT, errorKey } from '../../shared/i18n/index';
import { vi } from '../../shared/i18n/vi';

describe('i18n catalogues', () => {
  test('Vietnamese is the default language and interpolation works', () => {
    expect(createT()('attract.touchToStart')).toBe('Chạm để bắt đầu');
    expect(createT('vi')('question.progress', { current: 1, total: 3 })).toBe('Câu hỏi 1 trên 3');
    expect(createT('en')('question.progress', { current: 1, total: 3 })).toBe('Question 1 of 3');
  });

  test('every error code has a Vietnamese and an English message', () => {
    const t = { vi: createT('vi'), en: createT('en') };
    for (const code of errorCodes) {
      expect(t.vi(errorKey(code)), code).not.toBe(errorKey(code));
      expect(t.en(errorKey(code)), code).not.toBe(errorKey(code));
    }
  });

  test('every string is in Unicode NFC, so diacritics compare, search and print the same everywhere', () => {
    for (const [key, text] of [...Object.entries(vi), ...Object.entries(en)]) {
      expect(text.normalize('NFC'), key).toBe(text);
    }
  });

  test('interpolation placeholders match between the two languages', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(vi) as Array<keyof typeof vi>) {
      expect(placeholders(en[key]), key).toEqual(placeholders(vi[key]));
    }
  });
});
