import { z } from 'zod';
import { parseQueryDate } from '../api/date-range.ts';
import { config } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { type NpsFigures, npsFigures } from '../nps/score.ts';
import { dimensionOf, SEGMENT_PATTERN } from '../nps/segments.ts';
import {
  daysOfPeriod,
  lastYearOf,
  localDate,
  monthsBetween,
  parseLocalDate,
  periodOfDate,
  WINDOWS,
  type Window,
} from '../nps/windows.ts';
import { counterSeries, countersOfMonth } from '../store/counters.ts';
import { INVALID_CURSOR, openCursor, sealCursor } from '../store/cursor.ts';
import type { Page, PageRequest } from '../store/db.ts';
import { COUNTER_FIELDS } from '../store/model.ts';
import { mapLimit } from '../util/concurrency.ts';

export interface NpsPoint extends NpsFigures {
  period: string;
  averageScore: number | null;
  histogram: number[];
}

/** How many answers gave each score 0..10. */
type Histogram = number[];

const emptyHistogram = (): Histogram => COUNTER_FIELDS.map(() => 0);

/** The histogram kept under a key, a new empty one the first time. */
const histogramIn = (histograms: Map<string, Histogram>, key: string): Histogram => {
  const found = histograms.get(key);
  if (found) return found;
  const fresh = emptyHistogram();
  histograms.set(key, fresh);
  return fresh;
};

/** Adds a day item's counts into a histogram (a field the item lacks counts 0). */
const addItem = (into: Histogram, item: Record<string, unknown>) => {
  COUNTER_FIELDS.forEach((field, score) => {
    const v = item[field];
    if (typeof v === 'number') into[score] = (into[score] ?? 0) + v;
  });
};

const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

/** Every figure of a period from its score counts: classes, NPS with its interval, average. */
const toPoint = (period: string, histogram: Histogram): NpsPoint => {
  const figures = npsFigures({
    promoters: sum(histogram.slice(9)),
    passives: sum(histogram.slice(7, 9)),
    detractors: sum(histogram.slice(0, 7)),
  });
  const scoreSum = histogram.reduce((total, count, score) => total + count * score, 0);
  return {
    period,
    ...figures,
    averageScore: figures.responses ? Math.round((scoreSum / figures.responses) * 10) / 10 : null,
    histogram,
  };
};

/** The period of a window a day item falls in (its sort key is the day). */
const periodOfDay = (window: Window, day: string): string => {
  const date = parseLocalDate(day);
  if (!date) throw new Error(`a counter item has no day key: ${day}`);
  return periodOfDate(window, date);
};

/** Day items summed per period, in the order the periods first appear (the items' day order). */
const sumByPeriod = (window: Window, items: readonly Record<string, unknown>[]) => {
  const periods = new Map<string, Histogram>();
  for (const item of items) {
    const period = periodOfDay(window, String(item.sk));
    addItem(histogramIn(periods, period), item);
  }
  return periods;
};

export const parseWindow = (value: string | undefined): Window => {
  const w = (value ?? 'month') as Window;
  if (!WINDOWS.includes(w))
    throw new ValidationError(`window must be one of ${WINDOWS.join(', ')}`, 'invalid_window');
  return w;
};

export const parseSegment = (value: string | undefined): string => {
  const s = (value ?? 'all').trim().toLowerCase();
  if (!SEGMENT_PATTERN.test(s)) {
    throw new ValidationError(
      'segment must be all, attr:value, owner:<id> or campaign:<id>',
      'invalid_segment',
    );
  }
  const dimension = dimensionOf(s);
  const declared = config().SEGMENT_DIMENSIONS;
  // Only declared dimensions are rolled up; any other attribute has no figures to read.
  if (dimension !== undefined && !declared.includes(dimension)) {
    throw new ValidationError(
      `${dimension} is not a segment dimension; NPS is read by ${declared.join(', ')} (config SEGMENT_DIMENSIONS)`,
      'unknown_segment_dimension',
    );
  }
  return s;
};

