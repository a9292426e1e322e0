import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  answerStep,
  checkAnswers,
  compileForm,
  dossierAnswers,
  editStep,
  FormDefinition,
  goBack,
  resumeForm,
  REVIEW,
  startForm,
  validateAnswer,
  visibleSteps,
  type AnswerValue,
  type CompiledForm,
  type FormProgress,
  type Step,
} from '../../shared/dossier/formEngine';

const context = { today: '2026-11-23' };
const l = (vi: string, en = vi.replace(/[^\x20-\x7e]/g, '?')) => ({ vi, en });

/** A birth registration, shortened: identity prefill, a select that reveals steps, person blocks, a document. */
const definition = FormDefinition.parse([
  { id: 'applicantName', type: 'text', label: l('Họ và tên người đi khai'), prefill: 'fullName' },
  { id: 'applicantNumber', type: 'cccd', label: l('Số định danh'), prefill: 'number' },
  { id: 'childName', type: 'text', label: l('Họ và tên của trẻ'), maxLength: 60 },
  { id: 'childBirthDate', type: 'date', label: l('Ngày sinh của trẻ') },
  {
    id: 'hasBirthCertificate',
    type: 'select',
    label: l('Có Giấy chứng sinh không?'),
    options: [
      { value: 'yes', label: l('Có') },
      { value: 'no', label: l('Không') },
    ],
  },
  { id: 'birthCertificate', type: 'document', document: 'birthCertificate', label: l('Quét Giấy chứng sinh'), when: { field: 'hasBirthCertificate', equals: 'yes' } },
  { id: 'witness', type: 'person', label: l('Người làm chứng'), fields: ['fullName', 'number'], when: { field: 'hasBirthCertificate', equals: 'no' } },
  { id: 'mother', type: 'person', label: l('Mẹ của trẻ'), fields: ['fullName', 'dateOfBirth', 'address'] },
  { id: 'copies', type: 'number', label: l('Số bản trích lục'), min: 1, max: 10 },
  { id: 'note', type: 'text', label: l('Ghi chú'), required: false },
  { id: 'phone', type: 'phone', label: l('Số điện thoại') },
]);
const form = compileForm(definition);
const identity = { fullName: 'nguyễn  văn an', number: '056090001234', dateOfBirth: '1990-03-15', gender: 'male' };
const stepById = (id: string) => form.steps.find((step) => step.id === id)!;

const answerAll = (progress: FormProgress, values: Record<string, AnswerValue>) => {
  let current = progress;
  while (current.current !== REVIEW) {
    const value = values[current.current];
    if (value === undefined) throw new Error(`no test answer for ${current.current}`);
    const result = answerStep(form, current, value, context);
    expect(result.error, current.current).toBeNull();
    current = result.progress;
  }
  return current;
};
const goodAnswers: Record<string, AnswerValue> = {
  childName: 'Nguyễn Văn Bình',
  childBirthDate: '2026-11-20',
  hasBirthCertificate: 'yes',
  birthCertificate: 2,
  'witness.fullName': 'Lê Thị Hoa',
  'witness.number': '056190012345',
  'mother.fullName': 'Trần Thị Cúc',
  'mother.dateOfBirth': '1995-02-28',
  'mother.address': { provinceCode: '56', communeCode: '22333', detail: 'Thôn Phú Ân Nam 2' },
  copies: 1,
  note: '',
  phone: '0912 345 678',
};

describe('compiling a form', () => {
  test('person blocks expand into one step per field, with the block as context', () => {
    expect(form.steps.filter((step) => step.context?.vi === 'Mẹ của trẻ').map((step) => `${step.id}:${step.type}`)).toEqual([
      'mother.fullName:text',
      'mother.dateOfBirth:date',
      'mother.address:address',
    ]);
    expect(stepById('witness.number').when).toEqual({ field: 'hasBirthCertificate', equals: 'no' });
  });

  test.each([
    ['a duplicate id', [{ id: 'a', type: 'phone', label: l('A') }, { id: 'a', type: 'phone', label: l('B') }], /duplicate/],
    ['a condition on a later step', [{ id: 'a', type: 'phone', label: l('A'), when: { field: 'b', equals: 'x' } }, { id: 'b', type: 'phone', label: l('B') }], /not an earlier step/],
    ['a condition on an unknown step', [{ id: 'a', type: 'phone', label: l('A'), when: { not: { field: 'zzz', in: ['x'] } } }], /not an earlier step/],
    [
      'a condition on a value the select does not offer',
      [
        { id: 'a', type: 'select', label: l('A'), options: [{ value: 'yes', label: l('Có') }, { value: 'no', label: l('Không') }] },
        { id: 'b', type: 'phone', label: l('B'), when: { any: [{ field: 'a', equals: 'no' }, { field: 'a', equals: 'maybe' }] } },
      ],
      /waits for a = maybe, which is not an option/,
    ],
  ])('refuses %s', (_name, items, message) => {
    expect(() => compileForm(FormDefinition.parse(items))).toThrow(message);
  });
});

