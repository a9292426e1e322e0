import { useState } from 'react';
import type { MethodOutput } from '../../shared/contract';
import { vietnamToday } from '../../shared/dossier/formEngine';
import { toKioskError, type ErrorCode } from '../../shared/errors';
import { formatReportNumber, procedureTable, reportLines, reportTitle, reportValueText, type ReportPeriod } from '../../shared/reports/report';
import { CardFacts } from '../citizen/CardFacts';
import { host } from '../host';
import { reportFacts } from '../queue/reportFacts';
import { useStore } from '../store';
import { BigButton } from '../ui/BigButton';
import { DriveFailures } from '../ui/DriveFailures';
import { ErrorAlert } from '../ui/ErrorAlert';
import { Screen } from '../ui/Screen';
import { useAppInfo } from '../ui/useAppInfo';
import { useT } from '../ui/useT';
import { asHelper } from './helperSession';

type Made = MethodOutput<'reports.make'>;

/** Today, this month and last month, in Vietnam. */
function periods(): Array<{ label: 'report.today' | 'report.thisMonth' | 'report.lastMonth'; period: ReportPeriod }> {
  const today = vietnamToday();
  const [year, month] = today.split('-').map(Number) as [number, number];
  const last = month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, '0')}`;
  return [
    { label: 'report.today', period: { kind: 'day', date: today } },
    { label: 'report.thisMonth', period: { kind: 'month', month: today.slice(0, 7) } },
    { label: 'report.lastMonth', period: { kind: 'month', month: last } },
  ];
}

/**
 * The day's or month's report for the commune and the Department of Home Affairs: its totals on
 * screen, its PDF and CSV saved on the kiosk and copied to a USB stick when one is in.
 */
export function Reports() {
  const t = useT();
  const openDesk = useStore((state) => state.openDesk);
  const [made, setMade] = useState<Made | null>(null);
  const [making, setMaking] = useState(false);
  const [failure, setFailure] = useState<ErrorCode | null>(null);

  const [printed, setPrinted] = useState(false);
  const officePrinter = useAppInfo()?.officePrinter ?? false;

  const make = async (period: ReportPeriod) => {
    setMaking(true);
    setFailure(null);
    setPrinted(false);
    try {
      const facts = await reportFacts();
      setMade(await asHelper((token) => host().call('reports.make', { token, period, ...facts })));
    } catch (error) {
      setFailure(toKioskError(error).code);
    } finally {
      setMaking(false);
    }
  };
  const print = (name: string) => {
    setFailure(null);
    asHelper((token) => host().call('reports.print', { token, name })).then(
      () => setPrinted(true),
      (error: unknown) => setFailure(toKioskError(error).code),
    );
  };

  const table = made && procedureTable(made.report, t, (value) => formatReportNumber(value, t));
  return (
    <Screen
      title={made ? reportTitle(made.report.period, t) : t('report.screenTitle')}
      actions={
        <>
          <BigButton variant="secondary" onClick={() => (made ? setMade(null) : openDesk('home'))}>
            {t('nav.back')}
          </BigButton>
          {made && officePrinter && <BigButton onClick={() => print(made.name)}>{t('report.print')}</BigButton>}
        </>
      }
    >
      <ErrorAlert code={failure} />
      {!made && (
        <div className="choices">
          {periods().map(({ label, period }) => (
            <BigButton key={label} variant="secondary" disabled={making} onClick={() => void make(period)}>
              {t(label)}
            </BigButton>
          ))}
          {making && <p role="status">{t('report.making')}</p>}
        </div>
      )}
      {made && table && (
        <>
          <p role="status" data-testid="report-files">
            {t('report.saved')} {made.files.join(', ')}
          </p>
          <DriveFailures drives={made.failedDrives} />
          {printed && <p role="status">{t('report.printed')}</p>}
          <CardFacts testId="report-totals" rows={reportLines(made.report, t).map(({ label, value }) => [label, reportValueText(value, t)] as const)} />
          {table.rows.length > 0 && (
            <table className="report-table" data-testid="report-procedures">
              <thead>
                <tr>
                  {table.header.map((cell) => (
                    <th key={cell} scope="col">
                      {cell}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {table.rows.map((row) => (
                  <tr key={row[0]}>
                    {row.map((cell, i) => (
                      <td key={table.header[i]}>{cell}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </Screen>
  );
}