export interface PeriodRange {
  from: string;
  to: string;
}

/** A date range as a range of period keys; defaults to the last year up to today. */
export const periodRange = (
  window: Window,
  from: string | undefined,
  to: string | undefined,
  timeZone: string,
) => {
  const today = localDate(new Date(), timeZone);
  const toDate = parseQueryDate('to', to) ?? today;
  const fromDate = parseQueryDate('from', from) ?? lastYearOf(toDate);
  const range = { from: periodOfDate(window, fromDate), to: periodOfDate(window, toDate) };
  if (range.from > range.to) throw new ValidationError('from must not be after to', 'invalid_date');
  return range;
};

/**
 * One segment's series: a single key-range query over its day items (a year is ~365 small items),
 * summed per period of the window. Nothing else is read.
 */
export const npsSeries = async (segment: string, window: Window, range: PeriodRange): Promise<NpsPoint[]> => {
  const days = { from: daysOfPeriod(window, range.from).from, to: daysOfPeriod(window, range.to).to };
  const items = await counterSeries(segment, days.from, days.to);
  return [...sumByPeriod(window, items)]
    .map(([period, histogram]) => toPoint(period, histogram))
    .filter((p) => p.responses > 0);
};

/**
 * The months a period's days may be listed under. All time is every month with an answer, known
 * from the `all` segment's own days (every answer counts in `all`).
 */
const monthsOfPeriod = async (window: Window, period: string): Promise<string[]> => {
  const days = daysOfPeriod(window, period);
  if (window !== 'all') return monthsBetween(days.from, days.to);
  const allDays = await counterSeries('all', days.from, days.to);
  return [...new Set(allDays.map((item) => String(item.sk).slice(0, 7)))];
};

/** Segments per page read at once: listings are by month, a few months at a time. */
const MONTH_READS_IN_FLIGHT = 4;

/** Every segment's score counts over one period: its months' day items, summed per segment. */
const histogramsBySegment = async (window: Window, period: string) => {
  const days = daysOfPeriod(window, period);
  const months = await monthsOfPeriod(window, period);
  const bySegment = new Map<string, Histogram>();
  await mapLimit(months, MONTH_READS_IN_FLIGHT, async (month) => {
    for (const item of await countersOfMonth(month)) {
      const day = String(item.sk);
      if (day < days.from || day > days.to) continue;
      addItem(histogramIn(bySegment, String(item.segment)), item);
    }
  });
  return bySegment;
};

const segmentsCursor = z.object({ after: z.string() });

/**
 * Every segment's figures for one period, in segment name order (`all` before the `attr:value`
 * segments), a page at a time. The period's months are read from the byPeriod index (a month of
 * every segment is one query) and summed per segment; a segment whose answers were all erased or
 * moved (zero answers) is left out. The cursor is the last segment shown, sealed to this listing.
 * With `only`, that one segment (an account manager's own) or none.
 */
export const npsBySegment = async (
  window: Window,
  period: string,
  page: PageRequest,
  only?: string,
): Promise<Page<{ segment: string } & NpsPoint>> => {
  const listing = `nps-segments|${window}|${period}${only === undefined ? '' : `|only:${only}`}`;
  let after: string | undefined;
  if (page.cursor) {
    const parsed = segmentsCursor.safeParse(await openCursor(page.cursor, listing));
    if (!parsed.success) throw new ValidationError(INVALID_CURSOR, 'invalid_cursor');
    after = parsed.data.after;
  }
  const figures = [...(await histogramsBySegment(window, period))]
    .filter(
      ([segment]) => (after === undefined || segment > after) && (only === undefined || segment === only),
    )
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([segment, histogram]) => ({ segment, ...toPoint(period, histogram) }))
    .filter((p) => p.responses > 0);
  const items = figures.slice(0, page.limit);
  const last = items.at(-1);
  if (figures.length <= page.limit || !last) return { items };
  return { items, cursor: await sealCursor({ after: last.segment }, listing) };
};
