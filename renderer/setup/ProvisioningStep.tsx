import { useCallback, useEffect, useState } from 'react';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import type { MethodInput } from '../../shared/contract';
import type { VerifiedProvisioning } from '../../shared/provisioning';
import { host } from '../host';
import { BigButton } from '../ui/BigButton';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/**
 * The province's provisioning for this kiosk, from its QR (on paper or the operator's screen,
 * read by the kiosk's own QR scanner) or from a `.dvcsetup` file on a USB stick. The host
 * verifies the province's signature offline; only then does the wizard take its settings.
 */
export function ProvisioningStep({ onProvisioned, onBack }: { onProvisioned(provisioning: VerifiedProvisioning): void; onBack(): void }) {
  const t = useT();
  const [problem, setProblem] = useState<ErrorCode | null>(null);
  const [reading, setReading] = useState(false);

  const read = useCallback(
    (from: MethodInput<'setup.provisioning'>) => {
      setReading(true);
      setProblem(null);
      host()
        .call('setup.provisioning', from)
        .then(onProvisioned, (error: unknown) => setProblem(toKioskError(error).code))
        .finally(() => setReading(false));
    },
    [onProvisioned],
  );
  useEffect(() => host().on('qr.scanned', (scan) => (scan.ok ? read({ text: scan.text }) : setProblem(scan.error.code))), [read]);

  return (
    <Screen
      title={t('setup.provisioningTitle')}
      caption={t('setup.caption')}
      actions={
        <>
          <BigButton variant="secondary" onClick={onBack}>
            {t('nav.back')}
          </BigButton>
          <BigButton variant="secondary" disabled={reading} onClick={() => read({ usb: true })}>
            {t('setup.provisioningUsb')}
          </BigButton>
        </>
      }
    >
      <p>{t('setup.provisioningHelp')}</p>
      {reading && <p role="status">{t('setup.provisioningReading')}</p>}
      <ErrorAlert code={problem} />
    </Screen>
  );
}
