import { en } from '../i18n/en';
import { vi, type MessageKey } from '../i18n/vi';
import { compileForm, type Answers, type CompiledForm, type FormDefinition, type Localized } from './formEngine';
import type { Procedure } from './procedures';

/**
 * The questions every journey ends with, built from the catalogue rather than repeated in each
 * procedure's form: how the result reaches the citizen (the ways the procedure allows), where to
 * post it, and whether to text them when it is ready. They are answers like any other, so check
 * answers shows them with "Sửa", and they are sealed with the rest.
 */
export const RESULT_DELIVERY_STEP = 'resultDelivery';
export const RESULT_ADDRESS_STEP = 'resultAddress';
export const NOTIFY_SMS_STEP = 'notifySms';
/** Every catalogue form asks for the phone last; the text message goes to it. */
const PHONE_STEP = 'applicantPhone';

export type ResultDelivery = Procedure['resultDelivery'][number];

/** A message of the shared i18n catalogue in both languages, as the form's labels are. */
const both = (key: MessageKey): Localized => ({ vi: vi[key], en: en[key] });

function closingSteps(procedure: Pick<Procedure, 'form' | 'resultDelivery'>): FormDefinition {
  const ways = procedure.resultDelivery;
  const steps: FormDefinition = [];
  // One way only needs no question: the receipt still says which it is.
  if (ways.length > 1) {
    steps.push({
      id: RESULT_DELIVERY_STEP,
      type: 'select',
      required: true,
      label: both('journey.delivery.question'),
      options: ways.map((way) => ({ value: way, label: both(`journey.delivery.${way}`) })),
    });
  }
  if (ways.includes('post')) {
    steps.push({
      id: RESULT_ADDRESS_STEP,
      type: 'address',
      required: true,
      prefill: 'address',
      label: both('journey.postAddress'),
      ...(ways.length > 1 ? { when: { field: RESULT_DELIVERY_STEP, equals: 'post' } } : {}),
    });
  }
  if (procedure.form.some((item) => item.id === PHONE_STEP)) {
    steps.push({
      id: NOTIFY_SMS_STEP,
      type: 'select',
      required: true,
      label: both('journey.notify.question'),
      hint: both('journey.notify.hint'),
      options: [
        { value: 'yes', label: both('journey.notify.yes') },
        { value: 'no', label: both('journey.notify.no') },
      ],
      when: { not: { field: PHONE_STEP, equals: '' } },
    });
  }
  return steps;
}

/** The procedure's own questions, then the closing ones. */
export const journeyForm = (procedure: Pick<Procedure, 'form' | 'resultDelivery'>): CompiledForm =>
  compileForm([...procedure.form, ...closingSteps(procedure)]);

/** How the result reaches the citizen: their choice, or the procedure's only way. */
export function resultDelivery(procedure: Pick<Procedure, 'resultDelivery'>, answers: Answers): ResultDelivery {
  const chosen = procedure.resultDelivery.find((way) => way === answers[RESULT_DELIVERY_STEP]);
  return chosen ?? procedure.resultDelivery[0]!;
}
