import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import type { z } from 'zod';
import { compileForm } from '../../shared/dossier/formEngine';
import { quoteFee } from '../../shared/dossier/payment';
import { assembleCatalogue, CatalogueIndex, checkProcedure, Procedure } from '../../shared/dossier/procedures';

/**
 * The real procedure catalogue (assets/procedures/) against the rules a kiosk relies on. Each rule
 * is a function returning its problems, run on the real files and, in the last block, on a copy
 * broken on purpose — so every check is shown to be able to fail.
 */

const folder = fileURLToPath(new URL('../../assets/procedures/', import.meta.url));
/** Every JSON file but the index is a procedure, as renderer/catalogue.ts reads them. */
const fileNames = readdirSync(folder).filter((name) => name.endsWith('.json') && name !== 'index.json').sort();
const raw: Record<string, unknown> = Object.fromEntries(fileNames.map((name) => [name, JSON.parse(readFileSync(`${folder}${name}`, 'utf8')) as unknown]));
const index: unknown = JSON.parse(readFileSync(`${folder}index.json`, 'utf8'));
const procedures = fileNames.map((name) => Procedure.parse(raw[name]));

/** A procedure file as written, before defaults: what the broken-on-purpose copies edit. */
type Draft = z.input<typeof Procedure>;
type FormItem = Draft['form'][number];

// ─── The checks ────────────────────────────────────────────────────────────────────────────────

function schemaProblems(files: Record<string, unknown>): string[] {
  return Object.entries(files).flatMap(([name, data]) => {
    const result = Procedure.safeParse(data);
    return result.success ? [] : result.error.issues.map((issue) => `${name}: ${issue.path.join('.')} ${issue.message}`);
  });
}

function fileNameProblems(files: Record<string, unknown>): string[] {
  return Object.entries(files).flatMap(([name, data]) => {
    const code = (data as { code?: unknown }).code;
    return name === `${String(code)}.json` ? [] : [`${name} holds code ${String(code)}`];
  });
}

/** Every string in a JSON value, with the key it sits under. */
function strings(value: unknown, key = ''): Array<{ key: string; text: string }> {
  if (typeof value === 'string') return [{ key, text: value }];
  if (Array.isArray(value)) return value.flatMap((item) => strings(item, key));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => strings(v, k));
  return [];
}

const nfcProblems = (data: unknown) => strings(data).filter(({ text }) => text !== text.normalize('NFC')).map(({ text }) => `not NFC: ${text}`);

/** Vietnamese letters carry combining marks once decomposed (ă, â, ê, ô, ơ, ư and the tones), and đ. */
const hasVietnameseLetters = (text: string) => /[\u0300-\u036f]|[đĐ]/.test(text.normalize('NFD'));
const englishProblems = (data: unknown) => strings(data).filter(({ key, text }) => key === 'en' && hasVietnameseLetters(text)).map(({ text }) => `Vietnamese in en: ${text}`);

/** The steps as the engine expands them (person blocks into one step per field). */
const steps = (procedure: Procedure) => compileForm(procedure.form).steps;

const LABEL_MAX = 60;
const labelProblems = (procedure: Procedure) =>
  steps(procedure).filter((step) => step.label.vi.length > LABEL_MAX).map((step) => `${procedure.code}: label of ${step.id} is ${step.label.vi.length} characters`);

function lengthProblems(procedure: Procedure): string[] {
  const count = steps(procedure).length;
  return count >= 5 && count <= 15 ? [] : [`${procedure.code}: ${count} steps`];
}

function inPersonProblems(procedure: Procedure): string[] {
  if (!procedure.fullyOnline && !procedure.inPersonNote) return [`${procedure.code}: not fully online, but no note on what to do in person`];
  if (procedure.fullyOnline && procedure.inPersonNote) return [`${procedure.code}: fully online, yet says what to do in person`];
  return [];
}

function prefillProblems(procedure: Procedure): string[] {
  const prefilled = steps(procedure).flatMap((step) => (step.type !== 'phone' && step.type !== 'number' && step.type !== 'document' && step.prefill ? [step.prefill] : []));
  return (['fullName', 'number'] as const).filter((field) => !prefilled.includes(field)).map((field) => `${procedure.code}: applicant's ${field} is not taken from the ID card`);
}

