import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { config } from '#shared/config';
import { ConfigError } from '#shared/errors';
import { CORRELATION, count, logger, observedHandler, recordRollupIteratorAge } from '#shared/observability';
import { rollupScopeOf } from '#shared/rollup/counters';
import { rollupBatch } from '#shared/rollup/rollup-batch';

/**
 * The event source mapping runs with a 1-second tumbling window only so that Lambda tells us the
 * shard (`shardId`): the exactly-once marks are kept per shard. The window state itself is unused.
 */
export type RollupEvent = DynamoDBStreamEvent & { shardId?: string; state?: Record<string, string> };
export type RollupResponse = DynamoDBBatchResponse & { state: Record<string, string> };

const rollup = async (event: RollupEvent): Promise<RollupResponse> => {
  if (!event.shardId) {
    throw new ConfigError(
      'rollup needs the shard id: enable the tumbling window on its event source mapping',
    );
  }
  const records = event.Records ?? [];
  if (records.length === 0) return { batchItemFailures: [], state: {} };
  const oldest = Math.min(
    ...records.map((r) => r.dynamodb?.ApproximateCreationDateTime ?? Date.now() / 1000),
  );
  recordRollupIteratorAge(Date.now() - oldest * 1000);
  const { batchItemFailures, stats } = await rollupBatch(records, event.shardId, rollupScopeOf(config()));
  count('RollupBatchSize', stats.records);
  logger.debug('rollup batch applied', { shardId: event.shardId, ...stats });
  return { batchItemFailures, state: {} };
};

export const handler = observedHandler<RollupEvent, RollupResponse>(CORRELATION.records).handler(rollup);
