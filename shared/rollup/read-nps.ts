import { parseQueryDate } from '../api/date-range.ts';
import { ValidationError } from '../errors.ts';
import { type NpsFigures, npsFigures } from '../nps/score.ts';
import { SEGMENT_PATTERN } from '../nps/segments.ts';
import { localDate, periodOfDate, WINDOWS, type Window } from '../nps/windows.ts';
import { counterSeries, countersOfPeriod } from '../store/counters.ts';

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

/** Every segment's figures for one period (a query of the byPeriod index). */
export const npsBySegment = async (window: Window, period: string) => {
  const out: Array<{ segment: string } & NpsPoint> = [];
  for await (const page of countersOfPeriod(window, period)) {
    for (const item of page) {
      const point = toPoint(item);
      if (point.responses > 0) out.push({ segment: String(item.segment), ...point });
    }
  }
  return out.sort((a, b) =>
    a.segment === 'all' ? -1 : b.segment === 'all' ? 1 : a.segment.localeCompare(b.segment),
  );
};
