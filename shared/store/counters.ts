import { DeleteCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { isConditionFailure } from '../errors.ts';
import { aggregatesTable, queryAll } from './db.ts';
import { COUNTER_FIELDS, type CounterField, type CounterKey, counterModel } from './model.ts';

export type Counters = Record<CounterField, number>;
type Item = Record<string, unknown>;

export type CounterAddResult =
  | { applied: true; item?: Item | undefined }
  /** Refused: the item's mark for this shard is not what was expected; this is the stored one. */
  | { applied: false; storedMark: string | undefined };

/**
 * Adds to one counter item and moves its shard mark to `last`, in one conditional write: only when
 * the stored mark is before `expected.seq` (`before`), or exactly `expected.seq` (`equals`). With
 * `readBack` the written item comes back (to look for stale marks).
 */
export const addToCounter = async (input: {
  key: CounterKey;
  shardId: string;
  adds: Partial<Counters>;
  last: string;
  expected: { kind: 'before' | 'equals'; seq: string };
  readBack: boolean;
}): Promise<CounterAddResult> => {
  const { key } = input;
  const fields = COUNTER_FIELDS.filter((f) => (input.adds[f] ?? 0) !== 0);
  const values: Item = {
    ':segment': key.segment,
    ':periodKey': counterModel.periodKey(key.day),
    ':last': input.last,
    ':expected': input.expected.seq,
  };
  for (const f of fields) values[`:${f}`] = input.adds[f];
  const markAttribute = counterModel.markAttribute(input.shardId);
  try {
    const out = await getClients().ddb.send(
      new UpdateCommand({
        TableName: aggregatesTable(),
        Key: { pk: key.pk, sk: key.sk },
        UpdateExpression:
          `SET #segment = :segment, #periodKey = :periodKey, #mark = :last` +
          (fields.length ? ` ADD ${fields.map((f) => `#${f} :${f}`).join(', ')}` : ''),
        ConditionExpression:
          input.expected.kind === 'before'
            ? 'attribute_not_exists(#mark) OR #mark < :expected'
            : '#mark = :expected',
        ExpressionAttributeNames: {
          '#segment': 'segment',
          '#periodKey': 'periodKey',
          '#mark': markAttribute,
          ...Object.fromEntries(fields.map((f) => [`#${f}`, f])),
        },
        ExpressionAttributeValues: values,
        // Reading the item back costs the emulator a quarter of its write speed: only on request.
        ReturnValues: input.readBack ? 'ALL_NEW' : 'NONE',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { applied: true, item: out.Attributes };
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
    const raw = (err as { Item?: Item }).Item?.[markAttribute];
    const storedMark = typeof raw === 'string' ? raw : (raw as { S?: string } | undefined)?.S;
    return { applied: false, storedMark };
  }
};

/** Removes these shard marks, each only if it still holds the value seen. */
export const removeCounterMarks = async (key: CounterKey, marks: Record<string, unknown>) => {
  const attributes = Object.keys(marks);
  if (attributes.length === 0) return;
  const names = Object.fromEntries(attributes.map((n, i) => [`#s${i}`, n]));
  const values = Object.fromEntries(attributes.map((n, i) => [`:v${i}`, marks[n]]));
  try {
    await getClients().ddb.send(
      new UpdateCommand({
        TableName: aggregatesTable(),
        Key: { pk: key.pk, sk: key.sk },
        UpdateExpression: `REMOVE ${Object.keys(names).join(', ')}`,
        ConditionExpression: Object.keys(names)
          .map((n, i) => `${n} = :v${i}`)
          .join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (err: unknown) {
    if (!isConditionFailure(err)) throw err;
  }
};

/** One segment's day items from..to (day keys, inclusive): one query, a year is ~365 small items. */
export const counterSeries = (segment: string, fromDay: string, toDay: string): Promise<Item[]> =>
  queryAll(counterModel.series(segment, fromDay, toDay));

/** Every segment's day items of one month (`2026-11`), in segment order. */
export const countersOfMonth = (month: string): Promise<Item[]> => queryAll(counterModel.ofMonth(month));

/** Every counter item, strongly consistent: reconcile's comparison (a maintenance job, not a request). */
export async function* allCounterItems(): AsyncGenerator<Item[]> {
  let ExclusiveStartKey: Item | undefined;
  do {
    const page = await getClients().ddb.send(
      new ScanCommand({ TableName: aggregatesTable(), ExclusiveStartKey, ConsistentRead: true }),
    );
    yield (page.Items ?? []) as Item[];
    ExclusiveStartKey = page.LastEvaluatedKey as Item | undefined;
  } while (ExclusiveStartKey);
}

/** Sets an item's counters outright (reconcile --fix), with its labels when the key is known. */
export const overwriteCounter = async (
  key: Pick<CounterKey, 'pk' | 'sk'> & Partial<CounterKey>,
  values: Counters,
) => {
  const labels =
    key.segment !== undefined && key.day !== undefined
      ? { segment: key.segment, periodKey: counterModel.periodKey(key.day) }
      : {};
  const fields: Item = { ...labels, ...values };
  await getClients().ddb.send(
    new UpdateCommand({
      TableName: aggregatesTable(),
      Key: { pk: key.pk, sk: key.sk },
      UpdateExpression: `SET ${Object.keys(fields)
        .map((f) => `#${f} = :${f}`)
        .join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(Object.keys(fields).map((f) => [`#${f}`, f])),
      ExpressionAttributeValues: Object.fromEntries(Object.entries(fields).map(([f, v]) => [`:${f}`, v])),
    }),
  );
};

/** Deletes a counter item outright (reconcile --fix, for a dimension no longer rolled up). */
export const deleteCounter = async (key: Pick<CounterKey, 'pk' | 'sk'>): Promise<void> => {
  await getClients().ddb.send(
    new DeleteCommand({ TableName: aggregatesTable(), Key: { pk: key.pk, sk: key.sk } }),
  );
};
