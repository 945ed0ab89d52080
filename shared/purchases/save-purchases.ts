import { type PlacedPurchase, refuseProblems } from '../api/inputs.ts';
import { ConflictError } from '../errors.ts';
import { existingCustomerIds } from '../store/customers.ts';
import { eraseCustomer, erasedAmong } from '../store/erasure.ts';
import { putPurchases, storedPurchases } from '../store/purchases.ts';
import type { Purchase } from '../store/schemas.ts';
import { sameBody } from './same-body.ts';

export interface PurchasesSaved {
  /** Purchase ids not seen before. */
  recorded: number;
  /** Known purchase ids sent with a different body: the new body replaced the stored one. */
  corrected: number;
  /** Known purchase ids sent again as they are: no news, nothing written. */
  unchanged: number;
}

const listIds = (ids: Iterable<string>) => {
  const all = [...ids];
  return `${all.slice(0, 10).join(', ')}${all.length > 10 ? ', …' : ''}`;
};

/**
 * Records purchases, all or none, idempotent by purchaseId: a purchase sent again as it is is no
 * news (nothing written, counted `unchanged`); the same purchaseId with a different body is a
 * correction — the new body replaces the stored one (`corrected`), customer and date included, so
 * a purchase is never counted twice. Everything is checked before anything is written: each row
 * (already, by the parser), one purchaseId twice with different bodies in one request (400
 * `duplicate_purchase`, naming both places), unknown customers (400 `unknown_customer`, naming
 * where) and erased ones (409 `customer_erased`).
 */
export const savePurchases = async (
  placed: readonly PlacedPurchase[],
  now = new Date(),
): Promise<PurchasesSaved> => {
  const byId = new Map<string, PlacedPurchase>();
  const duplicates: string[] = [];
  for (const p of placed) {
    const earlier = byId.get(p.purchase.purchaseId);
    if (earlier && !sameBody(earlier.purchase, p.purchase)) {
      duplicates.push(
        `${p.where}: purchaseId ${p.purchase.purchaseId} is also at ${earlier.where}, with another body`,
      );
    } else if (!earlier) byId.set(p.purchase.purchaseId, p);
  }
  refuseProblems(duplicates, 'duplicate_purchase');

  const unique = [...byId.values()];
  const customerIds = [...new Set(unique.map((p) => p.purchase.customerId))];
  const [known, erased] = await Promise.all([existingCustomerIds(customerIds), erasedAmong(customerIds)]);
  if (erased.size > 0) {
    throw new ConflictError(
      `these customers were erased: ${listIds(erased)}; no purchases recorded`,
      'customer_erased',
    );
  }
  refuseProblems(
    unique
      .filter((p) => !known.has(p.purchase.customerId))
      .map((p) => `${p.where}: customer ${p.purchase.customerId} is not known (import the customer first)`),
    'unknown_customer',
  );

  const stored = await storedPurchases(unique.map((p) => p.purchase.purchaseId));
  const recordedAt = now.toISOString();
  const writes: Purchase[] = [];
  const outcome: PurchasesSaved = { recorded: 0, corrected: 0, unchanged: 0 };
  for (const { purchase } of unique) {
    const before = stored.get(purchase.purchaseId);
    if (before && sameBody(before, purchase)) {
      outcome.unchanged++;
      continue;
    }
    if (before) outcome.corrected++;
    else outcome.recorded++;
    writes.push({ ...purchase, recordedAt });
  }
  await putPurchases(writes);

  // An erasure that began between the check and the write: its customers' purchases are taken out
  // again at once (a batch write cannot be conditional on the tombstone), and the request refused.
  const racedErasure = await erasedAmong([...new Set(writes.map((p) => p.customerId))]);
  if (racedErasure.size > 0) {
    for (const id of racedErasure) await eraseCustomer(id);
    throw new ConflictError(
      `these customers were erased while their purchases were recorded: ${listIds(racedErasure)}; the others' purchases were recorded`,
      'customer_erased',
    );
  }
  return outcome;
};
