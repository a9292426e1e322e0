import { useState } from 'react';
import { communesOf, provinces, searchCommunes, unitByCode } from '../../../shared/adminUnits';
import type { AddressAnswer } from '../../../shared/dossier/formEngine';
import { useT } from '../../ui/useT';
import type { FieldProps } from './FieldProps';

const emptyAddress: AddressAnswer = { provinceCode: '', communeCode: '', detail: '' };
const MAX_SHOWN = 8;

/**
 * Province, then commune (searchable without diacritics, among the 2025 two-tier units), then the
 * house number, village or group in the citizen's own words.
 */
export function AddressField({ value, onChange, inputId, describedBy, invalid }: FieldProps) {
  const t = useT();
  const address = typeof value === 'object' ? value : emptyAddress;
  const [query, setQuery] = useState('');
  const set = (patch: Partial<AddressAnswer>) => onChange({ ...address, ...patch });
  const communes = address.provinceCode ? searchCommunes(query, { provinceCode: address.provinceCode }).slice(0, MAX_SHOWN) : [];
  const chosen = address.communeCode ? unitByCode(address.communeCode) : undefined;

  return (
    <div className="address-field">
      <label htmlFor={inputId}>{t('field.address.province')}</label>
      <select
        id={inputId}
        className="text-input"
        value={address.provinceCode}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onChange={(event) => set({ provinceCode: event.target.value, communeCode: '' })}
      >
        <option value="">{t('field.address.choose')}</option>
        {provinces().map((province) => (
          <option key={province.code} value={province.code}>
            {province.name}
          </option>
        ))}
      </select>
      {address.provinceCode && (
        <>
          <label htmlFor={`${inputId}-commune`}>{t('field.address.commune')}</label>
          {chosen ? (
            <p className="chosen">
              <strong>{chosen.name}</strong>{' '}
              <button type="button" className="link-button" onClick={() => set({ communeCode: '' })}>
                {t('field.address.change')}
              </button>
            </p>
          ) : (
            <>
              <input id={`${inputId}-commune`} className="text-input" type="search" autoComplete="off" value={query} onChange={(event) => setQuery(event.target.value)} />
              <ul className="commune-list">
                {communes.map((commune) => (
                  <li key={commune.code}>
                    <button type="button" className="choice" onClick={() => set({ communeCode: commune.code })}>
                      {commune.name}
                    </button>
                  </li>
                ))}
              </ul>
              {communesOf(address.provinceCode).length > 0 && communes.length === 0 && <p>{t('field.address.noCommune')}</p>}
            </>
          )}
        </>
      )}
      <label htmlFor={`${inputId}-detail`}>{t('field.address.detail')}</label>
      <input id={`${inputId}-detail`} className="text-input" type="text" autoComplete="off" value={address.detail} onChange={(event) => set({ detail: event.target.value })} />
    </div>
  );
}
