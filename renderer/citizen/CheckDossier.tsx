import { useCallback, useEffect, useRef, useState, type FormEvent } from 'react';
import { parseLookupCode, type LookupCode, type PortalDossierStatus } from '../../shared/contract';
import { shortReference, type DossierStatus } from '../../shared/dossier/dossier';
import { toKioskError } from '../../shared/errors';
import { errorKey, type MessageKey } from '../../shared/i18n/index';
import { formatVietnamDateTime, parseReceiptQr } from '../../shared/receipt';
import { procedureByCode } from '../catalogue';
import { host } from '../host';
import { db, type StoredDossier } from '../queue/db';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Keyboard } from '../ui/keyboard/Keyboard';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { CardFacts } from './CardFacts';
import { endSession } from './session';

/** The queue states a citizen's dossier can be in once they pressed "Gửi hồ sơ". */
const SENT = ['queued', 'sending', 'accepted', 'needsHelp', 'rejected', 'cancelled'] as const satisfies readonly DossierStatus[];
type SentStatus = (typeof SENT)[number];
const isSent = (status: DossierStatus): status is SentStatus => (SENT as readonly DossierStatus[]).includes(status);

/** What this kiosk may show of its own copy: no answers, not even sealed ones. */
interface LocalFacts {
  id: string;
  procedureCode: string;
  status: SentStatus;
  createdAt: string;
  portal: StoredDossier['portal'];
  portalStatus: StoredDossier['portalStatus'];
}

type Outcome =
  | { kind: 'found'; reference: string | null; local: LocalFacts | null; portal: PortalDossierStatus | null; portalDown: boolean }
  | { kind: 'problem'; message: MessageKey };

/** This kiosk's sent dossiers the code matches; drafts are the current citizen's, not to be looked up. */
async function localMatches(code: LookupCode): Promise<LocalFacts[]> {
  const rows =
    code.kind === 'maHoSo'
      ? await db.dossiers.filter((dossier) => dossier.portal?.maHoSo === code.value).toArray()
      : await db.dossiers.where('id').startsWith(code.value).toArray();
  return rows.flatMap(({ id, procedureCode, status, createdAt, portal, portalStatus }) =>
    isSent(status) ? [{ id, procedureCode, status, createdAt, portal, portalStatus }] : [],
  );
}

/** The local queue first, then the portal; a portal that cannot be asked leaves what the kiosk knows. */
async function findDossier(text: string): Promise<Outcome> {
  const code = parseLookupCode(parseReceiptQr(text.trim()) ?? text);
  if (!code) return { kind: 'problem', message: 'check.invalidCode' };
  const matches = await localMatches(code);
  if (matches.length > 1) return { kind: 'problem', message: errorKey('portal.dossierAmbiguous') };
  const local = matches[0] ?? null;
  const reference = local ? shortReference(local.id) : code.kind === 'maHoSo' ? null : shortReference(code.value);
  try {
    // By the full UUID when the kiosk holds it: its short reference may be ambiguous at the portal.
    const portal = await host().call('portal.lookup', { code: local?.id ?? code.value });
    return { kind: 'found', reference, local, portal, portalDown: false };
  } catch (error) {
    const failure = toKioskError(error).code;
    const portalAnswered = failure === 'portal.dossierUnknown' || failure === 'portal.dossierAmbiguous';
    if (local) return { kind: 'found', reference, local, portal: null, portalDown: !portalAnswered };
    return { kind: 'problem', message: portalAnswered ? errorKey(failure) : 'check.offlineUnknown' };
  }
}

