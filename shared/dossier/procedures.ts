import { z } from 'zod';
import { FormDefinition, Localized, type Step } from './formEngine';
import { FEE_EXEMPTION_STEP, NO_EXEMPTION, quantitySteps, ruleAmount } from './payment';
import { journeyForm } from './resultDelivery';

/**
 * The procedure catalogue: what a support point can help with, as data (assets/procedures/).
 * Codes, fees and documents change, and codes get renumbered, so nothing here is a constant in
 * code. Every procedure names its sources and how sure we are of them.
 */

const Vnd = z.number().int().nonnegative();

/** How a document is handed in (Nghị định 123/2015 and 23/2015 wording). */
export const DocumentForm = z.enum([
  'original', // bản chính
  'copy', // bản sao
  'certifiedCopy', // bản sao có chứng thực
  'present', // xuất trình: shown to the officer, not kept
  'declaration', // tờ khai: filled in by the form itself
]);

export const RequiredDocument = z.strictObject({
  id: z.string().regex(/^[a-z][A-Za-z0-9]*$/),
  name: Localized,
  form: DocumentForm,
  count: z.number().int().positive().default(1),
  /** Whether the kiosk scans it; a declaration is produced by the form, a card is read, not scanned. */
  scannable: z.boolean(),
  note: Localized.optional(),
});
export type RequiredDocument = z.infer<typeof RequiredDocument>;

/** Fee rules as the legal texts state them (Thông tư 226/2016, 75/2022, 281/2016, Luật Hộ tịch Đ.11). */
export const FeeRule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('free') }),
  /** Free when registered on time; the late fee is set by each province's People's Council. */
  z.strictObject({ kind: z.literal('freeIfOnTime') }),
  z.strictObject({ kind: z.literal('fixed'), amountVnd: Vnd, per: z.enum(['dossier', 'copy']) }),
  /** Cheaper when submitted online, as the kiosk does (Thông tư 75/2022/TT-BTC). */
  z.strictObject({ kind: z.literal('byChannel'), directVnd: Vnd, onlineVnd: Vnd }),
  /** Certified copies: a price for the first pages, less from then on, capped per copy. */
  z.strictObject({
    kind: z.literal('perPage'),
    firstPages: z.number().int().positive(),
    firstPageVnd: Vnd,
    laterPageVnd: Vnd,
    maxPerCopyVnd: Vnd,
  }),
  /** Set by the province (HĐND tỉnh); the amount comes from the province's fee table, not from here. */
  z.strictObject({ kind: z.literal('setByProvince') }),
]);
export type FeeRule = z.infer<typeof FeeRule>;

export const Procedure = z.strictObject({
  /** Code in the national TTHC database (Cơ sở dữ liệu quốc gia về thủ tục hành chính). */
  code: z.string().regex(/^\d\.\d{6}$/),
  name: Localized,
  field: z.enum(['civilStatus', 'certification', 'residence', 'judicialRecord']),
  /** Who receives and decides it since the two-tier government of 1 July 2025. */
  authority: Localized,
  processingTime: z.strictObject({
    /** 0 = the same working day. */
    workingDays: z.number().int().nonnegative(),
    maxWorkingDaysIfVerification: z.number().int().positive().optional(),
    note: Localized.optional(),
  }),
  legalBasis: z.array(z.string().min(1)).min(1),
  /** Toàn trình (Nghị định 42/2022): submission, payment and result all online. */
  fullyOnline: z.boolean(),
  /** What the citizen must still do in person when it is not fully online. */
  inPersonNote: Localized.optional(),
  resultDelivery: z.array(z.enum(['atOffice', 'post', 'electronic'])).min(1),
  documents: z.array(RequiredDocument),
  fee: FeeRule,
  /** Who pays nothing (Luật Hộ tịch Đ.11: families of people with meritorious service, poor households, people with disabilities). */
  feeExemptions: z.array(z.strictObject({ id: z.string(), name: Localized })).default([]),
  form: FormDefinition,
  sources: z.array(z.string().min(1)).min(1),
  /** How sure the founders' research is: confirmed by an official page, partly, or not yet. */
  confidence: z.enum(['confirmed', 'partly', 'unconfirmed']),
});
export type Procedure = z.infer<typeof Procedure>;

/** The declaration (tờ khai) the kiosk fills from the answers; none when the procedure asks for none. */
export const declarationDocument = (procedure: Pick<Procedure, 'documents'>): RequiredDocument | undefined =>
  procedure.documents.find((document) => document.form === 'declaration');

