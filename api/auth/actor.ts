/**
 * Resolves who makes each request: the session cookie's user, read fresh from the database
 * with the mandate it acts under (dropped the moment it expires or is revoked), and checks
 * the CSRF header on every unsafe request that carries a session.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Db } from '../../platform/db';
import { AppError } from '../errors';
import type { Actor, Viewer } from './policy';
import { csrfMatches, type SessionClaims, type Sessions } from './session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export async function loadActor(db: Db, userId: string, mandateId?: string, now = new Date()): Promise<Actor | null> {
  const user = await db.user.findUnique({ where: { id: userId }, include: { authority: { select: { code: true } } } });
  if (!user || user.disabledAt) return null;
  const mandate = mandateId
    ? await db.mandate.findFirst({
        where: {
          id: mandateId,
          agentId: user.id,
          revokedAt: null,
          validFrom: { lte: now },
          validTo: { gte: now },
        },
      })
    : null;
  return {
    userId: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    organisationId: user.organisationId,
    authorityId: user.authorityId,
    authorityCode: user.authority?.code ?? null,
    mandate: mandate ? { id: mandate.id, organisationId: mandate.organisationId, scope: mandate.scope } : null,
  };
}

export function authenticate(db: Db, sessions: Sessions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const session = await sessions.read(req.get('cookie'));
      const actor = session ? await loadActor(db, session.userId, session.mandateId) : null;
      if (session && !SAFE_METHODS.has(req.method) && !csrfMatches(req.get('x-csrf-token'), session.csrf)) {
        throw new AppError('FORBIDDEN', 'Missing or wrong X-CSRF-Token header', { field: 'X-CSRF-Token' });
      }
      res.locals.session = session;
      res.locals.actor = actor;
      next();
    })().catch(next);
  };
}

export const viewerOf = (res: Response): Viewer => (res.locals.actor as Actor | null | undefined) ?? null;
export const sessionOf = (res: Response): SessionClaims | null =>
  (res.locals.session as SessionClaims | null | undefined) ?? null;

/** The signed-in actor; 401 for the public. */
export function actorOf(res: Response): Actor {
  const actor = viewerOf(res);
  if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return actor;
}

/** Throws 403 (or 401 for the public) unless the policy allowed it. */
export function allow(res: Response, allowed: boolean, what: string): void {
  if (allowed) return;
  if (!viewerOf(res)) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  throw new AppError('FORBIDDEN', `Not allowed: ${what}`);
}
