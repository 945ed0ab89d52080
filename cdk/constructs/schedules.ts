import { Duration, RemovalPolicy, Stack, TimeZone } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';

export interface SchedulesProps {
  /** Functions invoked by EventBridge Scheduler every minute, by name. */
  targets: ReadonlyArray<{ name: string; fn: lambda.IFunction }>;
  /** Functions invoked once a day at `at` (HH:MM) in `timeZone`. */
  daily?: ReadonlyArray<{ name: string; fn: lambda.IFunction; at: string }>;
  /** The account's time zone (IANA), which the daily times are read in. */
  timeZone?: string;
}

/**
 * The minute ticks: one EventBridge Scheduler schedule per scheduled function, in one schedule
 * group, invoking through one role that may invoke exactly those functions and nothing else.
 * A tick that fails is not retried: the next one comes a minute later and does the same work.
 * The daily ones (the value recompute) are retried for an hour: the next try is a day away.
 */
export class Schedules extends Construct {
  readonly group: scheduler.ScheduleGroup;
  readonly role: iam.Role;
  readonly schedules: scheduler.Schedule[] = [];

  constructor(scope: Construct, id: string, props: SchedulesProps) {
    super(scope, id);
    const stack = Stack.of(this);

    this.group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: RemovalPolicy.DESTROY });

    this.role = new iam.Role(this, 'InvokeRole', {
      description: 'nps-loop: EventBridge Scheduler invokes the scheduled functions',
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        // Only schedules of this account's nps-loop group can use the role (confused deputy).
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnEquals: { 'aws:SourceArn': this.group.scheduleGroupArn },
        },
      }),
    });
    const daily = props.daily ?? [];
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: ['lambda:InvokeFunction'],
        resources: [...props.targets, ...daily].map((t) => t.fn.functionArn),
      }),
    );

    const role = this.role;
    const targetOf = (fn: lambda.IFunction, retryPolicy: scheduler.CfnSchedule.RetryPolicyProperty) => ({
      bind: () => ({ arn: fn.functionArn, role, retryPolicy }),
    });
    for (const { name, fn } of props.targets) {
      this.schedules.push(
        new scheduler.Schedule(this, name, {
          description: `nps-loop: run ${name} every minute`,
          scheduleGroup: this.group,
          schedule: scheduler.ScheduleExpression.rate(Duration.minutes(1)),
          timeWindow: scheduler.TimeWindow.off(),
          target: targetOf(fn, { maximumEventAgeInSeconds: 60, maximumRetryAttempts: 0 }),
        }),
      );
    }
    for (const { name, fn, at } of daily) {
      const [hour = '0', minute = '0'] = at.split(':').map((part) => String(Number(part)));
      this.schedules.push(
        new scheduler.Schedule(this, name, {
          description: `nps-loop: run ${name} daily at ${at} ${props.timeZone ?? 'UTC'}`,
          scheduleGroup: this.group,
          schedule: scheduler.ScheduleExpression.cron({
            hour,
            minute,
            timeZone: TimeZone.of(props.timeZone ?? 'UTC'),
          }),
          timeWindow: scheduler.TimeWindow.off(),
          target: targetOf(fn, { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 3 }),
        }),
      );
    }
  }
}
