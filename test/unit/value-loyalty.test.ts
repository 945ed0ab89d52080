import { describe, expect, it } from 'vitest';
import {
  type Activity,
  EQUAL_WEIGHTS,
  loyaltyClassOf,
  loyaltyIndexes,
  percentileRanks,
} from '../../shared/value/loyalty.ts';

const activity = (purchases: number, products: number, quantity: number, revenueCents: number): Activity => ({
  purchases,
  products,
  quantity,
  revenueCents,
});

describe('percentile rank', () => {
  it('gives ties the middle of the places they hold', () => {
    // Below + half of the equal ones, itself included, over 4.
    expect(percentileRanks([5, 3, 1, 1])).toEqual([0.875, 0.625, 0.25, 0.25]);
  });

  it('puts one customer, or all equal ones, in the middle', () => {
    expect(percentileRanks([7])).toEqual([0.5]);
    expect(percentileRanks([2, 2, 2])).toEqual([0.5, 0.5, 0.5]);
  });

  it('gives the higher of two ¾ and the lower ¼', () => {
    expect(percentileRanks([1, 9])).toEqual([0.25, 0.75]);
  });
});

describe('loyalty index F', () => {
  // Checked by hand: ranks of a, b, c, d among the four, averaged with equal weights.
  const four = [
    activity(5, 3, 10, 50_000), // A: .875 .75 .875 .875 → 0.84375
    activity(3, 3, 4, 20_000), // B: .625 .75 .625 .625 → 0.65625
    activity(1, 1, 1, 10_000), // C: .25 .25 .125 .25 → 0.21875
    activity(1, 1, 2, 10_000), // D: .25 .25 .375 .25 → 0.28125
  ];

  it('is the equally weighted mean of the four percentile ranks, kept to two decimals half up', () => {
    expect(loyaltyIndexes(four, EQUAL_WEIGHTS)).toEqual([0.84, 0.66, 0.22, 0.28]);
  });

  it('weighs the behaviours as configured', () => {
    // Only how often: A's rank of purchases, 0.875, half up to 0.88.
    const often = { purchases: 1, products: 0, quantity: 0, revenue: 0 };
    expect(loyaltyIndexes(four, often)).toEqual([0.88, 0.63, 0.25, 0.25]);
    // Amount counted three times: A (.875×3 + .875 + .75 + .875) / 6 = 0.854…
    expect(loyaltyIndexes(four, { purchases: 1, products: 1, quantity: 1, revenue: 3 })[0]).toBe(0.85);
  });

  it('is ½ for one customer alone, and for customers who all buy alike', () => {
    expect(loyaltyIndexes([activity(4, 2, 9, 1000)], EQUAL_WEIGHTS)).toEqual([0.5]);
    expect(loyaltyIndexes([activity(1, 1, 1, 100), activity(1, 1, 1, 100)], EQUAL_WEIGHTS)).toEqual([
      0.5, 0.5,
    ]);
  });

  it('refuses weights that add up to nothing', () => {
    expect(() => loyaltyIndexes(four, { purchases: 0, products: 0, quantity: 0, revenue: 0 })).toThrow(
      RangeError,
    );
  });

  it('calls a customer loyal at the threshold and above, on the kept figure', () => {
    // Five customers, all different: ranks .1 .3 .5 .7 .9. X is first on a and b, second on c and d.
    const five = [
      activity(5, 5, 4, 400), // X: .9 .9 .7 .7 → 0.80
      activity(4, 4, 5, 500), // Y: .7 .7 .9 .9 → 0.80
      activity(3, 3, 3, 300),
      activity(2, 2, 2, 200),
      activity(1, 1, 1, 100),
    ];
    const f = loyaltyIndexes(five, EQUAL_WEIGHTS);
    expect(f).toEqual([0.8, 0.8, 0.5, 0.3, 0.1]);
    expect(f.map((x) => loyaltyClassOf(x, 0.8))).toEqual(['loyal', 'loyal', 'not', 'not', 'not']);
    expect(loyaltyClassOf(0.79, 0.8)).toBe('not');
  });
});
