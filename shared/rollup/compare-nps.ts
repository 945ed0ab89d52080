import { ValidationError } from '../errors.ts';
import { compareNps, type NpsComparison, type NpsDifference } from '../nps/compare.ts';
import type { NpsFigures, Tally } from '../nps/score.ts';
import { type LocalDate, parseLocalDate, periodOfDate } from '../nps/windows.ts';
import { npsSeries, type PeriodRange, periodRange } from './read-nps.ts';

/** What a segment's figure over a date range is held against. */
export const AGAINST = ['previous', 'rest'] as const;
export type Against = (typeof AGAINST)[number];

export const parseAgainst = (value: string | undefined): Against => {
  if (!AGAINST.includes(value as Against)) {
    throw new ValidationError(
      'against must be previous (the same-length range just before) or rest (every answer outside the segment)',
      'invalid_against',
    );
  }
  return value as Against;
};

/** One side of a comparison: whose answers, over which dates (inclusive, account time zone). */
export interface ComparedSide extends NpsFigures {
  segment: string;
  /** The segment left out of `segment` (against=rest: everyone but it). */
  excluding?: string;
  from: string;
  to: string;
}

export interface NpsComparisonResult {
  segment: string;
  against: Against;
  subject: ComparedSide;
  baseline: ComparedSide;
  difference: NpsDifference;
  /** The comparison in one plain sentence, for a reader who does not read p-values. */
  summary: string;
}

const DAY_MS = 86_400_000;
const dayNumber = ({ year, month, day }: LocalDate) => Date.UTC(year, month - 1, day) / DAY_MS;
const dateOfDayNumber = (n: number): string => {
  const d = new Date(n * DAY_MS);
  return periodOfDate('day', { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() });
};
const localDateOf = (key: string): LocalDate => {
  const date = parseLocalDate(key);
  if (!date) throw new Error(`not a day period key: ${key}`);
  return date;
};

/** The first day a query date may name (shared/api/date-range.ts); no answer is older. */
const FIRST_DAY = dayNumber({ year: 1970, month: 1, day: 1 });

/**
 * The range of the same number of days that ends the day before `range` begins. One that would
 * start before 1970 is refused: its day keys would stop sorting as dates (years of three digits).
 */
export const previousRange = (range: PeriodRange): PeriodRange => {
  const from = dayNumber(localDateOf(range.from));
  const days = dayNumber(localDateOf(range.to)) - from + 1;
  if (from - days < FIRST_DAY) {
    throw new ValidationError('the range before from..to would start before 1970', 'invalid_date');
  }
  return { from: dateOfDayNumber(from - days), to: dateOfDayNumber(from - 1) };
};

/**
 * A segment's answers over a range of days, summed from its day counters: one key-range query,
 * never a scan of answers. Days and not months, because a range may start and end anywhere.
 */
const tallyOver = async (segment: string, range: PeriodRange): Promise<Tally> => {
  const tally: Tally = { promoters: 0, passives: 0, detractors: 0 };
  for (const point of await npsSeries(segment, 'day', range)) {
    tally.promoters += point.promoters;
    tally.passives += point.passives;
    tally.detractors += point.detractors;
  }
  return tally;
};

/**
 * Everyone outside the segment: `all` less the segment, class by class. A segment counts an answer
 * at most once and only answers that `all` counts (a multi-valued attribute puts an answer in
 * several segments, but each of them is still a subset of `all`), so the difference is exactly the
 * answers outside it. The two counters are written by separate updates, so a read between them can
 * see the segment ahead of `all`; a class never goes below zero for that.
 */
const rest = (all: Tally, segment: Tally): Tally => ({
  promoters: Math.max(0, all.promoters - segment.promoters),
  passives: Math.max(0, all.passives - segment.passives),
  detractors: Math.max(0, all.detractors - segment.detractors),
});

const figure = ({ nps, responses }: NpsFigures) =>
  `${nps === null ? 'no NPS' : `NPS ${nps.toFixed(1)}`} on ${responses} answer${responses === 1 ? '' : 's'}`;

/** The comparison as a manager would say it: both figures, the difference, and whether it is real. */
const sentence = ({
  subject,
  baseline,
  difference,
  against,
}: Omit<NpsComparisonResult, 'summary'>): string => {
  const other =
    against === 'previous' ? `${baseline.from} to ${baseline.to}` : 'everyone else over the same days';
  const head = `${subject.segment} from ${subject.from} to ${subject.to}: ${figure(subject)}; ${other}: ${figure(baseline)}.`;
  if (difference.nps === null || difference.interval === null || difference.pValue === null) {
    return `${head} With no answers on one side there is nothing to compare.`;
  }
  const { low, high } = difference.interval;
  const verdict = difference.significant
    ? 'more than chance would explain at the 5 % level'
    : 'no more than chance could explain at the 5 % level';
  const few = subject.lowN || baseline.lowN ? ' Fewer than 30 answers on a side are too few to read.' : '';
  return `${head} A difference of ${difference.nps.toFixed(1)} points (95 % interval ${low.toFixed(1)} to ${high.toFixed(1)}, p = ${difference.pValue}): ${verdict}.${few}`;
};

/**
 * `GET /api/nps/compare`: a segment's NPS over a date range (inclusive, in the account's time zone;
 * the defaults of /api/nps) against the same segment over the same number of days just before it
 * (`previous`), or against every answer outside the segment over the same days (`rest`), with the
 * significance of the difference (shared/nps/compare.ts).
 */
export const compareSegment = async (
  segment: string,
  against: Against,
  dates: { from: string | undefined; to: string | undefined },
  timeZone: string,
): Promise<NpsComparisonResult> => {
  if (against === 'rest' && segment === 'all') {
    throw new ValidationError('all has no rest to compare against; name a segment', 'invalid_against');
  }
  const range = periodRange('day', dates.from, dates.to, timeZone);
  const baselineRange = against === 'previous' ? previousRange(range) : range;
  const [subjectTally, otherTally] = await Promise.all([
    tallyOver(segment, range),
    tallyOver(against === 'previous' ? segment : 'all', baselineRange),
  ]);
  const baselineTally = against === 'previous' ? otherTally : rest(otherTally, subjectTally);
  const { subject, baseline, difference }: NpsComparison = compareNps(subjectTally, baselineTally);
  const result = {
    segment,
    against,
    subject: { segment, ...range, ...subject },
    baseline:
      against === 'previous'
        ? { segment, ...baselineRange, ...baseline }
        : { segment: 'all', excluding: segment, ...range, ...baseline },
    difference,
  };
  return { ...result, summary: sentence(result) };
};
