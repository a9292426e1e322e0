import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { newSyncState, type Attachment, type Dossier } from '../../shared/dossier/dossier';
import { AT_COUNTER, compileForm, type Answers } from '../../shared/dossier/formEngine';
import { Procedure } from '../../shared/dossier/procedures';
import { addWorkingDays, receiptData, receiptKiosk } from '../../shared/dossier/receiptData';
import { FILLED_BY_KIOSK, ReceiptData, receiptMarkup } from '../../shared/receipt';

const procedure = (code: string) => Procedure.parse(JSON.parse(readFileSync(`assets/procedures/${code}.json`, 'utf8')));
const KIOSK = { name: 'DVC Kiosk', commune: 'Xã Diên Khánh' };

function dossier(procedureCode: string, answers: Answers, createdAt = '2026-11-24T04:50:00.000Z', attachments: Attachment[] = []): Dossier {
  return {
    id: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
    procedureCode,
    catalogueVersion: 'test',
    status: 'queued',
    createdAt,
    answers,
    attachments,
    feeVnd: 7_000,
    sync: newSyncState(),
    portal: null,
    portalStatus: null,
  };
}

function receiptFor(code: string, answers: Answers, createdAt?: string, locale?: 'vi' | 'en', attachments?: Attachment[]) {
  const found = procedure(code);
  return ReceiptData.parse(receiptData({ dossier: dossier(code, answers, createdAt, attachments), procedure: found, form: compileForm(found.form), kiosk: KIOSK, locale }));
}

/** The declaration's PDF as the draft lists it once renderer/citizen/declaration.ts attached it. */
const filledDeclaration: Attachment = { id: '5a0c7c1e-3f2b-4c55-8d6e-9a1b2c3d4e5f', documentType: 'declaration', mediaType: 'application/pdf', sha256: 'a'.repeat(64), size: 4_096 };

describe('working days (Monday to Friday)', () => {
  // 2026-11-20 is a Friday.
  test.each([
    ['Tuesday, 0 days: the same day', '2026-11-24', 0, '2026-11-24'],
    ['Tuesday, 1 day', '2026-11-24', 1, '2026-11-25'],
    ['Friday, 1 day: Monday', '2026-11-20', 1, '2026-11-23'],
    ['Friday, 0 days: the same Friday', '2026-11-20', 0, '2026-11-20'],
    ['Thursday, 3 days: over the weekend to Tuesday', '2026-11-19', 3, '2026-11-24'],
    ['Monday, 5 days: a week later', '2026-11-23', 5, '2026-11-30'],
    ['Monday, 10 days: over two weekends', '2026-11-23', 10, '2026-12-07'],
    ['Saturday, 0 days: Monday, when the office takes it', '2026-11-21', 0, '2026-11-23'],
    ['Sunday, 1 day: Tuesday', '2026-11-22', 1, '2026-11-24'],
    ['Wednesday, 3 days: across the month and the year', '2026-12-30', 3, '2027-01-04'],
  ])('%s', (_, from, days, expected) => {
    expect(addWorkingDays(from, days)).toBe(expected);
  });
});

