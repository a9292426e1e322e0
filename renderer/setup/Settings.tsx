import { useEffect, useState } from 'react';
import type { AppInfo, DeviceStatus } from '../../shared/contract';
import type { Helper, PaperWidth } from '../../shared/config';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { SELF_TEST_KINDS } from '../../shared/selfTest';
import type { SettingsChange } from '../../shared/setup';
import { catalogue } from '../catalogue';
import { asHelper } from '../helper/helperSession';
import { host } from '../host';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';
import { DeviceChoice, type ChosenDevices } from './DeviceChoice';
import { AddHelper, HelperList, PaperStep, ProceduresStep, SettingsList } from './steps';

type View = 'overview' | 'devices' | 'procedures' | 'paper' | 'helpers' | 'addHelper';

/** What the overview shows, read again after each change (the host has been built again on it). */
interface Current {
  info: AppInfo;
  devices: DeviceStatus[];
  helpers: Helper[];
}

/**
 * A technician changes the kiosk's settings after setup, on the wizard's own screens: its devices,
 * the procedures offered, the paper, the helpers (a new one with a PIN; one who left removed, which
 * signs them out). Each change is saved at once (settings.change): the host writes the config
 * file and starts again on it, and the technician stays signed in.
 */
export function Settings({ onBack }: { onBack(): void }) {
  const t = useT();
  const [view, setView] = useState<View>('overview');
  const [current, setCurrent] = useState<Current | null>(null);
  const [failure, setFailure] = useState<ErrorCode | null>(null);
  const [saved, setSaved] = useState(0);
  // The editors' choices, from the overview's figures when they open.
  const [devices, setDevices] = useState<ChosenDevices>({});
  const [procedures, setProcedures] = useState<string[]>([]);
  const [paper, setPaper] = useState<PaperWidth>('80mm');

  useEffect(() => {
    let shown = true;
    Promise.all([host().call('app.info'), host().call('devices.list'), host().call('helper.list')]).then(
      ([info, running, people]) => shown && setCurrent({ info, devices: running, helpers: people }),
      (error: unknown) => shown && setFailure(toKioskError(error).code),
    );
    return () => void (shown = false);
  }, [saved]);

  const save = async (change: SettingsChange) => {
    setFailure(null);
    try {
      await asHelper((token) => host().call('settings.change', { token, ...change }));
      setSaved((count) => count + 1);
      setView('overview');
    } catch (error) {
      // Said on the overview, where the change can be tried again.
      setFailure(toKioskError(error).code);
      setView(view === 'addHelper' ? 'helpers' : 'overview');
    }
  };
  const edit = (to: View) => {
    setFailure(null);
    if (current) {
      // Every kind as it is until the technician picks another: looking changes nothing.
      setDevices(Object.fromEntries(SELF_TEST_KINDS.map((kind) => [kind, null])));
      setProcedures(current.info.procedures ?? catalogue().procedures.map((procedure) => procedure.code));
      setPaper(current.info.paper ?? '80mm');
    }
    setView(to);
  };
  const overview = () => setView('overview');
  // The technician's own account is no helper to list or remove.
  const helpers = current?.helpers.filter((helper) => helper.role === 'helper') ?? [];
  const saveLabel = t('settings.save');

  switch (view) {
    case 'devices':
      return (
        <DeviceChoice
          detect={() => asHelper((token) => host().call('devices.detect', { token }))}
          chosen={devices}
          onChange={setDevices}
          onBack={overview}
          // Only the kinds chosen: "as now" changes nothing.
          onNext={() => void save({ devices: Object.fromEntries(Object.entries(devices).flatMap(([kind, device]) => (device ? [[kind, device.config]] : []))) })}
          nextLabel={saveLabel}
        />
      );
    case 'procedures':
      return <ProceduresStep chosen={procedures} onChange={setProcedures} onBack={overview} onNext={() => void save({ procedures })} nextLabel={saveLabel} />;
    case 'paper':
      return <PaperStep paper={paper} onChange={setPaper} onBack={overview} onNext={() => void save({ paper })} nextLabel={saveLabel} />;
    case 'addHelper':
      return <AddHelper onBack={() => setView('helpers')} onAdd={(helper) => void save({ addHelpers: [helper] })} />;
    case 'helpers':
      return (
        <Screen
          title={t('setup.helpersTitle')}
          actions={
            <BigButton variant="secondary" onClick={overview}>
              {t('nav.back')}
            </BigButton>
          }
        >
          <ErrorAlert code={failure} />
          <HelperList names={helpers.map((helper) => helper.name)} onRemove={(index) => void save({ removeHelpers: [helpers[index]!.id] })} />
          <BigButton variant="secondary" onClick={() => setView('addHelper')}>
            {t('setup.addHelper')}
          </BigButton>
        </Screen>
      );
    case 'overview': {
      const rows: Array<[string, string, View]> = current
        ? [
            [t('setup.reviewDevices'), SELF_TEST_KINDS.map((kind) => `${t(`device.kind.${kind}`)}: ${current.devices.find((device) => device.kind === kind)?.driver ?? '—'}`).join('; '), 'devices'],
            [
              t('setup.reviewProcedures'),
              t('setup.procedureCount', { count: current.info.procedures?.length ?? catalogue().procedures.length, total: catalogue().procedures.length }),
              'procedures',
            ],
            [t('setup.reviewPaper'), current.info.paper ?? '—', 'paper'],
            [t('setup.reviewHelpers'), helpers.map((helper) => helper.name).join(', ') || t('setup.noHelpers'), 'helpers'],
          ]
        : [];
      return (
        <Screen
          title={t('settings.title')}
          actions={
            <BigButton variant="secondary" onClick={onBack}>
              {t('nav.back')}
            </BigButton>
          }
        >
          <ErrorAlert code={failure} />
          {saved > 0 && !failure && (
            <p role="status" data-testid="settings-saved">
              {t('settings.saved')}
            </p>
          )}
          <SettingsList rows={rows} onChange={edit} testId="settings" />
        </Screen>
      );
    }
  }
}
