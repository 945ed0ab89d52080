/**
 * Value tiers: customers split into classes by their revenue over the trailing 12 months. Pure:
 * revenues in, a class per customer out.
 *
 * The rule, for every method. Customers who bought something in the period are ranked by revenue,
 * highest first; customers of equal revenue form one group, and a group is never split. Each class
 * has a cumulative boundary — a share of the ranked customers (the top 1 %, 20 %, …) or, for the
 * revenue-share deciles, a share of their total revenue (10 %, 20 %, …). A group goes in the first
 * class whose boundary lies beyond the share held by everyone ranked above the group's *last*
 * member. So:
 * - the customer who straddles a boundary counts in the class above it: the top 1 % of 50 customers
 *   is the first one (nobody is above it: 0 % < 1 %), the second is not (1 of 50 above it: 2 %) —
 *   for customer shares this is the boundary rounded up, ⌈share × customers⌉ customers;
 * - a tied group that straddles a boundary goes down whole: two customers tied first among 100 are
 *   both `secondary` (the second has 1 % above it, not less than 1 %), so the top classes never hold
 *   more than their rounded-up share;
 * - when all customers have the same revenue, they all fall where the last of them starts (with 5
 *   customers, 4 of 5 = 80 % above: `ordinary` three-way, `small` four-way, `d9` in both deciles);
 * - one customer alone is in the top class (nobody above it);
 * - customers whose purchases add up to nothing (free items) hold no revenue share: the last class.
 * Customers without a purchase in the period are not ranked: class `none` (NO_PURCHASES_CLASS).
 * Revenue is counted in cents, so equal revenue is equal exactly, however it was summed.
 */

export const NO_PURCHASES_CLASS = 'none';

/** A class and its cumulative boundary, in percent of the basis. */
interface ClassBoundary {
  readonly name: string;
  readonly throughPercent: number;
}

interface Method {
  /** What the boundaries are shares of: the ranked customers, or their total revenue. */
  readonly basis: 'customers' | 'revenue';
  /** Best first; the last one's boundary is 100 %. */
  readonly classes: readonly ClassBoundary[];
}

const deciles = (): ClassBoundary[] =>
  Array.from({ length: 10 }, (_, i) => ({ name: `d${i + 1}`, throughPercent: (i + 1) * 10 }));

/**
 * The methods (config VALUE_TIER_METHOD):
 * - `three-way`: `best` the top 1 % of customers, `secondary` the rest of the top 20 %, `ordinary`
 *   the other 80 %;
 * - `four-way`, the cumulative reading: `best` the top 1 %, `major` to 10 %, `ordinary` to 60 %,
 *   `small` the last 40 %;
 * - `revenue-deciles`: `d1`…`d10`, each holding about 10 % of the total revenue (few customers in
 *   `d1`, very many in `d10`);
 * - `count-deciles`: `d1`…`d10`, each about 10 % of the customers.
 */
export const VALUE_TIER_METHODS = {
  'three-way': {
    basis: 'customers',
    classes: [
      { name: 'best', throughPercent: 1 },
      { name: 'secondary', throughPercent: 20 },
      { name: 'ordinary', throughPercent: 100 },
    ],
  },
  'four-way': {
    basis: 'customers',
    classes: [
      { name: 'best', throughPercent: 1 },
      { name: 'major', throughPercent: 10 },
      { name: 'ordinary', throughPercent: 60 },
      { name: 'small', throughPercent: 100 },
    ],
  },
  'revenue-deciles': { basis: 'revenue', classes: deciles() },
  'count-deciles': { basis: 'customers', classes: deciles() },
} as const satisfies Record<string, Method>;

export type ValueTierMethod = keyof typeof VALUE_TIER_METHODS;
export const VALUE_TIER_METHOD_NAMES = Object.keys(VALUE_TIER_METHODS) as ValueTierMethod[];

/** The method's classes, best first, then NO_PURCHASES_CLASS: the order reports list them in. */
export const valueClasses = (method: ValueTierMethod): string[] => [
  ...VALUE_TIER_METHODS[method].classes.map((c) => c.name),
  NO_PURCHASES_CLASS,
];

/** The method's top class: whose customers are the "best" (the ones a loyalty gap costs most). */
export const topValueClass = (method: ValueTierMethod): string =>
  VALUE_TIER_METHODS[method].classes[0]?.name ?? NO_PURCHASES_CLASS;

/**
 * The class of each ranked customer, by its revenue in cents (same order as given). Every input is
 * a customer with at least one purchase in the period; integer cents keep the arithmetic exact
 * (totals up to 2^53 / 100 cents).
 */
export const assignValueClasses = (revenueCents: readonly number[], method: ValueTierMethod): string[] => {
  const { basis, classes } = VALUE_TIER_METHODS[method] as Method;
  const n = revenueCents.length;
  const total = revenueCents.reduce((sum, r) => sum + r, 0);
  const order = Array.from({ length: n }, (_, i) => i).sort(
    (a, b) => (revenueCents[b] as number) - (revenueCents[a] as number),
  );
  const out: string[] = new Array(n);
  const last = classes[classes.length - 1]?.name ?? NO_PURCHASES_CLASS;
  let through = 0;
  let revenueThrough = 0;
  for (let start = 0; start < n; ) {
    const revenue = revenueCents[order[start] as number] as number;
    let end = start;
    while (end < n && revenueCents[order[end] as number] === revenue) end++;
    through = end;
    revenueThrough += revenue * (end - start);
    // Everyone ranked above the group's last member, as a share of the basis, compared in integers:
    // above / whole < percent / 100  ⇔  above × 100 < percent × whole.
    const [above, whole] = basis === 'customers' ? [through - 1, n] : [revenueThrough - revenue, total];
    const found = classes.find((c) => above * 100 < c.throughPercent * whole)?.name ?? last;
    for (let i = start; i < end; i++) out[order[i] as number] = found;
    start = end;
  }
  return out;
};
