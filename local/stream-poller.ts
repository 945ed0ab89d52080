import {
  DescribeStreamCommand,
  type DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type Shard,
  type ShardIteratorType,
  type _Record as StreamRecord,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBRecord } from 'aws-lambda';
import type { CheckpointStore } from './checkpoints.ts';

export interface ConsumerConfig {
  name: string;
  /** The event filter: only records of items with this sort key reach the function. */
  sortKey: string;
  batchSize: number;
  /** MaximumBatchingWindowInSeconds, in ms: how long to wait for a batch to fill. */
  batchingWindowMs?: number;
  maxRetries: number;
  bisectOnError: boolean;
  /** Passes `shardId` (and empty window state) as Lambda does with a tumbling window. */
  tumblingWindow: boolean;
}

export interface FailedBatch {
  consumer: string;
  condition: 'RetryAttemptsExhausted';
  shardId: string;
  startSequenceNumber: string;
  endSequenceNumber: string;
  batchSize: number;
  error: string;
}

export interface StreamPollerOptions {
  client: DynamoDBStreamsClient;
  streamArn: string;
  consumers: ConsumerConfig[];
  checkpoints: CheckpointStore;
  invoke: (consumer: string, event: unknown) => Promise<unknown>;
  onFailure: (failure: FailedBatch) => void;
  idleMs?: number;
  retryDelayMs?: number;
}

/** Sequence numbers are decimal strings of up to 40 digits: compared as big integers. */
const isAfter = (seq: string | undefined, than: string): boolean =>
  seq !== undefined && BigInt(seq) > BigInt(than);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Image = Record<string, unknown>;

/**
 * The SDK's Streams client deserializes an empty map attribute `{"M":{}}` as `{}` (the union
 * member is lost). Lambda delivers `{"M":{}}`, so the adapter restores it, recursively.
 */
const repairEmptyMaps = (image: Image | undefined): Image | undefined => {
  if (!image) return image;
  const fix = (value: unknown): unknown => {
    if (!value || typeof value !== 'object') return value;
    const av = value as Record<string, unknown>;
    if (Object.keys(av).length === 0) return { M: {} };
    if (av.M && typeof av.M === 'object') return { M: repairEmptyMaps(av.M as Image) };
    if (Array.isArray(av.L)) return { L: av.L.map(fix) };
    return av;
  };
  return Object.fromEntries(Object.entries(image).map(([k, v]) => [k, fix(v)]));
};

/** A Streams API record in the shape Lambda hands to a function. */
export const toLambdaRecord = (r: StreamRecord, streamArn: string): DynamoDBRecord => {
  const created = r.dynamodb?.ApproximateCreationDateTime;
  return {
    eventID: r.eventID,
    eventName: r.eventName,
    eventVersion: r.eventVersion ?? '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: r.awsRegion ?? 'us-east-1',
    eventSourceARN: streamArn,
    userIdentity: r.userIdentity,
    dynamodb: {
      ApproximateCreationDateTime: created ? Math.floor(new Date(created).getTime() / 1000) : undefined,
      Keys: r.dynamodb?.Keys as never,
      NewImage: repairEmptyMaps(r.dynamodb?.NewImage) as never,
      OldImage: repairEmptyMaps(r.dynamodb?.OldImage) as never,
      SequenceNumber: r.dynamodb?.SequenceNumber,
      SizeBytes: r.dynamodb?.SizeBytes,
      StreamViewType: r.dynamodb?.StreamViewType,
    },
  } as DynamoDBRecord;
};

type Outcome =
  | { kind: 'ok' }
  | { kind: 'partial'; index: number; error: string }
  | { kind: 'error'; error: string };

/**
 * Reads the table's stream like Lambda's event source mapping: one reader per consumer and shard,
 * batches of up to `batchSize`, the filter applied before invoking, retries from the first failed
 * record (`batchItemFailures`), bisection of failing batches, and after the retries an on-failure
 * record while the shard moves on. Positions are checkpointed so a restart resumes.
 */
export class StreamPoller {
  private readonly options: Required<StreamPollerOptions>;
  private stopped = false;
  private readonly loops = new Map<string, Promise<void>>();
  private readonly quietSince = new Map<string, number>();
  private readonly finishedShards = new Set<string>();
  private discovery: Promise<void> | undefined;

