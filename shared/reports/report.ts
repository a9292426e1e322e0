import { z } from 'zod';
import { isUnsent, type DossierStatus } from '../dossier/dossier';
import { vietnamToday } from '../dossier/formEngine';
import type { Translate } from '../i18n/index';
import { formatVietnamDate, formatVietnamDateTime } from '../receipt';

/**
 * What the helper's daily or monthly report is counted from. It holds no name, number or answer
 * of a citizen, only procedures, states, scores and times, so the report cannot leak any either.
 */
export interface ReportInput {
  /** The support point, as the receipt names it. */
  kiosk: { name: string; commune: string };
  period: ReportPeriod;
  /** When the report is made (ISO 8601): the oldest unsent dossier's age is measured to it. */
  generatedAt: string;
  /** Every dossier on the kiosk, of any time and state: the report picks out the period's. */
  dossiers: ReadonlyArray<{ procedureCode: string; procedureName: string; status: DossierStatus; createdAt: string; receivedAt: string | null }>;
  /** Citizens' ratings, 1 to 5 as the contract's `Rating` guarantees. */
  ratings: ReadonlyArray<{ score: number; at: string }>;
  /** The host's audit log of the helper's work: a session helping with a dossier, or guidance alone. */
  helped: ReadonlyArray<{ kind: 'assisted' | 'guidance'; at: string }>;
}

/** A calendar day (YYYY-MM-DD) or month (YYYY-MM) in Vietnam time. */
export const ReportPeriod = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('day'), date: z.iso.date() }),
  z.object({ kind: z.literal('month'), month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/) }),
]);
export type ReportPeriod = z.infer<typeof ReportPeriod>;

/** "bao-cao-ngay-2026-11-24", "bao-cao-thang-2026-11": a report's files, one per period, replaced by a later one. */
export const reportFileName = (period: ReportPeriod): string => (period.kind === 'day' ? `bao-cao-ngay-${period.date}` : `bao-cao-thang-${period.month}`);
export const ReportFileName = z.string().regex(/^bao-cao-(ngay-\d{4}-\d{2}-\d{2}|thang-\d{4}-\d{2})$/);

/**
 * A submitted dossier's state as the report counts it: queued and sending are both still waiting.
 * A dossier a helper cancelled was submitted all the same, so it is counted, in a state of its own.
 */
export const REPORT_STATES = ['waiting', 'accepted', 'needsHelp', 'rejected', 'cancelled'] as const;
export type ReportState = (typeof REPORT_STATES)[number];
type StateCounts = Record<ReportState, number>;

/** Drafts and ready dossiers were never submitted (abandoned, or the citizen is still at it). */
const REPORT_STATE: Record<DossierStatus, ReportState | null> = {
  draft: null,
  ready: null,
  queued: 'waiting',
  sending: 'waiting',
  accepted: 'accepted',
  needsHelp: 'needsHelp',
  rejected: 'rejected',
  cancelled: 'cancelled',
};


export const RATING_SCORES = [1, 2, 3, 4, 5] as const;
export type RatingScore = (typeof RATING_SCORES)[number];

const count = z.number().int().nonnegative();
const StateCounts = z.object(Object.fromEntries(REPORT_STATES.map((state) => [state, count])) as Record<ReportState, typeof count>);

/** A report as made and as it crosses the host contract. */
export const Report = z.object({
  kiosk: z.object({ name: z.string(), commune: z.string() }),
  period: ReportPeriod,
  generatedAt: z.iso.datetime({ offset: true }),
  /**
   * Helper sessions and guidance in the audit log. A citizen who submitted alone is not in the log,
   * so is not knowable as a person; dossiers are counted on their own in `dossiersSubmitted`.
   */
  peopleHelped: z.object({ total: count, assisted: count, guidance: count }),
  dossiersSubmitted: count,
  byState: StateCounts,
  /** Most dossiers first, then by procedure code; the name the first of its dossiers carried, should the catalogue have renamed it since. */
  byProcedure: z.array(z.object({ code: z.string(), name: z.string(), count, byState: StateCounts })),
  /** `average` to one decimal; null when nobody rated. */
  ratings: z.object({ count, average: z.number().nullable(), byScore: z.object(Object.fromEntries(RATING_SCORES.map((score) => [score, count])) as Record<RatingScore, typeof count>) }),
  /** Mean minutes from saving to the portal's receipt, over the dossiers it received, rounded; null when none. */
  averageWaitMinutes: count.nullable(),
  /**
   * The oldest dossier still queued, sending or needing help, whatever the period: it is the state
   * of the queue when the report is made. `ageHours` counts whole hours to `generatedAt`.
   */
  oldestUnsent: z.object({ createdAt: z.string(), ageHours: z.number().int() }).nullable(),
});
export type Report = z.infer<typeof Report>;
export type ProcedureTotals = Report['byProcedure'][number];

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/** Whether a moment falls in the period by its calendar day in Vietnam, whatever the clock's zone. */
function inPeriod(period: ReportPeriod, iso: string): boolean {
  const day = vietnamToday(new Date(iso));
  return period.kind === 'day' ? day === period.date : day.startsWith(`${period.month}-`);
}

const noStates = (): StateCounts => ({ waiting: 0, accepted: 0, needsHelp: 0, rejected: 0, cancelled: 0 });
const mean = (values: readonly number[]): number | null => (values.length ? values.reduce((sum, value) => sum + value, 0) / values.length : null);

