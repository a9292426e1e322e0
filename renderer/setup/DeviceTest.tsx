import { useRef, useState } from 'react';
import type { DeviceKind } from '../../shared/contract';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { errorKey } from '../../shared/i18n/index';
import { SELF_TEST_KINDS, type SelfTestRequest, type SelfTestResult } from '../../shared/selfTest';
import { asHelper } from '../helper/helperSession';
import { host } from '../host';
import { BigButton } from '../ui/BigButton';
import { DriveFailures } from '../ui/DriveFailures';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useT } from '../ui/useT';

/** What the technician does while each test runs. */
const HOW = {
  printer: 'selfTest.how.printer',
  qrScanner: 'selfTest.how.qrScanner',
  documentScanner: 'selfTest.how.documentScanner',
  cardReader: 'selfTest.how.cardReader',
} as const satisfies Record<DeviceKind, string>;

/**
 * The technician's device self-test: each device tested for real in turn (the printer's test
 * receipt carries the QR the scanner test reads back), its verdict and why on screen, and the
 * report printed on the receipt printer or saved as a PDF to the kiosk and a USB stick.
 */
export function DeviceTest({ onBack }: { onBack(): void }) {
  const t = useT();
  const [results, setResults] = useState<Partial<Record<DeviceKind, SelfTestResult>>>({});
  const [running, setRunning] = useState<{ kind: DeviceKind; testId: string } | null>(null);
  const [failure, setFailure] = useState<ErrorCode | null>(null);
  const [saved, setSaved] = useState<{ files: string[]; failedDrives: string[] } | null>(null);
  const shown = useRef(true);
  const printed = results.printer;
  const qrToken = printed?.kind === 'printer' ? printed.facts?.qrToken : undefined;

  const run = async (kind: DeviceKind) => {
    const testId = crypto.randomUUID();
    const request: SelfTestRequest = kind === 'qrScanner' ? { kind, testId, qrToken: qrToken! } : { kind, testId };
    setRunning({ kind, testId });
    setFailure(null);
    try {
      const result = await asHelper((token) => host().call('selfTest.run', { token, request }));
      if (shown.current) setResults((done) => ({ ...done, [kind]: result }));
    } catch (error) {
      setFailure(toKioskError(error).code);
    } finally {
      setRunning(null);
    }
  };
  const stop = () => running && void host().call('selfTest.cancel', { testId: running.testId });
  const done = Object.values(results);
  const report = (method: 'selfTest.print' | 'selfTest.save') => {
    setFailure(null);
    asHelper((token) => host().call(method, { token, results: done })).then(
      (answer) => answer && setSaved(answer),
      (error: unknown) => setFailure(toKioskError(error).code),
    );
  };

  return (
    <Screen
      title={t('selfTest.screenTitle')}
      caption={t('setup.caption')}
      actions={
        <>
          <BigButton
            variant="secondary"
            onClick={() => {
              shown.current = false;
              stop();
              onBack();
            }}
          >
            {t('nav.back')}
          </BigButton>
          <BigButton variant="secondary" disabled={running !== null || done.length === 0} onClick={() => report('selfTest.print')}>
            {t('selfTest.printReport')}
          </BigButton>
          <BigButton variant="secondary" disabled={running !== null || done.length === 0} onClick={() => report('selfTest.save')}>
            {t('selfTest.saveReport')}
          </BigButton>
        </>
      }
    >
      <ErrorAlert code={failure} />
      <ul className="device-tests">
        {SELF_TEST_KINDS.map((kind) => {
          const result = results[kind];
          const waitsForToken = kind === 'qrScanner' && !qrToken;
          return (
            <li key={kind} data-testid={`self-test-${kind}`}>
              <strong>{t(`device.kind.${kind}`)}</strong>
              {result && (
                <span className={`badge outcome-${result.outcome}`}>
                  {t(`selfTest.outcome.${result.outcome}`)}
                  {result.error && `: ${t(errorKey(result.error.code), result.error.params)}`}
                </span>
              )}
              {running?.kind === kind ? (
                <>
                  <p role="status">{t(HOW[kind])}</p>
                  <BigButton variant="secondary" onClick={stop}>
                    {t('selfTest.stop')}
                  </BigButton>
                </>
              ) : (
                <>
                  {waitsForToken && <p>{t('selfTest.qrNeedsReceipt')}</p>}
                  <BigButton variant="secondary" aria-label={t('selfTest.runLabel', { device: t(`device.kind.${kind}`) })} disabled={running !== null || waitsForToken} onClick={() => void run(kind)}>
                    {t('selfTest.run')}
                  </BigButton>
                </>
              )}
            </li>
          );
        })}
      </ul>
      {saved && (
        <>
          <p role="status" data-testid="self-test-saved">
            {t('selfTest.saved')} {saved.files.join(', ')}
          </p>
          <DriveFailures drives={saved.failedDrives} />
        </>
      )}
    </Screen>
  );
}