describe('the receipt of a saved dossier', () => {
  test('the expected date counts from the Vietnam date of the save, not the UTC one', () => {
    // 18:30 UTC on Thursday is 01:30 on Friday in Vietnam: 1 working day later is Monday.
    expect(receiptFor('1.003677', {}, '2026-11-19T18:30:00.000Z').expectedResultDate).toBe('2026-11-23');
    expect(receiptFor('1.003677', {}, '2026-11-19T16:30:00.000Z').expectedResultDate).toBe('2026-11-20');
  });

  test('scanned pages are counted, a paper for the counter says so, a document not asked is not listed', () => {
    const birth = (answer: number | typeof AT_COUNTER) => receiptFor('1.001193', { birthProof: 'certificate', birthCertificate: answer }).documents;
    expect(birth(2)).toEqual([{ name: 'Giấy chứng sinh (bản chính)', pages: 2 }]);
    expect(birth(AT_COUNTER)).toEqual([{ name: 'Giấy chứng sinh (bản chính)', pages: AT_COUNTER }]);
    // The witness statement's step is hidden by the answer: its stale pages stay off the receipt.
    expect(receiptFor('1.001193', { birthProof: 'certificate', birthCertificate: 1, witnessStatement: 3 }).documents).toHaveLength(1);
    expect(receiptFor('1.001193', { birthProof: 'witness', witnessStatement: 3 }).documents).toEqual([{ name: 'Văn bản xác nhận của người làm chứng', pages: 3 }]);
    // A procedure without scanned documents lists none: the declaration is the answers, the ID card is only shown.
    expect(receiptFor('1.003677', {}).documents).toEqual([]);
  });

  test('procedure, fee, time and stage come from the dossier and the catalogue; names follow the locale', () => {
    const receipt = receiptFor('2.000815', { original: 5 });
    expect(receipt).toMatchObject({
      dossierId: '1b4e28ba-2fa1-41d2-883f-0016d3cca427',
      procedure: { code: '2.000815', name: 'Chứng thực bản sao từ bản chính' },
      documents: [{ name: 'Bản chính giấy tờ cần chứng thực', pages: 5 }],
      feeVnd: 7_000,
      expectedResultDate: '2026-11-24',
      delivery: 'atOffice',
      kiosk: KIOSK,
      receivedAt: '2026-11-24T04:50:00.000Z',
      portal: null,
    });
    // The way the result comes is the citizen's choice, or the procedure's only way.
    expect(receiptFor('1.001193', { resultDelivery: 'post' }).delivery).toBe('post');
    expect(receiptMarkup(receiptFor('1.001193', { resultDelivery: 'post' }))).toMatch(/Nhận kết quả: \| Qua bưu điện/);
    const english = receiptFor('2.000815', { original: 5 }, undefined, 'en');
    expect(english.procedure.name).toBe(procedure('2.000815').name.en);
    expect(english.documents[0]!.name).toBe(procedure('2.000815').documents[0]!.name.en);
  });

  test('the printed receipt says "nộp tại quầy" for a paper handed in at the counter, not "xuất trình"', () => {
    const markup = receiptMarkup(receiptFor('2.000815', { original: AT_COUNTER }));
    expect(markup).toContain('Bản chính giấy tờ cần chứng thực | nộp tại quầy');
    expect(markup).not.toContain('xuất trình');
  });

  test('the declaration the kiosk filled is listed first as "máy tự điền", never as a paper for the counter; without its PDF it is not claimed', () => {
    const birth = receiptFor('1.001193', { birthProof: 'certificate', birthCertificate: 2 }, undefined, 'vi', [filledDeclaration]);
    expect(birth.documents).toEqual([
      { name: 'Tờ khai đăng ký khai sinh', pages: FILLED_BY_KIOSK },
      { name: 'Giấy chứng sinh (bản chính)', pages: 2 },
    ]);
    const markup = receiptMarkup(birth);
    expect(markup).toContain('Tờ khai đăng ký khai sinh | máy tự điền');
    expect(markup).not.toContain('nộp tại quầy');
    expect(receiptFor('1.003677', {}, undefined, 'en', [filledDeclaration]).documents).toEqual([{ name: procedure('1.003677').documents[0]!.name.en, pages: FILLED_BY_KIOSK }]);
    expect(receiptFor('1.003677', {}).documents).toEqual([]);
    // A procedure that asks for no declaration lists none, whatever is attached.
    expect(receiptFor('2.000815', { original: 1 }, undefined, 'vi', [filledDeclaration]).documents).toEqual([{ name: 'Bản chính giấy tờ cần chứng thực', pages: 1 }]);
  });

  test('the kiosk heading: the enrolled commune, else the support point', () => {
    expect(receiptKiosk({ name: 'DVC Kiosk', commune: { code: '22402', name: 'Phường Nam Nha Trang' } })).toEqual({ name: 'DVC Kiosk', commune: 'Phường Nam Nha Trang' });
    expect(receiptKiosk({ name: 'DVC Kiosk', commune: null })).toEqual({ name: 'DVC Kiosk', commune: 'Điểm hỗ trợ dịch vụ công trực tuyến' });
  });
});
