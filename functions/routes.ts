import { RESPONSE_SORT_KEY } from '../shared/store/model.ts';

/**
 * The HTTP API: route keys (as API Gateway HTTP APIs write them) and the function serving each.
 * The CDK stack declares exactly these routes, and the local server matches requests against them.
 */
export const HTTP_FUNCTIONS = [
  'survey-page',
  'submit-response',
  'record-scan',
  'unsubscribe',
  'leave-survey',
  'admin-api',
  'auth',
  'dashboard',
  'not-found',
] as const;
export type HttpFunctionName = (typeof HTTP_FUNCTIONS)[number];

/** API Gateway's `$default` route: whatever no route below matches gets the API's own 404 body. */
export const DEFAULT_ROUTE = { routeKey: '$default', fn: 'not-found' } as const;

/**
 * Every route of the API and the function serving it: the one list. The CDK stack declares these
 * routes, the local server matches requests against them, and the admin function dispatches its
 * routes from it (functions/admin-api.ts must have a handler for each admin route key, and for no
 * other — the types make it so).
 */
export const ROUTES = [
  { routeKey: 'GET /s/{token}', fn: 'survey-page' },
  { routeKey: 'POST /s/{token}', fn: 'submit-response' },
  // The survey email's honeypot link: only mail scanners follow it (shared/survey/scanner.ts).
  { routeKey: 'GET /s/{token}/check', fn: 'record-scan' },
  { routeKey: 'GET /u/{token}', fn: 'unsubscribe' },
  { routeKey: 'POST /u/{token}', fn: 'unsubscribe' },
  // The "why did you leave?" page of a lost customer's email (shared/winback).
  { routeKey: 'GET /leave/{token}', fn: 'leave-survey' },
  { routeKey: 'POST /leave/{token}', fn: 'leave-survey' },
  { routeKey: 'GET /dashboard', fn: 'dashboard' },
  // The API's own description (functions/openapi.ts): static, public, like the dashboard page.
  { routeKey: 'GET /api/openapi.json', fn: 'dashboard' },
  // Signing in with a one-time emailed link (shared/auth): a GET of the link never uses it.
  { routeKey: 'POST /auth/sign-in', fn: 'auth' },
  { routeKey: 'GET /auth/callback', fn: 'auth' },
  { routeKey: 'POST /auth/callback', fn: 'auth' },
  { routeKey: 'POST /auth/sign-out', fn: 'auth' },
  { routeKey: 'GET /api/me', fn: 'admin-api' },
  { routeKey: 'GET /api/audit', fn: 'admin-api' },
  { routeKey: 'POST /api/customers', fn: 'admin-api' },
  { routeKey: 'POST /api/customers/import', fn: 'admin-api' },
  { routeKey: 'GET /api/customers/{id}', fn: 'admin-api' },
  { routeKey: 'DELETE /api/customers/{id}', fn: 'admin-api' },
  { routeKey: 'POST /api/customers/{id}/churn', fn: 'admin-api' },
  { routeKey: 'GET /api/retention', fn: 'admin-api' },
  { routeKey: 'GET /api/value/revenue-at-risk', fn: 'admin-api' },
  { routeKey: 'GET /api/winbacks', fn: 'admin-api' },
  { routeKey: 'GET /api/winbacks/reasons', fn: 'admin-api' },
  { routeKey: 'PATCH /api/winbacks/{id}', fn: 'admin-api' },
  { routeKey: 'POST /api/purchases', fn: 'admin-api' },
  { routeKey: 'POST /api/purchases/import', fn: 'admin-api' },
  { routeKey: 'GET /api/value', fn: 'admin-api' },
  { routeKey: 'POST /api/value/recompute', fn: 'admin-api' },
  { routeKey: 'POST /api/owners', fn: 'admin-api' },
  { routeKey: 'GET /api/owners', fn: 'admin-api' },
  { routeKey: 'POST /api/campaigns', fn: 'admin-api' },
  { routeKey: 'GET /api/campaigns', fn: 'admin-api' },
  { routeKey: 'GET /api/campaigns/{id}', fn: 'admin-api' },
  { routeKey: 'POST /api/campaigns/{id}/send', fn: 'admin-api' },
  { routeKey: 'GET /api/campaigns/{id}/runs/{runId}', fn: 'admin-api' },
  { routeKey: 'POST /api/campaigns/{id}/runs/{runId}/resume', fn: 'admin-api' },
  { routeKey: 'POST /api/surveys', fn: 'admin-api' },
  { routeKey: 'GET /api/nps', fn: 'admin-api' },
  { routeKey: 'GET /api/nps/segments', fn: 'admin-api' },
  { routeKey: 'GET /api/nps/compare', fn: 'admin-api' },
  { routeKey: 'GET /api/responses', fn: 'admin-api' },
  { routeKey: 'GET /api/cases', fn: 'admin-api' },
  { routeKey: 'PATCH /api/cases/{id}', fn: 'admin-api' },
  { routeKey: 'GET /api/cases/metrics', fn: 'admin-api' },
  { routeKey: 'POST /api/cases/{id}/follow-up', fn: 'admin-api' },
  { routeKey: 'GET /api/routing', fn: 'admin-api' },
  { routeKey: 'PUT /api/routing', fn: 'admin-api' },
  { routeKey: 'GET /api/themes', fn: 'admin-api' },
  { routeKey: 'GET /api/themes/definitions', fn: 'admin-api' },
  { routeKey: 'PUT /api/themes/definitions', fn: 'admin-api' },
  { routeKey: 'GET /api/alerts/dead', fn: 'admin-api' },
  { routeKey: 'POST /api/alerts/{id}/redeliver', fn: 'admin-api' },
] as const satisfies ReadonlyArray<{ routeKey: string; fn: HttpFunctionName }>;

