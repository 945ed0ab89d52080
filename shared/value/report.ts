import { classify, type Tally } from '../nps/score.ts';
import {
  type Activity,
  LOYALTY_CLASSES,
  type LoyaltyClass,
  type LoyaltyWeights,
  loyaltyClassOf,
  loyaltyIndexes,
} from './loyalty.ts';
import {
  assignValueClasses,
  NO_PURCHASES_CLASS,
  topValueClass,
  type ValueTierMethod,
  valueClasses,
} from './tiers.ts';

/**
 * The value recompute as one pure step: every customer's purchases over the period (and latest
 * answer) in, every customer's value class, loyalty index and loyalty class out, with the figures
 * of the tiers and of the value × loyalty matrix. shared/value/recompute.ts reads and writes around it.
 */

export interface ValueSettings {
  method: ValueTierMethod;
  weights: LoyaltyWeights;
  /** F at or above this is `loyal`. */
  threshold: number;
}

export interface CustomerFacts {
  id: string;
  /** Absent: no purchase in the period. */
  activity?: Activity | undefined;
  /** The score of the customer's latest answer in the period, if any (see ValueReport.matrix). */
  latestScore?: number | undefined;
}

/** What the recompute keeps on a customer: the attributes `value` and `loyalty`, and F. */
export interface CustomerValue {
  value: string;
  loyalty: LoyaltyClass;
  /** F, two decimals. */
  loyaltyIndex: number;
}

export interface ValuedCustomer extends CustomerValue {
  id: string;
  activity: Activity;
  latestScore?: number | undefined;
}

export interface TierFigures {
  value: string;
  customers: number;
  revenueCents: number;
}

export interface MatrixCell extends Tally {
  value: string;
  loyalty: LoyaltyClass;
  customers: number;
  revenueCents: number;
}

export interface ValueReport {
  method: ValueTierMethod;
  weights: LoyaltyWeights;
  threshold: number;
  customers: number;
  /** Customers with at least one purchase in the period: the ones ranked. */
  buyers: number;
  revenueCents: number;
  /** Every class of the method, best first, then `none`; empty ones included. */
  tiers: TierFigures[];
  /**
   * Every value class × loyalty class, in the tiers' order, `loyal` before `not`. A cell's answers
   * are its customers' latest answers in the period — one per customer who answered, the answer to
   * the most recent survey they answered, as it stands — classified by the customer's class today,
   * whatever segment snapshot the answer itself carries. Customers who did not answer count in
   * `customers`, not in the NPS.
   */
  matrix: MatrixCell[];
}

const NO_ACTIVITY: Activity = { purchases: 0, products: 0, quantity: 0, revenueCents: 0 };

export const computeValue = (
  facts: readonly CustomerFacts[],
  settings: ValueSettings,
): { customers: ValuedCustomer[]; report: ValueReport } => {
  const buyers = facts.filter((f) => f.activity && f.activity.purchases > 0);
  const classes = assignValueClasses(
    buyers.map((b) => (b.activity as Activity).revenueCents),
    settings.method,
  );
  const indexes = loyaltyIndexes(
    buyers.map((b) => b.activity as Activity),
    settings.weights,
  );
  const ranked = new Map(buyers.map((b, i) => [b.id, i]));
  const customers = facts.map((f): ValuedCustomer => {
    const i = ranked.get(f.id);
    if (i === undefined) {
      return {
        id: f.id,
        value: NO_PURCHASES_CLASS,
        loyalty: 'not',
        loyaltyIndex: 0,
        activity: NO_ACTIVITY,
        latestScore: f.latestScore,
      };
    }
    const loyaltyIndex = indexes[i] as number;
    return {
      id: f.id,
      value: classes[i] as string,
      loyalty: loyaltyClassOf(loyaltyIndex, settings.threshold),
      loyaltyIndex,
      activity: f.activity as Activity,
      latestScore: f.latestScore,
    };
  });
  return { customers, report: reportOf(customers, buyers.length, settings) };
};

const reportOf = (
  customers: readonly ValuedCustomer[],
  buyers: number,
  settings: ValueSettings,
): ValueReport => {
  const order = valueClasses(settings.method);
  const tiers = new Map(order.map((value) => [value, { value, customers: 0, revenueCents: 0 }]));
  const cellKey = (value: string, loyalty: LoyaltyClass) => `${value} ${loyalty}`;
  const cells = new Map<string, MatrixCell>();
  for (const value of order) {
    for (const loyalty of LOYALTY_CLASSES) {
      cells.set(cellKey(value, loyalty), {
        value,
        loyalty,
        customers: 0,
        revenueCents: 0,
        promoters: 0,
        passives: 0,
        detractors: 0,
      });
    }
  }
  let revenueCents = 0;
  for (const c of customers) {
    const tier = tiers.get(c.value);
    const cell = cells.get(cellKey(c.value, c.loyalty));
    if (!tier || !cell) throw new Error(`value class ${c.value} is not one of ${settings.method}`);
    tier.customers++;
    tier.revenueCents += c.activity.revenueCents;
    cell.customers++;
    cell.revenueCents += c.activity.revenueCents;
    revenueCents += c.activity.revenueCents;
    if (c.latestScore !== undefined) cell[`${classify(c.latestScore)}s`]++;
  }
  return {
    method: settings.method,
    weights: settings.weights,
    threshold: settings.threshold,
    customers: customers.length,
    buyers,
    revenueCents,
    tiers: [...tiers.values()],
    matrix: [...cells.values()],
  };
};

/**
 * The best customers who are not loyal — the ones to win: the method's top class with loyalty
 * `not`, highest revenue first (then by id, so the order is stable).
 */
export const bestButNotLoyal = (
  customers: readonly ValuedCustomer[],
  method: ValueTierMethod,
): ValuedCustomer[] => {
  const top = topValueClass(method);
  return customers
    .filter((c) => c.value === top && c.loyalty === 'not')
    .sort(
      (a, b) => b.activity.revenueCents - a.activity.revenueCents || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
};

/** Whether what is kept on a customer differs from what the recompute found: only those are written. */
export const valueChanged = (stored: Partial<CustomerValue>, computed: CustomerValue): boolean =>
  stored.value !== computed.value ||
  stored.loyalty !== computed.loyalty ||
  stored.loyaltyIndex !== computed.loyaltyIndex;
