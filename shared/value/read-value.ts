import { npsFigures } from '../nps/score.ts';
import type { PageRequest } from '../store/db.ts';
import { getValueReport, watchPage } from '../store/value.ts';

/** Cents as an amount in the account's currency. */
const amountOf = (cents: number) => cents / 100;
/** A part of a whole in percent, one decimal; null for a part of nothing. */
const percentOf = (part: number, whole: number) =>
  whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;

/**
 * `GET /api/value`: the latest recompute's value tiers (customers and revenue, each with its share),
 * the loyalty settings, the value × loyalty matrix (customers, revenue and NPS per cell, the NPS
 * figures computed as every other NPS is), and a page of the best customers who are not loyal.
 * One object per topic, so a topic added later (churn, revenue at risk) is a key of its own. Before
 * the first recompute every figure is empty and `computedAt` is null.
 */
export const readValue = async (page: PageRequest) => {
  const [stored, watch] = await Promise.all([getValueReport(), watchPage(page)]);
  const report = stored?.report;
  const revenue = report?.revenueCents ?? 0;
  const customers = report?.customers ?? 0;
  return {
    computedAt: stored?.computedAt ?? null,
    period: stored?.period ?? null,
    customers: { total: customers, withPurchases: report?.buyers ?? 0 },
    revenue: amountOf(revenue),
    tiers: {
      method: report?.method ?? null,
      classes: (report?.tiers ?? []).map((t) => ({
        value: t.value,
        customers: t.customers,
        customerShare: percentOf(t.customers, customers),
        revenue: amountOf(t.revenueCents),
        revenueShare: percentOf(t.revenueCents, revenue),
      })),
    },
    loyalty: report ? { threshold: report.threshold, weights: report.weights } : null,
    matrix: (report?.matrix ?? []).map((cell) => ({
      value: cell.value,
      loyalty: cell.loyalty,
      customers: cell.customers,
      revenue: amountOf(cell.revenueCents),
      nps: npsFigures(cell),
    })),
    bestButNotLoyal: {
      customers: watch.items.map((e) => ({
        id: e.customerId,
        name: e.name ?? null,
        ownerId: e.ownerId ?? null,
        value: e.value,
        revenue: amountOf(e.revenueCents),
        purchases: e.purchases,
        products: e.products,
        quantity: e.quantity,
        loyaltyIndex: e.loyaltyIndex,
        latestScore: e.latestScore ?? null,
      })),
      cursor: watch.cursor ?? null,
    },
  };
};
