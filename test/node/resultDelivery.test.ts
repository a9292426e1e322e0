import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { Dossier } from '../../shared/dossier/dossier';
import { dossierAnswers, startForm, visibleSteps, type Answers } from '../../shared/dossier/formEngine';
import { dossierPackage } from '../../shared/dossier/portalPackage';
import { Procedure } from '../../shared/dossier/procedures';
import { journeyForm, NOTIFY_SMS_STEP, RESULT_ADDRESS_STEP, RESULT_DELIVERY_STEP, resultDelivery } from '../../shared/dossier/resultDelivery';

const procedure = (code: string) => Procedure.parse(JSON.parse(readFileSync(`assets/procedures/${code}.json`, 'utf8')));
const closing = (code: string, answers: Answers) =>
  visibleSteps(journeyForm(procedure(code)), answers)
    .map((step) => step.id)
    .filter((id) => [RESULT_DELIVERY_STEP, RESULT_ADDRESS_STEP, NOTIFY_SMS_STEP].includes(id));
const HOME = { provinceCode: '56', communeCode: '22651', detail: 'Thôn Phú Ân Nam 2' };

describe('the closing questions: how the result comes, and a text when it is ready', () => {
  test('a procedure with one way asks no way; the text message is asked only with a phone number', () => {
    expect(closing('2.000815', { applicantPhone: '0912345678' })).toEqual([NOTIFY_SMS_STEP]);
    expect(closing('2.000815', { applicantPhone: '' })).toEqual([]);
    expect(resultDelivery(procedure('2.000815'), {})).toBe('atOffice');
  });

  test('with post among the ways, the address is asked only when post is chosen, and prefilled from the card', () => {
    const birth = procedure('1.001193');
    expect(closing('1.001193', { [RESULT_DELIVERY_STEP]: 'atOffice', applicantPhone: '0912345678' })).toEqual([RESULT_DELIVERY_STEP, NOTIFY_SMS_STEP]);
    expect(closing('1.001193', { [RESULT_DELIVERY_STEP]: 'post', applicantPhone: '0912345678' })).toEqual([RESULT_DELIVERY_STEP, RESULT_ADDRESS_STEP, NOTIFY_SMS_STEP]);
    const progress = startForm(journeyForm(birth), { fullName: 'Nguyễn Văn An', address: HOME }, { today: '2026-11-24' });
    expect(progress.answers[RESULT_ADDRESS_STEP]).toEqual(HOME);
    // A post address left from an earlier choice does not go into the dossier.
    expect(dossierAnswers(journeyForm(birth), { [RESULT_DELIVERY_STEP]: 'atOffice', [RESULT_ADDRESS_STEP]: HOME })).not.toHaveProperty(RESULT_ADDRESS_STEP);
  });

  test('the choice offered is only among the ways the catalogue allows; anything else falls back to the first', () => {
    const options = journeyForm(procedure('2.000635')).steps.find((step) => step.id === RESULT_DELIVERY_STEP);
    expect(options?.type === 'select' && options.options.map((option) => option.value)).toEqual(['atOffice', 'post']);
    expect(resultDelivery(procedure('2.000635'), { [RESULT_DELIVERY_STEP]: 'electronic' })).toBe('atOffice');
  });

  test('the portal package says HinhThuc 1 for post and 0 for the counter or an electronic copy (facts §4.2)', () => {
    const birth = procedure('1.001193');
    const hinhThuc = (answers: Answers) => {
      const dossier = { id: '8f7c3a1e-0000-4000-8000-000000000001', procedureCode: birth.code, answers, attachments: [], feeVnd: 0, createdAt: '2026-11-24T03:00:00.000Z', catalogueVersion: '1' } as unknown as Dossier;
      return dossierPackage(dossier, birth).metadata.HinhThuc;
    };
    expect(hinhThuc({ [RESULT_DELIVERY_STEP]: 'post', [RESULT_ADDRESS_STEP]: HOME })).toBe(1);
    expect(hinhThuc({ [RESULT_DELIVERY_STEP]: 'atOffice' })).toBe(0);
    expect(hinhThuc({ [RESULT_DELIVERY_STEP]: 'electronic' })).toBe(0);
  });
});
