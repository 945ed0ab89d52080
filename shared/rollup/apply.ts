import { createHash } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { getClients } from '../clients.ts';
import { isConditionFailure } from '../errors.ts';
import { aggregatesTable } from '../store/db.ts';
import { mapLimit } from '../util/concurrency.ts';
import { addInto, COUNTER_FIELDS, type CounterKey, type Delta, emptyDelta } from './counters.ts';

/** One record's change to one counter item, tagged with its position in the shard. */
export interface CounterChange {
  /** counterId(key), computed once by whoever built the change. */
  id: string;
  key: CounterKey;
  seq: string; // padded
  delta: Readonly<Delta>;
}

export interface ApplyStats {
  items: number;
  writes: number;
  conflicts: number;
}

const WRITE_CONCURRENCY = 16;
/**
 * Shard ids embed their creation time. A shard takes writes for about 4 h and its records live
 * 24 h, so after 36 h nothing of it can be redelivered and its mark can go.
 */
const MARK_RETENTION_MS = 36 * 3_600_000;

const markAttribute = (shardId: string) => `hw_${shardId}`;

/** About one write in 32 per item looks for stale marks; which one is a hash, so it spreads evenly. */
const samplePrune = (key: CounterKey, seq: string): boolean =>
  (createHash('sha1').update(`${key.pk}|${key.sk}|${seq}`).digest()[0] ?? 0) < 8;

const shardCreatedAt = (shardId: string): number | undefined => {
  const m = /^shardId-(\d{13,20})-/.exec(shardId);
  if (!m?.[1]) return undefined;
  const ms = Number(m[1].slice(-13));
  return Number.isFinite(ms) ? ms : undefined;
};

/**
 * Exactly-once rollup. Each counter item keeps, per stream shard, the sequence number of the last
 * record applied to it (its high-water mark). A batch sums its changes per item and applies each
 * item's sum in one conditional update that also advances the mark. A retried, duplicated or
 * partially applied batch finds the mark already past the records it holds, and adds only the
 * records beyond it — never twice, never skipped. Returns counts for the benchmark.
 */
export const applyChanges = async (shardId: string, changes: CounterChange[], now = Date.now()) => {
  const byItem = new Map<string, { key: CounterKey; changes: CounterChange[] }>();
  for (const change of changes) {
    const entry = byItem.get(change.id);
    if (entry) entry.changes.push(change);
    else byItem.set(change.id, { key: change.key, changes: [change] });
  }
  const stats: ApplyStats = { items: byItem.size, writes: 0, conflicts: 0 };
  await mapLimit([...byItem.values()], WRITE_CONCURRENCY, async ({ key, changes: itemChanges }) => {
    const result = await applyToItem(shardId, key, itemChanges, now);
    stats.writes += result.writes;
    stats.conflicts += result.conflicts;
  });
  return stats;
};

const sumAfter = (changes: CounterChange[], mark: string | undefined) => {
  const delta = emptyDelta();
  let last: string | undefined;
  for (const c of changes) {
    if (mark !== undefined && c.seq <= mark) continue;
    addInto(delta, c.delta);
    if (last === undefined || c.seq > last) last = c.seq;
  }
  return { delta, last };
};

const applyToItem = async (shardId: string, key: CounterKey, changes: CounterChange[], now: number) => {
  const { ddb } = getClients();
  const attr = markAttribute(shardId);
  let first = changes[0]?.seq ?? '';
  for (const c of changes) if (c.seq < first) first = c.seq;
  let expected: { kind: 'before'; seq: string } | { kind: 'equals'; seq: string } = {
    kind: 'before',
    seq: first,
  };
  let mark: string | undefined;
  let writes = 0;
  let conflicts = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { delta, last } = sumAfter(changes, mark);
    if (last === undefined) return { writes, conflicts };
    const adds = COUNTER_FIELDS.filter((f) => delta[f] !== 0);
    const values: Record<string, unknown> = {
      ':segment': key.segment,
      ':window': key.window,
      ':period': key.period,
      ':periodKey': `${key.window}|${key.period}`,
      ':last': last,
      ':expected': expected.seq,
    };
    for (const f of adds) values[`:${f}`] = delta[f];
    try {
      writes++;
      const out = await ddb.send(
        new UpdateCommand({
          TableName: aggregatesTable(),
          Key: { pk: key.pk, sk: key.sk },
          UpdateExpression:
            `SET #segment = :segment, #window = :window, #period = :period, #periodKey = :periodKey, #mark = :last` +
            (adds.length ? ` ADD ${adds.map((f) => `#${f} :${f}`).join(', ')}` : ''),
          ConditionExpression:
            expected.kind === 'before'
              ? 'attribute_not_exists(#mark) OR #mark < :expected'
              : '#mark = :expected',
          ExpressionAttributeNames: {
            '#segment': 'segment',
            '#window': 'window',
            '#period': 'period',
            '#periodKey': 'periodKey',
            '#mark': attr,
            ...Object.fromEntries(adds.map((f) => [`#${f}`, f])),
          },
          ExpressionAttributeValues: values,
          // Reading the item back costs the emulator a quarter of its write speed; a sample of the
          // writes (and every conflict, via ALL_OLD) is enough to find stale marks to prune.
          ReturnValues: samplePrune(key, last) ? 'ALL_NEW' : 'NONE',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      if (out.Attributes) await pruneStaleMarks(key, out.Attributes, now);
      return { writes, conflicts };
    } catch (err: unknown) {
      if (!isConditionFailure(err)) throw err;
      conflicts++;
      // This item already holds some of these records: add only those past its mark.
      const raw = (err as { Item?: Record<string, unknown> }).Item?.[attr];
      const stored = typeof raw === 'string' ? raw : (raw as { S?: string } | undefined)?.S;
      if (stored === undefined) throw err;
      mark = stored;
      expected = { kind: 'equals', seq: stored };
    }
  }
  throw new Error(`counter ${key.pk} ${key.sk} kept changing under its own shard; giving up this batch`);
};

/** Removes high-water marks of shards that can no longer redeliver anything, so items stay small. */
export const pruneStaleMarks = async (key: CounterKey, item: Record<string, unknown>, now: number) => {
  const stale = Object.keys(item).filter((name) => {
    if (!name.startsWith('hw_')) return false;
    const created = shardCreatedAt(name.slice(3));
    return created !== undefined && now - created > MARK_RETENTION_MS;
  });
  if (stale.length === 0) return;
  const names = Object.fromEntries(stale.map((n, i) => [`#s${i}`, n]));
  const values = Object.fromEntries(stale.map((n, i) => [`:v${i}`, item[n]]));
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
