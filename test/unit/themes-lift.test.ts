import { describe, expect, it } from 'vitest';
import type { ScoreClass } from '../../shared/nps/score.ts';
import { type CommentTerms, liftOf, rankByLift } from '../../shared/themes/lift.ts';

const comment = (scoreClass: ScoreClass, ...terms: string[]): CommentTerms => ({
  scoreClass,
  terms: terms.map((term) => ({ term, written: term })),
});

/** 4 detractor comments, 5 promoter comments, 1 passive one. */
const COMMENTS = [
  comment('detractor', 'slow', 'support'),
  comment('detractor', 'slow', 'price'),
  comment('detractor', 'slow', 'support'),
  comment('detractor', 'price', 'great'),
  comment('promoter', 'support', 'fast'),
  comment('promoter', 'fast'),
  comment('promoter', 'price'),
  comment('promoter', 'great'),
  comment('promoter', 'great'),
  comment('passive', 'slow'),
];

describe('lift: how much more often detractors use a term than promoters', () => {
  it('divides the smoothed shares: add ½ to each count and 1 to each total', () => {
    // 3 of 4 detractors, 0 of 5 promoters: (3.5 / 5) / (0.5 / 6) = 0.7 / 0.08333 = 8.4
    expect(liftOf(3, 4, 0, 5)).toBeCloseTo(8.4, 10);
    // 2 of 4 detractors, 1 of 5 promoters: (2.5 / 5) / (1.5 / 6) = 0.5 / 0.25 = 2
    expect(liftOf(2, 4, 1, 5)).toBeCloseTo(2, 10);
    // A term no promoter uses is finite, and more detractors using it rank it higher.
    expect(liftOf(1, 4, 0, 5)).toBeCloseTo(3.6, 10);
    expect(liftOf(0, 0, 0, 0)).toBe(1);
  });

  it('ranks the terms detractors use more, with the counts behind each figure', () => {
    const ranked = rankByLift(COMMENTS, { minCount: 2, limit: 10 });
    expect(ranked.comments).toEqual({ detractors: 4, passives: 1, promoters: 5 });
    expect(ranked.terms).toEqual([
      {
        term: 'slow',
        lift: 8.4,
        detractors: 3,
        passives: 1,
        promoters: 0,
        detractorShare: 0.75,
        promoterShare: 0,
      },
      // A tie on lift and on detractors: in term order.
      {
        term: 'price',
        lift: 2,
        detractors: 2,
        passives: 0,
        promoters: 1,
        detractorShare: 0.5,
        promoterShare: 0.2,
      },
      {
        term: 'support',
        lift: 2,
        detractors: 2,
        passives: 0,
        promoters: 1,
        detractorShare: 0.5,
        promoterShare: 0.2,
      },
    ]);
  });

  it('leaves out terms below the minimum count, and terms promoters use as much or more', () => {
    expect(rankByLift(COMMENTS, { minCount: 3, limit: 10 }).terms.map((t) => t.term)).toEqual(['slow']);
    // great: 1 of 4 detractors, 2 of 5 promoters: (1.5 / 5) / (2.5 / 6) = 0.72, not above 1.
    const all = rankByLift(COMMENTS, { minCount: 1, limit: 10 }).terms.map((t) => t.term);
    expect(all).toEqual(['slow', 'price', 'support']);
    expect(rankByLift(COMMENTS, { minCount: 1, limit: 1 }).terms.map((t) => t.term)).toEqual(['slow']);
  });

  it('shows a term as most comments wrote it', () => {
    const written = (form: string): CommentTerms => ({
      scoreClass: 'detractor',
      terms: [{ term: '价格', written: form }],
    });
    const ranked = rankByLift([written('價格'), written('價格'), written('价格')], { minCount: 1, limit: 5 });
    expect(ranked.terms.map((t) => [t.term, t.detractors])).toEqual([['價格', 3]]);
  });

  it('finds nothing in no comments', () => {
    expect(rankByLift([], { minCount: 1, limit: 5 })).toEqual({
      comments: { detractors: 0, passives: 0, promoters: 0 },
      terms: [],
    });
  });
});