export type AdminRouteKey = Extract<(typeof ROUTES)[number], { fn: 'admin-api' }>['routeKey'];
export type AuthRouteKey = Extract<(typeof ROUTES)[number], { fn: 'auth' }>['routeKey'];

/** Stream consumers and their event filters (the ESM FilterCriteria pattern on the AWS side). */
export const STREAM_CONSUMERS = {
  // Large batches are what make the rollup cheap: one write per counter item (segment × day) per
  // batch, so a batch that waits to fill trades a little latency for far fewer writes. On AWS the
  // (whole-second) window is 1 s and a busy batch's ~65 counter items take DynamoDB tens of ms.
  // Locally half a second fills batches as well (measured by bench:rollup).
  'rollup-responses': {
    sortKey: RESPONSE_SORT_KEY,
    batchSize: 1000,
    batchingWindowMs: 1000,
    localBatchingWindowMs: 500,
    maxRetries: 5,
    // The handler keeps exactly-once marks per shard and needs `event.shardId`, which Lambda only
    // sends to mappings with a tumbling window.
    tumblingWindowSeconds: 1,
  },
  // Alerts want the first delivery attempt at once: no batching window.
  'raise-alerts': {
    sortKey: RESPONSE_SORT_KEY,
    batchSize: 50,
    batchingWindowMs: 0,
    localBatchingWindowMs: 0,
    maxRetries: 5,
    tumblingWindowSeconds: 0,
  },
} as const;
export type StreamFunctionName = keyof typeof STREAM_CONSUMERS;

/** Functions started by EventBridge Scheduler every minute (the local runtime ticks faster). */
export const SCHEDULED_FUNCTIONS = [
  'run-schedules',
  'send-invites',
  'sweep-outbox',
  'escalate-cases',
] as const;
export type ScheduledFunctionName = (typeof SCHEDULED_FUNCTIONS)[number];

/**
 * Functions started by EventBridge Scheduler once a day, at this time of the account's time zone
 * (the local runtime runs them at its first tick past that time each day).
 */
export const DAILY_FUNCTIONS = {
  // Value tiers and loyalty from the trailing 12 months of purchases; at night, when few answer.
  'recompute-value': { at: '03:00' },
} as const;
export type DailyFunctionName = keyof typeof DAILY_FUNCTIONS;
/** The value recompute: daily, and started by POST /api/value/recompute (a fixed name, as dispatch). */
export const VALUE_FUNCTION = 'recompute-value';

