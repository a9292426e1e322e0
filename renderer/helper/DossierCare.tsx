import { useState } from 'react';
import { CancelReason, isUnsent, shortReference } from '../../shared/dossier/dossier';
import { journeyForm } from '../../shared/dossier/resultDelivery';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { errorKey, type MessageKey, type Translate } from '../../shared/i18n/index';
import { formatVietnamDateTime } from '../../shared/receipt';
import { procedureByCode } from '../catalogue';
import { CardFacts } from '../citizen/CardFacts';
import { printReceipt } from '../citizen/printReceipt';
import { cancelDossier, resendDossier } from '../queue/care';
import type { StoredDossier } from '../queue/db';
import { openDossier } from '../queue/dossiers';
import { syncNow } from '../queue/syncLoop';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { recordHelperAction } from './helperSession';
import { openRepair } from './repairSession';

/** What a helper can do about a dossier the portal refused, by the refusal. */
type Advice = 'resend' | 'rescan' | 'fixData' | 'technician';
const advice: Partial<Record<ErrorCode, Advice>> = {
  // The portal lost or mis-took part of the upload: the same dossier sent again goes through.
  'portal.notAnnounced': 'resend',
  'portal.attachmentsMissing': 'resend',
  'portal.uploadHashMismatch': 'resend',
  'portal.attachmentUnknown': 'resend',
  'queue.attachmentMissing': 'rescan',
  'portal.badRequest': 'fixData',
};
const adviceFor = (code: ErrorCode | null): Advice => (code && advice[code]) ?? 'technician';
/** What a helper fixes with the citizen on the kiosk's screens (renderer/helper/repairSession.ts). */
const canRepair = (what: Advice): boolean => what === 'rescan' || what === 'fixData';

/** Why the dossier is where it is, in plain words, for the states where something waits. */
function whyText(dossier: StoredDossier, t: Translate): string | null {
  const { status, sync } = dossier;
  const attempts =
    (sync.attempts > 0 && sync.lastAttemptAt ? ` ${t('care.attempts', { count: sync.attempts, time: formatVietnamDateTime(sync.lastAttemptAt) })}` : '') +
    (sync.carriedAt ? ` ${t('care.carried', { time: formatVietnamDateTime(sync.carriedAt) })}` : '');
  const reason = sync.lastError ? t(errorKey(sync.lastError)) : '';
  switch (status) {
    case 'needsHelp':
      return `${reason} ${t(`care.advice.${adviceFor(sync.lastError)}`)}`;
    case 'queued':
      return (sync.lastError ? t('care.why.waitingRetry', { reason }) : t('care.why.waitingFirst')) + attempts;
    case 'sending':
      return t('care.why.sending') + attempts;
    default:
      return null;
  }
}

type Note = { key: MessageKey; failed?: boolean };

/**
 * One dossier in the helper's hands: why it is stuck, and what to do — send it now or again,
 * reprint its receipt (stage 2 once the portal has it), or cancel it with a reason. Each action is
 * in the audit log under the helper's id. Shows no answers: only codes, states and dates.
 */
