/**
 * Resolves who makes each request: the session cookie's user, read fresh from the database
 * with the mandate it acts under (dropped the moment it expires or is revoked), and checks
 * the CSRF header on every unsafe request that carries a session.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { hotQuery, type Db } from '../../platform/db';
import { Prisma } from '../../prisma/generated/client';
import { AppError } from '../errors';
import type { Actor, Viewer } from './policy';
import type { Role } from '../../prisma/generated/client';
import { csrfMatches, type SessionClaims, type Sessions } from './session';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * On every request, so one round trip: the user, their authority's code and the mandate they
 * act under when it is valid now (a Prisma query with includes costs several).
 */
export async function loadActor(db: Db, userId: string, mandateId?: string, now = new Date()): Promise<Actor | null> {
  const at = now.toISOString();
  const rows = await hotQuery<{
    id: string;
    name: string;
    email: string;
    role: Role;
    organisationId: string | null;
    authorityId: string | null;
    disabledAt: Date | null;
    authorityCode: string | null;
    mandateId: string | null;
    mandateOrganisationId: string | null;
    mandateScope: string[] | null;
  }>(
    db,
    Prisma.sql`
    SELECT u.id, u.name, u.email, u.role::text AS role, u."organisationId", u."authorityId", u."disabledAt",
           a.code AS "authorityCode",
           m.id AS "mandateId", m."organisationId" AS "mandateOrganisationId", m.scope AS "mandateScope"
    FROM "User" u
    LEFT JOIN "Authority" a ON a.id = u."authorityId"
    LEFT JOIN "Mandate" m ON m.id = ${mandateId ?? null}::uuid AND m."agentId" = u.id AND m."revokedAt" IS NULL
      AND m."validFrom" <= (${at}::timestamptz AT TIME ZONE 'UTC') AND m."validTo" >= (${at}::timestamptz AT TIME ZONE 'UTC')
    WHERE u.id = ${userId}::uuid`,
  );
  const user = rows[0];
  if (!user || user.disabledAt) return null;
  return {
    userId: user.id,
    name: user.name,
    email: user.email,
    role: user.role,
    organisationId: user.organisationId,
    authorityId: user.authorityId,
    authorityCode: user.authorityCode,
    mandate:
      user.mandateId && user.mandateOrganisationId
        ? { id: user.mandateId, organisationId: user.mandateOrganisationId, scope: user.mandateScope ?? [] }
        : null,
  };
}

export function authenticate(db: Db, sessions: Sessions): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const session = await sessions.read(req.get('cookie'));
      const actor = session ? await loadActor(db, session.userId, session.mandateId) : null;
      // Known before the CSRF check, so a refusal is logged with who was refused.
      res.locals.actor = actor;
      if (session && !SAFE_METHODS.has(req.method) && !csrfMatches(req.get('x-csrf-token'), session.csrf)) {
        throw new AppError('FORBIDDEN', 'Missing or wrong X-CSRF-Token header', { field: 'X-CSRF-Token' });
      }
      res.locals.session = session;
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
