import { compileForm, type Answers, type CompiledForm, type FormDefinition } from './formEngine';
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

const deliveryLabels: Record<ResultDelivery, { vi: string; en: string }> = {
  atOffice: { vi: 'Đến nhận tại bộ phận một cửa của xã', en: "Collect it at the commune's one-stop counter" },
  post: { vi: 'Gửi qua bưu điện đến nhà (bạn trả cước bưu điện)', en: 'By post to your home (you pay the postage)' },
  electronic: { vi: 'Bản điện tử trên Cổng dịch vụ công', en: 'An electronic copy on the public-service portal' },
};

function closingSteps(procedure: Pick<Procedure, 'form' | 'resultDelivery'>): FormDefinition {
  const ways = procedure.resultDelivery;
  const steps: FormDefinition = [];
  // One way only needs no question: the receipt still says which it is.
  if (ways.length > 1) {
    steps.push({
      id: RESULT_DELIVERY_STEP,
      type: 'select',
      required: true,
      label: { vi: 'Bạn muốn nhận kết quả bằng cách nào?', en: 'How would you like to receive the result?' },
      options: ways.map((way) => ({ value: way, label: deliveryLabels[way] })),
    });
  }
  if (ways.includes('post')) {
    steps.push({
      id: RESULT_ADDRESS_STEP,
      type: 'address',
      required: true,
      prefill: 'address',
      label: { vi: 'Địa chỉ nhận kết quả qua bưu điện', en: 'Address to post the result to' },
      ...(ways.length > 1 ? { when: { field: RESULT_DELIVERY_STEP, equals: 'post' } } : {}),
    });
  }
  if (procedure.form.some((item) => item.id === PHONE_STEP)) {
    steps.push({
      id: NOTIFY_SMS_STEP,
      type: 'select',
      required: true,
      label: { vi: 'Nhắn tin cho bạn khi có kết quả?', en: 'Text you when the result is ready?' },
      hint: { vi: 'Tin nhắn gửi đến số điện thoại bạn vừa cho.', en: 'The text goes to the phone number you just gave.' },
      options: [
        { value: 'yes', label: { vi: 'Có, nhắn tin cho tôi', en: 'Yes, text me' } },
        { value: 'no', label: { vi: 'Không cần', en: 'No need' } },
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

export const deliveryLabel = (way: ResultDelivery) => deliveryLabels[way];
