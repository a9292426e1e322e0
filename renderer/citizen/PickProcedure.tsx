import { useId, useState } from 'react';
import { search } from '../../shared/text';
import { catalogue } from '../catalogue';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { KeyboardField } from '../ui/keyboard/KeyboardField';
import { Screen } from '../ui/Screen';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { feeText } from './procedureFacts';
import { dropDraft, endSession } from './session';

/** The procedures this support point offers, most asked first, with a search that forgives missing diacritics and case. */
export function PickProcedure() {
  const t = useT();
  const offered = useAppInfo()?.procedures;
  const { locale, pickProcedure } = useStore();
  const [query, setQuery] = useState('');
  // Most citizens touch a procedure in the list: the keys come up only when the search box is
  // touched, and "Xong" puts them away; never on blur, which would move the list under a finger.
  const [typing, setTyping] = useState(false);
  const searchId = useId();
  // One catalogue for the list and the choice: the dossier records the version its procedure came from.
  const current = catalogue();
  const procedures = current.procedures.filter((procedure) => !offered || offered.includes(procedure.code));
  const found = search(query, procedures, (procedure) => [procedure.name.vi, procedure.name.en, procedure.code]);

  return (
    <Screen
      title={t('procedures.title')}
      actions={
        <BigButton variant="secondary" onClick={endSession}>
          {t('nav.home')}
        </BigButton>
      }
    >
      <label htmlFor={searchId}>{t('procedures.search')}</label>
      <KeyboardField
        id={searchId}
        className="text-input wide"
        type="search"
        mode="text"
        value={query}
        onChange={setQuery}
        keyboardShown={typing}
        onFocus={() => setTyping(true)}
        onClick={() => setTyping(true)}
        onDone={() => setTyping(false)}
      />
      {found.length === 0 && <p role="status">{t('procedures.none')}</p>}
      <ul className="procedure-list">
        {found.map((procedure) => (
          <li key={procedure.code}>
            <BigButton
              variant="secondary"
              onClick={() => {
                dropDraft(); // pages scanned for another procedure are not this one's
                pickProcedure(procedure, current.version);
              }}
            >
              <span>{procedure.name[locale]}</span>
              <span className="fee">{feeText(procedure, t, locale)}</span>
            </BigButton>
          </li>
        ))}
      </ul>
    </Screen>
  );
}