describe('validation gives an error code per step type', () => {
  test.each([
    ['childBirthDate', '2024-02-29', null],
    ['childBirthDate', '2023-02-29', 'form.dateInvalid'],
    ['childBirthDate', '2026-04-31', 'form.dateInvalid'],
    ['childBirthDate', '2026-13-01', 'form.dateInvalid'],
    ['childBirthDate', '29/02/2024', 'form.dateInvalid'],
    ['childBirthDate', '1899-12-31', 'form.dateInvalid'],
    ['childBirthDate', '2026-11-24', 'form.dateInFuture'],
    ['childBirthDate', '2026-11-23', null],
    ['childBirthDate', '', 'form.required'],
    ['hasBirthCertificate', 'maybe', 'form.optionInvalid'],
    ['applicantNumber', '05609000123', 'form.cccdInvalid'],
    ['applicantNumber', '05609000123a', 'form.cccdInvalid'],
    ['phone', '912345678', 'form.phoneInvalid'],
    ['phone', '09123456789', 'form.phoneInvalid'],
    ['phone', '0912345678', null],
    ['copies', 0, 'form.numberInvalid'],
    ['copies', 11, 'form.numberInvalid'],
    ['copies', 2.5, 'form.numberInvalid'],
    ['childName', 'x'.repeat(61), 'form.textTooLong'],
    ['note', '', null],
    ['birthCertificate', 0, 'form.documentMissing'],
    ['birthCertificate', undefined, 'form.documentMissing'],
    ['mother.address', { provinceCode: '56', communeCode: '', detail: 'Thôn 1' }, 'form.addressIncomplete'],
  ] as const)('%s = %j → %s', (id, value, code) => {
    expect(validateAnswer(stepById(id), value as AnswerValue | undefined, context)).toBe(code);
  });
});

describe('walking a form', () => {
  test('the ID card answers the applicant steps: they are skipped but shown on check answers', () => {
    const progress = startForm(form, identity, context);
    expect(progress.current).toBe('childName');
    expect(progress.answers).toMatchObject({ applicantName: 'nguyễn văn an', applicantNumber: '056090001234' });
    const done = answerAll(progress, goodAnswers);
    const review = checkAnswers(form, done, context);
    expect(review.problem).toBeNull();
    expect(review.rows.filter((row) => row.fromIdCard).map((row) => row.step.id)).toEqual(['applicantName', 'applicantNumber']);
  });

  test('answers are stored clean: NFC, single spaces, phone digits only', () => {
    const done = answerAll(startForm(form, identity, context), { ...goodAnswers, childName: '  Nguyễn   Văn\u00a0Bình '.normalize('NFD') });
    expect(done.answers.childName).toBe('Nguyễn Văn Bình');
    expect(done.answers.phone).toBe('0912345678');
  });

  test('a wrong answer changes nothing and says why', () => {
    const atDate = answerStep(form, startForm(form, identity, context), 'Bé Na', context).progress;
    expect(atDate.current).toBe('childBirthDate');
    const wrong = answerStep(form, atDate, '2030-01-01', context);
    expect(wrong).toEqual({ progress: atDate, error: 'form.dateInFuture' });
  });

  test('a choice reveals its steps and hides the others; hidden answers stay out of the dossier', () => {
    const withCertificate = answerAll(startForm(form, identity, context), goodAnswers);
    expect(visibleSteps(form, withCertificate.answers).map((s) => s.id)).not.toContain('witness.fullName');
    const editing = editStep(form, withCertificate, 'hasBirthCertificate');
    const switched = answerStep(form, editing, 'no', context).progress;
    expect(switched.current).toBe('witness.fullName');
    const done = answerAll(switched, goodAnswers);
    expect(done.current).toBe(REVIEW);
    expect(Object.keys(dossierAnswers(form, done.answers))).not.toContain('birthCertificate');
    expect(dossierAnswers(form, done.answers)['witness.number']).toBe('056190012345');
  });

  test('changing an answer from check answers returns to check answers', () => {
    const done = answerAll(startForm(form, identity, context), goodAnswers);
    const back = answerStep(form, editStep(form, done, 'phone'), '0987654321', context).progress;
    expect(back.current).toBe(REVIEW);
    expect(back.answers.phone).toBe('0987654321');
  });

  test('back skips the ID-card steps and stops at the first question', () => {
    let progress = startForm(form, identity, context);
    progress = answerStep(form, progress, 'Bé Na', context).progress;
    progress = goBack(form, progress);
    expect(progress.current).toBe('childName');
    expect(goBack(form, progress)).toBe(progress);
  });

  test('saved progress resumes; answers to steps the new catalogue dropped are discarded', () => {
    const partway = answerStep(form, startForm(form, identity, context), 'Bé Na', context).progress;
    const saved = JSON.parse(JSON.stringify({ ...partway, answers: { ...partway.answers, removedStep: 'x' } }));
    expect(resumeForm(form, saved, context)).toEqual(partway);
    expect(resumeForm(form, { current: 42 }, context)).toBeNull();
    expect(resumeForm(form, { ...partway, current: 'gone' }, context)?.current).toBe('childBirthDate');
  });
});

