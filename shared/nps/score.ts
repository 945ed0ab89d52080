export type ScoreClass = 'promoter' | 'passive' | 'detractor';

export const MIN_SCORE = 0;
export const MAX_SCORE = 10;

const isScore = (value: unknown): value is number =>
  Number.isInteger(value) && (value as number) >= MIN_SCORE && (value as number) <= MAX_SCORE;

export const classify = (score: number): ScoreClass => {
  if (!isScore(score)) throw new RangeError(`score must be an integer 0..10, got ${score}`);
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
};

/** 0–6: the answers that open a case; 7 or more wins the customer back. */
export const isDetractor = (score: number): boolean => classify(score) === 'detractor';

export interface Tally {
  promoters: number;
  passives: number;
  detractors: number;
}

export interface NpsFigures extends Tally {
  responses: number;
  /** One decimal, −100..100; null when there are no responses (NPS of nothing is undefined, not 0). */
  nps: number | null;
  /** 95 % margin of error in NPS points, one decimal; null when there are no responses. */
  marginOfError: number | null;
}

const oneDecimal = (x: number): number => {
  const rounded = Math.round(x * 10) / 10;
  return Object.is(rounded, -0) ? 0 : rounded;
};

export const tallyScores = (scores: readonly number[]): Tally => {
  const tally: Tally = { promoters: 0, passives: 0, detractors: 0 };
  for (const s of scores) tally[`${classify(s)}s`] += 1;
  return tally;
};

/**
 * NPS = (p − d) / n × 100; margin of error (95 %) = 1.96 × sqrt((p + d − (p − d)²) / n) × 100
 * with p, d the promoter and detractor shares — the variance of a variable taking +1, 0, −1.
 */
export const npsFigures = ({ promoters, passives, detractors }: Tally): NpsFigures => {
  const responses = promoters + passives + detractors;
  if (responses === 0) return { responses, promoters, passives, detractors, nps: null, marginOfError: null };
  const p = promoters / responses;
  const d = detractors / responses;
  const variance = Math.max(0, p + d - (p - d) ** 2);
  return {
    responses,
    promoters,
    passives,
    detractors,
    nps: oneDecimal((p - d) * 100),
    marginOfError: oneDecimal(1.96 * Math.sqrt(variance / responses) * 100),
  };
};
