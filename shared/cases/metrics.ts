import { parseDayRange, parseQueryDate } from '../api/date-range.ts';
import { ValidationError } from '../errors.ts';
import { type LocalDate, localDate, periodOfDate } from '../nps/windows.ts';
import { casesOpenedBetween } from '../store/cases.ts';
import type { Case, CaseStatus } from '../store/schemas.ts';
import { percentile } from '../util/stats.ts';

const MINUTE = 60_000;
const round1 = (x: number) => Math.round(x * 10) / 10;
const minutesBetween = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / MINUTE;

export interface Durations {
  /** How many cases have this time at all. */
  count: number;
  p50: number | null;
  p90: number | null;
}

const durations = (minutes: number[]): Durations => {
  const p50 = percentile(minutes, 50);
  const p90 = percentile(minutes, 90);
  return {
    count: minutes.length,
    p50: p50 === null ? null : round1(p50),
    p90: p90 === null ? null : round1(p90),
  };
};

const share = (part: number, whole: number) =>
  whole === 0 ? null : Math.round((part / whole) * 1000) / 1000;

/**
 * The follow-up figures of a set of cases:
 * - `timeToAcknowledgeMinutes`: case opened → first move by the owner (any PATCH acknowledges).
 * - `timeToFirstContactMinutes`: case opened → marked contacted.
 * - `sla`: of the cases whose acknowledgement was due (acknowledged, or still waiting for it when
 *   the SLA passed), how many were acknowledged by their SLA due time. A case the customer resolved
 *   themselves (score raised) before anyone acknowledged it counts only if its SLA had passed first.
 * - `recovery`: recovered cases (the customer later answered 7+) over all cases.
 */
export interface CaseFigures {
  cases: number;
  byStatus: Record<CaseStatus, number>;
  escalated: number;
  scoreRaised: number;
  followUpsSent: number;
  timeToAcknowledgeMinutes: Durations;
  timeToFirstContactMinutes: Durations;
  sla: { due: number; acknowledgedInTime: number; share: number | null };
  recovery: { recovered: number; cases: number; rate: number | null };
}

/** Was acknowledgement owed by `now`, and was it given in time? */
const slaStanding = (c: Case, now: Date): 'in-time' | 'late' | 'not-due' => {
  if (c.acknowledgedAt) return c.acknowledgedAt <= c.slaDueAt ? 'in-time' : 'late';
  const waitedUntil = c.resolvedAt ?? now.toISOString();
  return c.slaDueAt <= waitedUntil ? 'late' : 'not-due';
};

export const caseFigures = (cases: readonly Case[], now: Date): CaseFigures => {
  const byStatus: Record<CaseStatus, number> = { open: 0, acknowledged: 0, contacted: 0, resolved: 0 };
  const toAck: number[] = [];
  const toContact: number[] = [];
  let due = 0;
  let inTime = 0;
  for (const c of cases) {
    byStatus[c.status]++;
    if (c.acknowledgedAt) toAck.push(minutesBetween(c.createdAt, c.acknowledgedAt));
    if (c.contactedAt) toContact.push(minutesBetween(c.createdAt, c.contactedAt));
    const standing = slaStanding(c, now);
    if (standing !== 'not-due') due++;
    if (standing === 'in-time') inTime++;
  }
  const recovered = cases.filter((c) => c.recovered).length;
  return {
    cases: cases.length,
    byStatus,
    escalated: cases.filter((c) => c.escalatedAt).length,
    scoreRaised: cases.filter((c) => c.resolvedBy === 'customer').length,
    followUpsSent: cases.filter((c) => c.followUp).length,
    timeToAcknowledgeMinutes: durations(toAck),
    timeToFirstContactMinutes: durations(toContact),
    sla: { due, acknowledgedInTime: inTime, share: share(inTime, due) },
    recovery: { recovered, cases: cases.length, rate: share(recovered, cases.length) },
  };
};

