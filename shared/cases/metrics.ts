import { parseDayRange } from '../api/date-range.ts';
import { listCases } from '../store/cases.ts';
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

/**
 * Metrics of the cases opened from `from` to `to` (dates, inclusive, in the account's time zone;
 * either may be left out). Reads the cases with one key-range query per status — no scan.
 */
export const readCaseMetrics = async (
  range: { from?: string | undefined; to?: string | undefined },
  timeZone: string,
  now = new Date(),
) => {
  const { from, to, since, until } = parseDayRange(range, timeZone);
  const cases = await listCases(undefined, {
    from: since?.toISOString(),
    to: until ? new Date(until.getTime() - 1).toISOString() : undefined,
  });
  return { from, to, timeZone, ...caseMetrics(cases, now) };
};
