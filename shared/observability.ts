import { Logger } from '@aws-lambda-powertools/logger';
import { search } from '@aws-lambda-powertools/logger/correlationId';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { captureLambdaHandler } from '@aws-lambda-powertools/tracer/middleware';
import middy from '@middy/core';
import { redact } from './redact.ts';
import { SERVICE, tracer } from './tracing.ts';

export { redact };

/**
 * Observability the Powertools way, for every handler: structured logs with the Lambda context and
 * a correlation id, business metrics as CloudWatch EMF lines, and X-Ray traces of the handler and
 * of every AWS SDK call (the clients are captured in shared/clients.ts with shared/tracing.ts). Outside Lambda the tracer
 * switches itself off and the EMF lines go to standard output like any other log line.
 *
 * Never log a survey token or an email address: log ids (invite, case, alert, customer) instead.
 */
/** Level from POWERTOOLS_LOG_LEVEL (the local runtime sets WARN to keep the console readable). */
export const logger = new Logger({
  serviceName: SERVICE,
  correlationIdSearchFn: search,
  jsonReplacerFn: (_key, value) => (typeof value === 'string' ? redact(value) : value),
});

let metricsInstance: Metrics | undefined;
/**
 * Created on first use, not at import: it reads its settings (POWERTOOLS_METRICS_DISABLED) then,
 * which lets the local runtime set them before any handler runs.
 */
const metrics = (): Metrics => {
  metricsInstance ??= new Metrics({
    namespace: 'NpsLoop',
    serviceName: SERVICE,
    // Most invocations record no business fact (a page view, an idle sweep): that is no warning.
    logger: { ...console, warn: (message: string) => logger.debug(message) },
  });
  return metricsInstance;
};

/** The business facts we count. */
export type BusinessMetric =
  | 'AnswerRecorded'
  | 'AnswerHeldProvisional'
  | 'ProvisionalConfirmed'
  | 'ScannerFetched'
  | 'DetractorRaised'
  | 'AlertDelivered'
  | 'AlertRetried'
  | 'AlertDead'
  | 'EmailSent'
  | 'EmailSuppressed'
  | 'EmailFailed'
  | 'EmailThrottled'
  | 'RunPaused'
  | 'WinBackOpened'
  | 'LossRecorded'
  | 'LeaveSurveySent'
  | 'RollupBatchSize';

export const count = (name: BusinessMetric, value = 1): void => {
  if (value > 0) metrics().addMetric(name, MetricUnit.Count, value);
};

/** How far behind the stream the rollup is: now minus its batch's oldest record's creation time. */
export const recordRollupIteratorAge = (ageMs: number): void => {
  metrics().addMetric('RollupIteratorAge', MetricUnit.Milliseconds, Math.max(0, Math.round(ageMs)));
};

/** Where each kind of event carries the id that ties its log lines together. */
export const CORRELATION = {
  http: 'requestContext.requestId',
  records: 'Records[0].eventID',
  queue: 'Records[0].messageId',
  notification: 'Records[0].Sns.MessageId',
} as const;

/**
 * A handler's middy chain with the observers attached first, so that they see everything the
 * handler and later middlewares do. The early-timeout timer is off: a Lambda timeout is the limit.
 */
export const observedHandler = <TEvent, TResult>(correlationIdPath?: string) => {
  const chain = middy<TEvent, TResult>({ timeoutEarlyInMillis: 0 })
    .use(injectLambdaContext(logger, { correlationIdPath, resetKeys: true }))
    .use(logMetrics(metrics(), { captureColdStartMetric: true }));
  return tracer ? chain.use(captureLambdaHandler(tracer, { captureResponse: false })) : chain;
};