/** The dossier's status in plain words, from the kiosk's queue and the portal; codes and dates only. */
function Result({ found, onAgain }: { found: Extract<Outcome, { kind: 'found' }>; onAgain(): void }) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const { reference, local, portal, portalDown } = found;
  const procedureCode = portal?.procedureCode ?? local?.procedureCode;
  const procedure = (procedureCode && procedureByCode(procedureCode)?.name[locale]) ?? procedureCode;
  // Offline, the last status the portal's feed brought to this kiosk.
  const status = portal ? { code: portal.status, at: portal.statusAt } : local?.portalStatus;
  const maHoSo = portal?.maHoSo ?? local?.portal?.maHoSo;
  const receivedAt = portal?.receivedAt ?? local?.portal?.receivedAt;
  const rows: Array<[string, string]> = [];
  if (reference) rows.push([t('receipt.reference'), reference]);
  if (maHoSo) rows.push([t('receipt.portalCode'), maHoSo]);
  if (procedure) rows.push([t('receipt.procedure'), procedure]);
  if (local) rows.push([t('check.kioskState'), t(`check.local.${local.status}`)], [t('check.savedAt'), formatVietnamDateTime(local.createdAt)]);
  if (receivedAt) rows.push([t('receipt.portalReceivedAt'), formatVietnamDateTime(receivedAt)]);
  if (status) rows.push([t('check.portalState'), t(`portalStatus.${status.code}` as MessageKey)], [t('check.portalStateAt'), formatVietnamDateTime(status.at)]);
  return (
    <Screen
      title={t('check.resultTitle')}
      actions={
        <>
          <BigButton variant="secondary" onClick={onAgain}>
            {t('check.again')}
          </BigButton>
          <BigButton onClick={endSession}>{t('check.done')}</BigButton>
        </>
      }
    >
      {portalDown && (
        <p className="error" role="status" data-testid="check-offline">
          {t('check.offline')}
        </p>
      )}
      <CardFacts rows={rows} testId="check-facts" />
      {!portal && !portalDown && <p>{t('check.notAtPortal')}</p>}
    </Screen>
  );
}

/**
 * "Tra cứu hồ sơ": a citizen back with their receipt, at any kiosk, scans its QR or types its code.
 * The scanned text is never put on screen: a CCCD shown here by mistake would show personal data.
 */
export function CheckDossier() {
  const t = useT();
  const [typed, setTyped] = useState('');
  const [looking, setLooking] = useState(false);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  const [found, setFound] = useState<Extract<Outcome, { kind: 'found' }> | null>(null);
  // Only the latest scan or code counts: an earlier slow answer must not replace it.
  const asked = useRef(0);

  const lookUp = useCallback((text: string) => {
    const ask = ++asked.current;
    setFound(null);
    setProblem(null);
    setLooking(true);
    void findDossier(text)
      .catch((error: unknown): Outcome => ({ kind: 'problem', message: errorKey(toKioskError(error).code) }))
      .then((outcome) => {
        if (ask !== asked.current) return;
        setLooking(false);
        if (outcome.kind === 'found') setFound(outcome);
        else setProblem(outcome.message);
      });
  }, []);
  useEffect(() => host().on('qr.scanned', (scan) => (scan.ok ? lookUp(scan.text) : setProblem(errorKey(scan.error.code)))), [lookUp]);

  if (found) {
    return (
      <Result
        found={found}
        onAgain={() => {
          setFound(null);
          setTyped('');
        }}
      />
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    lookUp(typed);
  };
  return (
    <form onSubmit={submit} noValidate className="screen-form">
      <Screen
        title={t('check.title')}
        actions={
          <>
            <BigButton variant="secondary" onClick={endSession}>
              {t('nav.back')}
            </BigButton>
            <BigButton type="submit" disabled={looking}>
              {t('check.search')}
            </BigButton>
          </>
        }
      >
        <p className="hint" id="check-code-hint">
          {t('check.hint')}
        </p>
        {problem && (
          <p className="error" id="check-code-error" role="alert">
            {t(problem)}
          </p>
        )}
        {looking && <p role="status">{t('check.looking')}</p>}
        <label htmlFor="check-code">{t('check.codeLabel')}</label>
        <input
          id="check-code"
          className="text-input"
          type="text"
          autoComplete="off"
          spellCheck={false}
          value={typed}
          aria-describedby={problem ? 'check-code-hint check-code-error' : 'check-code-hint'}
          aria-invalid={problem !== null}
          onChange={(event) => {
            setTyped(event.target.value);
            setProblem(null);
          }}
        />
        <Keyboard value={typed} onChange={setTyped} onDone={() => lookUp(typed)} mode="text" maxLength={40} />
      </Screen>
    </form>
  );
}
