import { z } from 'zod';
import { decodeCccdNumber } from '../cccd';
import { assertNever, type ErrorCode } from '../errors';
import { collapseSpaces, nfc } from '../text';

/**
 * One question per screen (quality target A5): a procedure's form is a list of steps, each asking
 * one thing. This file holds the declarative form definition; the engine that walks it follows.
 */

export const Localized = z.object({ vi: z.string().min(1), en: z.string().min(1) });
export type Localized = z.infer<typeof Localized>;

/** Where an answer can come from before the citizen types anything: the CCCD QR code or chip. */
export const IdentityField = z.enum(['fullName', 'number', 'dateOfBirth', 'gender', 'address']);
export type IdentityField = z.infer<typeof IdentityField>;

/** When a step is shown, decided by earlier answers. */
export type Condition =
  | { field: string; equals: string }
  | { field: string; in: string[] }
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };
export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ field: z.string(), equals: z.string() }),
    z.strictObject({ field: z.string(), in: z.array(z.string()).min(1) }),
    z.strictObject({ all: z.array(Condition).min(1) }),
    z.strictObject({ any: z.array(Condition).min(1) }),
    z.strictObject({ not: Condition }),
  ]),
);

const common = {
  /** Unique within the form; answers are keyed by it. Person blocks prefix their fields: `mother.fullName`. */
  id: z.string().regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)?$/),
  label: Localized,
  hint: Localized.optional(),
  when: Condition.optional(),
};

const questionSchemas = [
  z.strictObject({ ...common, type: z.literal('text'), required: z.boolean().default(true), maxLength: z.number().int().positive().default(200), prefill: IdentityField.optional() }),
  z.strictObject({ ...common, type: z.literal('date'), required: z.boolean().default(true), notInFuture: z.boolean().default(true), prefill: IdentityField.optional() }),
  z.strictObject({
    ...common,
    type: z.literal('select'),
    required: z.boolean().default(true),
    options: z.array(z.strictObject({ value: z.string(), label: Localized })).min(2),
    prefill: IdentityField.optional(),
  }),
  z.strictObject({ ...common, type: z.literal('cccd'), required: z.boolean().default(true), prefill: IdentityField.optional() }),
  z.strictObject({ ...common, type: z.literal('phone'), required: z.boolean().default(true) }),
  z.strictObject({ ...common, type: z.literal('number'), required: z.boolean().default(true), min: z.number().int().default(0), max: z.number().int() }),
  z.strictObject({ ...common, type: z.literal('address'), required: z.boolean().default(true), prefill: IdentityField.optional() }),
  /** The paper document the catalogue names: the number of pages scanned, or AT_COUNTER. */
  z.strictObject({ ...common, type: z.literal('document'), document: z.string(), required: z.boolean().default(true) }),
] as const;

/** A person block (mother, father, the deceased…) expands into one step per field. */
export const PersonBlock = z.strictObject({
  type: z.literal('person'),
  id: z.string().regex(/^[a-z][A-Za-z0-9]*$/),
  label: Localized,
  fields: z.array(z.enum(['fullName', 'dateOfBirth', 'number', 'gender', 'address', 'phone'])).min(1),
  required: z.boolean().default(true),
  when: Condition.optional(),
});
export type PersonBlock = z.infer<typeof PersonBlock>;

export const Question = z.discriminatedUnion('type', questionSchemas);
export type Question = z.infer<typeof Question>;

export const FormDefinition = z.array(z.discriminatedUnion('type', [...questionSchemas, PersonBlock])).min(1);
export type FormDefinition = z.infer<typeof FormDefinition>;

// ─── The engine ────────────────────────────────────────────────────────────────────────────────

export type Step = Question & { /** The person block a step belongs to, shown above its question. */ context?: Localized };

export const AddressAnswer = z.strictObject({
  provinceCode: z.string(),
  communeCode: z.string(),
  /** House number, street, village (thôn) or group (tổ), as the citizen writes it. */
  detail: z.string(),
});
export type AddressAnswer = z.infer<typeof AddressAnswer>;
export const AnswerValue = z.union([z.string(), z.number(), AddressAnswer]);
export type AnswerValue = z.infer<typeof AnswerValue>;
export type Answers = Readonly<Record<string, AnswerValue>>;

