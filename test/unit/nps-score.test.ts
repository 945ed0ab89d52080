import { describe, expect, it } from 'vitest';
import { classify, npsFigures, tallyScores } from '../../shared/nps/score.ts';

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
});

describe('npsFigures', () => {
  it('has no NPS and no margin for an empty set', () => {
    expect(npsFigures(tallyScores([]))).toEqual({
      responses: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
      nps: null,
      marginOfError: null,
    });
  });

  it('is 100 with no margin when everyone promotes', () => {
    const f = npsFigures(tallyScores([9, 10, 10, 9]));
    expect(f.nps).toBe(100);
    expect(f.marginOfError).toBe(0);
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

  it('computes the 95 % margin of error from the promoter and detractor shares', () => {
    // p = 0.5, d = 0.25, n = 100: 1.96 × sqrt((0.75 − 0.0625) / 100) × 100 = 16.25…
    const f = npsFigures({ promoters: 50, passives: 25, detractors: 25 });
    expect(f.nps).toBe(25);
    expect(f.marginOfError).toBe(16.3);
  });

  it('shrinks the margin as responses grow', () => {
    const small = npsFigures({ promoters: 5, passives: 3, detractors: 2 });
    const large = npsFigures({ promoters: 500, passives: 300, detractors: 200 });
    expect(small.nps).toBe(large.nps);
    expect(large.marginOfError).toBeLessThan(small.marginOfError ?? 0);
  });
});
