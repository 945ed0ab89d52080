import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface AlarmsProps {
  functions: ReadonlyArray<{ name: string; fn: lambda.IFunction }>;
  streamConsumers: ReadonlyArray<{ name: string; fn: lambda.IFunction; deadLetterQueue: sqs.IQueue }>;
  /** Work queues whose dead-letter queue must stay empty. */
  queues?: ReadonlyArray<{ name: string; deadLetterQueue: sqs.IQueue }>;
  /** Subscribed to the alarm topic by email, if given. */
  alarmEmail?: string;
  /** Stream records older than this mean a consumer is falling behind. */
  maxIteratorAge?: Duration;
}

/**
 * What must wake someone up: a function that fails, a stream batch parked in a dead-letter queue
 * (its responses are missing from the NPS or raised no alert), a stream consumer falling behind.
 * Every alarm notifies one SNS topic.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);

    this.topic = new sns.Topic(this, 'Topic', { displayName: 'nps-loop alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);

    const add = (alarmId: string, alarmProps: cloudwatch.AlarmProps) => {
      const alarm = new cloudwatch.Alarm(this, alarmId, {
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...alarmProps,
      });
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      this.alarms.push(alarm);
    };

    for (const { name, fn } of props.functions) {
      add(`${name}-errors`, {
        alarmDescription: `${name} failed at least once in 5 minutes (see its log group)`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: cloudwatch.Stats.SUM }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });
    }

    const whenNotEmpty = (name: string, queue: sqs.IQueue, description: string) =>
      add(`${name}-dead-letters`, {
        alarmDescription: description,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: 0,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
      });

    for (const { name, deadLetterQueue } of props.queues ?? []) {
      whenNotEmpty(
        name,
        deadLetterQueue,
        `${name}: messages failed past their receive limit and sit in its dead-letter queue`,
      );
    }

    const maxAge = props.maxIteratorAge ?? Duration.minutes(5);
    for (const { name, fn, deadLetterQueue } of props.streamConsumers) {
      whenNotEmpty(
        name,
        deadLetterQueue,
        `${name} gave up on stream records: their batch descriptions are in its dead-letter queue`,
      );
      add(`${name}-iterator-age`, {
        alarmDescription: `${name} is more than ${maxAge.toHumanString()} behind the table stream`,
        metric: fn.metric('IteratorAge', {
          period: Duration.minutes(1),
          statistic: cloudwatch.Stats.MAXIMUM,
        }),
        threshold: maxAge.toMilliseconds(),
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        datapointsToAlarm: 3,
      });
    }
  }
}
