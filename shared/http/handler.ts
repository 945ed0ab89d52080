import type { MiddlewareObj } from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
import httpSecurityHeaders from '@middy/http-security-headers';
import httpUrlEncodeBodyParser from '@middy/http-urlencode-body-parser';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { z } from 'zod';
import { AppError, PayloadTooLargeError, ValidationError } from '../errors.ts';
import { CORRELATION, logger, observedHandler } from '../observability.ts';
import { errorBody, type HttpResult, json } from './responses.ts';

/** The event after the body parsers: a parsed JSON or form body, or the raw string. */
export type HttpEvent = Omit<APIGatewayProxyEventV2, 'body'> & { body?: unknown };

type Route = (event: HttpEvent, context: Context) => Promise<HttpResult>;

interface ErrorMapping {
  status: number;
  code: string;
  message: string;
}

/** The one place where errors become HTTP answers. 5xx details go to the log, never to the caller. */
export const toHttpError = (err: unknown): ErrorMapping => {
  if (err instanceof AppError) return { status: err.status, code: err.code, message: err.message };
  if (err instanceof z.ZodError) {
    const issue = err.issues[0];
    const where = issue?.path.length ? `${issue.path.join('.')}: ` : '';
    return {
      status: 400,
      code: 'invalid_request',
      message: `${where}${issue?.message ?? 'invalid request'}`,
    };
  }
  // Middy's body parsers signal bad bodies with http-errors-style objects.
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  if (status === 422 || status === 400)
    return { status: 400, code: 'invalid_json', message: 'The request body is not valid JSON.' };
  if (status === 415) return { status: 415, code: 'unsupported_media_type', message: 'Send JSON or a form.' };
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return { status, code: 'bad_request', message: 'The request could not be understood.' };
  }
  return {
    status: 500,
    code: 'internal_error',
    message: 'Something went wrong on our side. Please try again.',
  };
};

type ErrorRenderer = (event: HttpEvent, error: ErrorMapping) => HttpResult | undefined;

const errorResponder = (renderPage?: ErrorRenderer): MiddlewareObj<HttpEvent, HttpResult> => ({
  onError: async (request) => {
    const mapped = toHttpError(request.error);
    // The route, never the path: a path holds survey tokens (`/s/{token}`) and customer ids,
    // which may be addresses (`/api/customers/{id}`). The logger would blank what it recognises;
    // the route key has nothing to blank.
    if (mapped.status >= 500)
      logger.error('request failed', { err: request.error, route: request.event.routeKey });
    request.response =
      renderPage?.(request.event, mapped) ?? json(mapped.status, errorBody(mapped.code, mapped.message));
  },
});

/** The largest request body any route takes; a larger one is a 413 before anything parses it. */
const MAX_BODY_BYTES = 1_048_576;

const bodyLimit: MiddlewareObj<HttpEvent, HttpResult> = {
  before: async (request) => {
    const body = request.event.body;
    if (typeof body !== 'string') return;
    const bytes = request.event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body);
    if (bytes > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError(`the request body is over ${MAX_BODY_BYTES / 1_048_576} MB`);
    }
  },
};

/** Body parsers only run when there is a body: a bodiless POST (e.g. `/send`) is not malformed JSON. */
const whenBody = (inner: MiddlewareObj<HttpEvent, HttpResult>): MiddlewareObj<HttpEvent, HttpResult> => ({
  before: async (request) => {
    if (request.event.body === undefined || request.event.body === '') return;
    await inner.before?.(request);
  },
});

/**
 * The HTTP middleware chain, in the usual order: normalize headers → parse JSON or form body →
 * handler (validates with zod) → security headers → errors to `{error:{code,message}}` last.
 */
export const httpHandler = (route: Route, options: { renderErrorPage?: ErrorRenderer } = {}) =>
  observedHandler<HttpEvent, HttpResult>(CORRELATION.http)
    .use(httpHeaderNormalizer())
    .use(bodyLimit)
    .use(
      whenBody(httpJsonBodyParser({ disableContentTypeError: true }) as MiddlewareObj<HttpEvent, HttpResult>),
    )
    .use(
      whenBody(
        httpUrlEncodeBodyParser({ disableContentTypeError: true }) as MiddlewareObj<HttpEvent, HttpResult>,
      ),
    )
    .use(httpSecurityHeaders({ contentSecurityPolicy: false }))
    .use(errorResponder(options.renderErrorPage))
    .handler(route);

/** Validates a parsed body; a body that is still a string was neither JSON nor a form. */
export const parseBody = <T extends z.ZodType>(schema: T, body: unknown): z.infer<T> => {
  if (body === undefined || body === null || body === '')
    throw new ValidationError('A request body is required.');
  if (typeof body === 'string') {
    throw new ValidationError(
      'Send the body as JSON (content-type: application/json) or as a form.',
      'invalid_json',
    );
  }
  return schema.parse(body);
};

export const pathParam = (event: HttpEvent, name: string): string => {
  const value = event.pathParameters?.[name];
  if (!value) throw new ValidationError(`missing path parameter ${name}`);
  return value;
};
