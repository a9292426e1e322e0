import { useCallback, useState } from 'react';
import { provinceByCode, searchCommunes, unitByCode } from '../../shared/adminUnits';
import type { PaperWidth } from '../../shared/config';
import { toKioskError, type KioskErrorShape } from '../../shared/errors';
import type { VerifiedProvisioning } from '../../shared/provisioning';
import { SELF_TEST_KINDS } from '../../shared/selfTest';
import { SetupAnswers, type SetupOutcome, type SetupPerson } from '../../shared/setup';
import { catalogue } from '../catalogue';
import { signOutHelper } from '../helper/helperSession';
import { host } from '../host';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { CommunePicker, type CommuneChoice } from '../ui/CommunePicker';
import { ErrorAlert } from '../ui/ErrorAlert';
import { KeyboardDock } from '../ui/keyboard/KeyboardField';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { SetupIdleGuard } from '../shell/IdleGuard';
import { DeviceChoice, type ChosenDevices } from './DeviceChoice';
import { DeviceTest } from './DeviceTest';
import { ProvisioningStep } from './ProvisioningStep';
import { AddHelper, HelperList, PaperStep, PinStep, ProceduresStep, required, SettingsList, StepForm, TextStep } from './steps';

const STEPS = ['welcome', 'commune', 'name', 'portalUrl', 'enrolmentCode', 'technicianName', 'technicianPin', 'helpers', 'procedures', 'deviceChoice', 'paper', 'review'] as const;
type Step = (typeof STEPS)[number] | 'provisioning' | 'addHelper' | 'done' | 'devices';

interface Draft {
  commune: CommuneChoice;
  name: string;
  portalUrl: string;
  enrolmentCode: string;
  technician: SetupPerson;
  helpers: SetupPerson[];
  procedures: string[];
  devices: ChosenDevices;
  paper: PaperWidth;
  /** The province's signed provisioning the answers came from, if any: the host holds commune and portal to it. */
  provisioning: VerifiedProvisioning | null;
}

/** The screens whose answer the province's provisioning gave: commune and portal always, the rest when it names them. */
function provisionedSteps(provisioning: VerifiedProvisioning | null): Step[] {
  if (!provisioning) return [];
  const { name, procedures, paper } = provisioning.settings;
  return ['commune', 'portalUrl', ...(name ? (['name'] as const) : []), ...(procedures ? (['procedures'] as const) : []), ...(paper ? (['paper'] as const) : [])];
}

const isUrl = (text: string) => SetupAnswers.shape.portal.shape.url.safeParse(text.trim()).success;

/**
 * The technician's first-run setup (issue 8): where the kiosk serves, what it is called, which portal
 * it sends to and the one-time code that enrols it, the technician's and helpers' PINs, the
 * procedures offered and the printer's paper. One thing per screen, in order; the review lists it
 * all, each line with its way back to change it. Saving enrols at once where the portal can be
 * reached, and otherwise on the first sync; the kiosk then starts afresh on its new config.
 */
export default function SetupWizard({ portalUrl }: { portalUrl: string }) {
  // A new round is a new wizard: every answer, name and PIN typed is gone.
  const [round, setRound] = useState(0);
  return <Wizard key={round} portalUrl={portalUrl} onAfresh={() => setRound((n) => n + 1)} />;
}

/** The host now runs on the new config: the page starts again on it, at the start screen, with nobody signed in. */
function startServing(): void {
  signOutHelper();
  window.location.reload();
}

