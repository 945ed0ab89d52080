import { Duration } from 'aws-cdk-lib';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QUEUE_CONSUMERS } from '#functions/routes';
import { deadLetterQueue } from './dead-letter-queue.ts';
import type { HouseFunction } from './house-function.ts';

export interface AlertQueueProps {
  settings: (typeof QUEUE_CONSUMERS)['deliver-alerts'];
  /** Six times the consumer's timeout, as Lambda recommends (functions/routes.ts). */
  visibilityTimeout: Duration;
}

/**
 * The alert delivery queue. The alert itself lives in the table (the outbox); a message only says
 * "deliver this one now". The consumer delays a failed message until the alert's backoff has
 * passed, so SQS does the waiting; a message that fails past `maxReceiveCount` lands in the DLQ,
 * which is alarmed — and the alert is still in the table for the sweep and the dashboard.
 */
export class AlertQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  private readonly settings: AlertQueueProps['settings'];

  constructor(scope: Construct, id: string, props: AlertQueueProps) {
    super(scope, id);
    this.settings = props.settings;
    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      'the redrive target of the alert delivery queue',
    );
    this.queue = new sqs.Queue(this, 'Queue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: Duration.days(4),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.settings.maxReceiveCount },
    });
  }

  /** Wires the consumer (with partial batch failures) and lets the producers send. */
  connect(consumer: HouseFunction, producers: HouseFunction[]): void {
    consumer.fn.addEventSource(
      new SqsEventSource(this.queue, { batchSize: this.settings.batchSize, reportBatchItemFailures: true }),
    );
    for (const producer of producers) this.queue.grantSendMessages(producer.fn);
  }
}
