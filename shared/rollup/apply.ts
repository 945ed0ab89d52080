import { createHash } from 'node:crypto';
import { addToCounter, removeCounterMarks } from '../store/counters.ts';
import { type CounterKey, counterModel } from '../store/model.ts';
import { mapLimit } from '../util/concurrency.ts';
import { addInto, type Delta, emptyDelta } from './counters.ts';

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
  let first = changes[0]?.seq ?? '';
  for (const c of changes) if (c.seq < first) first = c.seq;
  let expected: { kind: 'before' | 'equals'; seq: string } = { kind: 'before', seq: first };
  let mark: string | undefined;
  let writes = 0;
  let conflicts = 0;
  for (let attempt = 0; attempt < 5; attempt++) {
    const { delta, last } = sumAfter(changes, mark);
    if (last === undefined) return { writes, conflicts };
    writes++;
    const result = await addToCounter({
      key,
      shardId,
      adds: delta,
      last,
      expected,
      // A sample of the writes (and every conflict) is enough to find stale marks to prune.
      readBack: samplePrune(key, last),
    });
    if (result.applied) {
      if (result.item) await pruneStaleMarks(key, result.item, now);
      return { writes, conflicts };
    }
    conflicts++;
    // This item already holds some of these records: add only those past its mark.
    if (result.storedMark === undefined) {
      throw new Error(`counter ${key.pk} ${key.sk} refused the write but holds no mark for its shard`);
    }
    mark = result.storedMark;
    expected = { kind: 'equals', seq: result.storedMark };
  }
  throw new Error(`counter ${key.pk} ${key.sk} kept changing under its own shard; giving up this batch`);
};

/** Removes high-water marks of shards that can no longer redeliver anything, so items stay small. */
const pruneStaleMarks = async (key: CounterKey, item: Record<string, unknown>, now: number) => {
  const stale = Object.keys(item).filter((name) => {
    const shardId = counterModel.shardOfMark(name);
    const created = shardId === undefined ? undefined : shardCreatedAt(shardId);
    return created !== undefined && now - created > MARK_RETENTION_MS;
  });
  await removeCounterMarks(key, Object.fromEntries(stale.map((n) => [n, item[n]])));
};
