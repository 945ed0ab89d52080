import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { batchWriteAll, mainTable, queryPages } from './db.ts';
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
