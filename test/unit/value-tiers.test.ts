import { describe, expect, it } from 'vitest';
import {
  assignValueClasses,
  topValueClass,
  VALUE_TIER_METHOD_NAMES,
  type ValueTierMethod,
  valueClasses,
} from '../../shared/value/tiers.ts';

/** Revenues n, n−1, …, 1 (cents): n customers, all different, highest first. */
const descending = (n: number) => Array.from({ length: n }, (_, i) => n - i);

const counts = (classes: string[]) =>
  classes.reduce<Record<string, number>>((acc, c) => {
    acc[c] = (acc[c] ?? 0) + 1;
    return acc;
  }, {});

describe('value tiers by customer share', () => {
  it('splits 200 customers three ways: 1 % best, to 20 % secondary, the rest ordinary', () => {
    expect(counts(assignValueClasses(descending(200), 'three-way'))).toEqual({
      best: 2,
      secondary: 38,
      ordinary: 160,
    });
    const classes = assignValueClasses(descending(200), 'three-way');
    expect(classes.slice(0, 3)).toEqual(['best', 'best', 'secondary']);
    expect(classes[39]).toBe('secondary');
    expect(classes[40]).toBe('ordinary');
  });

  it('splits 200 customers four ways on the cumulative reading: 1 %, to 10 %, to 60 %, the last 40 %', () => {
    expect(counts(assignValueClasses(descending(200), 'four-way'))).toEqual({
      best: 2,
      major: 18,
      ordinary: 100,
      small: 80,
    });
  });

  it('counts the customer who straddles a boundary in the class above it (rounded up)', () => {
    // The top 1 % of 50 customers is half a customer: the first one (nobody above it: 0 % < 1 %).
    const classes = assignValueClasses(descending(50), 'three-way');
    expect(counts(classes)).toEqual({ best: 1, secondary: 9, ordinary: 40 });
    // 20 % of 7 is 1.4 customers: two in the top 20 %, the first of them best.
    expect(assignValueClasses(descending(7), 'three-way')).toEqual([
      'best',
      'secondary',
      'ordinary',
      'ordinary',
      'ordinary',
      'ordinary',
      'ordinary',
    ]);
  });

  it('never splits a tie: a tied group straddling a boundary goes down whole', () => {
    // Two customers tied first among 100: the second has 1 of 100 above it, not less than 1 %.
    const revenues = [1000, 1000, ...descending(98)];
    const classes = assignValueClasses(revenues, 'three-way');
    expect(classes.slice(0, 2)).toEqual(['secondary', 'secondary']);
    expect(counts(classes)).toEqual({ secondary: 20, ordinary: 80 });
    // A tie across the 20 % line of 10 customers: places 2 and 3 tie, so both leave the top 20 %.
    expect(assignValueClasses([90, 80, 70, 70, 50, 40, 30, 20, 10, 5], 'three-way').slice(0, 4)).toEqual([
      'best',
      'secondary',
      'ordinary',
      'ordinary',
    ]);
  });

  it.each(VALUE_TIER_METHOD_NAMES)('%s: equal revenue is always the same class', (method) => {
    // 300 customers on 7 revenue levels, in a scrambled order.
    const revenues = Array.from({ length: 300 }, (_, i) => ((i * 37) % 7) * 1000 + 500);
    const classes = assignValueClasses(revenues, method);
    const byRevenue = new Map<number, Set<string>>();
    revenues.forEach((r, i) => {
      byRevenue.set(r, (byRevenue.get(r) ?? new Set()).add(classes[i] as string));
    });
    for (const [revenue, seen] of byRevenue) expect([...seen], `revenue ${revenue}`).toHaveLength(1);
  });

  it('puts one customer alone in the top class of every method', () => {
    const top: Record<ValueTierMethod, string> = {
      'three-way': 'best',
      'four-way': 'best',
      'revenue-deciles': 'd1',
      'count-deciles': 'd1',
    };
    for (const method of VALUE_TIER_METHOD_NAMES) {
      expect(assignValueClasses([12_345], method)).toEqual([top[method]]);
      expect(topValueClass(method)).toBe(top[method]);
    }
  });

  it('puts customers of all equal revenue where the last of them starts', () => {
    const five = [500, 500, 500, 500, 500];
    // 4 of 5 customers (80 %) are above the last one.
    expect(assignValueClasses(five, 'three-way')).toEqual(Array(5).fill('ordinary'));
    expect(assignValueClasses(five, 'four-way')).toEqual(Array(5).fill('small'));
    expect(assignValueClasses(five, 'count-deciles')).toEqual(Array(5).fill('d9'));
    expect(assignValueClasses(five, 'revenue-deciles')).toEqual(Array(5).fill('d9'));
  });

  it('ranks nobody when nobody bought: no classes at all', () => {
    for (const method of VALUE_TIER_METHOD_NAMES) expect(assignValueClasses([], method)).toEqual([]);
  });

  it('lists each method`s classes best first, then none', () => {
    expect(valueClasses('three-way')).toEqual(['best', 'secondary', 'ordinary', 'none']);
    expect(valueClasses('four-way')).toEqual(['best', 'major', 'ordinary', 'small', 'none']);
    expect(valueClasses('count-deciles')).toEqual([
      'd1',
      'd2',
      'd3',
      'd4',
      'd5',
      'd6',
      'd7',
      'd8',
      'd9',
      'd10',
      'none',
    ]);
  });
});

describe('value tiers by revenue share', () => {
  it('gives each decile about a tenth of revenue: few customers in d1, many in d10', () => {
    // Total 100: A holds half of it, so after A nobody starts before 50 %.
    const revenues = [50, 20, 10, 10, 5, 5];
    expect(assignValueClasses(revenues, 'revenue-deciles')).toEqual(['d1', 'd6', 'd9', 'd9', 'd10', 'd10']);
  });

  it('follows the revenue, not the head count: 10 customers holding 90 % and 90 holding 10 %', () => {
    const revenues = [...Array(10).fill(900), ...Array(90).fill(11)];
    const classes = assignValueClasses(revenues, 'revenue-deciles');
    // 9,000 of 9,990 cents: the ten tie, the last of them starts at 8,100 (81.1 %): d9.
    expect(counts(classes)).toEqual({ d9: 10, d10: 90 });
    expect(counts(assignValueClasses(revenues, 'count-deciles'))).toEqual({ d1: 10, d10: 90 });
  });

  it('splits by customer count in count-deciles: 20 different customers, two a decile', () => {
    expect(counts(assignValueClasses(descending(20), 'count-deciles'))).toEqual(
      Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`d${i + 1}`, 2])),
    );
  });

  it('puts customers whose purchases add up to nothing in the last class', () => {
    expect(assignValueClasses([100, 0, 0], 'revenue-deciles')).toEqual(['d1', 'd10', 'd10']);
    expect(assignValueClasses([0, 0], 'revenue-deciles')).toEqual(['d10', 'd10']);
    expect(assignValueClasses([100, 0, 0], 'three-way')).toEqual(['best', 'ordinary', 'ordinary']);
  });

  it('compares sums in cents exactly, however they were added up', () => {
    // 10 + 20 cents and 30 cents: one tie, as 0.1 + 0.2 and 0.3 would not be in floating point.
    expect(assignValueClasses([10 + 20, 30], 'three-way')).toEqual(['ordinary', 'ordinary']);
  });
});
