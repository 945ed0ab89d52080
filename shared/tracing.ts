import type { Tracer } from '@aws-lambda-powertools/tracer';

export const SERVICE = 'nps-loop';

/**
 * The X-Ray tracer, on Lambda only. Loading it loads the X-Ray SDK, which switches on an async
 * hook for the whole process (cls-hooked) — every promise pays for it. Outside Lambda the tracer
 * would be off anyway, and the local runtime serves every function in one process: measured with
 * `npm run bench:alerts`, the hook alone made answer→webhook p50 about 10 % slower there. Kept apart
 * from the logger and metrics (shared/observability.ts), because the SDK clients load it first.
 */
export const tracer: Tracer | undefined = process.env.AWS_LAMBDA_FUNCTION_NAME
  ? new (await import('@aws-lambda-powertools/tracer')).Tracer({
      serviceName: SERVICE,
      captureHTTPsRequests: false,
    })
  : undefined;

/** An AWS SDK client whose calls are subsegments of the function's trace (as it is, off Lambda). */
export const traced = <T>(client: T): T => (tracer ? tracer.captureAWSv3Client(client) : client);