/** Totals for the period, as the commune and the Department of Home Affairs ask for them. */
export function buildReport(input: ReportInput): Report {
  const { period } = input;
  const helped = input.helped.filter((entry) => inPeriod(period, entry.at));
  const assisted = helped.filter((entry) => entry.kind === 'assisted').length;

  const submitted = input.dossiers.flatMap((dossier) => {
    const state = REPORT_STATE[dossier.status];
    return state && inPeriod(period, dossier.createdAt) ? [{ ...dossier, state }] : [];
  });
  const byState = noStates();
  const procedures = new Map<string, ProcedureTotals>();
  for (const dossier of submitted) {
    byState[dossier.state] += 1;
    const totals = procedures.get(dossier.procedureCode) ?? { code: dossier.procedureCode, name: dossier.procedureName, count: 0, byState: noStates() };
    totals.count += 1;
    totals.byState[dossier.state] += 1;
    procedures.set(totals.code, totals);
  }

  const ratings = input.ratings.filter((rating) => inPeriod(period, rating.at));
  const byScore = Object.fromEntries(RATING_SCORES.map((score) => [score, ratings.filter((rating) => rating.score === score).length])) as Record<RatingScore, number>;
  const averageScore = mean(ratings.map((rating) => rating.score));

  // The portal stamps receipts by its own clock; one a little behind the kiosk's is no negative wait.
  const waits = submitted.flatMap(({ createdAt, receivedAt }) => (receivedAt ? [Math.max(0, Date.parse(receivedAt) - Date.parse(createdAt)) / MINUTE_MS] : []));
  const averageWait = mean(waits);

  const oldest = input.dossiers
    .filter((dossier) => isUnsent(dossier.status))
    .reduce<string | null>((first, { createdAt }) => (first === null || Date.parse(createdAt) < Date.parse(first) ? createdAt : first), null);

  return {
    kiosk: input.kiosk,
    period,
    generatedAt: input.generatedAt,
    peopleHelped: { total: helped.length, assisted, guidance: helped.length - assisted },
    dossiersSubmitted: submitted.length,
    byState,
    byProcedure: [...procedures.values()].sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    ratings: { count: ratings.length, average: averageScore === null ? null : Math.round(averageScore * 10) / 10, byScore },
    averageWaitMinutes: averageWait === null ? null : Math.round(averageWait),
    oldestUnsent: oldest === null ? null : { createdAt: oldest, ageHours: Math.floor((Date.parse(input.generatedAt) - Date.parse(oldest)) / HOUR_MS) },
  };
}

/** "Báo cáo ngày 24/11/2026", "Báo cáo tháng 11/2026". */
export const reportTitle = (period: ReportPeriod, t: Translate): string =>
  period.kind === 'day' ? t('report.title.day', { date: formatVietnamDate(period.date) }) : t('report.title.month', { month: formatVietnamDate(period.month) });

/** "Ngày 24/11/2026", "Tháng 11/2026". */
export const periodText = (period: ReportPeriod, t: Translate): string =>
  period.kind === 'day' ? t('report.period.day', { date: formatVietnamDate(period.date) }) : t('report.period.month', { month: formatVietnamDate(period.month) });

/** One line of the totals; `part` marks a breakdown of the line above it. */
export interface ReportLine {
  label: string;
  /** A count or measure, a time already formatted, or null for "none". */
  value: number | string | null;
  part: boolean;
}

/** A number the reader's way, as the PDF and the screen write it: 4,2 in Vietnamese. */
export const formatReportNumber = (value: number, t: Translate): string => t('report.number', { value });

/** A total as the PDF and the screen write it: "none" for null. */
export const reportValueText = (value: ReportLine['value'], t: Translate): string =>
  value === null ? t('report.none') : typeof value === 'number' ? formatReportNumber(value, t) : value;

/** The totals in the order both the CSV and the PDF give them, so the two always agree. */
export function reportLines(report: Report, t: Translate): ReportLine[] {
  const line = (label: string, value: ReportLine['value'], part = false): ReportLine => ({ label, value, part });
  return [
    line(t('report.peopleHelped'), report.peopleHelped.total),
    line(t('report.assisted'), report.peopleHelped.assisted, true),
    line(t('report.guidance'), report.peopleHelped.guidance, true),
    line(t('report.dossiersSubmitted'), report.dossiersSubmitted),
    ...REPORT_STATES.map((state) => line(t(`queue.state.${state}`), report.byState[state], true)),
    line(t('report.ratings'), report.ratings.count),
    line(t('report.ratingAverage'), report.ratings.average, true),
    ...RATING_SCORES.map((score) => line(t('report.ratingScore', { score }), report.ratings.byScore[score], true)),
    line(t('report.averageWait'), report.averageWaitMinutes),
    line(t('report.oldestUnsent'), report.oldestUnsent && formatVietnamDateTime(report.oldestUnsent.createdAt)),
    line(t('report.oldestUnsentAge'), report.oldestUnsent?.ageHours ?? null, true),
  ];
}

/** Dossiers by procedure as a table: code, name, count, then one count per state, each written by `formatNumber`. */
export function procedureTable(report: Report, t: Translate, formatNumber: (value: number) => string): { header: string[]; rows: string[][] } {
  return {
    header: [t('report.procedureCode'), t('report.procedureName'), t('report.count'), ...REPORT_STATES.map((state) => t(`queue.state.${state}`))],
    rows: report.byProcedure.map(({ code, name, count, byState }) => [code, name, formatNumber(count), ...REPORT_STATES.map((state) => formatNumber(byState[state]))]),
  };
}
