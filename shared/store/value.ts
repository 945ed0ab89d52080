import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { getClients } from '../clients.ts';
import { mapLimit } from '../util/concurrency.ts';
import type { CustomerValue, ValueReport } from '../value/report.ts';
import {
  conditionalWrite,
  mainTable,
  type Page,
  type PageRequest,
  queryPage,
  queryPages,
  type TransactItem,
  transactWrite,
} from './db.ts';
import { writeUnlessErased } from './erasure.ts';
import { customerModel, responseModel, valueLeaseModel, valueReportModel, valueWatchModel } from './model.ts';

/** A customer as the value recompute reads it: who, and what the last recompute kept on them. */
const customerValueItem = z.object({
  id: z.string(),
  name: z.string().optional(),
  ownerId: z.string().optional(),
  loyaltyIndex: z.number().optional(),
  attributes: z.object({ value: z.string().optional(), loyalty: z.string().optional() }).default({}),
});
export interface StoredCustomerValue {
  id: string;
  name?: string | undefined;
  ownerId?: string | undefined;
  kept: Partial<CustomerValue>;
}

/** Every customer, a page at a time, with only what the recompute reads. */
export async function* customerValuePages(): AsyncGenerator<StoredCustomerValue[]> {
  for await (const page of queryPages(customerModel.values())) {
    yield page.map((item) => {
      const c = customerValueItem.parse(item);
      return {
        id: c.id,
        name: c.name,
        ownerId: c.ownerId,
        kept: {
          value: c.attributes.value,
          loyalty: c.attributes.loyalty as CustomerValue['loyalty'] | undefined,
          loyaltyIndex: c.loyaltyIndex,
        },
      };
    });
  }
}

/** Customers written in one transaction: the most DynamoDB takes in one. */
const CUSTOMERS_PER_WRITE = 100;

const keepValueItem = (customerId: string, value: CustomerValue): TransactItem => ({
  Update: {
    TableName: mainTable(),
    Key: customerModel.key(customerId),
    UpdateExpression: 'SET #attributes.#value = :value, #attributes.#loyalty = :loyalty, loyaltyIndex = :f',
    // Only on a record that is there: an erased customer (record deleted) is never written back.
    ConditionExpression: 'attribute_exists(pk) AND attribute_type(#attributes, :map)',
    ExpressionAttributeNames: { '#attributes': 'attributes', '#value': 'value', '#loyalty': 'loyalty' },
    ExpressionAttributeValues: {
      ':value': value.value,
      ':loyalty': value.loyalty,
      ':f': value.loyaltyIndex,
      ':map': 'M',
    },
  },
});

/**
 * Keeps what the recompute found on the customer records — the attributes `value` and `loyalty`
 * (the next answers snapshot them) and F — 100 customers a request, `concurrency` requests in
 * flight; how many were written (a customer erased meanwhile is left out). The updates go in
 * transactions although nothing ties them together: DynamoDB has no batch of updates, and one
 * request per 100 customers wrote 980 customers/s on DynamoDB Local against 262/s with one
 * UpdateItem each (32 in flight) — on AWS fewer requests and a shorter run, at twice the write
 * units of the customers written (only the ones that changed).
 */
export const keepCustomerValues = async (
  values: ReadonlyArray<{ id: string; value: CustomerValue }>,
  concurrency: number,
): Promise<number> => {
  const chunks = Array.from({ length: Math.ceil(values.length / CUSTOMERS_PER_WRITE) }, (_, i) =>
    values.slice(i * CUSTOMERS_PER_WRITE, (i + 1) * CUSTOMERS_PER_WRITE),
  );
  const written = await mapLimit(chunks, concurrency, async (chunk) => {
    let pending = [...chunk];
    while (pending.length > 0) {
      const result = await transactWrite(pending.map((v) => keepValueItem(v.id, v.value)));
      if (result.committed) return pending.length;
      // Records deleted since they were read: without them, the others again.
      const gone = new Set(result.failed);
      pending = pending.filter((_, i) => !gone.has(i));
    }
    return 0;
  });
  return written.reduce((sum, n) => sum + n, 0);
};