  constructor(options: StreamPollerOptions) {
    this.options = { idleMs: 50, retryDelayMs: 50, ...options };
  }

  start(): void {
    this.discovery = this.discoverLoop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.discovery;
    await Promise.allSettled([...this.loops.values()]);
  }

  /** Resolves once every reader has polled, after this call, and found nothing left to process. */
  async waitForIdle(timeoutMs = 30_000): Promise<void> {
    const since = Date.now();
    const deadline = since + timeoutMs;
    await this.describeAndStart();
    if (this.options.consumers.length === 0) return;
    while (Date.now() < deadline) {
      const readers = [...this.loops.keys()];
      if (
        readers.length > 0 &&
        readers.every((k) => (this.quietSince.get(k) ?? 0) > since || this.finishedShards.has(k))
      ) {
        return;
      }
      await sleep(20);
    }
    throw new Error(`stream consumers still busy after ${timeoutMs} ms`);
  }

  private async discoverLoop(): Promise<void> {
    while (!this.stopped) {
      await this.describeAndStart().catch((err: unknown) => {
        if (!this.stopped) console.error('[stream] describe failed', err);
      });
      await sleep(1000);
    }
  }

  private async describeAndStart(): Promise<void> {
    const shards: Shard[] = [];
    let ExclusiveStartShardId: string | undefined;
    do {
      const out = await this.options.client.send(
        new DescribeStreamCommand({ StreamArn: this.options.streamArn, ExclusiveStartShardId }),
      );
      shards.push(...(out.StreamDescription?.Shards ?? []));
      ExclusiveStartShardId = out.StreamDescription?.LastEvaluatedShardId;
    } while (ExclusiveStartShardId);
    const known = new Set(shards.map((s) => s.ShardId));
    for (const consumer of this.options.consumers) {
      for (const shard of shards) {
        const key = `${consumer.name}/${shard.ShardId}`;
        if (this.loops.has(key) || this.stopped || !shard.ShardId) continue;
        // Children wait for their parent, so each item's changes stay in order.
        const parentKey = `${consumer.name}/${shard.ParentShardId}`;
        if (shard.ParentShardId && known.has(shard.ParentShardId) && !this.finishedShards.has(parentKey))
          continue;
        this.loops.set(key, this.readShard(consumer, shard.ShardId, key));
      }
    }
  }

  private async iteratorFor(
    consumer: ConsumerConfig,
    shardId: string,
    options: { fromOldest?: boolean } = {},
  ): Promise<string | undefined> {
    const position = options.fromOldest ? undefined : this.options.checkpoints.get(consumer.name, shardId);
    const request = (type: ShardIteratorType, seq?: string) =>
      this.options.client.send(
        new GetShardIteratorCommand({
          StreamArn: this.options.streamArn,
          ShardId: shardId,
          ShardIteratorType: type,
          SequenceNumber: seq,
        }),
      );
    if (position) {
      try {
        return (await request('AFTER_SEQUENCE_NUMBER', position)).ShardIterator;
      } catch {
        // The position is gone (trimmed or a fresh table): start over; consumers are idempotent.
      }
    }
    return (await request('TRIM_HORIZON')).ShardIterator;
  }

