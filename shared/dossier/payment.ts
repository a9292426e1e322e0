import type { Answers } from './formEngine';
import type { FeeRule, Procedure } from './procedures';

/**
 * What a citizen pays, from the catalogue's fee rule and their answers. By convention the form's
 * `number` steps `pageCount` and `copyCount` give the quantities, and a select step `feeExemption` the
 * exemption claimed ('none' or an exemption id from the catalogue).
 */
export interface FeeQuote {
  /** In đồng; null when the province sets the amount and the officer tells it. */
  amountVnd: number | null;
  /** The exemption that made it free, if any. */
  exemption: string | null;
}

export const PAGE_COUNT_STEP = 'pageCount';
export const COPY_COUNT_STEP = 'copyCount';
/** The select step where a citizen claims an exemption: 'none', or one of the procedure's exemption ids. */
export const FEE_EXEMPTION_STEP = 'feeExemption';
export const NO_EXEMPTION = 'none';

/**
 * How the citizen said they pay, kept with the dossier's answers under FEE_PAYMENT_ANSWER: by a
 * VietQR transfer from their phone (the kiosk cannot see the transfer; the commune matches it on
 * its statement by the reference), or at the counter.
 */
export type FeePayment = 'phone' | 'counter';
export const FEE_PAYMENT_ANSWER = 'feePayment';

/** The number steps a fee rule counts with; a procedure's form must have them. */
export function quantitySteps(rule: FeeRule): string[] {
  if (rule.kind === 'perPage') return [PAGE_COUNT_STEP, COPY_COUNT_STEP];
  return rule.kind === 'fixed' && rule.per === 'copy' ? [COPY_COUNT_STEP] : [];
}

const quantity = (answers: Answers, id: string): number => {
  const value = answers[id];
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : 1;
};

/** The fee for one procedure: the kiosk always submits online, so online rates apply (Thông tư 75/2022). */
export function ruleAmount(rule: FeeRule, pages: number, copies: number): number | null {
  switch (rule.kind) {
    case 'free':
    case 'freeIfOnTime':
      return 0;
    case 'fixed':
      return rule.per === 'copy' ? rule.amountVnd * copies : rule.amountVnd;
    case 'byChannel':
      return rule.onlineVnd;
    case 'perPage': {
      // Thông tư 226/2016/TT-BTC: 2.000 đ/trang for the first two pages, 1.000 đ from the third, at most 200.000 đ per copy.
      const perCopy = Math.min(pages, rule.firstPages) * rule.firstPageVnd + Math.max(0, pages - rule.firstPages) * rule.laterPageVnd;
      return Math.min(perCopy, rule.maxPerCopyVnd) * copies;
    }
    case 'setByProvince':
      return null;
  }
}

export function quoteFee(procedure: Pick<Procedure, 'fee' | 'feeExemptions'>, answers: Answers): FeeQuote {
  const claimed = answers[FEE_EXEMPTION_STEP];
  const exemption = procedure.feeExemptions.find((candidate) => candidate.id === claimed)?.id ?? null;
  if (exemption) return { amountVnd: 0, exemption };
  return { amountVnd: ruleAmount(procedure.fee, quantity(answers, PAGE_COUNT_STEP), quantity(answers, COPY_COUNT_STEP)), exemption: null };
}
