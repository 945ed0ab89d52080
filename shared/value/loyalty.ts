/**
 * The loyalty index F = G(a, b, c, d): loyalty as behaviour — how often, how widely, how much a
 * customer buys — over the trailing 12 months. Pure.
 *
 * a = purchases, b = distinct products, c = total quantity, d = total amount. Each is normalized by
 * its percentile rank among the customers who bought something in the period, with ties sharing
 * the middle of the places they hold (the textbook "mid-rank" percentile rank):
 *
 *   PR(x) = (customers below x + ½ × customers equal to x, itself included) / customers
 *
 * so PR is in (0, 1): the only customer, or customers all equal, sit at ½; of two, the higher is ¾
 * and the lower ¼; the highest of n distinct values is 1 − 1/(2n). Ties never favour anyone.
 * F is the weighted mean of the four ranks (weights config LOYALTY_WEIGHTS, equal by default), kept
 * to two decimals (half up) on the customer, and the customer is `loyal` when the kept F is at or
 * above LOYALTY_THRESHOLD (0.8 by default) — compared on the kept figure, so the customer record
 * always explains its class. Customers without a purchase in the period are not ranked: F = 0, `not`.
 */

export const LOYALTY_CLASSES = ['loyal', 'not'] as const;
export type LoyaltyClass = (typeof LOYALTY_CLASSES)[number];

/** What a customer did in the period: the four behaviours, and revenue in cents for the tiers. */
export interface Activity {
  /** a: purchases */
  purchases: number;
  /** b: distinct products */
  products: number;
  /** c: total quantity */
  quantity: number;
  /** d: total amount, in cents */
  revenueCents: number;
}

export interface LoyaltyWeights {
  purchases: number;
  products: number;
  quantity: number;
  revenue: number;
}

export const EQUAL_WEIGHTS: LoyaltyWeights = { purchases: 1, products: 1, quantity: 1, revenue: 1 };

/** Mid-rank percentile rank of each value among all of them (same order as given). */
export const percentileRanks = (values: readonly number[]): number[] => {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (values[a] as number) - (values[b] as number),
  );
  const ranks: number[] = new Array(n);
  for (let start = 0; start < n; ) {
    const value = values[order[start] as number];
    let end = start;
    while (end < n && values[order[end] as number] === value) end++;
    // `start` customers are below; `end - start` are equal.
    const rank = (start + (end - start) / 2) / n;
    for (let i = start; i < end; i++) ranks[order[i] as number] = rank;
    start = end;
  }
  return ranks;
};

/** Two decimals, half up; the tiny nudge keeps 0.825 (stored as 0.82499…) from rounding down. */
const twoDecimals = (x: number): number => Math.round(x * 100 + 1e-9) / 100;

/** F of each customer (same order as given), every one of them with a purchase in the period. */
export const loyaltyIndexes = (activities: readonly Activity[], weights: LoyaltyWeights): number[] => {
  const weightSum = weights.purchases + weights.products + weights.quantity + weights.revenue;
  if (!(weightSum > 0)) throw new RangeError('loyalty weights must add up to more than 0');
  const ranks = {
    purchases: percentileRanks(activities.map((a) => a.purchases)),
    products: percentileRanks(activities.map((a) => a.products)),
    quantity: percentileRanks(activities.map((a) => a.quantity)),
    revenue: percentileRanks(activities.map((a) => a.revenueCents)),
  };
  return activities.map((_, i) =>
    twoDecimals(
      (weights.purchases * (ranks.purchases[i] as number) +
        weights.products * (ranks.products[i] as number) +
        weights.quantity * (ranks.quantity[i] as number) +
        weights.revenue * (ranks.revenue[i] as number)) /
        weightSum,
    ),
  );
};

export const loyaltyClassOf = (loyaltyIndex: number, threshold: number): LoyaltyClass =>
  loyaltyIndex >= threshold ? 'loyal' : 'not';
