import { Z_95 } from '../util/stats.ts';

export type ScoreClass = 'promoter' | 'passive' | 'detractor';

export const MIN_SCORE = 0;
export const MAX_SCORE = 10;

const isScore = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= MIN_SCORE && (value as number) <= MAX_SCORE;

export const SCORE_CLASSES = ['promoter', 'passive', 'detractor'] as const satisfies readonly ScoreClass[];

/** The scores of each class, both ends included. */
export const SCORE_RANGES: Record<ScoreClass, { min: number; max: number }> = {
  promoter: { min: 9, max: MAX_SCORE },
  passive: { min: 7, max: 8 },
  detractor: { min: MIN_SCORE, max: 6 },
};

export const classify = (score: number): ScoreClass => {
  if (!isScore(score)) throw new RangeError(`score must be an integer 0..10, got ${score}`);
  return SCORE_CLASSES.find((c) => score >= SCORE_RANGES[c].min) ?? 'detractor';
};

/** 0–6: the answers that open a case; 7 or more wins the customer back. */
export const isDetractor = (score: number): boolean => classify(score) === 'detractor';

export interface Tally {
  promoters: number;
  passives: number;
  detractors: number;
}

/** A 95 % interval in NPS points, one decimal each end. */
export interface Interval {
  low: number;
  high: number;
}

/** Below this many answers a figure is flagged `lowN`: too few to read (DESIGN.md). */
export const MIN_READABLE_RESPONSES = 30;

export interface NpsFigures extends Tally {
  responses: number;
  /** One decimal, −100..100; null when there are no responses (NPS of nothing is undefined, not 0). */
  nps: number | null;
  /** Half-width of the adjusted-Wald 95 % interval before clipping, one decimal; null with no responses. */
  marginOfError: number | null;
  /** The adjusted-Wald 95 % interval, clipped to −100..100; null with no responses. */
  interval: Interval | null;
  /** Fewer than MIN_READABLE_RESPONSES answers: show the figure, but as too few to read. */
  lowN: boolean;
}

export const oneDecimal = (x: number): number => {
  const rounded = Math.round(x * 10) / 10;
  return Object.is(rounded, -0) ? 0 : rounded;
};

export const tallyScores = (scores: readonly number[]): Tally => {
  const tally: Tally = { promoters: 0, passives: 0, detractors: 0 };
  for (const s of scores) tally[`${classify(s)}s`] += 1;
  return tally;
};

/** The adjusted estimate behind the interval, unrounded, as shares (−1..1), not points. */
export interface AdjustedEstimate {
  /** n' = n + 3 */
  n: number;
  /** p' − d' */
  centre: number;
  /** p' + d' − (p' − d')²: the variance of one answer scored +1, 0, −1. */
  variance: number;
}

/**
 * Adjusted Wald for NPS (MeasuringU, after Rocks 2016): add 3 to n and ¾ to the promoters and to
 * the detractors before taking the shares. The plain Wald interval collapses where it is needed
 * most — it says ±0 for 2 promoters of 2 and ±138.6 for 1 promoter and 1 detractor — while the
 * adjusted one keeps its coverage near 95 % down to a handful of answers.
 */
export const adjustedEstimate = ({ promoters, passives, detractors }: Tally): AdjustedEstimate => {
  const n = promoters + passives + detractors + 3;
  const p = (promoters + 0.75) / n;
  const d = (detractors + 0.75) / n;
  return { n, centre: p - d, variance: p + d - (p - d) ** 2 };
};

const clip = (x: number, bound: number) => Math.min(bound, Math.max(-bound, x));

/**
 * NPS = (P − D) / n × 100, one decimal. Beside it the adjusted-Wald 95 % interval (DESIGN.md):
 * centre (p' − d') × 100, margin of error 1.96 × sqrt((p' + d' − (p' − d')²) / n') × 100 — the
 * half-width before clipping — and the interval centre ± margin clipped to −100..100. The interval
 * is centred on the adjusted shares, not on the NPS itself: 2 promoters of 2 read NPS 100, interval
 * −24.4..100. Both ends are rounded from unrounded values, so they need not be nps ± margin.
 */
export const npsFigures = (tally: Tally): NpsFigures => {
  const { promoters, passives, detractors } = tally;
  const responses = promoters + passives + detractors;
  const lowN = responses < MIN_READABLE_RESPONSES;
  if (responses === 0) {
    return {
      responses,
      promoters,
      passives,
      detractors,
      nps: null,
      marginOfError: null,
      interval: null,
      lowN,
    };
  }
  const { n, centre, variance } = adjustedEstimate(tally);
  const margin = Z_95 * Math.sqrt(variance / n) * 100;
  return {
    responses,
    promoters,
    passives,
    detractors,
    // Integer × 100 first: an exact half (49 of 400 → 12.25) stays exact before rounding.
    nps: oneDecimal(((promoters - detractors) * 100) / responses),
    marginOfError: oneDecimal(margin),
    interval: {
      low: oneDecimal(clip(centre * 100 - margin, 100)),
      high: oneDecimal(clip(centre * 100 + margin, 100)),
    },
    lowN,
  };
};