export function DossierCare({ dossier, onBack }: { dossier: StoredDossier; onBack(): void }) {
  const t = useT();
  const locale = useStore((state) => state.locale);
  const [note, setNote] = useState<Note | null>(null);
  const [cancelling, setCancelling] = useState(false);
  const reference = shortReference(dossier.id);
  const procedure = procedureByCode(dossier.procedureCode);
  const why = whyText(dossier, t);
  const about = { dossier: dossier.id };
  const canReprint = Boolean(dossier.sealed) && procedure !== undefined && dossier.status !== 'draft' && dossier.status !== 'ready';

  const reprint = async () => {
    if (!procedure) return;
    setNote({ key: 'care.reprinting' });
    try {
      await printReceipt({ dossier: await openDossier(dossier), procedure, form: journeyForm(procedure) });
      setNote({ key: 'care.reprinted' });
      await recordHelperAction('dossier.reprinted', about);
    } catch (error) {
      setNote({ key: errorKey(toKioskError(error).code), failed: true });
    }
  };
  // A repair uses the citizen's screens: not while a citizen is on them.
  const citizenPresent = useStore((state) => state.route !== 'attract');
  const repairable = dossier.status === 'needsHelp' && canRepair(adviceFor(dossier.sync.lastError));
  const repair = async () => {
    try {
      await openRepair(dossier.id);
    } catch (error) {
      setNote({ key: errorKey(toKioskError(error).code), failed: true });
    }
  };
  const resend = async () => {
    if (await resendDossier(dossier.id)) {
      setNote({ key: 'care.resent' });
      await recordHelperAction('dossier.resent', about);
    }
  };

  if (cancelling) {
    return (
      <CancelDossier
        dossier={dossier}
        onDone={(done) => {
          setCancelling(false);
          setNote(done);
        }}
      />
    );
  }

  return (
    <Screen
      title={t('care.title', { reference })}
      actions={
        <BigButton variant="secondary" onClick={onBack}>
          {t('nav.back')}
        </BigButton>
      }
    >
      <CardFacts
        testId="care-facts"
        rows={[
          [t('care.procedure'), procedure?.name[locale] ?? dossier.procedureCode],
          [t('care.state'), t(`queue.status.${dossier.status}`, { maHoSo: dossier.portal?.maHoSo ?? '', reason: '' })],
          [t('care.savedAt'), formatVietnamDateTime(dossier.createdAt)],
          ...(dossier.revision ? [[t('care.revisions'), String(dossier.revision)] as const] : []),
          ...(why ? [[t('care.why'), why] as const] : []),
        ]}
      />
      {note && (
        <p className={`print-status ${note.failed ? 'failed' : ''}`} role={note.failed ? 'alert' : 'status'} data-testid="care-note">
          {t(note.key, { reference })}
        </p>
      )}
      <div className="choices">
        {dossier.status === 'queued' && <BigButton onClick={syncNow}>{t('care.sendNow')}</BigButton>}
        {dossier.status === 'needsHelp' && adviceFor(dossier.sync.lastError) === 'resend' && <BigButton onClick={() => void resend()}>{t('care.resend')}</BigButton>}
        {repairable && (
          <BigButton disabled={citizenPresent} onClick={() => void repair()}>
            {t('care.repair')}
          </BigButton>
        )}
        {repairable && citizenPresent && <p>{t('care.repairBusy')}</p>}
        {canReprint && (
          <BigButton variant="secondary" onClick={() => void reprint()}>
            {t('care.reprint')}
          </BigButton>
        )}
        {dossier.shreddedAt && <p>{t('care.shredded')}</p>}
        {isUnsent(dossier.status) && (
          <BigButton variant="secondary" onClick={() => setCancelling(true)}>
            {t('care.cancel')}
          </BigButton>
        )}
      </div>
    </Screen>
  );
}

/** The reason first, and what cancelling destroys, before the one button that does it. */
function CancelDossier({ dossier, onDone }: { dossier: StoredDossier; onDone(note: Note | null): void }) {
  const t = useT();
  const [reason, setReason] = useState<CancelReason | null>(null);
  const [working, setWorking] = useState(false);
  const reference = shortReference(dossier.id);

  const confirm = async () => {
    if (!reason) return;
    setWorking(true);
    try {
      if (await cancelDossier(dossier.id, reason)) {
        await recordHelperAction('dossier.cancelled', { dossier: dossier.id, step: reason });
        onDone({ key: 'care.cancelled' });
      } else onDone({ key: 'care.tooLate', failed: true });
    } catch (error) {
      onDone({ key: errorKey(toKioskError(error).code), failed: true });
    }
  };

  return (
    <Screen
      title={t('care.cancelTitle', { reference })}
      actions={
        <>
          <BigButton variant="secondary" disabled={working} onClick={() => onDone(null)}>
            {t('nav.back')}
          </BigButton>
          <BigButton disabled={!reason || working} onClick={() => void confirm()}>
            {t('care.cancelConfirm')}
          </BigButton>
        </>
      }
    >
      <p className="notice">{t('care.cancelWarning')}</p>
      <div role="radiogroup" aria-labelledby="step-title" className="choices">
        {CancelReason.options.map((option) => (
          <label key={option} className="choice">
            <input type="radio" name="cancel-reason" value={option} checked={reason === option} onChange={() => setReason(option)} />
            <span>{t(`care.cancelReason.${option}`)}</span>
          </label>
        ))}
      </div>
      {working && <p role="status">{t('care.cancelling')}</p>}
    </Screen>
  );
}
