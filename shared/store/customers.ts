import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { COMPUTED_ATTRIBUTES } from '../value/attributes.ts';
import { batchGetAll, batchWriteAll, mainTable, queryPages } from './db.ts';
import { customerModel } from './model.ts';
import { type Customer, customerItem } from './schemas.ts';

/** Upsert: each record replaces the stored one. Unsubscribes live apart (by email), so survive. */
export const putCustomers = async (customers: Customer[]): Promise<void> => {
  await batchWriteAll(
    mainTable(),
    customers.map((c) => ({
      PutRequest: {
        Item: { ...customerModel.key(c.id), ...customerModel.listed(c.id), kind: customerModel.kind, ...c },
      },
    })),
  );
};

/** Which of these customer ids have a customer record (one batched consistent read). */
export const existingCustomerIds = async (ids: readonly string[]): Promise<Set<string>> => {
  const found = await batchGetAll(
    mainTable(),
    [...new Set(ids)].map((id) => ({ ...customerModel.key(id) })),
    { consistent: true },
  );
  return new Set(found.map((item) => String(item.id)));
};

/**
 * What the value recompute keeps on each of these customers (the attributes `value` and `loyalty`,
 * and F), read consistently: an upsert carries it over, so a re-import of a CRM export does not
 * drop a customer's tier until the next recompute.
 */
export const computedValuesOf = async (
  ids: readonly string[],
): Promise<Map<string, { attributes: Record<string, string>; loyaltyIndex?: number }>> => {
  const found = await batchGetAll(
    mainTable(),
    [...new Set(ids)].map((id) => ({ ...customerModel.key(id) })),
    { consistent: true },
  );
  return new Map(
    found.map((item) => {
      const c = customerItem.parse(item);
      const attributes = Object.fromEntries(
        COMPUTED_ATTRIBUTES.flatMap((name) => (c.attributes[name] ? [[name, c.attributes[name]]] : [])),
      );
      return [c.id, { attributes, loyaltyIndex: c.loyaltyIndex }];
    }),
  );
};

export const getCustomer = async (id: string): Promise<Customer | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: customerModel.key(id) }),
  );
  return out.Item ? customerItem.parse(out.Item) : undefined;
};

/** All customers in id order (after `afterId`), a page at a time, for audience selection. */
export async function* customerPages(afterId?: string): AsyncGenerator<Customer[]> {
  for await (const page of queryPages(customerModel.all(afterId))) {
    yield page.map((item) => customerItem.parse(item));
  }
}
