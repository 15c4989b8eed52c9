import { STATUS_CODES } from 'node:http';
import type { ErrorRequestHandler } from 'express';
import {
  WorkflowUpdateFailedError,
  WorkflowNotFoundError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcServiceError,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { ZodError } from 'zod';
import type { Logger } from '../platform/logger';
import { RiskInputError } from '../domain/risk/engine';
import type { SecurityRecorder } from './security-events';

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

/** A client error from Express or body-parser (http-errors style): a bad path encoding, an unsupported charset. */
function clientErrorStatus(err: unknown): number | null {
  if (typeof err !== 'object' || err === null) return null;
  const { status, statusCode } = err as { status?: unknown; statusCode?: unknown };
  const code = typeof status === 'number' ? status : statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : null;
}

/** Prisma's codes for a database it cannot reach, that dropped the connection or has no connection to give. */
const DB_UNAVAILABLE_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028']);
/** What the pg driver (through Prisma's adapter) reports for the same. */
const DB_UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
]);
/** SQLSTATE classes and codes of a server that is going down, starting up or out of connections. */
const DB_UNAVAILABLE_SQLSTATE = /^(08|57P0[1-4]|53300)/;
const CONNECTION_LOST = /Connection terminated|connection error and is not queryable|Can't reach database server/i;
/** gRPC: UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED (a busy or absent Temporal server). */
const GRPC_UNAVAILABLE = new Set([14, 4, 8]);

/**
 * The component a request failed on because it is down, restarting or overloaded (PostgreSQL,
 * Temporal), looking through the error's causes; null for anything else. Such a request was
 * not carried out, or was carried out once under its Idempotency-Key: the client tries again.
 */
export function unavailableComponent(err: unknown): 'database' | 'case engine' | null {
  for (let e = err, depth = 0; typeof e === 'object' && e !== null && depth < 6; depth++) {
    const x = e as {
      name?: unknown;
      code?: unknown;
      message?: unknown;
      meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string; originalCode?: string } } };
      cause?: unknown;
    };
    const adapter = x.meta?.driverAdapterError?.cause;
    const name = typeof x.name === 'string' ? x.name : '';
    const message = typeof x.message === 'string' ? x.message : '';
    if (name.startsWith('PrismaClient') || adapter) {
      if (typeof x.code === 'string' && DB_UNAVAILABLE_CODES.has(x.code)) return 'database';
      if (adapter?.kind && DB_UNAVAILABLE_KINDS.has(adapter.kind)) return 'database';
      const sqlState = adapter?.code ?? adapter?.originalCode;
      if (sqlState && DB_UNAVAILABLE_SQLSTATE.test(sqlState)) return 'database';
      if (CONNECTION_LOST.test(message)) return 'database';
    }
    if (typeof x.code === 'string' && x.code.length === 5 && 'severity' in x && DB_UNAVAILABLE_SQLSTATE.test(x.code))
      return 'database';
    if (CONNECTION_LOST.test(message) && !name.startsWith('PrismaClient')) return 'database';
    if (isGrpcServiceError(e) && GRPC_UNAVAILABLE.has(e.code)) return 'case engine';
    if (e instanceof WorkflowUpdateRPCTimeoutOrCancelledError) return 'case engine';
    e = x.cause;
  }
  return null;
}

/**
 * Maps every error to application/problem+json (RFC 9457); internals are logged, never sent.
 * Every 401 and 403 is also a security event (`security`).
 */
export function problemHandler(logger: Logger, security?: SecurityRecorder): ErrorRequestHandler {
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
    } else if (clientErrorStatus(err) !== null) {
      // Their own messages may quote internals: a generic title by status.
      status = clientErrorStatus(err)!;
      title = STATUS_CODES[status] ?? 'Bad request';
    } else if (unavailableComponent(err)) {
      // PostgreSQL or Temporal is down or restarting: a clean 503 the client retries, not a 500.
      status = 503;
      title = `The ${unavailableComponent(err)} is unavailable; try again shortly`;
      extra = { code: 'UNAVAILABLE', retryAfter: 5 };
    }
    if (status === 503 && !res.get('Retry-After')) {
      const after = typeof extra.retryAfter === 'number' ? extra.retryAfter : 5;
      res.set('Retry-After', String(after));
    }
    if (status >= 500) logger.error({ err, path: req.path }, 'request failed');
    if (status === 403) {
      // Refused attempts are security events: who tried what.
      const actor = res.locals.actor as { userId?: string } | null | undefined;
      logger.warn({ actorId: actor?.userId ?? null, method: req.method, path: req.path, title }, 'access refused');
    }
    if ((status === 401 || status === 403) && security) {
      // Durably, after the answer: never fails or delays it.
      void security.forRequest(req, res, { kind: 'http.refused', status, details: { title } });
    }
    res
      .status(status)
      .type('application/problem+json')
      .json({ type: 'about:blank', title, status, ...extra });
  };
}