export const DISPATCH_FUNCTION = 'dispatch-campaign';
/** The invite sender: scheduled every minute, and started by each dispatch (a fixed name, as dispatch). */
export const SENDER_FUNCTION = 'send-invites';

/** SES bounce and complaint events (via SNS) → suppression. */
export const SES_EVENTS_FUNCTION = 'record-ses-events';

/**
 * The sign-in link's email, started by POST /auth/sign-in for every address alike (an asynchronous
 * invoke), so the route's answer takes as long whether the address may sign in or not.
 */
export const SIGN_IN_LINK_FUNCTION = 'send-sign-in-link';

/** SQS consumers: the alert queue, with the settings its event source mapping uses. */
export const QUEUE_CONSUMERS = {
  'deliver-alerts': { queue: 'alerts', batchSize: 10, maxReceiveCount: 12 },
} as const;
export type QueueFunctionName = keyof typeof QUEUE_CONSUMERS;

export const ALL_FUNCTIONS = [
  ...HTTP_FUNCTIONS,
  ...(Object.keys(STREAM_CONSUMERS) as StreamFunctionName[]),
  ...SCHEDULED_FUNCTIONS,
  ...(Object.keys(DAILY_FUNCTIONS) as DailyFunctionName[]),
  DISPATCH_FUNCTION,
  ...(Object.keys(QUEUE_CONSUMERS) as QueueFunctionName[]),
  SES_EVENTS_FUNCTION,
  SIGN_IN_LINK_FUNCTION,
] as const;
export type FunctionName = (typeof ALL_FUNCTIONS)[number];

/**
 * Each function's run-time limits, read by the CDK stack (the Lambda settings) and by the local
 * runtime (the Lambda context's remaining time), so the two cannot disagree.
 */
export const FUNCTION_LIMITS: Record<FunctionName, { timeoutSeconds: number; memoryMb: number }> = {
  'survey-page': { timeoutSeconds: 10, memoryMb: 512 },
  'submit-response': { timeoutSeconds: 10, memoryMb: 512 },
  'record-scan': { timeoutSeconds: 10, memoryMb: 512 },
  unsubscribe: { timeoutSeconds: 10, memoryMb: 512 },
  'leave-survey': { timeoutSeconds: 10, memoryMb: 512 },
  'admin-api': { timeoutSeconds: 10, memoryMb: 512 },
  auth: { timeoutSeconds: 10, memoryMb: 512 },
  dashboard: { timeoutSeconds: 10, memoryMb: 512 },
  'not-found': { timeoutSeconds: 10, memoryMb: 512 },
  // A batch of up to 1000 answers touches ~280 counter items; more memory is more CPU for it.
  'rollup-responses': { timeoutSeconds: 60, memoryMb: 1024 },
  'raise-alerts': { timeoutSeconds: 60, memoryMb: 512 },
  'run-schedules': { timeoutSeconds: 60, memoryMb: 512 },
  'sweep-outbox': { timeoutSeconds: 60, memoryMb: 512 },
  // Sends for most of its time, then starts itself again while invites are due.
  'send-invites': { timeoutSeconds: 300, memoryMb: 512 },
  'escalate-cases': { timeoutSeconds: 60, memoryMb: 512 },
  // Reads a year of purchases and every customer: bench:value measures it (100,000 customers).
  'recompute-value': { timeoutSeconds: 900, memoryMb: 2048 },
  // One run sends to a whole audience: Lambda's 15 minutes (the run sweep restarts one that dies).
  'dispatch-campaign': { timeoutSeconds: 900, memoryMb: 1024 },
  'deliver-alerts': { timeoutSeconds: 60, memoryMb: 512 },
  'record-ses-events': { timeoutSeconds: 60, memoryMb: 512 },
  // One email, after its turn at the account's send rate (a busy campaign can make that seconds).
  'send-sign-in-link': { timeoutSeconds: 30, memoryMb: 512 },
};

/** A queue's visibility timeout: six times its consumer's timeout, as Lambda recommends. */
export const visibilityTimeoutSeconds = (consumer: QueueFunctionName): number =>
  FUNCTION_LIMITS[consumer].timeoutSeconds * 6;