const expectedAuthority = { civilStatus: 'Ủy ban nhân dân cấp xã', certification: 'Ủy ban nhân dân cấp xã', residence: 'Công an cấp xã' } as const;
const authorityProblems = (procedure: Procedure) =>
  procedure.field !== 'judicialRecord' && procedure.authority.vi !== expectedAuthority[procedure.field] ? [`${procedure.code}: ${procedure.field} handled by ${procedure.authority.vi}`] : [];

// ─── The real catalogue ────────────────────────────────────────────────────────────────────────

describe('the procedure catalogue in assets/procedures', () => {
  test('every procedure file parses with the Procedure schema', () => {
    expect(schemaProblems(raw)).toEqual([]);
  });

  test('each file is named after the code it holds', () => {
    expect(fileNameProblems(raw)).toEqual([]);
  });

  test('holds at least the 12 procedures support points handle most', () => {
    expect(procedures.length).toBeGreaterThanOrEqual(12);
  });

  test('assembles with the loader the kiosk uses, in the index order: every file listed once, codes unique', () => {
    const catalogue = assembleCatalogue(index, Object.values(raw));
    expect(catalogue.procedures.map((procedure) => procedure.code)).toEqual(CatalogueIndex.parse(index).order);
  });

  test('every form compiles, maps its scannable documents to scan steps, and counts what its fee counts', () => {
    expect(procedures.flatMap(checkProcedure)).toEqual([]);
  });

  test('every text is in Unicode NFC', () => {
    expect(Object.values(raw).flatMap(nfcProblems)).toEqual([]);
    expect(nfcProblems(index)).toEqual([]);
  });

  test('English texts contain no Vietnamese letters', () => {
    expect(Object.values(raw).flatMap(englishProblems)).toEqual([]);
  });

  test(`question labels fit one screen (at most ${LABEL_MAX} characters in Vietnamese)`, () => {
    expect(procedures.flatMap(labelProblems)).toEqual([]);
  });

  test('forms are short: 5 to 15 steps once person blocks are expanded', () => {
    expect(procedures.flatMap(lengthProblems)).toEqual([]);
  });

  test('claiming an exemption in the form makes a province-set fee free', () => {
    const reRegistration = procedures.find((procedure) => procedure.code === '1.004884')!;
    expect(quoteFee(reRegistration, { feeExemption: 'poorHousehold' })).toEqual({ amountVnd: 0, exemption: 'poorHousehold' });
    expect(quoteFee(reRegistration, { feeExemption: 'none' })).toEqual({ amountVnd: null, exemption: null });
  });

  test('a procedure that is not fully online tells the citizen what to do in person', () => {
    expect(procedures.flatMap(inPersonProblems)).toEqual([]);
  });

  test("every form takes the applicant's name and ID number from the card", () => {
    expect(procedures.flatMap(prefillProblems)).toEqual([]);
  });

  test('civil status and certification go to the commune People’s Committee, residence to the commune police', () => {
    expect(procedures.flatMap(authorityProblems)).toEqual([]);
  });
});

// ─── The checks catch what they are for ────────────────────────────────────────────────────────