/** A document step's answer when the citizen hands the paper in at the counter instead of scanning it. */
export const AT_COUNTER = 'atCounter';

/**
 * What the CCCD QR code or chip tells us about the applicant; dates are ISO (yyyy, yyyy-mm or
 * yyyy-mm-dd); the address as far as it could be matched to today's units.
 */
export type Identity = Partial<Record<Exclude<IdentityField, 'address'>, string>> & { address?: AddressAnswer };

export interface FormContext {
  /** Today as yyyy-mm-dd, in Vietnam's time zone; passed in so that validation is deterministic. */
  today: string;
}

export const REVIEW = 'review';

/** Where the citizen is. Plain JSON, so a partly answered form can be saved and resumed. */
export const FormProgress = z.strictObject({
  answers: z.record(z.string(), AnswerValue),
  /** A step id, or REVIEW for the check-answers screen. */
  current: z.string(),
  /** Came from check answers to change one answer: go back there once it is fixed. */
  reviewing: z.boolean(),
  /** Steps answered from the ID card, skipped on the way forward and shown on check answers. */
  prefilled: z.array(z.string()),
});
export type FormProgress = z.infer<typeof FormProgress>;

export interface CompiledForm {
  steps: readonly Step[];
}

const personFieldQuestion = {
  fullName: { type: 'text', label: { vi: 'Họ, chữ đệm và tên', en: 'Full name' }, maxLength: 100 },
  dateOfBirth: { type: 'date', label: { vi: 'Ngày, tháng, năm sinh', en: 'Date of birth' }, notInFuture: true },
  number: { type: 'cccd', label: { vi: 'Số định danh cá nhân', en: 'Personal identification number' } },
  gender: {
    type: 'select',
    label: { vi: 'Giới tính', en: 'Sex' },
    options: [
      { value: 'male', label: { vi: 'Nam', en: 'Male' } },
      { value: 'female', label: { vi: 'Nữ', en: 'Female' } },
    ],
  },
  address: { type: 'address', label: { vi: 'Nơi cư trú', en: 'Place of residence' } },
  phone: { type: 'phone', label: { vi: 'Số điện thoại', en: 'Phone number' } },
} as const;

/** Each answer a condition looks at, with the values it waits for. */
const conditionLeaves = (condition: Condition): Array<{ field: string; values: string[] }> =>
  'field' in condition
    ? [{ field: condition.field, values: 'equals' in condition ? [condition.equals] : condition.in }]
    : 'not' in condition
      ? conditionLeaves(condition.not)
      : ('all' in condition ? condition.all : condition.any).flatMap(conditionLeaves);

/**
 * Expands person blocks and checks the form's own consistency: unique ids, and conditions that
 * look only at earlier steps (so visibility can never loop) and, on a select, only for values it
 * offers (else the step could never show). Throws on a broken definition.
 */
export function compileForm(definition: FormDefinition): CompiledForm {
  const steps: Step[] = definition.flatMap((item): Step[] =>
    item.type === 'person'
      ? item.fields.map((field) =>
          Question.parse({
            ...personFieldQuestion[field],
            id: `${item.id}.${field}`,
            required: item.required,
            ...(item.when ? { when: item.when } : {}),
          }),
        ).map((step) => ({ ...step, context: item.label }))
      : [item],
  );
  const earlier = new Map<string, Step>();
  for (const step of steps) {
    if (earlier.has(step.id)) throw new Error(`form: duplicate step id ${step.id}`);
    for (const { field, values } of step.when ? conditionLeaves(step.when) : []) {
      const target = earlier.get(field);
      if (!target) throw new Error(`form: step ${step.id} depends on ${field}, which is not an earlier step`);
      const offered = target.type === 'select' ? target.options.map((option) => option.value) : values;
      const missing = values.find((value) => !offered.includes(value));
      if (missing !== undefined) throw new Error(`form: step ${step.id} waits for ${field} = ${missing}, which is not an option`);
    }
    earlier.set(step.id, step);
  }
  return { steps };
}

export function evaluate(condition: Condition, answers: Answers): boolean {
  if ('equals' in condition) return String(answers[condition.field] ?? '') === condition.equals;
  if ('in' in condition) return condition.in.includes(String(answers[condition.field] ?? ''));
  if ('all' in condition) return condition.all.every((c) => evaluate(c, answers));
  if ('any' in condition) return condition.any.some((c) => evaluate(c, answers));
  return !evaluate(condition.not, answers);
}

