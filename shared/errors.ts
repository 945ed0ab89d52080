/**
 * The error family of the domain. Each maps to one HTTP status in exactly one place
 * (toHttpError in shared/http/handler.ts); 4xx messages are written for the caller, anything else is logged
 * and answered with a generic message.
 */
export abstract class AppError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly code: string;
  constructor(message: string, code = 'invalid_request', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ValidationError';
    this.code = code;
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  readonly code = 'unauthorized';
  constructor(message = 'Sign in, or send the admin key (Authorization: Bearer <key>).') {
    super(message);
    this.name = 'UnauthorizedError';
  }
}

/** Signed in, but this principal may not do this (a role rule, or a cookie write without its CSRF header). */
export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly code: string;
  constructor(message: string, code = 'forbidden') {
    super(message);
    this.name = 'ForbiddenError';
    this.code = code;
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly code: string;
  constructor(message: string, code = 'not_found') {
    super(message);
    this.name = 'NotFoundError';
    this.code = code;
  }
}

export class GoneError extends AppError {
  readonly status = 410;
  readonly code: string;
  constructor(message: string, code = 'gone') {
    super(message);
    this.name = 'GoneError';
    this.code = code;
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly code: string;
  constructor(message: string, code = 'conflict', options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConflictError';
    this.code = code;
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly code = 'payload_too_large';
  constructor(message: string) {
    super(message);
    this.name = 'PayloadTooLargeError';
  }
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** True when a DynamoDB write was refused by its condition expression. */
export const isConditionFailure = (err: unknown): boolean =>
  err instanceof Error && err.name === 'ConditionalCheckFailedException';

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  readonly code: string;
  constructor(message: string, code = 'too_many_requests') {
    super(message);
    this.name = 'TooManyRequestsError';
    this.code = code;
  }
}