export const Catalogue = z.strictObject({
  /** Recorded in every dossier started with this catalogue, and kept with it. */
  version: z.string().min(1),
  procedures: z.array(Procedure).min(1),
});
export type Catalogue = z.infer<typeof Catalogue>;

/** assets/procedures/index.json: the catalogue's version and the order procedures are listed in. */
export const CatalogueIndex = z.strictObject({ version: z.string().min(1), order: z.array(z.string()).min(1) });

/**
 * What the kiosk relies on beyond the schema: the form compiles; every scannable document is asked
 * for by exactly one document step, and every document step names one; a fee counted per page or
 * per copy has the number steps to count with; exemptions from a fee that is not always zero can be
 * claimed in the form.
 */
export function checkProcedure(procedure: Procedure): string[] {
  let steps: Step[];
  try {
    steps = [...journeyForm(procedure).steps];
  } catch (error) {
    return [`${procedure.code}: ${(error as Error).message}`];
  }
  const documentIds = procedure.documents.map((document) => document.id);
  const scannable = procedure.documents.filter((document) => document.scannable).map((document) => document.id);
  const asked = steps.flatMap((step) => (step.type === 'document' ? [step.document] : []));
  return [
    ...documentIds.filter((id, i) => documentIds.indexOf(id) !== i).map((id) => `${procedure.code}: two documents are called ${id}`),
    ...scannable.filter((id) => asked.filter((step) => step === id).length !== 1).map((id) => `${procedure.code}: scannable ${id} is not asked for exactly once`),
    ...asked.filter((id) => !scannable.includes(id)).map((id) => `${procedure.code}: document step for ${id}, which is not a scannable document`),
    ...quantitySteps(procedure.fee)
      .filter((id) => !steps.some((step) => step.id === id && step.type === 'number' && step.min >= 1))
      .map((id) => `${procedure.code}: the fee needs a number step ${id}`),
    ...exemptionProblems(procedure, steps),
  ];
}

function exemptionProblems(procedure: Procedure, steps: readonly Step[]): string[] {
  if (procedure.feeExemptions.length === 0 || ruleAmount(procedure.fee, 1, 1) === 0) return [];
  const step = steps.find((candidate) => candidate.id === FEE_EXEMPTION_STEP);
  const offered = step?.type === 'select' ? step.options.map((option) => option.value).sort() : [];
  const expected = [NO_EXEMPTION, ...procedure.feeExemptions.map((exemption) => exemption.id)].sort();
  return offered.join() === expected.join() ? [] : [`${procedure.code}: exemptions need a select step ${FEE_EXEMPTION_STEP} offering ${expected.join(', ')}`];
}

/**
 * Catalogue files are a trust boundary: parse them, check them, and fail loudly on a bad one —
 * a kiosk must never show a procedure whose form cannot be completed.
 */
export function assembleCatalogue(index: unknown, files: readonly unknown[]): Catalogue {
  const { version, order } = CatalogueIndex.parse(index);
  const byCode = new Map(files.map((file) => Procedure.parse(file)).map((procedure) => [procedure.code, procedure]));
  const problems = [
    ...(byCode.size === files.length ? [] : ['two files share a procedure code']),
    ...order.filter((code, i) => order.indexOf(code) !== i).map((code) => `index lists ${code} twice`),
    ...order.filter((code) => !byCode.has(code)).map((code) => `index lists ${code}, which has no file`),
    ...[...byCode.keys()].filter((code) => !order.includes(code)).map((code) => `${code} is missing from the index`),
    ...[...byCode.values()].flatMap(checkProcedure),
  ];
  if (problems.length) throw new Error(`procedure catalogue: ${problems.join('; ')}`);
  return Catalogue.parse({ version, procedures: order.map((code) => byCode.get(code)) });
}

/**
 * The catalogue as the province publishes it to its kiosks (electron/host/catalogue.ts), signed
 * like every provincial document (`DVCCAT1.<key id>.<this, base64url JSON>.<signature>`): the index
 * and the procedure files exactly as in assets/procedures, checked by `assembleCatalogue` on arrival.
 */
export const CATALOGUE_FORMAT = 'DVCCAT1';
export const CatalogueDocument = z.strictObject({ index: CatalogueIndex, files: z.array(z.unknown()).min(1), issuedAt: z.iso.datetime() });
export type CatalogueDocument = z.infer<typeof CatalogueDocument>;

/**
 * Orders catalogue versions ("2026.11.1" < "2026.11.2" < "2026.12.0"): dot-separated numbers,
 * compared as numbers, a missing part counting as 0. Negative when `a` is older.
 */
export function compareCatalogueVersions(a: string, b: string): number {
  const parts = (version: string) => version.split('.').map((part) => Number.parseInt(part, 10) || 0);
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

