import { parseQueryDate } from '../api/date-range.ts';
import { config } from '../config.ts';
import { ValidationError } from '../errors.ts';
import { type NpsFigures, npsFigures } from '../nps/score.ts';
import { dimensionOf, SEGMENT_PATTERN } from '../nps/segments.ts';
import { localDate, periodOfDate, WINDOWS, type Window } from '../nps/windows.ts';
import { counterSeries, countersOfPeriod } from '../store/counters.ts';
import type { Page, PageRequest } from '../store/db.ts';

export interface NpsPoint extends NpsFigures {
  period: string;
  averageScore: number | null;
  histogram: number[];
}

const toPoint = (item: Record<string, unknown>): NpsPoint => {
  const n = (f: string) => (typeof item[f] === 'number' ? (item[f] as number) : 0);
  const figures = npsFigures({
    promoters: n('promoters'),
    passives: n('passives'),
    detractors: n('detractors'),
  });
  return {
    period: String(item.sk),
    ...figures,
    averageScore: figures.responses ? Math.round((n('scoreSum') / figures.responses) * 10) / 10 : null,
    histogram: Array.from({ length: 11 }, (_, s) => n(`h${s}`)),
  };
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
  const fromDate = parseQueryDate('from', from) ?? { ...toDate, year: toDate.year - 1 };
  const range = { from: periodOfDate(window, fromDate), to: periodOfDate(window, toDate) };
  if (range.from > range.to) throw new ValidationError('from must not be after to', 'invalid_date');
  return range;
};

/** One segment's series: a single key-range query over its counter items, nothing else. */
export const npsSeries = async (segment: string, window: Window, range: PeriodRange): Promise<NpsPoint[]> =>
  (await counterSeries(segment, window, range.from, range.to)).map(toPoint).filter((p) => p.responses > 0);

/**
 * Every segment's figures for one period, in segment name order (`all` before the `attr:value`
 * segments of every usual dimension), a page at a time: a query of the byPeriod index.
 */
export const npsBySegment = async (
  window: Window,
  period: string,
  page: PageRequest,
): Promise<Page<{ segment: string } & NpsPoint>> => {
  const found = await countersOfPeriod(window, period, page);
  return {
    items: found.items.map((item) => ({ segment: String(item.segment), ...toPoint(item) })),
    cursor: found.cursor,
  };
};