/** Candidate answers per step type: some right, some wrong, so every path gets exercised. */
const candidates: Record<Step['type'], AnswerValue[]> = {
  text: ['Lê Văn Tám', '', ' a ', 'x'.repeat(70)],
  date: ['2020-02-29', '2021-02-29', '2030-01-01', '1990-12-31', ''],
  select: ['yes', 'no', 'maybe', '', 'male', 'female'],
  cccd: ['056190012345', '123', ''],
  phone: ['0912345678', '12345', ''],
  number: [1, 10, 0, 3, 99],
  address: [{ provinceCode: '56', communeCode: '22333', detail: 'Tổ 5' }, { provinceCode: '', communeCode: '', detail: '' }],
  document: [1, 3, 0],
};
type Op = { kind: 'answer'; pick: number } | { kind: 'back' } | { kind: 'edit'; pick: number };
const Op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('answer' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('back' as const) }),
  fc.record({ kind: fc.constant('edit' as const), pick: fc.nat() }),
);

function apply(formToWalk: CompiledForm, progress: FormProgress, op: Op): FormProgress {
  switch (op.kind) {
    case 'answer': {
      const step = formToWalk.steps.find((s) => s.id === progress.current);
      const options = step ? candidates[step.type] : [];
      return step ? answerStep(formToWalk, progress, options[op.pick % options.length]!, context).progress : progress;
    }
    case 'back':
      return goBack(formToWalk, progress);
    case 'edit': {
      const visible = visibleSteps(formToWalk, progress.answers);
      return editStep(formToWalk, progress, visible[op.pick % visible.length]!.id);
    }
  }
}

describe('any sequence of answers, backs and edits', () => {
  test('keeps the dossier valid or reports exactly which step is wrong', () => {
    fc.assert(
      fc.property(fc.boolean(), fc.array(Op, { maxLength: 80 }), (withCard, ops) => {
        let progress = startForm(form, withCard ? identity : {}, context);
        for (const op of ops) {
          progress = apply(form, progress, op);
          const visible = visibleSteps(form, progress.answers);
          // The citizen is always on a visible step or on check answers.
          expect(progress.current === REVIEW || visible.some((step) => step.id === progress.current)).toBe(true);
          // A stored answer is always a valid one: wrong answers never get in.
          for (const [id, value] of Object.entries(progress.answers)) expect(validateAnswer(stepById(id), value, context), id).toBeNull();
          // Check answers names the first visible step that is wrong, with its code, or none.
          const { problem } = checkAnswers(form, progress, context);
          const firstBad = visible.find((step) => validateAnswer(step, progress.answers[step.id], context) !== null);
          expect(problem?.stepId ?? null).toBe(firstBad?.id ?? null);
          if (problem && firstBad) expect(problem.code).toBe(validateAnswer(firstBad, progress.answers[firstBad.id], context));
          // Reaching check answers means there is nothing left to fix.
          if (progress.current === REVIEW) expect(problem).toBeNull();
          // The dossier holds answers to visible steps only.
          for (const id of Object.keys(dossierAnswers(form, progress.answers))) expect(visible.map((s) => s.id)).toContain(id);
          // Progress survives a save and a resume unchanged.
          expect(resumeForm(form, JSON.parse(JSON.stringify(progress)), context)).toEqual(progress);
        }
      }),
      { numRuns: 300 },
    );
  });
});
