import {
  BatchGetCommand,
  BatchWriteCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { getClients } from '../clients.ts';
import { config } from '../config.ts';
import { isConditionFailure, ValidationError } from '../errors.ts';
import { INVALID_CURSOR, openCursor, sealCursor } from './cursor.ts';
import { startKeyAttributes } from './model.ts';

type Item = Record<string, unknown>;
type WriteRequest = { PutRequest: { Item: Item } } | { DeleteRequest: { Key: Item } };

export const mainTable = (): string => config().TABLE_NAME;
export const aggregatesTable = (): string => config().AGGREGATES_TABLE_NAME;
export const purchasesTable = (): string => config().PURCHASES_TABLE_NAME;

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

/** What a caller asks of a listing: at most `limit` items, from where `cursor` (if any) left off. */
export interface PageRequest {
  limit: number;
  cursor?: string | undefined;
}

/** One page of a listing. No cursor: the listing ends here; a cursor: ask again with it. */
export interface Page<T> {
  items: T[];
  cursor?: string | undefined;
}

/**
 * The most items one page reads before a query's filter. DynamoDB's Limit counts items read, not
 * items kept, so a filter that keeps few of them would otherwise walk its whole partition in one
 * request; with the budget spent, the page ends early (fewer items, even none) with a cursor.
 */
export const PAGE_READ_BUDGET = 1000;

/** A filtered query reads at least this many items a call, so a rare match is not found one by one. */
const FILTERED_READ_CHUNK = 100;

/** Where a listing stands: the query it is in, and the key it stopped after (none: at its start). */
interface Position {
  query: number;
  startKey?: Item | undefined;
}

const keyOf = (query: QueryCommandInput, item: Item): Item =>
  Object.fromEntries(
    startKeyAttributes(query).map((name) => {
      if (typeof item[name] !== 'string') throw new Error(`a listed item has no string ${name}`);
      return [name, item[name]];
    }),
  );

/**
 * Reads the queries one after another from `from`: at most `limit` items, at most `readBudget`
 * read. `next` is where to go on, when anything may follow. Without a filter it reads one item past
 * the page, so a page that ends exactly at the end of a listing says so (no cursor to an empty page).
 */
const readListing = async (
  queries: readonly QueryCommandInput[],
  from: Position,
  limit: number,
  readBudget: number,
): Promise<{ items: Item[]; next?: Position }> => {
  const { ddb } = getClients();
  const items: Item[] = [];
  let position = from;
  let read = 0;
  while (position.query < queries.length) {
    const query = queries[position.query] as QueryCommandInput;
    const wanted = limit - items.length;
    const budgetLeft = readBudget - read;
    if (budgetLeft <= 0) return { items, next: position };
    const chunk = query.FilterExpression ? Math.max(wanted + 1, FILTERED_READ_CHUNK) : wanted + 1;
    const out = await ddb.send(
      new QueryCommand({
        ...query,
        Limit: Math.min(chunk, budgetLeft),
        ExclusiveStartKey: position.startKey,
      }),
    );
    const found = (out.Items ?? []) as Item[];
    read += out.ScannedCount ?? found.length;
    if (found.length > wanted) {
      // More than the page holds: it ends after its last item, and the rest is read again next time.
      const taken = found.slice(0, wanted);
      items.push(...taken);
      const last = taken.at(-1);
      return { items, next: last ? { query: position.query, startKey: keyOf(query, last) } : position };
    }
    items.push(...found);
    position = out.LastEvaluatedKey
      ? { query: position.query, startKey: out.LastEvaluatedKey as Item }
      : { query: position.query + 1 };
  }
  return { items };
};

/**
 * A listing is its queries (key conditions, filters, order; not the page size): a cursor is bound to
 * exactly these, so it opens for nothing else — not another route, status, segment or date range.
 */
const listingOf = (queries: readonly QueryCommandInput[]): string =>
  JSON.stringify(queries.map(({ Limit: _limit, ExclusiveStartKey: _start, ...listing }) => listing));

const cursorPosition = z.object({
  q: z.number().int().min(0),
  k: z.record(z.string(), z.string()).optional(),
});

/** The position a cursor holds, checked against the listing's queries and their key attributes. */
const positionOf = async (queries: readonly QueryCommandInput[], cursor: string): Promise<Position> => {
  const parsed = cursorPosition.safeParse(await openCursor(cursor, listingOf(queries)));
  const query = parsed.success ? queries[parsed.data.q] : undefined;
  const startKey = parsed.data?.k;
  const expected = query ? startKeyAttributes(query) : [];
  const fits =
    query !== undefined &&
    (startKey === undefined ||
      (Object.keys(startKey).length === expected.length && expected.every((name) => name in startKey)));
  if (!parsed.success || !fits) throw new ValidationError(INVALID_CURSOR, 'invalid_cursor');
  return { query: parsed.data.q, startKey };
};

/**
 * The query keeping only one owner's items (an account manager's own: those naming them in any of
 * `fields`), or as it is without an owner. A filter, so a page's cursor still marks where the read
 * stopped.
 */
export const ownedBy = (
  query: QueryCommandInput,
  ownerId: string | undefined,
  fields: readonly string[] = ['ownerId'],
): QueryCommandInput =>
  ownerId === undefined
    ? query
    : {
        ...query,
        FilterExpression: fields.map((field) => `${field} = :ownerId`).join(' OR '),
        ExpressionAttributeValues: { ...query.ExpressionAttributeValues, ':ownerId': ownerId },
      };

/**
 * One page of a listing, the one paging helper of every list route: the queries are read one after
 * another (a listing over several partitions, e.g. the cases of every status, in that order), and
 * the cursor is sealed (store/cursor.ts) to this listing. A page holds `limit` items unless the
 * listing ends or the read budget runs out first; only a page without a cursor ends the listing.
 */
export const queryPage = async (
  queries: readonly QueryCommandInput[],
  page: PageRequest,
): Promise<Page<Item>> => {
  const from = page.cursor ? await positionOf(queries, page.cursor) : { query: 0 };
  const { items, next } = await readListing(queries, from, page.limit, PAGE_READ_BUDGET);
  if (!next) return { items };
  return { items, cursor: await sealCursor({ q: next.query, k: next.startKey }, listingOf(queries)) };
};

/**
 * The items of the queries, read one after another, reading at most `maxRead` items (before any
 * filter) — and whether that was all of them. For a figure over a whole set that must either see
 * the set or say it could not.
 */
export const queryUpTo = async (
  queries: readonly QueryCommandInput[],
  maxRead: number,
): Promise<{ items: Item[]; complete: boolean }> => {
  // One read past the cap tells a set of exactly `maxRead` items from a larger one.
  const { items, next } = await readListing(queries, { query: 0 }, maxRead, maxRead + 1);
  return { items, complete: next === undefined };
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

/** Tries a transaction that collided with another one touching the same items gets. */
const TRANSACTION_CONFLICT_ATTEMPTS = 4;

/**
 * Writes all items or none. When conditions refuse it, says which items (by position) failed
 * theirs, so the caller can tell a redelivery from a race; any other failure is thrown. A
 * transaction cancelled only because another one held the same item (`TransactionConflict`: two
 * submissions of one answer, an answer and the alert consumer's check of it) is tried again after a
 * short random pause — the SDK does not retry it — and is thrown if it keeps colliding.
 */
export const transactWrite = async (
  items: TransactItem[],
): Promise<{ committed: true } | { committed: false; failed: number[] }> => {
  for (let attempt = 1; ; attempt++) {
    try {
      await getClients().ddb.send(new TransactWriteCommand({ TransactItems: items }));
      return { committed: true };
    } catch (err: unknown) {
      const reasons = (err as { CancellationReasons?: Array<{ Code?: string }> }).CancellationReasons ?? [];
      const cancelled = err instanceof Error && err.name === 'TransactionCanceledException';
      const failed = reasons.flatMap((r, i) => (r.Code === 'ConditionalCheckFailed' ? [i] : []));
      if (cancelled && failed.length > 0) return { committed: false, failed };
      const conflictOnly = cancelled && reasons.some((r) => r.Code === 'TransactionConflict');
      if (!conflictOnly || attempt >= TRANSACTION_CONFLICT_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40 * attempt));
    }
  }
};
