import { AsyncLocalStorage } from 'node:async_hooks';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  type ItemVerb,
  type MainTableAccess,
  type PurchasesTableAccess,
  TABLE_ACCESS,
} from '../cdk/table-access.ts';
import type { FunctionName } from '../functions/routes.ts';

/**
 * The IAM grants of cdk/table-access.ts, enforced locally. On AWS a function that calls DynamoDB
 * beyond its grant gets AccessDenied; the CDK tests prove the template holds exactly the table's
 * grants, but only running the code proves the code stays inside them. So every DynamoDB command a
 * handler sends on the local stack is checked against its function's line — action, table, index
 * and partition key — and refused the way AWS would refuse it. Code that runs outside a handler
 * (tests calling the domain directly, the reconcile tool) is not checked.
 */
const runningFunction = new AsyncLocalStorage<FunctionName>();

/** Runs `work` as function `name`: its DynamoDB calls are checked against that function's grant. */
export const runAsFunction = <T>(name: FunctionName, work: () => Promise<T>): Promise<T> =>
  runningFunction.run(name, work);

export class LocalAccessDenied extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AccessDeniedException';
  }
}

type Attribute = string | { S?: string } | undefined;
type KeyLike = Record<string, Attribute> | undefined;

/** The partition key's value, whether the command is still plain or already marshalled. */
const pkOf = (key: KeyLike): string => {
  const value = key?.pk;
  return typeof value === 'string' ? value : (value?.S ?? '');
};

const matches = (pattern: string, value: string) =>
  pattern.endsWith('*') ? value.startsWith(pattern.slice(0, -1)) : value === pattern;

interface Request {
  verb: ItemVerb | 'scan';
  table: string;
  index?: string;
  pk: string;
}

/** The value a key condition binds the partition key to (`#pk = :kind`, `pk = :pk` …). */
const queryPartition = (input: {
  KeyConditionExpression?: string;
  ExpressionAttributeValues?: Record<string, Attribute>;
}): string => {
  const placeholder = /=\s*(:[A-Za-z0-9_]+)/.exec(input.KeyConditionExpression ?? '')?.[1] ?? '';
  const value = input.ExpressionAttributeValues?.[placeholder];
  return typeof value === 'string' ? value : (value?.S ?? '');
};

type Input = Record<string, unknown>;

/** lib-dynamodb's command names, and the low-level ones they become. */
const LOW_LEVEL: Record<string, string> = {
  GetCommand: 'GetItemCommand',
  PutCommand: 'PutItemCommand',
  UpdateCommand: 'UpdateItemCommand',
  DeleteCommand: 'DeleteItemCommand',
  BatchGetCommand: 'BatchGetItemCommand',
  BatchWriteCommand: 'BatchWriteItemCommand',
  TransactWriteCommand: 'TransactWriteItemsCommand',
};

const requestsOf = (command: string, input: Input): Request[] => {
  const table = String(input.TableName ?? '');
  switch (LOW_LEVEL[command] ?? command) {
    case 'GetItemCommand':
      return [{ verb: 'get', table, pk: pkOf(input.Key as KeyLike) }];
    case 'PutItemCommand':
      return [{ verb: 'put', table, pk: pkOf(input.Item as KeyLike) }];
    case 'UpdateItemCommand':
      return [{ verb: 'update', table, pk: pkOf(input.Key as KeyLike) }];
    case 'DeleteItemCommand':
      return [{ verb: 'delete', table, pk: pkOf(input.Key as KeyLike) }];
    case 'QueryCommand':
      return [
        {
          verb: 'query',
          table,
          index: input.IndexName as string | undefined,
          pk: queryPartition(input as Parameters<typeof queryPartition>[0]),
        },
      ];
    case 'ScanCommand':
      return [{ verb: 'scan', table, pk: '' }];
    case 'BatchGetItemCommand':
      return Object.entries(input.RequestItems as Record<string, { Keys: KeyLike[] }>).flatMap(([t, r]) =>
        r.Keys.map((key) => ({ verb: 'batchGet' as const, table: t, pk: pkOf(key) })),
      );
    case 'BatchWriteItemCommand':
      return Object.entries(
        input.RequestItems as Record<
          string,
          Array<{ PutRequest?: { Item: KeyLike }; DeleteRequest?: { Key: KeyLike } }>
        >,
      ).flatMap(([t, writes]) =>
        writes.map((w) => ({
          verb: 'batchWrite' as const,
          table: t,
          pk: pkOf(w.PutRequest?.Item ?? w.DeleteRequest?.Key),
        })),
      );
    case 'TransactWriteItemsCommand':
      return (input.TransactItems as Array<Record<string, Input>>).flatMap((item) => {
        const [kind, op] = Object.entries(item)[0] ?? [];
        const verb = ({ Put: 'put', Update: 'update', Delete: 'delete', ConditionCheck: 'check' } as const)[
          kind as 'Put' | 'Update' | 'Delete' | 'ConditionCheck'
        ];
        if (!verb || !op) return [];
        const key = (kind === 'Put' ? op.Item : op.Key) as KeyLike;
        return [{ verb, table: String(op.TableName ?? ''), pk: pkOf(key) }];
      });
    default:
      return [];
  }
};

/** A table keyed by partition (main, purchases): the verb's partitions, or the index's. */
const allowedOnKeyed = (access: MainTableAccess | PurchasesTableAccess | undefined, r: Request): boolean => {
  if (r.verb === 'scan' || !access) return false;
  if (r.index) {
    const indexes: Record<string, readonly string[] | undefined> = access.indexes ?? {};
    const partitions = indexes[r.index];
    return r.verb === 'query' && (partitions ?? []).some((p) => matches(p, r.pk));
  }
  return ((access[r.verb] ?? []) as readonly string[]).some((p) => matches(p, r.pk));
};

const allowed = (
  fn: FunctionName,
  r: Request,
  tables: { main: string; aggregates: string; purchases: string },
): boolean => {
  const access = TABLE_ACCESS[fn];
  if (r.table === tables.main) return allowedOnKeyed(access.main, r);
  if (r.table === tables.purchases) return allowedOnKeyed(access.purchases, r);
  if (r.table === tables.aggregates) {
    const aggregates = access.aggregates;
    if (!aggregates) return false;
    if (r.verb === 'update') return aggregates.update === true;
    if (r.verb !== 'query') return false;
    return r.index ? (aggregates.indexes ?? []).includes(r.index as never) : aggregates.query === true;
  }
  return false;
};

/** Adds the check to the handlers' DynamoDB client (the document client shares its middleware). */
export const enforceTableAccess = (
  ddb: DynamoDBDocumentClient,
  tables: { main: string; aggregates: string; purchases: string },
): void => {
  ddb.middlewareStack.add(
    (next, context) => async (args) => {
      const fn = runningFunction.getStore();
      if (fn) {
        for (const request of requestsOf(String(context.commandName), args.input as Input)) {
          if (!allowed(fn, request, tables)) {
            throw new LocalAccessDenied(
              `${fn} is not granted ${request.verb} on ${request.table}${request.index ? ` index ${request.index}` : ''} ` +
                `partition ${request.pk || '(none)'} — see cdk/table-access.ts`,
            );
          }
        }
      }
      return next(args);
    },
    { step: 'initialize', name: 'localTableAccessCheck', priority: 'low' },
  );
};
