import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Clients, getClients, setClientsForTests } from '../../shared/clients.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { DEFAULT_SEGMENT_DIMENSIONS } from '../../shared/nps/segments.ts';
import { reconcile } from '../../shared/rollup/reconcile.ts';
import { rollupBatch } from '../../shared/rollup/rollup-batch.ts';
import { eraseCustomer } from '../../shared/store/erasure.ts';
import type { Invite } from '../../shared/store/schemas.ts';
import { recordAnswer } from '../../shared/survey/answer.ts';
import { useLocalStack } from '../support/local-stack.ts';
import { isResponseRecord, readStream } from '../support/stream.ts';

/** The account's time zone and the default segment dimensions. */
const TZ = { timeZone: 'UTC', dimensions: DEFAULT_SEGMENT_DIMENSIONS };
const TIERS = ['key', 'mid', 'smb'];
const REGIONS = ['emea', 'na', 'apac'];

/** Deterministic pseudo-random numbers (mulberry32), so a failing seed can be replayed. */
const prng = (seed: number) => () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const invite = (n: number, customerId = `cust-${n % 7}`): Invite => ({
  inviteId: `inv${String(n).padStart(19, '0')}`,
  campaignId: n % 2 ? 'spring' : 'autumn',
  runId: 'run',
  customerId,
  email: `${customerId}@example.com`,
  attributes: {},
  brand: 'Acme',
  createdAt: new Date().toISOString(),
  expiresAt: new Date(Date.now() + 86_400_000).toISOString(),
});

const snapshot = (n: number) => ({
  attributes: { tier: TIERS[n % 3] ?? 'key', region: REGIONS[(n >> 1) % 3] ?? 'na' },
  ownerId: `owner-${n % 4}`,
});

/** A client whose UpdateItem calls fail after `allowed` successes: a crash in the middle of a batch. */
const crashingAfter = (real: Clients, allowed: number): Clients => {
  let left = allowed;
  const ddb = {
    send: (command: unknown) => {
      if (command instanceof UpdateCommand && left-- <= 0) return Promise.reject(new Error('injected crash'));
      return real.ddb.send(command as never);
    },
  };
  return { ...real, ddb: ddb as unknown as Clients['ddb'] };
};

const withCrash = async (allowed: number, fn: () => Promise<unknown>) => {
  const real = getClients();
  setClientsForTests(crashingAfter(real, allowed));
  try {
    await fn();
  } catch (err: unknown) {
    if (!(err instanceof Error) || err.message !== 'injected crash') throw err;
  } finally {
    setClientsForTests(real);
  }
};

/**
 * Each test starts on its own empty tables and stream, and replays the earlier steps whose data
 * its own assertions count (70 answers before the crash and erasure checks, answers to edit
 * before the edit check) with the helpers below. Any test runs alone, in any order.
 */
