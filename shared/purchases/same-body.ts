import type { PurchaseInput } from '../api/inputs.ts';
import type { Purchase } from '../store/schemas.ts';
import { centsOf } from '../value/activity.ts';

/**
 * What makes two purchases under one purchaseId the same purchase: customer, date, amount (in
 * cents), quantity and product. As one string, so a check over a whole file (`nps purchases
 * import`) keeps a short key per id instead of the purchase.
 */
export const purchaseBodyKey = (p: PurchaseInput | Purchase): string =>
  JSON.stringify([p.customerId, p.date, centsOf(p.amount), p.quantity, p.productId]);

/** The same body sent again (no news), or another one (a correction, or a clash within a request). */
export const sameBody = (a: PurchaseInput | Purchase, b: PurchaseInput | Purchase): boolean =>
  purchaseBodyKey(a) === purchaseBodyKey(b);