describe('each check reports a catalogue broken on purpose', () => {
  const birthFile = '1.001193.json';
  const broken = (change: (data: Draft) => void, file = birthFile): Draft => {
    const copy = structuredClone(raw[file]) as Draft;
    change(copy);
    return copy;
  };
  const parsed = (change: (data: Draft) => void, file = birthFile) => Procedure.parse(broken(change, file));
  /** The form item with this id, which must be of this type. */
  const item = <T extends FormItem['type']>(data: Draft, id: string, type: T) => {
    const found = data.form.find((candidate) => candidate.id === id);
    if (found?.type !== type) throw new Error(`fixture: no ${type} item ${id}`);
    return found as Extract<FormItem, { type: T }>;
  };

  test('an extra key fails the schema', () => {
    expect(schemaProblems({ [birthFile]: broken((data) => Object.assign(data, { popularity: 1 })) })).not.toEqual([]);
  });

  test('a file named after another code', () => {
    expect(fileNameProblems({ '1.000894.json': raw[birthFile] })).toEqual(['1.000894.json holds code 1.001193']);
  });

  test('an index that repeats, invents or forgets a code, and two files with one code', () => {
    expect(() => assembleCatalogue({ version: 'x', order: ['1.001193', '1.001193', '9.999999'] }, [raw[birthFile], raw['1.000894.json']])).toThrow(
      /index lists 1\.001193 twice; index lists 9\.999999, which has no file; 1\.000894 is missing from the index/,
    );
    expect(() => assembleCatalogue({ version: 'x', order: ['1.001193'] }, [raw[birthFile], raw[birthFile]])).toThrow(/two files share a procedure code/);
  });

  test('a scannable document nobody is asked to scan, and a scan step for an unknown document', () => {
    expect(checkProcedure(parsed((data) => (item(data, 'birthCertificate', 'document').document = 'passport')))).toEqual([
      '1.001193: scannable birthCertificate is not asked for exactly once',
      '1.001193: document step for passport, which is not a scannable document',
    ]);
  });

  test('a scan step for a document that is not scanned', () => {
    const problems = checkProcedure(parsed((data) => data.documents.forEach((document) => (document.scannable = false))));
    expect(problems).toContain('1.001193: document step for birthCertificate, which is not a scannable document');
  });

  test('a question id that repeats a person-block field', () => {
    expect(checkProcedure(parsed((data) => (item(data, 'placeOfBirth', 'text').id = 'child.fullName')))).toEqual(['1.001193: form: duplicate step id child.fullName']);
  });

  test('a condition on a later step, and one on a value the select does not offer', () => {
    const later = parsed((data) => (item(data, 'mother', 'person').when = { field: 'applicantPhone', equals: 'x' }));
    expect(checkProcedure(later)).toEqual(['1.001193: form: step mother.fullName depends on applicantPhone, which is not an earlier step']);
    const unknownValue = parsed((data) => (item(data, 'birthCertificate', 'document').when = { field: 'birthProof', in: ['certificate', 'yes'] }));
    expect(checkProcedure(unknownValue)).toEqual(['1.001193: form: step birthCertificate waits for birthProof = yes, which is not an option']);
  });

  test('a name in NFD', () => {
    expect(nfcProblems({ name: { vi: 'Đăng ký khai sinh'.normalize('NFD') } })).toHaveLength(1);
  });

  test('Vietnamese in an English text, whether composed or decomposed', () => {
    expect(englishProblems({ name: { vi: 'Tách hộ', en: 'Tách hộ' } })).toHaveLength(1);
    expect(englishProblems({ name: { vi: 'Tách hộ', en: 'Tach ho (Đ)' } })).toHaveLength(1);
    expect(englishProblems({ name: { vi: 'Tách hộ', en: 'Tách hộ'.normalize('NFD') } })).toHaveLength(1);
    expect(englishProblems({ name: { vi: 'Tách hộ', en: 'Splitting a household' } })).toEqual([]);
  });

  test('a label too long for one screen', () => {
    expect(labelProblems(parsed((data) => (item(data, 'placeOfBirth', 'text').label.vi = 'Cháu sinh ở đâu? '.repeat(4))))).toHaveLength(1);
  });

  test('a form that is too long', () => {
    expect(lengthProblems(parsed((data) => item(data, 'mother', 'person').fields.push('dateOfBirth', 'address')))).toEqual(['1.001193: 17 steps']);
  });

  test('a per-copy fee with no step to count the copies', () => {
    const withoutCount = parsed((data) => (data.form = data.form.filter((candidate) => candidate.id !== 'copyCount')), '2.000635.json');
    expect(checkProcedure(withoutCount)).toEqual(['2.000635: the fee needs a number step copyCount']);
  });

  test('exemptions from a fee that is not always zero, with no way to claim them', () => {
    const unclaimable = parsed((data) => (data.form = data.form.filter((candidate) => candidate.id !== 'feeExemption')), '1.004884.json');
    expect(checkProcedure(unclaimable)).toEqual(['1.004884: exemptions need a select step feeExemption offering disability, meritoriousFamily, none, poorHousehold']);
  });

  test('a procedure done partly in person with nothing said about it', () => {
    expect(inPersonProblems(parsed((data) => (data.fullyOnline = false)))).toHaveLength(1);
  });

  test('a form that asks for the applicant’s name instead of reading it from the card', () => {
    expect(prefillProblems(parsed((data) => delete item(data, 'applicantName', 'text').prefill))).toEqual(["1.001193: applicant's fullName is not taken from the ID card"]);
  });

  test('residence sent to the People’s Committee', () => {
    expect(authorityProblems(parsed((data) => (data.field = 'residence')))).toHaveLength(1);
  });
});
