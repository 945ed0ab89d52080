import { parseQueryDate } from '../api/date-range.ts';
import { ValidationError } from '../errors.ts';
import { classify } from '../nps/score.ts';
import { segmentsOf } from '../nps/segments.ts';
import {
  type LocalDate,
  lastYearOf,
  localDate,
  parseLocalDate,
  periodOfDate,
  utcDayKey,
} from '../nps/windows.ts';
import { computedValuesOf } from '../store/customers.ts';
import { purchasesDated } from '../store/purchases.ts';
import {
  type AnswerFacts,
  allChurnMarks,
  answersSince,
  CHURN_KINDS,
  type ChurnKind,
  type ChurnMark,
  customersWithOpenCases,
} from '../store/retention.ts';
import { proportionDifference, relativeRisk } from '../util/stats.ts';
import { centsOf } from '../value/activity.ts';
import { periodStart, trailingYear } from '../value/period.ts';
import {
  type AnswerAt,
  churnByNpsClass,
  type PeriodBounds,
  retentionByPeriod,
  type Timeline,
  timelineOf,
} from './churn.ts';

export const RETENTION_WINDOWS = ['month', 'quarter'] as const;
export type RetentionWindow = (typeof RETENTION_WINDOWS)[number];

export interface RetentionSettings {
  churnAfterDays: number;
  timeZone: string;
  dimensions: readonly string[];
}

const DAY_MS = 86_400_000;

/** The longest range one request reads: three years. */
const MAX_PERIODS: Record<RetentionWindow, number> = { month: 36, quarter: 12 };

export const parseRetentionWindow = (value: string | undefined): RetentionWindow => {
  const w = (value ?? 'month') as RetentionWindow;
  if (!RETENTION_WINDOWS.includes(w)) {
    throw new ValidationError(`window must be one of ${RETENTION_WINDOWS.join(', ')}`, 'invalid_window');
  }
  return w;
};

const firstMonthOf = (window: RetentionWindow, d: LocalDate) =>
  window === 'month' ? d.month : Math.floor((d.month - 1) / 3) * 3 + 1;

/** A calendar date as a day number (days since 1970-01-01): what churn counts in. */
const dayNumber = ({ year, month, day }: LocalDate): number => Date.UTC(year, month - 1, day) / DAY_MS;

const dayNumberOfKey = (key: string): number => {
  const date = parseLocalDate(key);
  if (!date) throw new Error(`not a calendar day: ${key}`);
  return dayNumber(date);
};

const keyOfDayNumber = (n: number): string => utcDayKey(new Date(n * DAY_MS));

/** The periods (months or quarters) from the one holding `from` to the one holding `to`, as days. */
export const periodsBetween = (window: RetentionWindow, from: LocalDate, to: LocalDate): PeriodBounds[] => {
  const step = window === 'month' ? 1 : 3;
  const periods: PeriodBounds[] = [];
  let { year } = from;
  let month = firstMonthOf(window, from);
  const lastKey = periodOfDate(window, to);
  for (;;) {
    const first = { year, month, day: 1 };
    const period = periodOfDate(window, first);
    if (period > lastKey) return periods;
    const [nextYear, nextMonth] = month + step > 12 ? [year + 1, month + step - 12] : [year, month + step];
    periods.push({
      period,
      start: dayNumber(first),
      end: dayNumber({ year: nextYear, month: nextMonth, day: 1 }),
    });
    [year, month] = [nextYear, nextMonth];
  }
};

/** Each customer's purchase days and churn mark, for purchases dated from..to (day keys). */
const timelines = async (fromDay: string, toDay: string, churnMarks: ChurnMark[]): Promise<Timeline[]> => {
  const purchases = new Map<string, number[]>();
  for await (const page of purchasesDated(fromDay, toDay)) {
    for (const p of page) {
      const list = purchases.get(p.customerId) ?? [];
      list.push(dayNumberOfKey(p.date));
      purchases.set(p.customerId, list);
    }
  }
  const marks = new Map(churnMarks.map((m) => [m.customerId, dayNumberOfKey(m.on)]));
  const ids = new Set([...purchases.keys(), ...marks.keys()]);
  return [...ids].map((customerId) =>
    timelineOf({ customerId, purchases: purchases.get(customerId) ?? [], churnedAt: marks.get(customerId) }),
  );
};

