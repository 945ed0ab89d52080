import { describe, expect, it } from 'vitest';
import { compareNps, erfc, normalCdf, twoSidedPValue } from '../../shared/nps/compare.ts';
import type { Tally } from '../../shared/nps/score.ts';

const tally = (promoters: number, passives: number, detractors: number): Tally => ({
  promoters,
  passives,
  detractors,
});

/*
 * Reference values: Python 3 with SciPy 1.17 — math.erfc for erfc, scipy.stats.norm.sf for the
 * normal tail — and the comparison computed there independently from the formulas of
 * shared/nps/compare.ts (adjusted Wald per side, variances summed, two-sided normal p-value).
 */
describe('erfc and the normal distribution', () => {
  it.each([
    [0, 1],
    [0.1, 0.8875370839817152],
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [3, 2.2090496998585438e-5],
    [4, 1.541725790028002e-8],
    [6, 2.1519736712498916e-17],
    [-1, 1.842700792949715],
  ])('erfc(%d) is within 1.2e-7 of the reference, relatively', (x, reference) => {
    expect(Math.abs(erfc(x) - reference) / reference).toBeLessThan(1.2e-7);
  });

  it.each([
    [0, 1],
    [1, 0.31731050786291415],
    [1.959963984540054, 0.05],
    [2.5, 0.012419330651552265],
    [4, 6.334248366623973e-5],
    [8, 1.244192114854348e-15],
  ])('gives the two-sided p-value of z = %d (and of −z)', (z, reference) => {
    expect(Math.abs(twoSidedPValue(z) - reference) / reference).toBeLessThan(1.2e-7);
    expect(twoSidedPValue(-z)).toBe(twoSidedPValue(z));
  });

  it('is the standard normal distribution function', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7);
    expect(normalCdf(1.959963984540054)).toBeCloseTo(0.975, 7);
    expect(normalCdf(-1.959963984540054)).toBeCloseTo(0.025, 7);
  });
});

describe('compareNps', () => {
  it('finds a 30-point rise on 100 answers each real', () => {
    // subject 60 / 25 / 15: n' = 103, centre (60.75 − 15.75) / 103 = 0.436893, variance 0.551843
    // baseline 45 / 25 / 30: n' = 103, centre (45.75 − 30.75) / 103 = 0.145631, variance 0.721510
    // SE = sqrt(0.551843 / 103 + 0.721510 / 103) = 0.111187; adjusted difference 0.291262
    // interval 29.126 ± 1.96 × 11.1187 = 29.126 ± 21.793; z = 0.291262 / 0.111187 = 2.6196; p = 0.0088043
    const { subject, baseline, difference } = compareNps(tally(60, 25, 15), tally(45, 25, 30));
    expect(subject.nps).toBe(45);
    expect(baseline.nps).toBe(15);
    expect(difference).toEqual({
      nps: 30,
      marginOfError: 21.8,
      interval: { low: 7.3, high: 50.9 },
      z: 2.62,
      pValue: 0.008804,
      significant: true,
    });
  });

  it('does not call a 6-point fall on ~1,160 answers each real: p just above 0.05', () => {
    // The design's worked example against a later period of 1162 answers, 330 / 470 / 362.
    // centres −0.089270 and −0.027468 (n' = 1165 both), variances 0.582160 and 0.594524:
    // SE = 0.031781; difference −6.180 ± 6.229; z = −1.9446; p = 0.051818
    const { subject, baseline, difference } = compareNps(tally(291, 476, 395), tally(330, 470, 362));
    expect(subject.nps).toBe(-9);
    expect(baseline.nps).toBe(-2.8); // −32 / 1162 = −2.754
    expect(difference).toEqual({
      nps: -6.2,
      marginOfError: 6.2,
      // the upper end is +0.049, rounded to 0: the interval nearly leaves out 0, and p is just above 0.05
      interval: { low: -12.4, high: 0 },
      z: -1.94,
      pValue: 0.05182,
      significant: false,
    });
  });

  it('sees nothing in 2 answers against 2', () => {
    // 2 promoters of 2 (centre 0.4, variance 0.54, n' 5) against 1 promoter and 1 detractor
    // (centre 0, variance 0.7, n' 5): SE = sqrt(0.248) = 0.497996; z = 0.80322; p = 0.42185
    const { difference } = compareNps(tally(2, 0, 0), tally(1, 0, 1));
    expect(difference).toEqual({
      nps: 100,
      marginOfError: 97.6,
      interval: { low: -57.6, high: 137.6 },
      z: 0.8,
      pValue: 0.4218,
      significant: false,
    });
  });

  it('clips the interval of the difference to 200 and keeps a tiny p-value readable', () => {
    // 40 promoters of 40 against 40 detractors of 40: centres ±0.930233, variance 0.099784 each, n' 43
    // SE = 0.068126; difference 186.047 ± 13.353; z = 27.309; p = 3.2867e-164
    const { difference } = compareNps(tally(40, 0, 0), tally(0, 0, 40));
    expect(difference).toEqual({
      nps: 200,
      marginOfError: 13.4,
      interval: { low: 172.7, high: 199.4 },
      z: 27.31,
      pValue: 3.287e-164,
      significant: true,
    });
  });

  it('has no difference when a side has no answers', () => {
    const { subject, baseline, difference } = compareNps(tally(3, 1, 0), tally(0, 0, 0));
    expect(subject.nps).toBe(75);
    expect(baseline.nps).toBeNull();
    expect(difference).toEqual({
      nps: null,
      marginOfError: null,
      interval: null,
      z: null,
      pValue: null,
      significant: false,
    });
  });
});
