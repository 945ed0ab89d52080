import type { DynamoDBRecord } from 'aws-lambda';
import { logger } from '../observability.ts';
import { RESPONSE_SORT_KEY } from '../store/model.ts';
import { responseItem } from '../store/schemas.ts';
import {
  isTtlExpiry,
  padSequence,
  parseImage,
  StreamRecordError,
  sequenceOf,
  sortKeyOf,
} from '../stream/records.ts';
import { type ApplyStats, applyChanges, type CounterChange } from './apply.ts';
import { changeOf, type RollupScope } from './counters.ts';

export interface RollupResult {
  batchItemFailures: Array<{ itemIdentifier: string }>;
  stats: ApplyStats & { records: number };
}

/**
 * Turns a batch of stream records into counter changes and applies them exactly once. A record
 * that cannot be read (poison) stops the batch there: the records before it are applied, it is
 * reported as the batch item failure, and Lambda retries from it (bounded, then on-failure
 * destination) without re-counting its neighbours.
 */
export const rollupBatch = async (
  records: DynamoDBRecord[],
  shardId: string,
  scope: RollupScope,
): Promise<RollupResult> => {
  const changes: CounterChange[] = [];
  const batchItemFailures: RollupResult['batchItemFailures'] = [];
  let considered = 0;
  for (const record of records) {
    try {
      const seq = padSequence(sequenceOf(record));
      if (sortKeyOf(record) !== RESPONSE_SORT_KEY || isTtlExpiry(record)) continue;
      const oldImage = parseImage(responseItem, record.dynamodb?.OldImage);
      const newImage = parseImage(responseItem, record.dynamodb?.NewImage);
      considered++;
      for (const [id, { key, delta }] of changeOf(oldImage, newImage, scope)) {
        changes.push({ id, key, seq, delta });
      }
    } catch (err: unknown) {
      if (!(err instanceof StreamRecordError)) throw err;
      logger.error('unreadable stream record; reporting it as the batch item failure', {
        eventID: record.eventID,
        reason: err.message,
      });
      batchItemFailures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? record.eventID ?? '' });
      break;
    }
  }
  const stats = await applyChanges(shardId, changes);
  return { batchItemFailures, stats: { ...stats, records: considered } };
};
