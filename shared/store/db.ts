import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { isConditionFailure } from '../errors.ts';

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

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Writes all items or none. When conditions refuse it, says which items (by position) failed
 * theirs, so the caller can tell a redelivery from a race; any other failure is thrown.
 */
export const transactWrite = async (
  items: TransactItem[],
): Promise<{ committed: true } | { committed: false; failed: number[] }> => {
  try {
    await getClients().ddb.send(new TransactWriteCommand({ TransactItems: items }));
    return { committed: true };
  } catch (err: unknown) {
    const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
    const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
    if (err instanceof Error && err.name === 'TransactionCanceledException' && failed.length > 0) {
      return { committed: false, failed };
    }
    throw err;
  }
};
