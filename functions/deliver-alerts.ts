import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { ChangeMessageVisibilityCommand } from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { z } from 'zod';
import { deliverAlert } from '#shared/alerts/deliver';
import { getClients } from '#shared/clients';
import { config } from '#shared/config';
import { CORRELATION, observedHandler } from '#shared/observability';
import { getAlert } from '#shared/store/alerts';

const processor = new BatchProcessor(EventType.SQS);
const message = z.object({ alertId: z.string().min(1).max(200) });
const MAX_VISIBILITY_SECONDS = 43_200;

class RetryLaterError extends Error {
  constructor(alertId: string, seconds: number) {
    super(`alert ${alertId}: next attempt in ${seconds} s`);
    this.name = 'RetryLaterError';
  }
}

/** Keeps the message invisible until the alert's next attempt, then fails it so SQS brings it back. */
const retryAt = async (record: SQSRecord, alertId: string, at: Date | undefined) => {
  const seconds = Math.min(
    MAX_VISIBILITY_SECONDS,
    Math.max(1, Math.ceil(((at?.getTime() ?? 0) - Date.now()) / 1000)),
  );
  const queueUrl = config().ALERT_QUEUE_URL;
  if (queueUrl) {
    await getClients().sqs.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: queueUrl,
        ReceiptHandle: record.receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }
  throw new RetryLaterError(alertId, seconds);
};

/**
 * One queued alert: attempt delivery. Delivered or dead → the message is done. Failed with attempts
 * left → the message comes back when the backoff has passed. A message that keeps failing for
 * other reasons reaches the queue's DLQ (alarmed); the alert itself stays in the table.
 */
const onMessage = async (record: SQSRecord): Promise<void> => {
  const { alertId } = message.parse(JSON.parse(record.body));
  const result = await deliverAlert(alertId);
  if (result.outcome === 'retrying') return retryAt(record, alertId, result.nextAttemptAt);
  if (result.outcome === 'not-due') {
    const alert = await getAlert(alertId);
    // Still pending: its backoff has not passed, or another deliverer holds the lease right now —
    // then look again when that attempt must have ended, not every second until the DLQ.
    if (alert?.status === 'pending') {
      const due = Math.max(
        Date.parse(alert.nextAttemptAt ?? '') || 0,
        Date.parse(alert.leaseUntil ?? '') || 0,
      );
      return retryAt(record, alertId, new Date(due || Date.now()));
    }
  }
};

const deliverAlerts = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  processPartialResponse(event, onMessage, processor, { context });

export const handler = observedHandler<SQSEvent, SQSBatchResponse>(CORRELATION.queue).handler(deliverAlerts);
