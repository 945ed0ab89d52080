import { parseDayRange, parseQueryDate } from '../api/date-range.ts';
import { config } from '../config.ts';
import { classify, type NpsFigures, npsFigures, type Tally } from '../nps/score.ts';
import { responseFilterOf } from '../nps/segments.ts';
import { localDate, periodOfDate, type Window } from '../nps/windows.ts';
import { type NpsPoint, npsSeries, periodRange } from '../rollup/read-nps.ts';
import { responsesUpTo } from '../store/responses.ts';
import { getThemeDefinitions } from '../store/themes.ts';
import { mapLimit } from '../util/concurrency.ts';
import { type ClassCounts, type LiftOptions, rankByLift, SMOOTHING, type TermLift } from './lift.ts';
import { termsOf } from './terms.ts';

/**
 * The most answers one request reads (before the segment filter). The listing is newest first, so
 * a range holding more is answered over its newest answers, and says so (`complete: false`, and
 * from when on it covered them): lift over the latest few thousand comments is a fair reading of
 * what detractors say now, where a partial sum of counts would not be.
 */
export const MAX_THEME_ANSWERS = 5000;

const THEME_QUERY_CONCURRENCY = 8;

export interface ThemesQuery extends LiftOptions {
  segment: string;
  window: Window;
  from?: string | undefined;
  to?: string | undefined;
}

export interface TermsReport {
  /** Answers read in the segment and date range, and those with a comment, per class. */
  answers: number;
  comments: ClassCounts;
  /** False when the range held more than MAX_THEME_ANSWERS: the terms cover `oldestRead` onwards. */
  complete: boolean;
  /** When the oldest answer read was recorded (null: none was). */
  oldestRead: string | null;
  minCount: number;
  smoothing: number;
  top: TermLift[];
}

export interface ThemeFigures {
  name: string;
  keywords: readonly string[];
  segment: string;
  /** The rollup's counts over every period of the range, with NPS; null when themes are not rolled up. */
  total: NpsFigures | null;
  points: NpsPoint[];
}

const DAY = (d: { year: number; month: number; day: number }) => periodOfDate('day', d);

/** `from`/`to` as /api/nps reads them: `to` defaults to today, `from` to a year before `to`. */
const dateRange = (from: string | undefined, to: string | undefined, timeZone: string, now: Date) => {
  const toDate = parseQueryDate('to', to) ?? localDate(now, timeZone);
  // Through Date.UTC, so that a year before 29 February is 1 March.
  const fromDate =
    parseQueryDate('from', from) ??
    localDate(new Date(Date.UTC(toDate.year - 1, toDate.month - 1, toDate.day)), 'UTC');
  return { from: DAY(fromDate), to: DAY(toDate) };
};

const sumTallies = (points: readonly Tally[]): Tally =>
  points.reduce(
    (sum, p) => ({
      promoters: sum.promoters + p.promoters,
      passives: sum.passives + p.passives,
      detractors: sum.detractors + p.detractors,
    }),
    { promoters: 0, passives: 0, detractors: 0 },
  );

/**
 * What detractors talk about, in one segment and date range:
 * - `terms`: the words of the answers' comments ranked by lift (themes/lift.ts), read through the
 *   responses listing (by answer time, newest first, at most MAX_THEME_ANSWERS) — never a scan;
 * - `themes`: each user-defined theme's counts per class and NPS from the rollup's `theme:<name>`
 *   segments, in the window periods of the range (as /api/nps). The rollup does not cross themes
 *   with other segments, so these figures are over all answers, whatever `segment` is.
 * Nothing is stored: the terms are computed from the answers on each request, so an erased
 * customer's comment is gone from them with the answer.
 */
export const themesReport = async (query: ThemesQuery, now = new Date(), maxAnswers = MAX_THEME_ANSWERS) => {
  const { TIME_ZONE: timeZone, SEGMENT_DIMENSIONS: dimensions } = config();
  const dates = dateRange(query.from, query.to, timeZone, now);
  const { since, until } = parseDayRange(dates, timeZone);
  const periods = periodRange(query.window, dates.from, dates.to, timeZone);
  const [read, definitions] = await Promise.all([
    responsesUpTo({ filter: responseFilterOf(query.segment), since, until }, maxAnswers),
    getThemeDefinitions(),
  ]);

  const commented = read.items.filter((r) => r.comment !== undefined && r.comment.trim() !== '');
  const ranked = rankByLift(
    commented.map((r) => ({ scoreClass: classify(r.score), terms: termsOf(r.comment ?? '') })),
    query,
  );
  const terms: TermsReport = {
    answers: read.items.length,
    comments: ranked.comments,
    complete: read.complete,
    oldestRead: read.items.at(-1)?.respondedAt ?? null,
    minCount: query.minCount,
    smoothing: SMOOTHING,
    top: ranked.terms,
  };

  const rolledUp = dimensions.includes('theme');
  // One key-range query per theme (up to 50), a few at a time.
  const themes: ThemeFigures[] = await mapLimit(
    definitions.themes,
    THEME_QUERY_CONCURRENCY,
    async ({ name, keywords }) => {
      const segment = `theme:${name}`;
      const points = rolledUp ? await npsSeries(segment, query.window, periods) : [];
      return { name, keywords, segment, total: rolledUp ? npsFigures(sumTallies(points)) : null, points };
    },
  );
  return { segment: query.segment, window: query.window, ...dates, terms, themes };
};