  private async readShard(consumer: ConsumerConfig, shardId: string, key: string): Promise<void> {
    let iterator = await this.iteratorFor(consumer, shardId);
    const fetch = async (limit: number): Promise<StreamRecord[] | undefined> => {
      if (!iterator) return [];
      try {
        const out = await this.options.client.send(
          new GetRecordsCommand({ ShardIterator: iterator, Limit: limit }),
        );
        iterator = out.NextShardIterator;
        return out.Records ?? [];
      } catch (err: unknown) {
        if (this.stopped) return undefined;
        // An iterator that aged out: a new one after the last record handed on.
        if (err instanceof Error && err.name === 'ExpiredIteratorException') {
          iterator = await this.iteratorFor(consumer, shardId);
          return [];
        }
        // One pointing at records the stream has since trimmed (DynamoDB Local does this to a shard
        // that sat idle): go on from the oldest record left, as Lambda does. Anything replayed is
        // absorbed by the consumers' idempotency.
        if (err instanceof Error && err.name === 'TrimmedDataAccessException') {
          iterator = await this.iteratorFor(consumer, shardId, { fromOldest: true });
          return [];
        }
        console.error(`[stream] ${key} GetRecords failed`, err);
        await sleep(1000);
        return [];
      }
    };
    while (!this.stopped && iterator) {
      const startedAt = Date.now();
      const records = await fetch(consumer.batchSize);
      if (records === undefined) return;
      if (records.length === 0) {
        this.quietSince.set(key, startedAt);
        await sleep(this.options.idleMs);
        continue;
      }
      // Like MaximumBatchingWindowInSeconds: wait a little for a fuller batch, never past the window.
      const windowEnds = Date.now() + (consumer.batchingWindowMs ?? 0);
      while (records.length < consumer.batchSize && Date.now() < windowEnds && iterator && !this.stopped) {
        await sleep(Math.min(50, windowEnds - Date.now()));
        const more = await fetch(consumer.batchSize - records.length);
        if (more === undefined) return;
        // A re-positioned iterator may hand back records this batch already holds.
        const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
        records.push(...more.filter((r) => !last || isAfter(r.dynamodb?.SequenceNumber, last)));
      }
      const batch = records
        .map((r) => toLambdaRecord(r, this.options.streamArn))
        .filter((r) => r.dynamodb?.Keys?.sk?.S === consumer.sortKey);
      if (batch.length) await this.deliver(consumer, shardId, batch);
      const last = records[records.length - 1]?.dynamodb?.SequenceNumber;
      if (last) this.options.checkpoints.set(consumer.name, shardId, last);
    }
    this.finishedShards.add(key);
  }

  private async invokeOnce(
    consumer: ConsumerConfig,
    shardId: string,
    records: DynamoDBRecord[],
  ): Promise<Outcome> {
    const event = consumer.tumblingWindow
      ? {
          Records: records,
          shardId,
          eventSourceARN: this.options.streamArn,
          window: { start: new Date().toISOString(), end: new Date(Date.now() + 1000).toISOString() },
          state: {},
          isFinalInvokeForWindow: false,
          isWindowTerminatedEarly: false,
        }
      : { Records: records };
    try {
      const result = (await this.options.invoke(consumer.name, event)) as
        | { batchItemFailures?: Array<{ itemIdentifier?: string }> }
        | undefined;
      const failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
      if (failed.size === 0) return { kind: 'ok' };
      const index = records.findIndex((r) => failed.has(r.dynamodb?.SequenceNumber));
      // An identifier that matches no record fails the whole batch, as Lambda does.
      return { kind: 'partial', index: Math.max(0, index), error: 'batch item failure reported' };
    } catch (err: unknown) {
      return { kind: 'error', error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
    }
  }

  private async deliver(consumer: ConsumerConfig, shardId: string, records: DynamoDBRecord[]): Promise<void> {
    let pending = records;
    for (let attempt = 0; pending.length > 0 && !this.stopped; attempt++) {
      const outcome = await this.invokeOnce(consumer, shardId, pending);
      if (outcome.kind === 'ok') return;
      if (outcome.kind === 'partial') pending = pending.slice(outcome.index);
      if (attempt >= consumer.maxRetries) {
        if (consumer.bisectOnError && pending.length > 1) {
          const mid = Math.ceil(pending.length / 2);
          await this.deliver(consumer, shardId, pending.slice(0, mid));
          await this.deliver(consumer, shardId, pending.slice(mid));
          return;
        }
        this.options.onFailure({
          consumer: consumer.name,
          condition: 'RetryAttemptsExhausted',
          shardId,
          startSequenceNumber: pending[0]?.dynamodb?.SequenceNumber ?? '',
          endSequenceNumber: pending[pending.length - 1]?.dynamodb?.SequenceNumber ?? '',
          batchSize: pending.length,
          error: outcome.error,
        });
        return;
      }
      await sleep(this.options.retryDelayMs * 2 ** attempt);
    }
  }
}
