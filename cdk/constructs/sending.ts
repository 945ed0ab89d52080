import { ArnFormat, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import type { HouseFunction } from './house-function.ts';

export interface SendingProps {
  senderEmail: string;
  sesConfigurationSet?: string;
  /** Functions that send survey emails through SES. */
  senders: ReadonlyArray<HouseFunction>;
  /** The campaign dispatch function, invoked asynchronously by the starters. */
  dispatch: HouseFunction;
  /** Functions that start campaign runs (create the run, then invoke dispatch with InvocationType Event). */
  starters: ReadonlyArray<HouseFunction>;
  /** The invite sender, invoked asynchronously by its starters. */
  sender: HouseFunction;
  senderStarters: ReadonlyArray<HouseFunction>;
}

/**
 * The sending concern: who may send survey email, from which identity, and who may start the dispatch.
 *
 * SESv2 SendEmail is authorized by `ses:SendEmail` against the sending identity (and the configuration
 * set when one is used). The sender's domain and its exact address are both listed, because either may
 * be the verified identity; the `ses:FromAddress` condition pins the From address to the configured one.
 * (In the SES sandbox, SES also checks the recipient's identity: leave the sandbox before real use.)
 */
export class Sending extends Construct {
  readonly sendPolicy: iam.PolicyStatement;

  constructor(scope: Construct, id: string, props: SendingProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const domain = props.senderEmail.split('@')[1] ?? props.senderEmail;
    const sesArn = (resource: string, resourceName: string) =>
      stack.formatArn({ service: 'ses', resource, resourceName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });

    const resources = [sesArn('identity', domain), sesArn('identity', props.senderEmail)];
    if (props.sesConfigurationSet) resources.push(sesArn('configuration-set', props.sesConfigurationSet));

    this.sendPolicy = new iam.PolicyStatement({
      actions: ['ses:SendEmail'],
      resources,
      conditions: { StringEquals: { 'ses:FromAddress': props.senderEmail } },
    });
    for (const sender of props.senders) sender.role.addToPrincipalPolicy(this.sendPolicy);

    for (const starter of props.starters) starter.allowInvoke(props.dispatch.fn);
    for (const starter of props.senderStarters) starter.allowInvoke(props.sender.fn);
  }
}
