import type { ErrorRequestHandler } from 'express';
import { WorkflowUpdateFailedError, WorkflowNotFoundError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import type { Logger } from '../platform/logger';
import { RiskInputError } from '../domain/risk/engine';

export type AppErrorCode =
  | 'NOT_FOUND'
  | 'VALIDATION'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'UNPROCESSABLE'
  | 'UNAVAILABLE';
const STATUS: Record<AppErrorCode, number> = {
  NOT_FOUND: 404,
  VALIDATION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  UNSUPPORTED_MEDIA_TYPE: 415,
  UNPROCESSABLE: 422,
  UNAVAILABLE: 503,
};

/** The one error type handlers throw; `message` is safe to show to users. */
export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** Maps every error to application/problem+json (RFC 9457); internals are logged, never sent. */
export function problemHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let title = 'Internal error';
    let extra: Record<string, unknown> = {};
    if (err instanceof AppError) {
      status = STATUS[err.code];
      title = err.message;
      extra = { code: err.code, ...err.details };
    } else if (err instanceof ZodError) {
      status = 400;
      title = 'Invalid request';
      extra = { code: 'VALIDATION', errors: err.issues.map((i) => ({ path: i.path.join('.'), message: i.message })) };
    } else if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) {
      status = 409;
      title = err.cause.message;
      const [details] = err.cause.details ?? [];
      extra = { code: err.cause.type ?? 'CONFLICT', ...(details && typeof details === 'object' ? details : {}) };
    } else if (err instanceof RiskInputError) {
      // Stored data that does not fit the risk model: say which field, change nothing.
      status = 422;
      title = `Stored data does not fit the risk model: ${err.message}`;
      extra = { code: 'RISK_INPUT', field: err.field };
    } else if (err instanceof WorkflowNotFoundError) {
      status = 404;
      title = 'Case not found';
    } else if (
      typeof err === 'object' &&
      err &&
      'type' in err &&
      (err as { type: string }).type === 'entity.too.large'
    ) {
      status = 413;
      title = 'Request body too large';
    } else if (
      typeof err === 'object' &&
      err &&
      'type' in err &&
      (err as { type: string }).type === 'entity.parse.failed'
    ) {
      status = 400;
      title = 'Malformed JSON body';
    }
    if (status >= 500) logger.error({ err, path: req.path }, 'request failed');
    if (status === 403) {
      // Refused attempts are security events: who tried what.
      const actor = res.locals.actor as { userId?: string } | null | undefined;
      logger.warn({ actorId: actor?.userId ?? null, method: req.method, path: req.path, title }, 'access refused');
    }
    res
      .status(status)
      .type('application/problem+json')
      .json({ type: 'about:blank', title, status, ...extra });
  };
}
