import { useEffect, useState } from 'react';
import type { DetectedDevices, DeviceKind, DeviceStatus } from '../../shared/contract';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import type { DeviceConfigs } from '../../shared/config';
import { SELF_TEST_KINDS } from '../../shared/selfTest';
import { host } from '../host';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { useT } from '../ui/useT';
import { StepForm, type StepNav } from './steps';

/** A device the technician picked: how the review names it, and the config written for it (its kind's). */
export interface ChosenDevice {
  label: string;
  config: NonNullable<DeviceConfigs[DeviceKind]>;
}
/**
 * By kind; null keeps the device the kiosk runs on now (the simulator, on a fresh kiosk), and a
 * kind not decided yet is left out.
 */
export type ChosenDevices = Partial<Record<DeviceKind, ChosenDevice | null>>;

/** A device the system sees, as this screen lists it; only QR scanners say why they were taken for one. */
type Candidate = ChosenDevice & { evidence?: string };

/** Every candidate of a kind, from all its probes (a printer has two). */
function candidatesOf(detected: DetectedDevices, kind: DeviceKind): Candidate[] {
  const probes: ReadonlyArray<{ candidates: readonly Candidate[] }> = detected[kind];
  return probes.flatMap((probe) => probe.candidates);
}

/** A candidate taken without asking: a QR "scanner" known only as a keyboard may be the technician's own keyboard. */
const likelyDevice = (candidate: Candidate) => candidate.evidence !== 'keyboard';

/**
 * Which device of each kind the kiosk uses: those the system sees (USB HID, PC/SC, SANE, usblp,
 * CUPS), or the one it runs on now. For a kind not decided yet the first likely device is
 * proposed; the device tests after saving say whether the choice works.
 */
export function DeviceChoice({ detect, chosen, onChange, nextLabel, ...nav }: StepNav & {
  /** setup.detectDevices in the wizard, devices.detect on the technician desk. */
  detect(): Promise<DetectedDevices>;
  chosen: ChosenDevices;
  onChange(chosen: ChosenDevices): void;
  nextLabel?: string;
}) {
  const t = useT();
  const [detected, setDetected] = useState<DetectedDevices | null>(null);
  const [running, setRunning] = useState<DeviceStatus[]>([]);
  const [failure, setFailure] = useState<ErrorCode | null>(null);
  const [round, setRound] = useState(0);

  useEffect(() => {
    let current = true;
    Promise.all([detect(), host().call('devices.list')]).then(
      ([found, devices]) => {
        if (!current) return;
        setDetected(found);
        setRunning(devices);
      },
      (error: unknown) => current && setFailure(toKioskError(error).code),
    );
    return () => void (current = false);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per round: `detect` is a new function each render
  }, [round]);

  // Proposed once per detection, for the kinds not decided yet.
  useEffect(() => {
    if (!detected) return;
    const proposed: ChosenDevices = { ...chosen };
    for (const kind of SELF_TEST_KINDS) {
      const first = candidatesOf(detected, kind).find(likelyDevice);
      if (proposed[kind] === undefined && first) proposed[kind] = { label: first.label, config: first.config };
    }
    onChange(proposed);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per detection, not per choice
  }, [detected]);

  const keepLabel = (kind: DeviceKind) => {
    const driver = running.find((device) => device.kind === kind)?.driver;
    return driver === 'simulator' ? t('setup.deviceSimulator') : t('setup.deviceKeep', { driver: driver ?? '—' });
  };

  return (
    <StepForm title={t('setup.devicesTitle')} onBack={nav.onBack} onSubmit={nav.onNext} ready={detected !== null || failure !== null} nextLabel={nextLabel}>
      <p>{t('setup.devicesHelp')}</p>
      <ErrorAlert code={failure} />
      {!detected && !failure && <p role="status">{t('setup.detecting')}</p>}
      {detected &&
        SELF_TEST_KINDS.map((kind) => {
          const candidates = candidatesOf(detected, kind);
          const chosenHere = chosen[kind];
          const pick = (device: ChosenDevice | null) => onChange({ ...chosen, [kind]: device });
          return (
            <fieldset key={kind} className="choices" data-testid={`devices-${kind}`}>
              <legend>{t(`device.kind.${kind}`)}</legend>
              {detected[kind].flatMap((probe) => (probe.available ? [] : [<p key={probe.driver}>{t(`setup.probe.${probe.reason}`, { driver: probe.driver })}</p>]))}
              {candidates.length === 0 && <p>{t('setup.noDeviceFound')}</p>}
              {candidates.map((candidate) => (
                <label key={`${candidate.config.driver}:${candidate.label}`} className="choice">
                  <input
                    type="radio"
                    name={`device-${kind}`}
                    checked={chosenHere?.label === candidate.label && chosenHere.config.driver === candidate.config.driver}
                    onChange={() => pick({ label: candidate.label, config: candidate.config })}
                  />
                  {candidate.label}
                  {!likelyDevice(candidate) && ` — ${t('setup.deviceMaybeKeyboard')}`}
                </label>
              ))}
              <label className="choice">
                <input type="radio" name={`device-${kind}`} checked={!chosenHere} onChange={() => pick(null)} />
                {keepLabel(kind)}
              </label>
            </fieldset>
          );
        })}
      <BigButton
        variant="secondary"
        disabled={!detected && !failure}
        onClick={() => {
          setDetected(null);
          setFailure(null);
          setRound((n) => n + 1);
        }}
      >
        {t('setup.detectAgain')}
      </BigButton>
    </StepForm>
  );
}
