import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { isConditionFailure } from '../errors.ts';
import { MAIN_TABLE } from './table.ts';

type Item = Record<string, unknown>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

export const mainTable = (): string => config().TABLE_NAME;
export const aggregatesTable = (): string => config().AGGREGATES_TABLE_NAME;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** BatchWriteItem in chunks of 25, re-sending unprocessed items with backoff until none are left. */
export const batchWriteAll = async (table: string, requests: WriteRequest[]): Promise<void> => {
  const { ddb } = getClients();
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await pause(Math.min(1000, 25 * 2 ** attempt));
      if (attempt > 10) throw new Error(`BatchWrite left ${pending.length} items unprocessed after retries`);
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] as WriteRequest[] | undefined) ?? [];
    }
  }
};

/** BatchGetItem in chunks of 100, following UnprocessedKeys. */
export const batchGetAll = async (
  table: string,
  keyList: Item[],
  options: { consistent?: boolean } = {},
): Promise<Item[]> => {
  const { ddb } = getClients();
  const found: Item[] = [];
  for (let i = 0; i < keyList.length; i += 100) {
    let pending: Item[] = keyList.slice(i, i + 100);
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt > 0) await pause(Math.min(1000, 25 * 2 ** attempt));
      if (attempt > 10) throw new Error(`BatchGet left ${pending.length} keys unprocessed after retries`);
      const out = await ddb.send(
        new BatchGetCommand({
          RequestItems: { [table]: { Keys: pending, ConsistentRead: options.consistent } },
        }),
      );
      found.push(...((out.Responses?.[table] as Item[] | undefined) ?? []));
      pending = (out.UnprocessedKeys?.[table]?.Keys as Item[] | undefined) ?? [];
    }
  }
  return found;
};

/** Every page of a query, as an async stream of items. */
export async function* queryPages(input: QueryCommandInput): AsyncGenerator<Item[]> {
  const { ddb } = getClients();
  let ExclusiveStartKey: Item | undefined;
  do {
    const out = await ddb.send(new QueryCommand({ ...input, ExclusiveStartKey }));
    yield (out.Items ?? []) as Item[];
    ExclusiveStartKey = out.LastEvaluatedKey as Item | undefined;
  } while (ExclusiveStartKey);
}

/** Every item of a query — or, with `Limit`, at most that many (no further pages are read). */
export const queryAll = async (input: QueryCommandInput): Promise<Item[]> => {
  const all: Item[] = [];
  for await (const page of queryPages(input)) {
    all.push(...page);
    if (input.Limit !== undefined && all.length >= input.Limit) return all.slice(0, input.Limit);
  }
  return all;
};

/** Runs a conditional write: true when it was applied, false when its condition refused it. */
export const conditionalWrite = async (write: () => Promise<unknown>): Promise<boolean> => {
  try {
    await write();
    return true;
  } catch (err: unknown) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
};

/** Every item of one kind (a byKind partition), a page at a time, in sort-key order. */
export const kindPages = (kind: string, options: { newestFirst?: boolean } = {}): AsyncGenerator<Item[]> =>
  queryPages({
    TableName: mainTable(),
    IndexName: 'byKind',
    KeyConditionExpression: '#pk = :kind',
    ExpressionAttributeNames: { '#pk': MAIN_TABLE.indexes.byKind.partitionKey },
    ExpressionAttributeValues: { ':kind': kind },
    ScanIndexForward: options.newestFirst ? false : undefined,
  });

export const allOfKind = async (kind: string, options: { newestFirst?: boolean } = {}): Promise<Item[]> => {
  const all: Item[] = [];
  for await (const page of kindPages(kind, options)) all.push(...page);
  return all;
};

/**
 * Items of one byKind partition whose sort key (a time, then `#id`) is due by `now`, oldest first:
 * the access pattern of every sweep (due schedules, due alerts, stalled runs).
 */
export const dueOfKind = (kind: string, now: Date, limit?: number): Promise<Item[]> =>
  queryAll({
    TableName: mainTable(),
    IndexName: 'byKind',
    KeyConditionExpression: '#pk = :kind AND #sk <= :now',
    ExpressionAttributeNames: {
      '#pk': MAIN_TABLE.indexes.byKind.partitionKey,
      '#sk': MAIN_TABLE.indexes.byKind.sortKey,
    },
    ExpressionAttributeValues: { ':kind': kind, ':now': `${now.toISOString()}#~` },
    Limit: limit,
  });