/** Every answer first given since an instant, per customer (an answer's time is its first answer). */
const answersByCustomer = async (since: number) => {
  const answers = new Map<string, AnswerFacts[]>();
  for await (const page of answersSince(new Date(since))) {
    for (const a of page) {
      if (Date.parse(a.firstAnsweredAt) < since) continue;
      const list = answers.get(a.customerId) ?? [];
      list.push(a);
      answers.set(a.customerId, list);
    }
  }
  return answers;
};

/**
 * The customers marked churned in the range (their mark's day), by value tier today and by kind:
 * whether key customers leave for a competitor or because of us, and ordinary ones naturally.
 */
const markedByValue = async (marks: readonly ChurnMark[], fromDay: string, toDay: string) => {
  const inRange = marks.filter((m) => m.on >= fromDay && m.on <= toDay);
  const values = await computedValuesOf(inRange.map((m) => m.customerId));
  const byValue = new Map<string, Record<ChurnKind, number>>();
  for (const m of inRange) {
    const value = values.get(m.customerId)?.attributes.value ?? 'none';
    const kinds =
      byValue.get(value) ?? (Object.fromEntries(CHURN_KINDS.map((k) => [k, 0])) as Record<ChurnKind, number>);
    kinds[m.kind]++;
    byValue.set(value, kinds);
  }
  return {
    total: inRange.length,
    byValue: [...byValue]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([value, kinds]) => ({ value, ...kinds })),
  };
};

const points = (share: number) => Math.round(share * 1000) / 10;

/**
 * `GET /api/retention`: churn, retention and repeat purchases per month or quarter (see churn.ts
 * for the definitions), and whether detractors leave more: churn pooled over the periods by the
 * class of each customer's latest answer before the period, with the difference detractors −
 * promoters (percentage points, Newcombe's 95 % interval) and the relative risk (95 % interval).
 * Reads the purchases from one churn window before the first period, the churn marks, and the
 * answers of the year before the first period.
 */
export const readRetention = async (
  query: { window: string | undefined; from: string | undefined; to: string | undefined },
  settings: RetentionSettings,
  now = new Date(),
) => {
  const window = parseRetentionWindow(query.window);
  const today = localDate(now, settings.timeZone);
  const to = parseQueryDate('to', query.to) ?? today;
  const from = parseQueryDate('from', query.from) ?? lastYearOf(to);
  if (periodOfDate('day', from) > periodOfDate('day', to)) {
    throw new ValidationError('from must not be after to', 'invalid_date');
  }
  if (periodOfDate('day', to) > periodOfDate('day', today)) {
    throw new ValidationError('to must not be after today', 'invalid_date');
  }
  const periods = periodsBetween(window, from, to);
  if (periods.length > MAX_PERIODS[window]) {
    throw new ValidationError(
      `at most ${MAX_PERIODS[window]} ${window}s at a time: narrow from and to`,
      'invalid_date',
    );
  }
  const todayNumber = dayNumber(today);
  const first = periods[0]?.start ?? todayNumber;
  // Read up to the end of today: a period still running is partial.
  const options = { churnAfterDays: settings.churnAfterDays, now: todayNumber + 1 };
  const marks = await allChurnMarks();
  const [customers, answers, marked] = await Promise.all([
    timelines(keyOfDayNumber(first - settings.churnAfterDays), periodOfDate('day', today), marks),
    answersByCustomer((first - 365) * DAY_MS - DAY_MS),
    markedByValue(marks, keyOfDayNumber(first), keyOfDayNumber((periods.at(-1)?.end ?? todayNumber + 1) - 1)),
  ]);
  const classes = new Map<string, AnswerAt[]>(
    [...answers].map(([id, list]) => [
      id,
      list.map((a) => ({
        at: dayNumber(localDate(new Date(a.firstAnsweredAt), settings.timeZone)),
        scoreClass: classify(a.score),
      })),
    ]),
  );
  const byClass = churnByNpsClass(customers, classes, periods, options);
  const { detractor, promoter } = byClass;
  const difference = proportionDifference(
    detractor.lost,
    detractor.activeAtStart,
    promoter.lost,
    promoter.activeAtStart,
  );
  const risk = relativeRisk(detractor.lost, detractor.activeAtStart, promoter.lost, promoter.activeAtStart);
  return {
    window,
    churnAfterDays: settings.churnAfterDays,
    periods: retentionByPeriod(customers, periods, options),
    churnMarks: marked,
    churnByNpsClass: {
      ...byClass,
      detractorsVsPromoters: {
        /** Detractors' churn rate − promoters', in percentage points, with its 95 % interval. */
        difference: difference && {
          points: points(difference.difference),
          low: points(difference.low),
          high: points(difference.high),
        },
        /** Detractors' churn rate ÷ promoters', with its 95 % interval. */
        relativeRisk: risk && {
          ratio: Math.round(risk.ratio * 100) / 100,
          low: Math.round(risk.low * 100) / 100,
          high: Math.round(risk.high * 100) / 100,
        },
      },
    },
  };
};

