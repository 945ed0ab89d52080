import { Tracer } from '@aws-lambda-powertools/tracer';

export const SERVICE = 'nps-loop';

/**
 * The X-Ray tracer, apart from the logger and metrics (shared/observability.ts): the SDK clients
 * are captured with it when first created, and loading it must not create the logger early — the
 * logger reads its level once, when it is created (the local runtime sets it before any handler).
 */
export const tracer = new Tracer({ serviceName: SERVICE, captureHTTPsRequests: false });