/** The latest answer of each customer first answered at or after `since`: its score. */
export const latestScoresSince = async (since: Date): Promise<Map<string, number>> => {
  const latest = new Map<string, { at: string; score: number }>();
  const query = {
    ...responseModel.answered(since, undefined),
    ProjectionExpression: 'customerId, score, firstAnsweredAt',
  };
  const row = z.object({ customerId: z.string(), score: z.number().int(), firstAnsweredAt: z.string() });
  const from = since.toISOString();
  for await (const page of queryPages(query)) {
    for (const item of page) {
      const r = row.parse(item);
      // Listed by the latest edit; an answer first given before the period is not in it.
      if (r.firstAnsweredAt < from) continue;
      const seen = latest.get(r.customerId);
      if (!seen || r.firstAnsweredAt > seen.at)
        latest.set(r.customerId, { at: r.firstAnsweredAt, score: r.score });
    }
  }
  return new Map([...latest].map(([id, { score }]) => [id, score]));
};

/** A best-but-not-loyal customer, as listed. */
export const watchEntry = z.object({
  customerId: z.string(),
  name: z.string().optional(),
  ownerId: z.string().optional(),
  value: z.string(),
  revenueCents: z.number().int(),
  purchases: z.number().int(),
  products: z.number().int(),
  quantity: z.number().int(),
  loyaltyIndex: z.number(),
  latestScore: z.number().int().optional(),
});
export type WatchEntry = z.infer<typeof watchEntry>;

/** Every entry of the best-but-not-loyal list, as the last recompute left it. */
export const allWatchEntries = async (): Promise<WatchEntry[]> => {
  const entries: WatchEntry[] = [];
  for await (const page of queryPages(valueWatchModel.all()))
    entries.push(...page.map((i) => watchEntry.parse(i)));
  return entries;
};

/** One page of the list, highest revenue first. */
export const watchPage = async (page: PageRequest): Promise<Page<WatchEntry>> => {
  const found = await queryPage([valueWatchModel.all()], page);
  return { items: found.items.map((i) => watchEntry.parse(i)), cursor: found.cursor };
};

/** Puts an entry, only while its customer is not erased (it lives in the customer's partition). */
export const putWatchEntry = async (entry: WatchEntry): Promise<void> => {
  await writeUnlessErased(entry.customerId, {
    Put: {
      TableName: mainTable(),
      Item: {
        ...valueWatchModel.key(entry.customerId),
        ...valueWatchModel.listed(entry.revenueCents, entry.customerId),
        kind: valueWatchModel.kind,
        ...entry,
      },
    },
  });
};

export const deleteWatchEntry = async (customerId: string): Promise<void> => {
  await getClients().ddb.send(
    new DeleteCommand({ TableName: mainTable(), Key: valueWatchModel.key(customerId) }),
  );
};

/** The report as stored: the pure report, when it was computed, over which period. */
export const storedReport = z.object({
  computedAt: z.string(),
  period: z.object({ from: z.string(), to: z.string() }),
  report: z.custom<ValueReport>((v) => typeof v === 'object' && v !== null),
});
export type StoredReport = z.infer<typeof storedReport>;

export const putValueReport = async (stored: StoredReport): Promise<void> => {
  await getClients().ddb.send(
    new PutCommand({
      TableName: mainTable(),
      Item: { ...valueReportModel.key(), kind: valueReportModel.kind, ...stored },
    }),
  );
};

export const getValueReport = async (): Promise<StoredReport | undefined> => {
  const out = await getClients().ddb.send(
    new GetCommand({ TableName: mainTable(), Key: valueReportModel.key() }),
  );
  return out.Item ? storedReport.parse(out.Item) : undefined;
};

/** Takes the recompute's lease until `until`: false while another recompute holds it. */
export const takeValueLease = (holder: string, until: Date, now: Date): Promise<boolean> =>
  conditionalWrite(() =>
    getClients().ddb.send(
      new PutCommand({
        TableName: mainTable(),
        Item: { ...valueLeaseModel.key(), holder, until: until.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR #until < :now',
        ExpressionAttributeNames: { '#until': 'until' },
        ExpressionAttributeValues: { ':now': now.toISOString() },
      }),
    ),
  );

export const releaseValueLease = async (holder: string): Promise<void> => {
  await conditionalWrite(() =>
    getClients().ddb.send(
      new DeleteCommand({
        TableName: mainTable(),
        Key: valueLeaseModel.key(),
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeValues: { ':holder': holder },
      }),
    ),
  );
};
