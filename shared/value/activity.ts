import type { Activity } from './loyalty.ts';

/** One purchase as the tally reads it. */
export interface PurchaseLine {
  customerId: string;
  amount: number;
  quantity: number;
  productId: string;
}

/** An amount (at most two decimals) in whole cents, so that sums and ties are exact. */
export const centsOf = (amount: number): number => Math.round(amount * 100);

interface Running {
  purchases: number;
  quantity: number;
  revenueCents: number;
  products: Set<string>;
}

/**
 * Each customer's activity over the period, from their purchases in it, in any order: purchases,
 * distinct products, quantity and revenue in cents. Holds one product set per customer until
 * `result()`, then only the four numbers.
 */
export class ActivityTally {
  private readonly running = new Map<string, Running>();

  add(lines: Iterable<PurchaseLine>): void {
    for (const line of lines) {
      let r = this.running.get(line.customerId);
      if (!r) {
        r = { purchases: 0, quantity: 0, revenueCents: 0, products: new Set() };
        this.running.set(line.customerId, r);
      }
      r.purchases++;
      r.quantity += line.quantity;
      r.revenueCents += centsOf(line.amount);
      r.products.add(line.productId);
    }
  }

  result(): Map<string, Activity> {
    const out = new Map<string, Activity>();
    for (const [customerId, r] of this.running) {
      out.set(customerId, {
        purchases: r.purchases,
        products: r.products.size,
        quantity: r.quantity,
        revenueCents: r.revenueCents,
      });
    }
    this.running.clear();
    return out;
  }
}