export const visibleSteps = (form: CompiledForm, answers: Answers): Step[] =>
  form.steps.filter((step) => !step.when || evaluate(step.when, answers));

const isBlank = (value: unknown) => value === undefined || value === '';

/** A yyyy-mm-dd that exists on the calendar (from 1900). */
export function isRealDate(iso: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return year >= 1900 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** Cleans an answer the way it is stored: NFC and single spaces for text, digits for numbers. */
export function normaliseAnswer(step: Step, value: AnswerValue): AnswerValue {
  if (typeof value === 'string') {
    const text = collapseSpaces(nfc(value));
    return step.type === 'phone' || step.type === 'cccd' ? text.replace(/[\s.-]/g, '') : text;
  }
  if (typeof value === 'object') return { ...value, detail: collapseSpaces(nfc(value.detail)) };
  return value;
}

/** The error code for an answer, or null when it is acceptable. Expects a normalised answer. */
export function validateAnswer(step: Step, value: AnswerValue | undefined, context: FormContext): ErrorCode | null {
  if (isBlank(value)) return step.required ? (step.type === 'document' ? 'form.documentMissing' : 'form.required') : null;
  switch (step.type) {
    case 'text':
      return typeof value === 'string' && value.length <= step.maxLength ? null : 'form.textTooLong';
    case 'date':
      if (typeof value !== 'string' || !isRealDate(value)) return 'form.dateInvalid';
      return step.notInFuture && value > context.today ? 'form.dateInFuture' : null;
    case 'select':
      return step.options.some((option) => option.value === value) ? null : 'form.optionInvalid';
    case 'cccd':
      // The whole number is checked: place code, century-and-gender digit (Thông tư 59/2021/TT-BCA).
      return typeof value === 'string' && decodeCccdNumber(value).ok ? null : 'form.cccdInvalid';
    case 'phone':
      return typeof value === 'string' && /^0\d{9}$/.test(value) ? null : 'form.phoneInvalid';
    case 'number':
      return Number.isInteger(value) && (value as number) >= step.min && (value as number) <= step.max ? null : 'form.numberInvalid';
    case 'address':
      return typeof value === 'object' && value.provinceCode !== '' && value.communeCode !== '' && value.detail !== '' && value.detail.length <= 200
        ? null
        : 'form.addressIncomplete';
    case 'document':
      return value === AT_COUNTER || (Number.isInteger(value) && (value as number) >= 1) ? null : 'form.documentMissing';
    default:
      return assertNever(step);
  }
}

/** The first visible step whose answer is missing or wrong, with why: what check answers reports. */
export function firstProblem(form: CompiledForm, answers: Answers, context: FormContext): { stepId: string; code: ErrorCode } | null {
  for (const step of visibleSteps(form, answers)) {
    const code = validateAnswer(step, answers[step.id], context);
    if (code) return { stepId: step.id, code };
  }
  return null;
}

function identityAnswer(step: Step, identity: Identity): AnswerValue | undefined {
  const value = step.type !== 'phone' && step.type !== 'document' && step.type !== 'number' && step.prefill ? identity[step.prefill] : undefined;
  return value === undefined ? undefined : normaliseAnswer(step, value);
}

/** The next step to ask after `afterId`, skipping steps answered from the ID card; REVIEW at the end. */
function nextStep(form: CompiledForm, progress: Pick<FormProgress, 'answers' | 'prefilled'>, afterIndex: number): string {
  const visible = visibleSteps(form, progress.answers);
  const next = visible.find((step) => form.steps.indexOf(step) > afterIndex && !progress.prefilled.includes(step.id));
  return next?.id ?? REVIEW;
}

/** Starts a form, with the applicant's own answers taken from their ID card where it has them. */
export function startForm(form: CompiledForm, identity: Identity, context: FormContext): FormProgress {
  const answers: Record<string, AnswerValue> = {};
  const prefilled: string[] = [];
  for (const step of form.steps) {
    const value = identityAnswer(step, identity);
    if (value === undefined) continue;
    answers[step.id] = value;
    // An address is always shown to confirm: the card may be years old, and a pre-2025 commune is
    // matched to today's unit by its former name.
    if (step.type !== 'address' && validateAnswer(step, value, context) === null) prefilled.push(step.id);
  }
  return { answers, prefilled, reviewing: false, current: nextStep(form, { answers, prefilled }, -1) };
}

/**
 * Records an answer to the current step. A wrong answer changes nothing and returns its error code.
 * A right one moves on: to the next step, or, when changing an answer from check answers, back
 * there — unless the change revealed a step that still needs an answer.
 */
export function answerStep(form: CompiledForm, progress: FormProgress, raw: AnswerValue, context: FormContext): { progress: FormProgress; error: ErrorCode | null } {
  const index = form.steps.findIndex((step) => step.id === progress.current);
  const step = form.steps[index];
  if (!step) return { progress, error: null };
  const value = normaliseAnswer(step, raw);
  const error = validateAnswer(step, value, context);
  if (error) return { progress, error };
  const answers = { ...progress.answers, [step.id]: value };
  const prefilled = progress.prefilled.filter((id) => id !== step.id);
  const current = progress.reviewing
    ? (firstProblem(form, answers, context)?.stepId ?? REVIEW)
    : nextStep(form, { answers, prefilled }, index);
  return { progress: { answers, prefilled, current, reviewing: progress.reviewing && current !== REVIEW }, error: null };
}

/** One step back (skipping ID-card answers); at the first step it stays, and the screen leaves the form. */
export function goBack(form: CompiledForm, progress: FormProgress): FormProgress {
  const index = progress.current === REVIEW ? form.steps.length : form.steps.findIndex((step) => step.id === progress.current);
  const previous = visibleSteps(form, progress.answers)
    .filter((step) => form.steps.indexOf(step) < index && !progress.prefilled.includes(step.id))
    .at(-1);
  return previous ? { ...progress, current: previous.id, reviewing: false } : progress;
}

/** From check answers, change one answer ("Sửa"). */
export function editStep(form: CompiledForm, progress: FormProgress, stepId: string): FormProgress {
  const visible = visibleSteps(form, progress.answers).some((step) => step.id === stepId);
  return progress.current === REVIEW && visible ? { ...progress, current: stepId, reviewing: true } : progress;
}

/** Check answers: every visible step with its answer, and the first one that still needs fixing. */
export function checkAnswers(form: CompiledForm, progress: FormProgress, context: FormContext) {
  return {
    rows: visibleSteps(form, progress.answers).map((step) => ({ step, value: progress.answers[step.id], fromIdCard: progress.prefilled.includes(step.id) })),
    problem: firstProblem(form, progress.answers, context),
  };
}

/** The answers that go into the dossier: visible steps only (a hidden step's old answer stays out). */
export function dossierAnswers(form: CompiledForm, answers: Answers): Record<string, AnswerValue> {
  return Object.fromEntries(visibleSteps(form, answers).flatMap((step) => (step.id in answers ? [[step.id, answers[step.id]!]] : [])));
}

/**
 * Resumes saved progress against the form as it is now: answers to steps that no longer exist are
 * dropped, and a current step that is gone or hidden becomes the first problem (or check answers).
 */
export function resumeForm(form: CompiledForm, saved: unknown, context: FormContext): FormProgress | null {
  const parsed = FormProgress.safeParse(saved);
  if (!parsed.success) return null;
  const ids = new Set(form.steps.map((step) => step.id));
  const answers = Object.fromEntries(Object.entries(parsed.data.answers).filter(([id]) => ids.has(id)));
  const prefilled = parsed.data.prefilled.filter((id) => ids.has(id));
  const stillThere = visibleSteps(form, answers).some((step) => step.id === parsed.data.current);
  const current = parsed.data.current === REVIEW || stillThere ? parsed.data.current : (firstProblem(form, answers, context)?.stepId ?? REVIEW);
  return { answers, prefilled, current, reviewing: parsed.data.reviewing && current !== REVIEW };
}

/** Today in Vietnam (UTC+7, no daylight saving) as yyyy-mm-dd, whatever the machine's time zone. */
export const vietnamToday = (now: Date = new Date()): string =>
  new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);

/** Vietnam's wall clock as yyyy-mm-ddThh:mm:ss (UTC+7 since 1975, no daylight saving), for file names people read. */
export const vietnamClock = (now: Date = new Date()): string => new Date(now.getTime() + 7 * 3_600_000).toISOString().slice(0, 19);
