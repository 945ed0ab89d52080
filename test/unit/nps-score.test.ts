import { describe, expect, it } from 'vitest';
import {
  classify,
  MIN_READABLE_RESPONSES,
  npsFigures,
  SCORE_CLASSES,
  SCORE_RANGES,
  tallyScores,
} from '../../shared/nps/score.ts';

describe('classify', () => {
  it.each([
    [0, 'detractor'],
    [6, 'detractor'],
    [7, 'passive'],
    [8, 'passive'],
    [9, 'promoter'],
    [10, 'promoter'],
  ] as const)('scores %i as %s', (score, expected) => {
    expect(classify(score)).toBe(expected);
  });

  it.each([-1, 11, 6.5, Number.NaN])('rejects %s', (score) => {
    expect(() => classify(score)).toThrow(RangeError);
  });

  it('has class ranges (the listing filter) that hold every score 0–10 once, in its own class', () => {
    for (let score = 0; score <= 10; score++) {
      const holding = SCORE_CLASSES.filter(
        (c) => score >= SCORE_RANGES[c].min && score <= SCORE_RANGES[c].max,
      );
      expect(holding, String(score)).toEqual([classify(score)]);
    }
  });
});

describe('npsFigures', () => {
  it('has no NPS, margin nor interval for an empty set, and flags it as too few', () => {
    expect(npsFigures(tallyScores([]))).toEqual({
      responses: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      marginOfError: null,
      interval: null,
      lowN: true,
    });
  });

  it('is -100 when everyone detracts', () => {
    expect(npsFigures(tallyScores([0, 3, 6])).nps).toBe(-100);
  });

  it('counts passives in the denominator only', () => {
    // 1 promoter, 2 passives, 1 detractor → (1 − 1) / 4 = 0
    expect(npsFigures(tallyScores([9, 7, 8, 6])).nps).toBe(0);
  });

  it('rounds NPS to one decimal', () => {
    // 1 promoter of 3 → 33.333…
    expect(npsFigures(tallyScores([10, 7, 8])).nps).toBe(33.3);
  });

  it('rounds an exact half of NPS up', () => {
    // 49 net promoters of 400 → 12.25 exactly
    expect(npsFigures({ promoters: 49, passives: 351, detractors: 0 }).nps).toBe(12.3);
  });

  /*
   * Adjusted Wald (DESIGN.md): n' = n + 3, p' = (P + 0.75) / n', d' = (D + 0.75) / n',
   * centre (p' − d') × 100, margin 1.96 × sqrt((p' + d' − (p' − d')²) / n') × 100.
   * Every expected value below was worked by hand and checked with python3 (float arithmetic).
   */
  it('gives the worked example of the design: n = 1162, P = 291, D = 395', () => {
    // n' = 1165, p' = 291.75 / 1165 = 0.250429, d' = 395.75 / 1165 = 0.339700
    // centre −8.9270, variance 0.590129 − 0.0079692 = 0.582160, margin 1.96 × 0.022354 × 100 = 4.3814
    const f = npsFigures({ promoters: 291, passives: 476, detractors: 395 });
    expect(f).toEqual({
      responses: 1162,
      promoters: 291,
      passives: 476,
      detractors: 395,
      nps: -9, // −104 / 1162 = −8.9501
      marginOfError: 4.4,
      interval: { low: -13.3, high: -4.5 }, // −8.9270 ∓ 4.3814: centre −8.9 ± 4.4
      lowN: false,
    });
  });

  it('gives 2 promoters of 2 a wide interval, not ±0, clipped at 100', () => {
    // n' = 5, p' = 0.55, d' = 0.15: centre 40, variance 0.7 − 0.16 = 0.54, margin 1.96 × sqrt(0.108) × 100 = 64.412
    const f = npsFigures({ promoters: 2, passives: 0, detractors: 0 });
    expect(f.nps).toBe(100);
    expect(f.marginOfError).toBe(64.4);
    expect(f.interval).toEqual({ low: -24.4, high: 100 }); // 40 + 64.4 = 104.4, clipped
    expect(f.lowN).toBe(true);
  });

  it('gives 1 promoter and 1 detractor ±73.3, not ±138.6', () => {
    // n' = 5, p' = d' = 0.35: centre 0, variance 0.7, margin 1.96 × sqrt(0.14) × 100 = 73.336
    const f = npsFigures({ promoters: 1, passives: 0, detractors: 1 });
    expect(f.nps).toBe(0);
    expect(f.marginOfError).toBe(73.3);
    expect(f.interval).toEqual({ low: -73.3, high: 73.3 });
  });

  it('clips the low end at -100 and keeps the unclipped half-width as the margin', () => {
    // 3 detractors of 3: n' = 6, p' = 0.125, d' = 0.625: centre −50,
    // variance 0.75 − 0.25 = 0.5, margin 1.96 × sqrt(0.5 / 6) × 100 = 56.580
    const f = npsFigures({ promoters: 0, passives: 0, detractors: 3 });
    expect(f.nps).toBe(-100);
    expect(f.marginOfError).toBe(56.6);
    expect(f.interval).toEqual({ low: -100, high: 6.6 });
  });

  it('centres the interval on the adjusted shares, pulled towards 0', () => {
    // 50 / 25 / 25 of 100: n' = 103, p' = 0.492718, d' = 0.250000 (25.75 / 103):
    // centre 24.272, variance 0.742718 − 0.058912 = 0.683806, margin 1.96 × sqrt(0.683806 / 103) × 100 = 15.970
    const f = npsFigures({ promoters: 50, passives: 25, detractors: 25 });
    expect(f.nps).toBe(25);
    expect(f.marginOfError).toBe(16);
    expect(f.interval).toEqual({ low: 8.3, high: 40.2 });
  });

  it.each([
    // 29 promoters of 29: n' = 32, p' = 29.75 / 32, d' = 0.75 / 32: centre 90.625, margin 12.581
    [29, true, { low: 78, high: 100 }, 12.6],
    // 30 promoters of 30: n' = 33: centre 90.909, margin 12.212
    [30, false, { low: 78.7, high: 100 }, 12.2],
  ])('flags %i answers as lowN = %s (too few to read below 30)', (n, lowN, interval, margin) => {
    const f = npsFigures({ promoters: n, passives: 0, detractors: 0 });
    expect(MIN_READABLE_RESPONSES).toBe(30);
    expect(f.lowN).toBe(lowN);
    expect(f.interval).toEqual(interval);
    expect(f.marginOfError).toBe(margin);
  });

  it('shrinks the margin as responses grow', () => {
    const small = npsFigures({ promoters: 5, passives: 3, detractors: 2 });
    const large = npsFigures({ promoters: 500, passives: 300, detractors: 200 });
    expect(small.nps).toBe(large.nps);
    // 10 answers: ±42.1 around 23.1; 1000 answers: ±4.8 around 29.9
    expect(small.marginOfError).toBe(42.1);
    expect(large.marginOfError).toBe(4.8);
  });
});
