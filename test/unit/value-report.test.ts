import { describe, expect, it } from 'vitest';
import { ActivityTally } from '../../shared/value/activity.ts';
import { type Activity, EQUAL_WEIGHTS } from '../../shared/value/loyalty.ts';
import { trailingYear } from '../../shared/value/period.ts';
import {
  bestButNotLoyal,
  computeValue,
  type ValueSettings,
  valueChanged,
} from '../../shared/value/report.ts';

const settings: ValueSettings = { method: 'three-way', weights: EQUAL_WEIGHTS, threshold: 0.8 };
const activity = (purchases: number, products: number, quantity: number, revenueCents: number): Activity => ({
  purchases,
  products,
  quantity,
  revenueCents,
});

describe('the value recompute, as one pure step', () => {
  // Five buyers (distinct on everything: ranks .1 .3 .5 .7 .9) and one customer without purchases.
  // a: big buys rarely (best by revenue, not loyal); b: buys often, widely and much; …
  const facts = [
    { id: 'a', activity: activity(1, 1, 1, 100_000), latestScore: 3 },
    { id: 'b', activity: activity(5, 5, 5, 50_000), latestScore: 9 },
    { id: 'c', activity: activity(4, 4, 4, 40_000), latestScore: 10 },
    { id: 'd', activity: activity(3, 3, 3, 30_000) },
    { id: 'e', activity: activity(2, 2, 2, 20_000), latestScore: 7 },
    { id: 'f', latestScore: 0 },
  ];

  it('classes every customer and keeps F on each', () => {
    const { customers } = computeValue(facts, settings);
    expect(
      customers.map(({ id, value, loyalty, loyaltyIndex }) => ({ id, value, loyalty, loyaltyIndex })),
    ).toEqual([
      // a: ranks .1 .1 .1 .9 → 0.3. Top 1 % of 5 is the first by revenue: a.
      { id: 'a', value: 'best', loyalty: 'not', loyaltyIndex: 0.3 },
      // b: .9 .9 .9 .7 → 0.85; 20 % of 5 is one customer (a), so b is ordinary.
      { id: 'b', value: 'ordinary', loyalty: 'loyal', loyaltyIndex: 0.85 },
      { id: 'c', value: 'ordinary', loyalty: 'not', loyaltyIndex: 0.65 },
      { id: 'd', value: 'ordinary', loyalty: 'not', loyaltyIndex: 0.45 },
      { id: 'e', value: 'ordinary', loyalty: 'not', loyaltyIndex: 0.25 },
      // No purchase in the period: not ranked.
      { id: 'f', value: 'none', loyalty: 'not', loyaltyIndex: 0 },
    ]);
  });

  it('reports the tiers with customers and revenue, empty classes included', () => {
    const { report } = computeValue(facts, settings);
    expect(report).toMatchObject({ customers: 6, buyers: 5, revenueCents: 240_000 });
    expect(report.tiers).toEqual([
      { value: 'best', customers: 1, revenueCents: 100_000 },
      { value: 'secondary', customers: 0, revenueCents: 0 },
      { value: 'ordinary', customers: 4, revenueCents: 140_000 },
      { value: 'none', customers: 1, revenueCents: 0 },
    ]);
  });

  it('fills the value × loyalty matrix with counts and each customer`s latest answer', () => {
    const { report } = computeValue(facts, settings);
    const cell = (value: string, loyalty: string) =>
      report.matrix.find((m) => m.value === value && m.loyalty === loyalty);
    expect(report.matrix).toHaveLength(8);
    expect(cell('best', 'not')).toEqual({
      value: 'best',
      loyalty: 'not',
      customers: 1,
      revenueCents: 100_000,
      promoters: 0,
      passives: 0,
      detractors: 1,
    });
    expect(cell('ordinary', 'loyal')).toMatchObject({
      customers: 1,
      promoters: 1,
      passives: 0,
      detractors: 0,
    });
    // c promoter, d no answer, e passive.
    expect(cell('ordinary', 'not')).toMatchObject({ customers: 3, promoters: 1, passives: 1, detractors: 0 });
    expect(cell('none', 'not')).toMatchObject({ customers: 1, detractors: 1 });
    expect(cell('secondary', 'loyal')).toMatchObject({
      customers: 0,
      promoters: 0,
      passives: 0,
      detractors: 0,
    });
  });

  it('lists the best who are not loyal, highest revenue first', () => {
    const many = [
      { id: 'x1', activity: activity(1, 1, 1, 90_000) },
      { id: 'x2', activity: activity(1, 1, 1, 90_000) },
      { id: 'x3', activity: activity(9, 9, 9, 95_000) },
      ...Array.from({ length: 97 }, (_, i) => ({ id: `o${i}`, activity: activity(2, 2, 2, 100 + i) })),
    ];
    // count-deciles: the top 10 % (10 customers) is d1; x3 buys often and widely: loyal.
    const { customers } = computeValue(many, { ...settings, method: 'count-deciles' });
    expect(bestButNotLoyal(customers, 'count-deciles').map((c) => c.id)).toEqual([
      'x1',
      'x2',
      ...['o96', 'o95', 'o94', 'o93', 'o92', 'o91', 'o90'],
    ]);
  });

  it('classes everyone none when nobody bought in the period', () => {
    const { customers, report } = computeValue([{ id: 'a' }, { id: 'b', latestScore: 9 }], settings);
    expect(customers.map((c) => c.value)).toEqual(['none', 'none']);
    expect(report.buyers).toBe(0);
    expect(report.tiers.at(-1)).toEqual({ value: 'none', customers: 2, revenueCents: 0 });
  });

  it('writes a customer only when value, loyalty or F changed', () => {
    const now = { value: 'best', loyalty: 'not' as const, loyaltyIndex: 0.3 };
    expect(valueChanged({ value: 'best', loyalty: 'not', loyaltyIndex: 0.3 }, now)).toBe(false);
    expect(valueChanged({ value: 'best', loyalty: 'not', loyaltyIndex: 0.31 }, now)).toBe(true);
    expect(valueChanged({}, now)).toBe(true);
  });
});

