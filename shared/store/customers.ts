import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { CustomerInput } from '../api/inputs.ts';
import { getClients } from '../clients.ts';
import { normalizeSegmentValue } from '../nps/segments.ts';
import { batchGetAll, batchWriteAll, kindPages, mainTable } from './db.ts';
import { type Customer, customerItem } from './schemas.ts';
import { keys, kinds } from './table.ts';

const normalizeAttributes = (attributes: Record<string, string> = {}): Record<string, string> =>
  Object.fromEntries(Object.entries(attributes).map(([k, v]) => [k.toLowerCase(), normalizeSegmentValue(v)]));

/** Upsert: the posted record replaces the stored one. Unsubscribes live apart (by email), so survive. */
export const putCustomers = async (inputs: CustomerInput[], now = new Date()): Promise<number> => {
  const unique = new Map(inputs.map((c) => [c.id, c]));
  const updatedAt = now.toISOString();
  await batchWriteAll(
    mainTable(),
    [...unique.values()].map((c) => ({
      PutRequest: {
        Item: {
          ...keys.customer(c.id),
          gsi1pk: kinds.customer,
          gsi1sk: c.id,
          kind: 'customer',
          id: c.id,
          email: c.email.toLowerCase(),
          name: c.name,
          locale: c.locale,
          ownerId: c.ownerId,
          attributes: normalizeAttributes(c.attributes),
          updatedAt,
        },
      },
    })),
  );
  return unique.size;
};

export const getCustomer = async (id: string): Promise<Customer | undefined> => {
  const out = await getClients().ddb.send(new GetCommand({ TableName: mainTable(), Key: keys.customer(id) }));
  return out.Item ? customerItem.parse(out.Item) : undefined;
};

/** All customers, a page at a time, for audience selection. */
export async function* customerPages(): AsyncGenerator<Customer[]> {
  for await (const page of kindPages(kinds.customer)) {
    yield page.map((item) => customerItem.parse(item));
  }
}

/** Which of these addresses have unsubscribed (lower-cased). */
export const suppressedEmails = async (emails: string[]): Promise<Set<string>> => {
  if (emails.length === 0) return new Set();
  const byKey = new Map(emails.map((e) => [keys.suppression(e).pk, e.toLowerCase()]));
  const found = await batchGetAll(
    mainTable(),
    [...byKey.keys()].map((pk) => ({ pk, sk: 'SUPPRESSION' })),
  );
  return new Set(found.map((item) => byKey.get(String(item.pk)) ?? ''));
};