/** The segments a case counts in: `attr:value` of the answer's snapshot (older cases: the tier). */
export const caseSegments = (c: Case): string[] => {
  const attributes = c.attributes ?? (c.tier && c.tier !== 'none' ? { tier: c.tier } : {});
  return Object.entries(attributes).map(([name, value]) => `${name}:${value}`);
};

const groupBy = (cases: readonly Case[], keysOf: (c: Case) => string[]) => {
  const groups = new Map<string, Case[]>();
  for (const c of cases) {
    for (const key of keysOf(c)) {
      const group = groups.get(key);
      if (group) group.push(c);
      else groups.set(key, [c]);
    }
  }
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
};

const NO_OWNER = '(none)';

export const caseMetrics = (cases: readonly Case[], now: Date) => ({
  overall: caseFigures(cases, now),
  byOwner: groupBy(cases, (c) => [c.ownerId ?? NO_OWNER]).map(([ownerId, group]) => ({
    ownerId,
    ...caseFigures(group, now),
  })),
  bySegment: groupBy(cases, caseSegments).map(([segment, group]) => ({
    segment,
    ...caseFigures(group, now),
  })),
});

/** The days a metrics request covers when it names none: the last 90, today included. */
export const DEFAULT_METRICS_DAYS = 90;
/** The longest range one request may ask for, in days. */
export const MAX_METRICS_DAYS = 366;
/**
 * The most case items one metrics request reads. Percentiles of two halves do not add up to the
 * percentiles of the whole, so figures over part of a range could not be completed by a second
 * request: a range that needs more reads than this is refused (400 `range_too_large`), never
 * answered with figures over some of its cases.
 */
export const MAX_METRICS_CASES = 5000;

const DAY_MS = 86_400_000;
const dayNumber = (d: LocalDate) => Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
const daysBefore = (d: LocalDate, days: number): LocalDate => {
  const at = new Date(Date.UTC(d.year, d.month - 1, d.day - days));
  return { year: at.getUTCFullYear(), month: at.getUTCMonth() + 1, day: at.getUTCDate() };
};

/**
 * The dates a metrics request covers: `to` defaults to today and `from` to 89 days before `to`
 * (in the account's time zone); at most MAX_METRICS_DAYS days, else a 400.
 */
export const metricsRange = (
  range: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
  now: Date,
): { from: string; to: string } => {
  const to = parseQueryDate('to', range.to) ?? localDate(now, timeZone);
  const from = parseQueryDate('from', range.from) ?? daysBefore(to, DEFAULT_METRICS_DAYS - 1);
  const days = dayNumber(to) - dayNumber(from) + 1;
  if (days > MAX_METRICS_DAYS) {
    throw new ValidationError(
      `from..to may span at most ${MAX_METRICS_DAYS} days (asked: ${days})`,
      'range_too_long',
    );
  }
  return { from: periodOfDate('day', from), to: periodOfDate('day', to) };
};

/**
 * Metrics of the cases opened from `from` to `to` (dates, inclusive, in the account's time zone;
 * by default the last 90 days, at most 366). Reads the cases with one key-range query per status —
 * no scan — and at most `maxCases` case items (see MAX_METRICS_CASES).
 */
export const readCaseMetrics = async (
  range: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
  now = new Date(),
  maxCases = MAX_METRICS_CASES,
) => {
  const { from, to, since, until } = parseDayRange(metricsRange(range, timeZone, now), timeZone);
  if (!since || !until) throw new Error('a metrics range always has both ends');
  const { cases, complete } = await casesOpenedBetween(
    { from: since.toISOString(), to: new Date(until.getTime() - 1).toISOString() },
    maxCases,
  );
  if (!complete) {
    throw new ValidationError(
      `figures for ${from}..${to} would need more than ${maxCases} cases read (cases are read from ${from} on): ask for a shorter or more recent range`,
      'range_too_large',
    );
  }
  return { from, to, timeZone, ...caseMetrics(cases, now) };
};
