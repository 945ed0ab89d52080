import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { queueAlerts } from '#shared/alerts/outbox';
import { raiseDetractorAlert } from '#shared/cases/from-answer';
import { CORRELATION, observedHandler } from '#shared/observability';
import { RESPONSE_SORT_KEY } from '#shared/store/model';
import { responseItem } from '#shared/store/schemas';
import { isTtlExpiry, parseImage, sortKeyOf } from '#shared/stream/records';

const processor = new BatchProcessor(EventType.DynamoDBStreams);

/** One response change: open/update the case and its alert, then try the first delivery at once. */
const onRecord = async (record: DynamoDBRecord): Promise<void> => {
  if (sortKeyOf(record) !== RESPONSE_SORT_KEY || record.eventName === 'REMOVE' || isTtlExpiry(record)) return;
  const oldImage = parseImage(responseItem, record.dynamodb?.OldImage);
  const newImage = parseImage(responseItem, record.dynamodb?.NewImage);
  const { alertIds } = await raiseDetractorAlert(oldImage, newImage);
  // Re-queued on a redelivered record too: its first hand-over may be what crashed. Delivery is
  // leased and idempotent, so a second hand-over never posts twice.
  await queueAlerts(alertIds);
};

const raiseAlerts = async (event: DynamoDBStreamEvent, context: Context): Promise<DynamoDBBatchResponse> =>
  // In stream order: two changes to one answer in one batch must not race (a raise to 9 read
  // before the detractor case it resolves was written would leave that case open).
  processPartialResponse(event, onRecord, processor, { context, processInParallel: false });

export const handler = observedHandler<DynamoDBStreamEvent, DynamoDBBatchResponse>(
  CORRELATION.records,
).handler(raiseAlerts);
