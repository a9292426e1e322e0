import { describe, expect, test } from 'vitest';
import { quoteFee, ruleAmount } from '../../shared/dossier/payment';
import type { FeeRule } from '../../shared/dossier/procedures';

const certifiedCopy: FeeRule = { kind: 'perPage', firstPages: 2, firstPageVnd: 2000, laterPageVnd: 1000, maxPerCopyVnd: 200000 };

describe('fees', () => {
  // Vectors from the founders' domain notes (facts.md §F.4), after Thông tư 226/2016/TT-BTC.
  test.each([
    [1, 1, 2000],
    [2, 1, 4000],
    [5, 1, 7000],
    [300, 1, 200000],
    [5, 3, 21000],
    [198, 1, 200000],
    [197, 1, 199000],
  ])('a certified copy of %i pages, %i copies, costs %i đ', (pages, copies, amount) => {
    expect(ruleAmount(certifiedCopy, pages, copies)).toBe(amount);
  });

  test('residence registration at the kiosk pays the online rate (Thông tư 75/2022/TT-BTC)', () => {
    expect(ruleAmount({ kind: 'byChannel', directVnd: 20000, onlineVnd: 10000 }, 1, 1)).toBe(10000);
  });

  test('a fixed fee per copy multiplies, per dossier does not; on-time civil status is free; provincial fees are unknown here', () => {
    expect(ruleAmount({ kind: 'fixed', amountVnd: 8000, per: 'copy' }, 1, 3)).toBe(24000);
    expect(ruleAmount({ kind: 'fixed', amountVnd: 10000, per: 'dossier' }, 1, 3)).toBe(10000);
    expect(ruleAmount({ kind: 'freeIfOnTime' }, 1, 1)).toBe(0);
    expect(ruleAmount({ kind: 'setByProvince' }, 1, 1)).toBeNull();
  });

  test('quantities come from the pageCount and copyCount answers; nonsense counts as one', () => {
    const procedure = { fee: certifiedCopy, feeExemptions: [] };
    expect(quoteFee(procedure, { pageCount: 5, copyCount: 2 })).toEqual({ amountVnd: 14000, exemption: null });
    expect(quoteFee(procedure, { pageCount: -3, copyCount: 'two' })).toEqual({ amountVnd: 2000, exemption: null });
  });

  test('a claimed exemption the procedure offers makes it free; one it does not offer changes nothing', () => {
    const procedure = { fee: { kind: 'fixed', amountVnd: 8000, per: 'copy' } as const, feeExemptions: [{ id: 'poorHousehold', name: { vi: 'Hộ nghèo', en: 'Poor household' } }] };
    expect(quoteFee(procedure, { feeExemption: 'poorHousehold' })).toEqual({ amountVnd: 0, exemption: 'poorHousehold' });
    expect(quoteFee(procedure, { feeExemption: 'friendOfTheMayor' })).toEqual({ amountVnd: 8000, exemption: null });
  });
});
