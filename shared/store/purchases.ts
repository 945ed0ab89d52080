import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { getClients } from '../clients.ts';
import { batchGetAll, batchWriteAll, purchasesTable, queryPages } from './db.ts';
import { purchaseModel } from './model.ts';
import { type Purchase, purchaseItem } from './schemas.ts';

/** The stored purchases of these ids (consistent: a replay right after a write sees it). */
export const storedPurchases = async (purchaseIds: readonly string[]): Promise<Map<string, Purchase>> => {
  const found = await batchGetAll(
    purchasesTable(),
    [...new Set(purchaseIds)].map((id) => ({ ...purchaseModel.key(id) })),
    { consistent: true },
  );
  return new Map(found.map((item) => purchaseItem.parse(item)).map((p) => [p.purchaseId, p]));
};

/** Writes purchases whole (new ones, and corrections that replace a stored one). */
export const putPurchases = async (purchases: readonly Purchase[]): Promise<void> => {
  await batchWriteAll(
    purchasesTable(),
    purchases.map((p) => ({
      PutRequest: {
        Item: {
          ...purchaseModel.key(p.purchaseId),
          ...purchaseModel.listed(p.date, p.purchaseId),
          ...purchaseModel.ofCustomer(p.customerId, p.date, p.purchaseId),
          kind: purchaseModel.kind,
          ...p,
        },
      },
    })),
  );
};

/** The day of the customer's latest purchase on or before `day`, or undefined (none recorded). */
export const lastPurchaseDayOnOrBefore = async (
  customerId: string,
  day: string,
): Promise<string | undefined> => {
  const out = await getClients().ddb.send(new QueryCommand(purchaseModel.latestOfCustomer(customerId, day)));
  const date = out.Items?.[0]?.date;
  return typeof date === 'string' ? date : undefined;
};

/** What the value recompute reads of a purchase. */
export const purchaseFacts = z.object({
  customerId: z.string(),
  /** YYYY-MM-DD, the account's calendar day of the purchase. */
  date: z.string(),
  amount: z.number(),
  quantity: z.number().int(),
  productId: z.string(),
});
export type PurchaseFacts = z.infer<typeof purchaseFacts>;

/** The purchases dated from..to (inclusive), a page at a time, in no particular order. */
export async function* purchasesDated(
  from: string,
  to: string,
  concurrency = 4,
): AsyncGenerator<PurchaseFacts[]> {
  // The month-and-shard queries are read `concurrency` at a time, their pages handed on as they come.
  const queries = purchaseModel.dated(from, to);
  const ready: PurchaseFacts[][] = [];
  let wake: (() => void) | undefined;
  let failure: unknown;
  let running = 0;
  let next = 0;
  const start = () => {
    while (running < concurrency && next < queries.length) {
      const query = queries[next++];
      if (!query) break;
      running++;
      void (async () => {
        try {
          for await (const page of queryPages(query)) {
            ready.push(page.map((item) => purchaseFacts.parse(item)));
            wake?.();
          }
        } catch (err: unknown) {
          failure ??= err;
        } finally {
          running--;
          start();
          wake?.();
        }
      })();
    }
  };
  start();
  while (running > 0 || ready.length > 0) {
    const page = ready.shift();
    if (page) {
      yield page;
      continue;
    }
    if (failure) break;
    await new Promise<void>((resolve) => {
      wake = resolve;
    });
    wake = undefined;
  }
  if (failure) throw failure;
}
