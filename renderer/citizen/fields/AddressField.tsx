import { useRef, useState } from 'react';
import { unitByCode } from '../../../shared/adminUnits';
import type { AddressAnswer } from '../../../shared/dossier/formEngine';
import { CommunePicker } from '../../ui/CommunePicker';
import { KeyboardDock, KeyboardInput, submitFormOf } from '../../ui/keyboard/KeyboardField';
import { useT } from '../../ui/useT';
import type { FieldProps } from './FieldProps';

const emptyAddress: AddressAnswer = { provinceCode: '', communeCode: '', detail: '' };
/** The engine's limit for the detail. */
const DETAIL_MAX = 200;

/**
 * Province, then commune (searchable without diacritics, among the 2025 two-tier units), then the
 * house number, village or group in the citizen's own words. One keyboard types into the commune
 * search while it is there and not left for the detail box; its "Xong" goes on to the detail box,
 * and there submits like "Tiếp tục".
 */
export function AddressField({ value, onChange, inputId, describedBy, invalid }: FieldProps) {
  const t = useT();
  const address = typeof value === 'object' ? value : emptyAddress;
  const [query, setQuery] = useState('');
  const set = (patch: Partial<AddressAnswer>) => onChange({ ...address, ...patch });
  const chosen = address.communeCode ? unitByCode(address.communeCode) : undefined;
  // The keys type into the commune search while it is on screen, until the detail box is touched.
  const [typingDetail, setTypingDetail] = useState(false);
  const detailBox = useRef<HTMLInputElement>(null);
  const keysOnSearch = address.provinceCode !== '' && !chosen && !typingDetail;
  const setDetail = (detail: string) => set({ detail });
  const keys = keysOnSearch
    ? { value: query, onChange: setQuery, onDone: () => detailBox.current?.focus() }
    : { value: address.detail, onChange: setDetail, onDone: () => submitFormOf(detailBox.current) };
  const searchAgain = (patch: Partial<AddressAnswer>) => {
    set({ ...patch, communeCode: '' });
    setTypingDetail(false);
  };

  return (
    <>
      <div className="address-field">
        <CommunePicker
          inputId={inputId}
          value={address}
          onChange={(choice) => (choice.communeCode ? set(choice) : searchAgain(choice))}
          query={query}
          onQuery={setQuery}
          keysActive={keysOnSearch}
          onSearchFocus={() => setTypingDetail(false)}
          describedBy={describedBy}
          invalid={invalid}
        />
        <label htmlFor={`${inputId}-detail`}>{t('field.address.detail')}</label>
        <KeyboardInput
          ref={detailBox}
          id={`${inputId}-detail`}
          className="text-input"
          type="text"
          value={address.detail}
          active={!keysOnSearch}
          onFocus={() => setTypingDetail(true)}
          onChange={setDetail}
        />
      </div>
      <KeyboardDock {...keys} mode="text" maxLength={DETAIL_MAX} />
    </>
  );
}
