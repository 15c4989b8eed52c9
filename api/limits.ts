/**
 * Rate limits on the endpoints anyone can reach: sign-in, third-party comments and citizen
 * observations. Per client address, in memory of each API process (a shared store such as
 * PostgreSQL or Redis plugs in through express-rate-limit's `store` when several processes
 * must share one budget). Refusals are problem+json 429 with RateLimit headers.
 */
import { rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { AppError } from './errors';

export interface RateLimits {
  /** Sign-in starts per minute per address. */
  signInPerMinute: number;
  /** Comments and observations per minute per address. */
  publicWritesPerMinute: number;
  /** Security events of one kind stored per source (user or address) and minute (api/security-events.ts). */
  securityEventsPerSourcePerMinute?: number;
}

export const DEFAULT_RATE_LIMITS: RateLimits = { signInPerMinute: 30, publicWritesPerMinute: 10 };

function limiter(limit: number, what: string): RateLimitRequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (_req, _res, next, options) =>
      next(
        new AppError('RATE_LIMITED', `Too many ${what}; try again in a minute`, {
          limit: options.limit,
          windowSeconds: options.windowMs / 1000,
        }),
      ),
  });
}

export function rateLimiters(limits: RateLimits) {
  return {
    signIn: limiter(limits.signInPerMinute, 'sign-in attempts'),
    publicWrites: limiter(limits.publicWritesPerMinute, 'comments or reports'),
  };
}
