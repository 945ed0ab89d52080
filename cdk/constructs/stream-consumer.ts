import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { STREAM_CONSUMERS, StreamFunctionName } from '#functions/routes';
import { MAIN_TABLE } from '#shared/store/model';
import { deadLetterQueue } from './dead-letter-queue.ts';
import type { HouseFunction } from './house-function.ts';

export interface StreamConsumerProps {
  /** The main table (its stream, and its sort key name for the filter). */
  table: dynamodb.ITable;
  consumer: HouseFunction;
  name: StreamFunctionName;
  /** The consumer's entry in functions/routes.ts: sort key filter, batch size, windows, retries. */
  settings: (typeof STREAM_CONSUMERS)[StreamFunctionName];
}

/**
 * One consumer of the main table's stream: a filtered event source mapping that reports partial
 * batch failures, bisects a failing batch, retries a bounded number of times and then parks the
 * failed batch's description in its own encrypted dead-letter queue.
 */
export class StreamConsumer extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly eventSource: DynamoEventSource;

  constructor(scope: Construct, id: string, props: StreamConsumerProps) {
    super(scope, id);
    const { settings } = props;

    this.deadLetterQueue = deadLetterQueue(
      this,
      'DeadLetterQueue',
      `the on-failure destination of the ${props.name} stream event source mapping`,
    );

    this.eventSource = new DynamoEventSource(props.table, {
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: settings.batchSize,
      // Whole seconds on AWS; 0 (no window) leaves the setting out.
      maxBatchingWindow:
        settings.batchingWindowMs > 0 ? Duration.millis(settings.batchingWindowMs) : undefined,
      parallelizationFactor: 1,
      reportBatchItemFailures: true,
      bisectBatchOnError: true,
      retryAttempts: settings.maxRetries,
      maxRecordAge: Duration.days(1),
      // Only for consumers that need `event.shardId`: Lambda sends it only with a tumbling window.
      tumblingWindow:
        settings.tumblingWindowSeconds > 0 ? Duration.seconds(settings.tumblingWindowSeconds) : undefined,
      onFailure: new SqsDlq(this.deadLetterQueue),
      // Only this consumer's items reach it (the handler checks the sort key again).
      filters: [
        lambda.FilterCriteria.filter({
          dynamodb: { Keys: { [MAIN_TABLE.sortKey]: { S: lambda.FilterRule.isEqual(settings.sortKey) } } },
        }),
      ],
    });
    props.consumer.fn.addEventSource(this.eventSource);

    props.consumer.acknowledgeWildcard(
      'Resource::*',
      'dynamodb:ListStreams (granted with the stream event source) supports no resource-level permissions.',
    );
  }
}
