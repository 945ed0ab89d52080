import type { ScoreClass } from '../nps/score.ts';

/**
 * Churn and retention from purchase history, in calendar days of the account's time zone (day
 * numbers: days since 1970-01-01 of the local date), so that a daylight-saving change never moves
 * a boundary by an hour.
 *
 * A customer is **active at the start of day S** when they bought on one of the `churnAfterDays`
 * (default 180) days before S — a purchase on day P counts while S − P < churnAfterDays — and were
 * not marked churned on a day before S. A purchase or a mark on day S itself happens inside the
 * period that starts on S, not before it. Over a period of days [start, end):
 * - **active at start**: the customers active at `start`;
 * - **lost**: those of them not active at `end` — their window ran out inside the period with no
 *   new purchase, or they were marked churned inside it;
 * - **churn rate** = lost ÷ active at start × 100 %, **retention** = 100 % − churn
 *   (both null when nobody was active at the start: a rate of nothing is not 0);
 * - **repeat-purchase rate** = customers with two or more purchases in the period ÷ customers with
 *   at least one, × 100 %.
 * A period still running is read up to the end of today (`today + 1`) and flagged `partial`;
 * `now` below is that day number, today's plus one.
 */
export interface CustomerHistory {
  customerId: string;
  /** Purchase days (day numbers), any order. */
  purchases: readonly number[];
  /** The day (day number) the customer was marked churned. */
  churnedAt?: number | undefined;
}

/** A period as day numbers: from the start of day `start` to the start of day `end`. */
export interface PeriodBounds {
  period: string;
  start: number;
  end: number;
}

export interface ChurnFigures {
  activeAtStart: number;
  lost: number;
  churnRate: number | null;
  retentionRate: number | null;
}

export interface PeriodRetention extends ChurnFigures {
  period: string;
  buyers: number;
  repeatBuyers: number;
  repeatPurchaseRate: number | null;
  partial: boolean;
}

const oneDecimal = (x: number) => Math.round(x * 10) / 10;

export const rate = (part: number, whole: number): number | null =>
  whole === 0 ? null : oneDecimal((part / whole) * 100);

/** Sorted purchase instants and the churn mark: what every question below asks of a customer. */
export interface Timeline {
  customerId: string;
  sorted: number[];
  churnedAt?: number | undefined;
}

export const timelineOf = (history: CustomerHistory): Timeline => ({
  customerId: history.customerId,
  sorted: [...history.purchases].sort((a, b) => a - b),
  churnedAt: history.churnedAt,
});

/** The latest purchase on a day before `day` (binary search), or undefined. */
const lastPurchaseBefore = (sorted: readonly number[], day: number): number | undefined => {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < day) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : sorted[lo - 1];
};

/** Active at the start of a day: bought within the window before it, and not marked before it. */
export const isActiveAt = (timeline: Timeline, day: number, churnAfterDays: number): boolean => {
  if (timeline.churnedAt !== undefined && timeline.churnedAt < day) return false;
  const last = lastPurchaseBefore(timeline.sorted, day);
  return last !== undefined && day - last < churnAfterDays;
};

/** Whether an active-at-start customer is lost by the end of a period (read up to day `until`). */
export const isLostIn = (timeline: Timeline, until: number, churnAfterDays: number): boolean =>
  !isActiveAt(timeline, until, churnAfterDays);

const purchasesIn = (sorted: readonly number[], start: number, end: number) =>
  sorted.filter((t) => t >= start && t < end).length;

export const churnFigures = (activeAtStart: number, lost: number): ChurnFigures => {
  const churnRate = rate(lost, activeAtStart);
  return {
    activeAtStart,
    lost,
    churnRate,
    retentionRate: churnRate === null ? null : oneDecimal(100 - churnRate),
  };
};

/** Churn, retention and repeat purchases per period, over every customer's timeline. */
export const retentionByPeriod = (
  timelines: readonly Timeline[],
  periods: readonly PeriodBounds[],
  options: { churnAfterDays: number; now: number },
): PeriodRetention[] =>
  periods
    .filter((p) => p.start < options.now)
    .map((p) => {
      const until = Math.min(p.end, options.now);
      let active = 0;
      let lost = 0;
      let buyers = 0;
      let repeatBuyers = 0;
      for (const t of timelines) {
        if (isActiveAt(t, p.start, options.churnAfterDays)) {
          active++;
          if (isLostIn(t, until, options.churnAfterDays)) lost++;
        }
        const bought = purchasesIn(t.sorted, p.start, until);
        if (bought >= 1) buyers++;
        if (bought >= 2) repeatBuyers++;
      }
      return {
        period: p.period,
        ...churnFigures(active, lost),
        buyers,
        repeatBuyers,
        repeatPurchaseRate: rate(repeatBuyers, buyers),
        partial: until < p.end,
      };
    });

/** A customer's answers, to class them by the latest one before a day. */
export interface AnswerAt {
  /** The day (day number) of the answer. */
  at: number;
  scoreClass: ScoreClass;
}

/** The class of the latest answer on a day before `day`, or undefined (never answered by then). */
export const classAt = (answers: readonly AnswerAt[], day: number): ScoreClass | undefined => {
  let latest: AnswerAt | undefined;
  for (const a of answers) if (a.at < day && (!latest || a.at > latest.at)) latest = a;
  return latest?.scoreClass;
};

export type ChurnByClass = Record<ScoreClass, ChurnFigures>;

/**
 * Do detractors leave more? Each period, the customers active at its start are classed by their
 * latest answer before it; the counts of every period are pooled per class (a customer counts
 * once per period they were active at the start of). Customers who never answered are left out.
 */
export const churnByNpsClass = (
  timelines: readonly Timeline[],
  answersByCustomer: ReadonlyMap<string, readonly AnswerAt[]>,
  periods: readonly PeriodBounds[],
  options: { churnAfterDays: number; now: number },
): ChurnByClass => {
  const counts: Record<ScoreClass, { active: number; lost: number }> = {
    promoter: { active: 0, lost: 0 },
    passive: { active: 0, lost: 0 },
    detractor: { active: 0, lost: 0 },
  };
  for (const p of periods) {
    if (p.start >= options.now) continue;
    const until = Math.min(p.end, options.now);
    for (const t of timelines) {
      if (!isActiveAt(t, p.start, options.churnAfterDays)) continue;
      const scoreClass = classAt(answersByCustomer.get(t.customerId) ?? [], p.start);
      if (!scoreClass) continue;
      counts[scoreClass].active++;
      if (isLostIn(t, until, options.churnAfterDays)) counts[scoreClass].lost++;
    }
  }
  return {
    promoter: churnFigures(counts.promoter.active, counts.promoter.lost),
    passive: churnFigures(counts.passive.active, counts.passive.lost),
    detractor: churnFigures(counts.detractor.active, counts.detractor.lost),
  };
};
