import { describe, expect, test } from 'vitest';
import { parseCccdQr } from '../../shared/cccd';
import { compileForm, FormDefinition, startForm } from '../../shared/dossier/formEngine';
import { addressFromCard, identityFromCccd } from '../../shared/dossier/identity';

describe("the card's address as today's units", () => {
  test.each([
    // A pre-2025 address: Xã Diên An is now part of Xã Diên Khánh (22651), found by its former name.
    ['Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa', { provinceCode: '56', communeCode: '22651', detail: 'Thôn Phú Ân Nam 2' }],
    // Old tone placement ("Hoà") and capitals change nothing.
    ['THÔN PHÚ ÂN NAM 2, XÃ DIÊN AN, HUYỆN DIÊN KHÁNH, KHÁNH HOÀ', { provinceCode: '56', communeCode: '22651', detail: 'THÔN PHÚ ÂN NAM 2' }],
    // Born under a province that no longer exists: Ninh Thuận's Phường Đô Vinh is now in Khánh Hòa.
    ['Khu phố 3, Phường Đô Vinh, Thành phố Phan Rang-Tháp Chàm, Ninh Thuận', { provinceCode: '56', communeCode: '22738', detail: 'Khu phố 3' }],
    // A two-tier address (after 1 July 2025).
    ['Tổ 5, Phường Nam Nha Trang, Khánh Hòa', { provinceCode: '56', communeCode: '22402', detail: 'Tổ 5' }],
    // A province name that is not one of the 34 and a commune nobody can pin down: left for the citizen.
    ['Số 1, Xã Không Có, Huyện Nào Đó, Tỉnh Không Tồn Tại', { provinceCode: '', communeCode: '', detail: 'Số 1' }],
    // No commune-level part at all: the whole line is the detail.
    ['12 Đường số 3, Khánh Hòa', { provinceCode: '56', communeCode: '', detail: '12 Đường số 3, Khánh Hòa' }],
  ])('%s', (address, expected) => {
    expect(addressFromCard(address)).toEqual(expected);
  });
});

test('a card prefills the address step with the matched units, and the step is still asked to confirm', () => {
  const card = parseCccdQr('056090001234|225123456|Nguyễn Văn An|15031990|Nam|Thôn Phú Ân Nam 2, Xã Diên An, Huyện Diên Khánh, Khánh Hòa|20042021');
  if (!card.ok) throw new Error(card.code);
  const form = compileForm(
    FormDefinition.parse([
      { id: 'applicantName', type: 'text', label: { vi: 'Họ và tên', en: 'Name' }, prefill: 'fullName' },
      { id: 'applicantAddress', type: 'address', label: { vi: 'Nơi cư trú', en: 'Address' }, prefill: 'address' },
    ]),
  );
  const progress = startForm(form, identityFromCccd(card.value), { today: '2026-11-23' });
  expect(progress.answers.applicantAddress).toEqual({ provinceCode: '56', communeCode: '22651', detail: 'Thôn Phú Ân Nam 2' });
  expect(progress.prefilled).toEqual(['applicantName']);
  expect(progress.current).toBe('applicantAddress');
});