interface AtRisk {
  segment: string;
  customers: number;
  revenue: number;
  withOpenCase: { customers: number; revenue: number };
}

/**
 * Revenue at risk: the trailing-12-month revenue of the customers whose latest answer of the last
 * 12 months is a detractor's, per segment of that answer's snapshot (the segments it counts in),
 * and how much of it has a case still open. Amounts in the account's currency.
 */
export const readRevenueAtRisk = async (settings: RetentionSettings, now = new Date()) => {
  // The value report's own year, so the two read the same revenue.
  const year = trailingYear(now, settings.timeZone);
  const since = periodStart(year, settings.timeZone).getTime();
  const revenueCents = new Map<string, number>();
  let totalCents = 0;
  for await (const page of purchasesDated(year.from, year.to)) {
    for (const p of page) {
      const cents = centsOf(p.amount);
      revenueCents.set(p.customerId, (revenueCents.get(p.customerId) ?? 0) + cents);
      totalCents += cents;
    }
  }
  const [answers, openCases] = await Promise.all([answersByCustomer(since), customersWithOpenCases()]);
  const bySegment = new Map<
    string,
    { customers: number; cents: number; openCustomers: number; openCents: number }
  >();
  for (const [customerId, list] of answers) {
    const latest = list.reduce((a, b) => (b.firstAnsweredAt > a.firstAnsweredAt ? b : a));
    if (classify(latest.score) !== 'detractor') continue;
    const cents = revenueCents.get(customerId) ?? 0;
    const open = openCases.has(customerId);
    for (const segment of segmentsOf(latest, settings.dimensions)) {
      const s = bySegment.get(segment) ?? { customers: 0, cents: 0, openCustomers: 0, openCents: 0 };
      s.customers++;
      s.cents += cents;
      if (open) {
        s.openCustomers++;
        s.openCents += cents;
      }
      bySegment.set(segment, s);
    }
  }
  const segments: AtRisk[] = [...bySegment]
    .map(([segment, s]) => ({
      segment,
      customers: s.customers,
      revenue: s.cents / 100,
      withOpenCase: { customers: s.openCustomers, revenue: s.openCents / 100 },
    }))
    .sort((a, b) => b.revenue - a.revenue || (a.segment < b.segment ? -1 : 1));
  const all = segments.find((s) => s.segment === 'all');
  return {
    revenue: totalCents / 100,
    atRisk: all?.revenue ?? 0,
    share: totalCents > 0 ? Math.round(((all?.revenue ?? 0) * 100 * 1000) / totalCents) / 10 : null,
    withOpenCase: all?.withOpenCase.revenue ?? 0,
    segments,
  };
};
