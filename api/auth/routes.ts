/**
 * Sign-in through OpenID Connect (authorization code flow with PKCE, state and nonce) with
 * openid-client, the session resource and choosing a mandate to act under. Production
 * points OIDC_ISSUER at the real provider (Suomi.fi); the embedded default points it at the
 * local provider in ./local-idp.ts, so both take the same path through this file.
 */
import { Router, type Request } from 'express';
import * as oidc from 'openid-client';
import { z } from 'zod';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { AppError } from '../errors';
import { asyncRoute } from '../shared';
import { actorOf, loadActor, sessionOf } from './actor';
import { Sessions } from './session';
import { writeAudit } from '../audit';

export interface OidcSettings {
  issuer: string;
  clientId: string;
  clientSecret?: string;
  /** Where the provider sends the browser back: PUBLIC_URL + /api/auth/callback. */
  redirectUri: string;
}

export const ZActingFor = z.object({ mandateId: z.uuid().nullable() }).strict();

const FLOW_COOKIE = 'signin';
const FLOW_TTL_SECONDS = 10 * 60;
export const ZReturnTo = z
  .string()
  .regex(/^\/(?!\/)[^\s\\]*$/, 'must be a path on this site')
  .max(500)
  .default('/');

export function authRoutes({
  db,
  logger,
  sessions,
  settings,
}: {
  db: Db;
  logger: Logger;
  sessions: Sessions;
  settings: OidcSettings;
}): Router {
  const router = Router();
  let discovered: Promise<oidc.Configuration> | undefined;
  /** Discovered on first use (the local provider is served by this same process), retried after a failure. */
  const configuration = () => {
    discovered ??= oidc
      .discovery(
        new URL(settings.issuer),
        settings.clientId,
        settings.clientSecret,
        undefined,
        new URL(settings.issuer).protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined,
      )
      .catch((err: unknown) => {
        discovered = undefined;
        logger.error({ err }, 'OIDC discovery failed');
        throw new AppError('UNAVAILABLE', 'The identity provider is unreachable; try again shortly.');
      });
    return discovered;
  };

  /** GET /api/auth/login?returnTo=/path — 302 to the identity provider. */
  router.get(
    '/auth/login',
    asyncRoute(async (req, res) => {
      const returnTo = ZReturnTo.parse(req.query.returnTo);
      const config = await configuration();
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      const nonce = oidc.randomNonce();
      await sessions.seal(res, FLOW_COOKIE, { verifier, state, nonce, returnTo }, FLOW_TTL_SECONDS);
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: settings.redirectUri,
        scope: 'openid email profile',
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
        state,
        nonce,
        ...(typeof req.query.lang === 'string' && /^(fi|en|sv)$/.test(req.query.lang)
          ? { ui_locales: req.query.lang }
          : {}),
      });
      res.redirect(302, url.href);
    }),
  );

  /** GET /api/auth/callback — the provider's answer: a session cookie and 302 back; 400/403 when refused. */
  router.get(
    '/auth/callback',
    asyncRoute(async (req, res) => {
      const flow = await sessions.unseal(req, res, FLOW_COOKIE);
      if (!flow) throw new AppError('VALIDATION', 'The sign-in expired or was not started here; sign in again.');
      const config = await configuration();
      let claims: (oidc.IDToken & { email?: unknown; email_verified?: unknown }) | undefined;
      try {
        const tokens = await oidc.authorizationCodeGrant(config, callbackUrl(req, settings.redirectUri), {
          pkceCodeVerifier: String(flow.verifier),
          expectedState: String(flow.state),
          expectedNonce: String(flow.nonce),
          idTokenExpected: true,
        });
        claims = tokens.claims();
        // Providers that follow the core spec strictly put profile claims in UserInfo only.
        if (claims && claims.email === undefined && tokens.access_token) {
          const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
          claims = { ...claims, email: info.email, email_verified: info.email_verified };
        }
      } catch (err) {
        logger.warn({ err }, 'sign-in refused');
        throw new AppError('VALIDATION', 'The identity provider did not confirm the sign-in; sign in again.');
      }
      if (!claims) throw new AppError('VALIDATION', 'The identity provider sent no identity; sign in again.');
      const subject = `${claims.iss}#${claims.sub}`;
      const email = typeof claims.email === 'string' ? claims.email.toLowerCase() : null;
      const user =
        (await db.user.findUnique({ where: { oidcSubject: subject } })) ??
        (email && claims.email_verified !== false ? await db.user.findUnique({ where: { email } }) : null);
      if (!user || user.disabledAt) {
        logger.warn({ subject }, 'sign-in of an unknown or disabled user');
        throw new AppError('FORBIDDEN', 'No account on this service matches that identity.');
      }
      if (user.oidcSubject !== subject)
        await db.user.update({ where: { id: user.id }, data: { oidcSubject: subject } });
      await sessions.issue(res, { userId: user.id, csrf: Sessions.newCsrfToken() });
      res.redirect(302, String(flow.returnTo ?? '/'));
    }),
  );

  /** POST /api/auth/logout — 204; the session cookie is cleared. */
  router.post('/auth/logout', (_req, res) => {
    sessions.clear(res);
    res.status(204).end();
  });

  /**
   * GET /api/session — 200 with the signed-in user, the CSRF token for unsafe requests, the
   * valid mandates the user may act under and the one in use; 401 for the public.
   */
  router.get(
    '/session',
    asyncRoute(async (_req, res) => {
      const actor = actorOf(res);
      const session = sessionOf(res)!;
      const now = new Date();
      const mandates = await db.mandate.findMany({
        where: { agentId: actor.userId, revokedAt: null, validFrom: { lte: now }, validTo: { gte: now } },
        include: { organisation: { select: { name: true } } },
        orderBy: { validTo: 'asc' },
      });
      res.json({
        user: {
          id: actor.userId,
          name: actor.name,
          email: actor.email,
          role: actor.role,
          organisationId: actor.organisationId,
          authorityCode: actor.authorityCode,
        },
        csrfToken: session.csrf,
        actingFor: actor.mandate
          ? {
              mandateId: actor.mandate.id,
              organisationId: actor.mandate.organisationId,
              organisationName: mandates.find((m) => m.id === actor.mandate!.id)?.organisation.name ?? null,
              scope: actor.mandate.scope,
            }
          : null,
        mandates: mandates.map((m) => ({
          id: m.id,
          organisationId: m.organisationId,
          organisationName: m.organisation.name,
          scope: m.scope,
          validTo: m.validTo.toISOString(),
        })),
      });
    }),
  );

  /**
   * PUT /api/session/acting-for {mandateId | null} — 200; act for the organisation that gave the
   * mandate (every change then records it as "on behalf of"), or for oneself again; 403 when the
   * mandate is not the user's, not yet valid, expired or revoked.
   */
  router.put(
    '/session/acting-for',
    asyncRoute(async (req, res) => {
      const actor = actorOf(res);
      const { mandateId } = ZActingFor.parse(req.body);
      if (mandateId) {
        const withMandate = await loadActor(db, actor.userId, mandateId);
        if (!withMandate?.mandate) throw new AppError('FORBIDDEN', 'No valid mandate of yours with that id');
      }
      const session = sessionOf(res)!;
      await sessions.issue(res, { userId: actor.userId, csrf: session.csrf, ...(mandateId ? { mandateId } : {}) });
      await writeAudit(db, res, {
        action: mandateId ? 'actAs' : 'actAsSelf',
        entity: 'Mandate',
        entityId: mandateId ?? actor.mandate?.id ?? actor.userId,
        details: {},
      });
      res.json({ mandateId });
    }),
  );

  return router;
}

/** The callback URL as the provider sent it: the configured redirect URI with this request's query. */
function callbackUrl(req: Request, redirectUri: string): URL {
  const url = new URL(redirectUri);
  url.search = new URL(req.originalUrl, 'http://placeholder').search;
  return url;
}
