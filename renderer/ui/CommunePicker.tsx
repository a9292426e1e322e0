import { communesOf, provinces, searchCommunes, unitByCode } from '../../shared/adminUnits';
import { KeyboardInput } from './keyboard/KeyboardField';
import { useT } from './useT';

const MAX_SHOWN = 8;

export interface CommuneChoice {
  provinceCode: string;
  communeCode: string;
}

export interface CommunePickerProps {
  inputId: string;
  value: CommuneChoice;
  onChange(value: CommuneChoice): void;
  /** The commune search's text, kept by the screen: its on-screen keyboard types into it. */
  query: string;
  onQuery(query: string): void;
  /** Whether the on-screen keys type into the search now (it is outlined then). */
  keysActive: boolean;
  onSearchFocus?(): void;
  describedBy?: string;
  invalid?: boolean;
}

/**
 * A province, then a commune of it among the 2025 two-tier units, searchable without diacritics.
 * The screen owns the keyboard, since it may share it with other boxes (the address's detail).
 */
export function CommunePicker({ inputId, value, onChange, query, onQuery, keysActive, onSearchFocus, describedBy, invalid }: CommunePickerProps) {
  const t = useT();
  const communes = value.provinceCode ? searchCommunes(query, { provinceCode: value.provinceCode }).slice(0, MAX_SHOWN) : [];
  const chosen = value.communeCode ? unitByCode(value.communeCode) : undefined;
  return (
    <>
      <label htmlFor={inputId}>{t('field.address.province')}</label>
      <select
        id={inputId}
        className="text-input"
        value={value.provinceCode}
        aria-describedby={describedBy}
        aria-invalid={invalid}
        onChange={(event) => onChange({ provinceCode: event.target.value, communeCode: '' })}
      >
        <option value="">{t('field.address.choose')}</option>
        {provinces().map((province) => (
          <option key={province.code} value={province.code}>
            {province.name}
          </option>
        ))}
      </select>
      {value.provinceCode && (
        <>
          <label htmlFor={`${inputId}-commune`}>{t('field.address.commune')}</label>
          {chosen ? (
            <p className="chosen">
              <strong>{chosen.name}</strong>{' '}
              <button type="button" className="link-button" onClick={() => onChange({ ...value, communeCode: '' })}>
                {t('field.address.change')}
              </button>
            </p>
          ) : (
            <>
              <KeyboardInput
                id={`${inputId}-commune`}
                className="text-input"
                type="search"
                value={query}
                active={keysActive}
                onFocus={onSearchFocus}
                onChange={onQuery}
              />
              <ul className="commune-list">
                {communes.map((commune) => (
                  <li key={commune.code}>
                    <button type="button" className="choice" onClick={() => onChange({ ...value, communeCode: commune.code })}>
                      {commune.name}
                    </button>
                  </li>
                ))}
              </ul>
              {communesOf(value.provinceCode).length > 0 && communes.length === 0 && <p>{t('field.address.noCommune')}</p>}
            </>
          )}
        </>
      )}
    </>
  );
}