function Wizard({ portalUrl, onAfresh }: { portalUrl: string; onAfresh(): void }) {
  const t = useT();
  const procedures = catalogue().procedures;
  const [step, setStep] = useState<Step>('welcome');
  // From the review, a changed answer returns to the review rather than walking every step again.
  const [reviewing, setReviewing] = useState(false);
  const [draft, setDraft] = useState<Draft>({
    commune: { provinceCode: '', communeCode: '' },
    name: '',
    portalUrl,
    enrolmentCode: '',
    technician: { name: '', pin: '' },
    helpers: [],
    procedures: procedures.map((procedure) => procedure.code),
    devices: {},
    paper: '80mm',
    provisioning: null,
  });
  const [communeQuery, setCommuneQuery] = useState('');
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<KioskErrorShape | null>(null);
  const [outcome, setOutcome] = useState<SetupOutcome | null>(null);

  const update = (patch: Partial<Draft>) => setDraft((current) => ({ ...current, ...patch }));
  const go = (to: Step) => () => setStep(to);
  // What the province's provisioning settled is not asked again.
  const settled = new Set<Step>(provisionedSteps(draft.provisioning));
  const walk = (from: (typeof STEPS)[number], by: 1 | -1): Step => {
    if (reviewing) return 'review';
    let index = STEPS.indexOf(from) + by;
    while (index > 0 && settled.has(STEPS[index]!)) index += by;
    return STEPS[Math.max(0, index)]!;
  };
  const following = (from: (typeof STEPS)[number]) => walk(from, 1);
  const preceding = (from: (typeof STEPS)[number]) => walk(from, -1);
  const provisioned = useCallback(
    (provisioning: VerifiedProvisioning) => {
      const { settings } = provisioning;
      const chosen = unitByCode(settings.communeCode);
      const offered = new Set(procedures.map((procedure) => procedure.code));
      // Procedures this build's catalogue lacks are left out; with none left, every one is offered.
      const named = settings.procedures?.filter((code) => offered.has(code));
      setDraft((current) => ({
        ...current,
        provisioning,
        commune: { provinceCode: chosen?.provinceCode ?? '', communeCode: settings.communeCode },
        name: settings.name ?? (chosen ? t('setup.defaultName', { commune: `${chosen.type} ${chosen.shortName}` }) : current.name),
        portalUrl: settings.portalUrl,
        procedures: named?.length ? named : current.procedures,
        paper: settings.paper ?? current.paper,
      }));
      setStep('enrolmentCode');
    },
    [procedures, t, setStep],
  );
  const nav = (from: (typeof STEPS)[number]) => ({ onBack: go(preceding(from)), onNext: go(following(from)) });
  const unit = unitByCode(draft.commune.communeCode);

  const save = () => {
    setSaving(true);
    setProblem(null);
    const answers: SetupAnswers = {
      communeCode: draft.commune.communeCode,
      name: draft.name,
      portal: { url: draft.portalUrl.trim(), enrolmentCode: draft.enrolmentCode.trim() },
      technician: draft.technician,
      helpers: draft.helpers,
      procedures: draft.procedures,
      // Each config came from its own kind's detection; the host checks each against its kind's schema.
      devices: Object.fromEntries(Object.entries(draft.devices).map(([kind, device]) => [kind, device?.config])) as SetupAnswers['devices'],
      paper: draft.paper,
      provisioning: draft.provisioning?.text,
    };
    host()
      .call('setup.save', answers)
      .then(
        (saved) => {
          // The technician stays signed in to test the devices before the kiosk opens.
          useStore.getState().signedIn({ token: saved.technician.token, ...saved.technician.helper });
          setOutcome(saved);
          setStep('done');
        },
        (error: unknown) => setProblem(toKioskError(error).toShape()),
      )
      .finally(() => setSaving(false));
  };

  /** The screen of the step the technician is on. */
  function screen() {
    switch (step) {
      case 'welcome':
        return (
          <Screen
            title={t('setup.welcomeTitle')}
            caption={t('setup.caption')}
            actions={
              <>
                <BigButton variant="secondary" onClick={go('commune')}>
                  {t('setup.begin')}
                </BigButton>
                <BigButton onClick={go('provisioning')}>{t('setup.useProvisioning')}</BigButton>
              </>
            }
          >
            <p>{t('setup.welcomeText')}</p>
            <ul>
              <li>{t('setup.needCommune')}</li>
              <li>{t('setup.needPortal')}</li>
              <li>{t('setup.needPeople')}</li>
            </ul>
          </Screen>
        );
      case 'provisioning':
        return <ProvisioningStep onProvisioned={provisioned} onBack={go('welcome')} />;
      case 'commune': {
        const searching = draft.commune.provinceCode !== '' && !unit;
        // "Xong" on the keys takes the commune once the search leaves only one.
        const onlyMatch = () => {
          const matches = searchCommunes(communeQuery, { provinceCode: draft.commune.provinceCode });
          if (matches.length === 1) update({ commune: { ...draft.commune, communeCode: matches[0]!.code } });
        };
        return (
          <StepForm
            title={t('setup.communeTitle')}
            titleFor="setup-commune"
            onBack={nav('commune').onBack}
            ready={unit !== undefined}
            onSubmit={() => {
              // The kiosk's name starts from its commune; the technician may change it on the next screen.
              if (unit && draft.name === '') update({ name: t('setup.defaultName', { commune: `${unit.type} ${unit.shortName}` }) });
              setStep(following('commune'));
            }}
          >
            <div className="address-field">
              <CommunePicker inputId="setup-commune" value={draft.commune} onChange={(commune) => update({ commune })} query={communeQuery} onQuery={setCommuneQuery} keysActive={searching} />
            </div>
            {searching && <KeyboardDock value={communeQuery} onChange={setCommuneQuery} mode="text" onDone={onlyMatch} />}
          </StepForm>
        );
      }
      case 'name':
        return <TextStep {...nav('name')} title={t('setup.nameTitle')} help={t('setup.nameHelp')} value={draft.name} onChange={(name) => update({ name })} problem={required} />;
      case 'portalUrl':
        return (
          <TextStep {...nav('portalUrl')} title={t('setup.portalTitle')} help={t('setup.portalHelp')} type="url" mode="latin" value={draft.portalUrl} onChange={(url) => update({ portalUrl: url })} problem={(url) => (isUrl(url) ? null : 'setup.badUrl')} />
        );
      case 'enrolmentCode':
        return (
          <TextStep {...nav('enrolmentCode')} title={t('setup.codeTitle')} help={t('setup.codeHelp')} mode="latin" value={draft.enrolmentCode} onChange={(code) => update({ enrolmentCode: code })} problem={required} />
        );
      case 'technicianName':
        return (
          <TextStep {...nav('technicianName')} title={t('setup.technicianTitle')} help={t('setup.technicianHelp')} value={draft.technician.name} onChange={(name) => update({ technician: { ...draft.technician, name } })} problem={required} />
        );
      case 'technicianPin':
        return <PinStep name={draft.technician.name} onBack={nav('technicianPin').onBack} onPin={(pin) => {
          update({ technician: { ...draft.technician, pin } });
          setStep(following('technicianPin'));
        }} />;
      case 'helpers':
        return (
          <StepForm title={t('setup.helpersTitle')} onBack={nav('helpers').onBack} onSubmit={nav('helpers').onNext}>
            <p>{t('setup.helpersHelp')}</p>
            <HelperList names={draft.helpers.map((helper) => helper.name)} onRemove={(index) => update({ helpers: draft.helpers.filter((_, i) => i !== index) })} />
            <BigButton variant="secondary" onClick={go('addHelper')}>
              {t('setup.addHelper')}
            </BigButton>
          </StepForm>
        );
      case 'addHelper':
        return (
          <AddHelper
            onBack={go('helpers')}
            onAdd={(helper) => {
              update({ helpers: [...draft.helpers, helper] });
              setStep('helpers');
            }}
          />
        );
      case 'procedures':
        return <ProceduresStep {...nav('procedures')} chosen={draft.procedures} onChange={(codes) => update({ procedures: codes })} />;
      case 'deviceChoice':
        return <DeviceChoice {...nav('deviceChoice')} detect={() => host().call('setup.detectDevices')} chosen={draft.devices} onChange={(devices) => update({ devices })} />;
      case 'paper':
        return <PaperStep {...nav('paper')} paper={draft.paper} onChange={(paper) => update({ paper })} />;
      case 'review': {
        const edit = (to: Step) => {
          setReviewing(true);
          setProblem(null);
          setStep(to);
        };
        // What the province's provisioning settled is shown, not changed here: the host holds the kiosk to it.
        const rows: Array<[string, string, Step]> = [
          ...(draft.provisioning ? [[t('setup.reviewProvisioning'), t('setup.provisioningVerified'), 'provisioning'] as [string, string, Step]] : []),
          [t('setup.reviewCommune'), unit ? `${unit.name}, ${provinceByCode(unit.provinceCode)?.name ?? ''}` : '', 'commune'],
          [t('setup.reviewName'), draft.name, 'name'],
          [t('setup.reviewPortal'), draft.portalUrl, 'portalUrl'],
          [t('setup.reviewCode'), draft.enrolmentCode, 'enrolmentCode'],
          [t('setup.reviewTechnician'), draft.technician.name, 'technicianName'],
          [t('setup.reviewHelpers'), draft.helpers.map((helper) => helper.name).join(', ') || t('setup.noHelpers'), 'helpers'],
          [t('setup.reviewProcedures'), t('setup.procedureCount', { count: draft.procedures.length, total: procedures.length }), 'procedures'],
          [t('setup.reviewDevices'), SELF_TEST_KINDS.map((kind) => `${t(`device.kind.${kind}`)}: ${draft.devices[kind]?.label ?? t('setup.deviceAsNow')}`).join('; '), 'deviceChoice'],
          [t('setup.reviewPaper'), draft.paper, 'paper'],
        ];
        return (
          <StepForm title={t('setup.reviewTitle')} onBack={go('paper')} onSubmit={save} ready={!saving} nextLabel={saving ? t('setup.saving') : t('setup.save')}>
            <ErrorAlert code={problem?.code} params={problem?.params} />
            <SettingsList rows={rows} onChange={edit} changeable={(to) => !settled.has(to) && to !== 'provisioning'} testId="setup-review" />
          </StepForm>
        );
      }
      case 'done':
        return (
          <Screen
            title={t('setup.doneTitle')}
            caption={t('setup.caption')}
            actions={
              <>
                <BigButton variant="secondary" onClick={go('devices')}>
                  {t('setup.testDevices')}
                </BigButton>
                <BigButton onClick={startServing}>{t('setup.startServing')}</BigButton>
              </>
            }
          >
            <p role="status">{outcome?.enrolment.state === 'enrolled' ? t('setup.enrolled', { kioskId: outcome.enrolment.kioskId }) : t('setup.enrolWaiting')}</p>
          </Screen>
        );
      case 'devices':
        return <DeviceTest onBack={go('done')} />;
    }
  }

  // Left half-done, the wizard starts afresh; left once saved, the kiosk starts serving.
  return (
    <SetupIdleGuard active={step !== 'welcome'} onExpire={outcome ? startServing : onAfresh}>
      {screen()}
    </SetupIdleGuard>
  );
}