describe('exactly-once rollup under retries, duplicates, crashes and erasure', () => {
  // No rollup consumer runs here: each test plays Lambda's event source mapping itself.
  const stack = useLocalStack({ streamConsumers: [], perTest: true });
  // How far into the current test's stream the rollup has been handed records (a fresh stream each test).
  let consumed = 0;
  beforeEach(() => {
    consumed = 0;
  });

  /** The stream records not yet handed to the rollup by earlier steps of this test. */
  const newRecords = async () => {
    const shards = await readStream(stack());
    expect(shards).toHaveLength(1);
    const [{ shardId, records } = { shardId: '', records: [] }] = shards;
    const fresh = records.slice(consumed);
    consumed = records.length;
    return { shardId, records: fresh.filter(isResponseRecord()) };
  };

  const expectExact = async () => {
    const report = await reconcile(TZ);
    expect(report.drift).toEqual([]);
    return report;
  };

  /** Answers 0–39, scores 0–10 over every segment, rolled up in one batch. */
  const answerForty = async () => {
    for (let n = 0; n < 40; n++) await recordAnswer(invite(n), snapshot(n), { score: n % 11 });
    const { shardId, records } = await newRecords();
    return rollupBatch(records, shardId, TZ);
  };

  /** Answers 40–49, all promoters, their batch delivered twice; returns the second delivery. */
  const answerTenDeliveredTwice = async () => {
    for (let n = 40; n < 50; n++) await recordAnswer(invite(n), snapshot(n), { score: 10 });
    const { shardId, records } = await newRecords();
    await rollupBatch(records, shardId, TZ);
    return rollupBatch(records, shardId, TZ);
  };

  /**
   * Answers 50–69, all detractors, whose batch crashes part-way and is then retried the way Lambda
   * does; returns the reconcile report taken right after the crash.
   */
  const answerTwentyThroughACrash = async () => {
    for (let n = 50; n < 70; n++) await recordAnswer(invite(n), snapshot(n), { score: 3 });
    const { shardId, records } = await newRecords();
    await withCrash(9, () => rollupBatch(records, shardId, TZ));
    const afterCrash = await reconcile(TZ);
    // Lambda bisects: first half, then the second half, then the whole batch arrives again.
    await withCrash(4, () => rollupBatch(records.slice(0, 10), shardId, TZ));
    await rollupBatch(records.slice(0, 10), shardId, TZ);
    await rollupBatch(records.slice(10), shardId, TZ);
    await rollupBatch(records, shardId, TZ);
    return afterCrash;
  };

  /** The 70 answers of the three steps above, counted exactly. */
  const answerSeventy = async () => {
    await answerForty();
    await answerTenDeliveredTwice();
    await answerTwentyThroughACrash();
  };

  /** Invite 1 (answered 1) edited to 0, then a late comment on it; invite 2 (answered 2) edited to 9. */
  const editAndComment = async () => {
    await recordAnswer(invite(1), snapshot(1), { score: 0 });
    await recordAnswer(invite(1), snapshot(1), { score: 0, comment: 'worse than I said' });
    await recordAnswer(invite(2), snapshot(2), { score: 9 });
    const { shardId, records } = await newRecords();
    expect(records).toHaveLength(3);
    await rollupBatch(records, shardId, TZ);
  };

  it('writes each counter item once per batch, however many answers touch it', async () => {
    const { stats, batchItemFailures } = await answerForty();
    expect(batchItemFailures).toEqual([]);
    // all + 3 tiers + 3 regions + 4 owners + 2 campaigns = 13 segments, one day item each.
    expect(stats.items).toBe(13);
    expect(stats.writes).toBe(stats.items);
    expect(stats.records).toBe(40);
    await expectExact();
  });

  it('counts a batch delivered twice once', async () => {
    const again = await answerTenDeliveredTwice();
    expect(again.stats.writes).toBe(again.stats.items); // each a refused conditional write, nothing added
    await expectExact();
  });

  it('recovers from a crash after part of a batch was applied, whatever the retry looks like', async () => {
    // The 50 answers counted before this batch, so the total below includes them.
    await answerForty();
    await answerTenDeliveredTwice();
    const afterCrash = await answerTwentyThroughACrash();
    expect(afterCrash.totalDrift).toBeGreaterThan(0); // the crash really left the counters half-done
    const report = await expectExact();
    expect(report.responses).toBe(70);
  });

  it('applies score edits and ignores late comments', async () => {
    // Invites 1 and 2 answered and counted first, so these are edits, not first answers.
    await answerForty();
    await editAndComment();
    await expectExact();
  });

  it('drops erased answers from every aggregate, and never counts a TTL expiry as an erasure', async () => {
    // The story so far: 70 answers counted exactly, two of them edited.
    await answerSeventy();
    await editAndComment();
    await eraseCustomer('cust-3');
    const { shardId, records } = await newRecords();
    expect(records.every((r) => r.eventName === 'REMOVE')).toBe(true);
    expect(records.length).toBeGreaterThan(0);
    const ttl: DynamoDBRecord[] = records.map((r) => ({
      ...r,
      userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' },
    }));
    const ignored = await rollupBatch(ttl, shardId, TZ);
    expect(ignored.stats).toMatchObject({ records: 0, writes: 0 });
    await rollupBatch(records, shardId, TZ);
    const report = await expectExact();
    expect(report.responses).toBe(70 - records.length);
  });

  it('stops at a poison record: applies what came before, reports it, and counts the rest once on redelivery', async () => {
    await recordAnswer(invite(100), snapshot(100), { score: 10 });
    await recordAnswer(invite(101), snapshot(101), { score: 2 });
    await recordAnswer(invite(102), snapshot(102), { score: 8 });
    const { shardId, records } = await newRecords();
    const poisoned = records.map((r, i) =>
      i === 1 && r.dynamodb?.NewImage
        ? { ...r, dynamodb: { ...r.dynamodb, NewImage: { ...r.dynamodb.NewImage, score: { S: 'two' } } } }
        : r,
    );
    const first = await rollupBatch(poisoned, shardId, TZ);
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: records[1]?.dynamodb?.SequenceNumber }]);
    expect(first.stats.records).toBe(1);
    // Lambda retries from the failed record; after the bounded retries it skips it (on-failure
    // destination) and goes on. Here the redelivery carries the repaired record to check the count.
    await rollupBatch(records.slice(1), shardId, TZ);
    await expectExact();
  });

  it('finds the counters of an undeclared dimension, and deletes them on --fix', async () => {
    // Rolled up while `contact` was a dimension (as every attribute was before dimensions were declared).
    await recordAnswer(invite(300), { attributes: { tier: 'key', contact: 'a@b.example' } }, { score: 9 });
    const { shardId, records } = await newRecords();
    await rollupBatch(records, shardId, { ...TZ, dimensions: [...TZ.dimensions, 'contact'] });
    const found = await reconcile(TZ);
    expect(found.undeclared).toBe(1); // the one day's item of `contact:a@b.example`
    await reconcile(TZ, { fix: true });
    const after = await expectExact();
    expect(after.undeclared).toBe(0);
    expect(after.responses).toBe(1);
  });

  it.each([11, 23, 37])(
    'stays exact through a random mix of answers, edits, erasures and faults (seed %i)',
    async (seed) => {
      const random = prng(seed);
      let next = 1000 * seed;
      const answered: number[] = [];
      // Erasure is final: an erased customer's later answers are refused, and nothing is counted.
      const answer = (n: number, a: { score: number; comment?: string }) =>
        recordAnswer(invite(n, `cust-${seed}-${n % 9}`), snapshot(n), a).catch((err: unknown) => {
          if (!(err instanceof NotFoundError)) throw err;
        });
      for (let step = 0; step < 60; step++) {
        const roll = random();
        if (roll < 0.55 || answered.length === 0) {
          const n = next++;
          answered.push(n);
          await answer(n, { score: Math.floor(random() * 11) });
        } else if (roll < 0.8) {
          const n = answered[Math.floor(random() * answered.length)] ?? 0;
          await answer(n, { score: Math.floor(random() * 11) });
        } else if (roll < 0.9) {
          const n = answered[Math.floor(random() * answered.length)] ?? 0;
          await answer(n, { score: Math.floor(random() * 11), comment: `comment ${step}` });
        } else {
          await eraseCustomer(`cust-${seed}-${Math.floor(random() * 9)}`).catch(() => undefined);
        }
      }
      const { shardId, records } = await newRecords();
      // Deliver like Lambda would, with faults: random batch sizes, duplicates, crashes, bisection.
      let cursor = 0;
      while (cursor < records.length) {
        const size = 1 + Math.floor(random() * 25);
        const batch = records.slice(cursor, cursor + size);
        const fault = random();
        if (fault < 0.2) await rollupBatch(batch, shardId, TZ);
        if (fault >= 0.2 && fault < 0.5) {
          await withCrash(Math.floor(random() * 40), () => rollupBatch(batch, shardId, TZ));
          const half = Math.ceil(batch.length / 2);
          if (random() < 0.5) await rollupBatch(batch.slice(0, half), shardId, TZ);
        }
        await rollupBatch(batch, shardId, TZ);
        cursor += batch.length;
      }
      await expectExact();
    },
  );
});
