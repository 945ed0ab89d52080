import { Validations } from 'aws-cdk-lib';
import * as ses from 'aws-cdk-lib/aws-ses';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function.ts';

/**
 * Sender reputation: the stack's SES configuration set publishes bounces and complaints to a topic
 * that feeds the suppression function, so a hard-bouncing or complaining address is never surveyed
 * again. Every email is sent through this configuration set.
 */
export class SesEvents extends Construct {
  readonly configurationSet: ses.ConfigurationSet;
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: 'nps-loop SES bounces and complaints',
      enforceSSL: true,
    });
    Validations.of(this.topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'SES event publishing cannot use the AWS-managed SNS key, and the messages hold only addresses of bounces and complaints, in transit over TLS.',
    });
    this.configurationSet = new ses.ConfigurationSet(this, 'ConfigurationSet', {
      reputationMetrics: true,
      suppressionReasons: ses.SuppressionReasons.BOUNCES_AND_COMPLAINTS,
    });
    this.configurationSet.addEventDestination('BouncesAndComplaints', {
      destination: ses.EventDestination.snsTopic(this.topic),
      events: [ses.EmailSendingEvent.BOUNCE, ses.EmailSendingEvent.COMPLAINT],
    });
  }

  /** Subscribes the suppression function to the events. */
  connect(consumer: HouseFunction): void {
    this.topic.addSubscription(new subscriptions.LambdaSubscription(consumer.fn));
  }
}
