import { useState } from 'react';
import type { MethodOutput } from '../../shared/contract';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { asHelper } from '../helper/helperSession';
import { host } from '../host';
import { updateFromProvince, type ProvinceUpdate } from '../provinceUpdates';
import { queueDiagnostics } from '../queue/heartbeat';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { DriveFailures } from '../ui/DriveFailures';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { DeviceTest } from './DeviceTest';
import { Settings } from './Settings';
import { SoftwareUpdate } from './SoftwareUpdate';

/**
 * A technician's tools on the desk: the device self-test, the kiosk's settings, the province's
 * newest procedure catalogue and settings now rather than within six hours, the kiosk's software
 * updates, and the diagnostics bundle to a USB
 * stick for whoever looks after the kiosks (logs with personal data masked, the config without
 * secrets, devices and the queue's figures).
 */
export function TechnicianDesk() {
  const t = useT();
  const openDesk = useStore((state) => state.openDesk);
  const [exported, setExported] = useState<MethodOutput<'diagnostics.export'> | null>(null);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ErrorCode | null>(null);
  const [testing, setTesting] = useState(false);
  const [changing, setChanging] = useState(false);
  const [updating, setUpdating] = useState(false);
  // Only an app can be left; the web host is a page in a browser.
  const canQuit = useAppInfo()?.host === 'electron';
  const quit = () => {
    setFailure(null);
    asHelper((token) => host().call('app.quit', { token })).catch((error: unknown) => setFailure(toKioskError(error).code));
  };
  const [provinceOutcome, setProvinceOutcome] = useState<ProvinceUpdate | null>(null);

  const exportDiagnostics = async () => {
    setBusy(true);
    setFailure(null);
    try {
      const queue = await queueDiagnostics();
      setExported(await asHelper((token) => host().call('diagnostics.export', { token, queue })));
    } catch (error) {
      setFailure(toKioskError(error).code);
    } finally {
      setBusy(false);
    }
  };

  const checkProvince = () => {
    setFailure(null);
    updateFromProvince().then(setProvinceOutcome, (error: unknown) => setFailure(toKioskError(error).code));
  };

  if (testing) return <DeviceTest onBack={() => setTesting(false)} />;
  if (changing) return <Settings onBack={() => setChanging(false)} />;
  if (updating) return <SoftwareUpdate onBack={() => setUpdating(false)} />;
  return (
    <Screen
      title={t('technician.title')}
      actions={
        <BigButton variant="secondary" onClick={() => openDesk('home')}>
          {t('nav.back')}
        </BigButton>
      }
    >
      <ErrorAlert code={failure} />
      <div className="choices">
        <BigButton variant="secondary" onClick={() => setTesting(true)}>
          {t('technician.devices')}
        </BigButton>
        <BigButton variant="secondary" onClick={() => setChanging(true)}>
          {t('technician.settings')}
        </BigButton>
        <BigButton variant="secondary" onClick={checkProvince}>
          {t('technician.fromProvince')}
        </BigButton>
        <BigButton variant="secondary" onClick={() => setUpdating(true)}>
          {t('technician.software')}
        </BigButton>
        <BigButton variant="secondary" disabled={busy} onClick={() => void exportDiagnostics()}>
          {t('technician.diagnostics')}
        </BigButton>
        {canQuit && (
          <BigButton variant="secondary" onClick={quit}>
            {t('technician.quit')}
          </BigButton>
        )}
      </div>
      {provinceOutcome && (
        <p role="status" data-testid="province-outcome">
          {t(provinceOutcome.catalogue.updated ? 'technician.catalogueUpdated' : 'technician.catalogueCurrent', { version: provinceOutcome.catalogue.version })}{' '}
          {t(provinceOutcome.settingsTaken ? 'technician.settingsTaken' : 'technician.settingsCurrent')}
        </p>
      )}
      {busy && <p role="status">{t('technician.exporting')}</p>}
      {exported && (
        <>
          <p role="status" data-testid="diagnostics-folders">
            {t(exported.folders.length > 1 ? 'technician.exported' : 'technician.exportedNoUsb')} {exported.folders.slice(1).join(', ')}
          </p>
          <DriveFailures drives={exported.failedDrives} />
        </>
      )}
    </Screen>
  );
}
