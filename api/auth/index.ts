/**
 * Identity and access, wired into the app: the local identity provider when no external one
 * is configured, the sign-in routes, the session and actor of every request.
 */
import { createHash } from 'node:crypto';
import type { Express } from 'express';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { authenticate } from './actor';
import { LOCAL_CLIENT_ID, localIdentityProvider } from './local-idp';
import { authRoutes } from './routes';
import { Sessions } from './session';

export interface AuthConfig {
  /** The address browsers use, e.g. https://luvat.example.fi (no trailing slash). */
  publicUrl: string;
  sessionSecret: string;
  /** An external OpenID Connect provider; absent: the local provider at /idp. */
  oidc?: { issuer: string; clientId: string; clientSecret?: string };
}

/** A secret derived for one purpose from the session secret, so one setting covers all of them. */
const derive = (secret: string, purpose: string) => createHash('sha256').update(`${purpose}:${secret}`).digest('hex');

export async function installAuth(app: Express, { db, logger, auth }: { db: Db; logger: Logger; auth: AuthConfig }) {
  const publicUrl = auth.publicUrl.replace(/\/+$/, '');
  const sessions = new Sessions({ secret: auth.sessionSecret, secure: publicUrl.startsWith('https:') });
  const redirectUri = `${publicUrl}/api/auth/callback`;
  let oidc = auth.oidc;
  if (!oidc) {
    const clientSecret = derive(auth.sessionSecret, 'local-idp-client');
    const issuer = `${publicUrl}/idp`;
    app.use(
      '/idp',
      await localIdentityProvider({
        db,
        logger,
        issuer,
        redirectUri,
        clientSecret,
        cookieSecret: derive(auth.sessionSecret, 'local-idp-cookies'),
      }),
    );
    oidc = { issuer, clientId: LOCAL_CLIENT_ID, clientSecret };
  }
  return {
    sessions,
    authenticate: authenticate(db, sessions),
    routes: authRoutes({ db, logger, sessions, settings: { ...oidc, redirectUri } }),
  };
}
