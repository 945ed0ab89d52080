import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { FUNCTION_LIMITS, type FunctionName } from '#functions/routes';
import { runAsFunction } from './table-access-check.ts';

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The very same handler modules the CDK stack bundles, loaded on first use. */
const loaders: Record<FunctionName, () => Promise<{ handler: unknown }>> = {
  'survey-page': () => import('#functions/survey-page'),
  'submit-response': () => import('#functions/submit-response'),
  'record-scan': () => import('#functions/record-scan'),
  unsubscribe: () => import('#functions/unsubscribe'),
  'leave-survey': () => import('#functions/leave-survey'),
  'admin-api': () => import('#functions/admin-api'),
  auth: () => import('#functions/auth'),
  dashboard: () => import('#functions/dashboard'),
  'not-found': () => import('#functions/not-found'),
  'rollup-responses': () => import('#functions/rollup-responses'),
  'raise-alerts': () => import('#functions/raise-alerts'),
  'run-schedules': () => import('#functions/run-schedules'),
  'sweep-outbox': () => import('#functions/sweep-outbox'),
  'send-invites': () => import('#functions/send-invites'),
  'escalate-cases': () => import('#functions/escalate-cases'),
  'recompute-value': () => import('#functions/recompute-value'),
  'dispatch-campaign': () => import('#functions/dispatch-campaign'),
  'deliver-alerts': () => import('#functions/deliver-alerts'),
  'record-ses-events': () => import('#functions/record-ses-events'),
  'send-sign-in-link': () => import('#functions/send-sign-in-link'),
};

export const isFunctionName = (name: string): name is FunctionName => Object.hasOwn(loaders, name);

const lambdaContext = (name: FunctionName): Context => {
  const limits = FUNCTION_LIMITS[name];
  const deadline = Date.now() + limits.timeoutSeconds * 1000;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    memoryLimitInMB: String(limits.memoryMb),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
};

/** Invokes a handler as Lambda would: one event, a fresh context, the handler's promise. */
export const invoke = async (name: FunctionName, event: unknown): Promise<unknown> => {
  const mod = await loaders[name]();
  return runAsFunction(name, async () => (mod.handler as Handler)(event, lambdaContext(name)));
};