describe('the period and the tally', () => {
  it('reads the trailing 12 months up to today, in the account`s time zone', () => {
    expect(trailingYear(new Date('2026-12-06T12:00:00Z'), 'UTC')).toEqual({
      from: '2025-12-07',
      to: '2026-12-06',
    });
    expect(trailingYear(new Date('2026-12-31T23:30:00Z'), 'Europe/Paris')).toEqual({
      from: '2026-01-02',
      to: '2027-01-01',
    });
    // A year before 29 February is 28 February.
    expect(trailingYear(new Date('2028-02-29T08:00:00Z'), 'UTC')).toEqual({
      from: '2027-03-01',
      to: '2028-02-29',
    });
    expect(trailingYear(new Date('2026-01-01T00:00:00Z'), 'UTC')).toEqual({
      from: '2025-01-02',
      to: '2026-01-01',
    });
  });

  it('counts purchases, distinct products, quantity and revenue in exact cents per customer', () => {
    const tally = new ActivityTally();
    tally.add([
      { customerId: 'a', amount: 0.1, quantity: 1, productId: 'p1' },
      { customerId: 'a', amount: 0.2, quantity: 2, productId: 'p1' },
      { customerId: 'b', amount: 0.3, quantity: 1, productId: 'p2' },
    ]);
    tally.add([{ customerId: 'a', amount: 19.99, quantity: 3, productId: 'p9' }]);
    expect(Object.fromEntries(tally.result())).toEqual({
      a: { purchases: 3, products: 2, quantity: 6, revenueCents: 2029 },
      b: { purchases: 1, products: 1, quantity: 1, revenueCents: 30 },
    });
  });
});
