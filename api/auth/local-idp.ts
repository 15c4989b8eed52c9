/**
 * The embedded default's identity provider: a genuine OpenID Connect provider (oidc-provider)
 * mounted at /idp whose accounts are the users in the database. Its sign-in page lets one
 * choose a user, as the test environments of national identity services offer test persons;
 * it is for development, demos and tests only, and configuration refuses it in production.
 * The platform signs in through it with exactly the code that a real provider gets.
 */
import express, { Router } from 'express';
import { exportJWK, generateKeyPair } from 'jose';
import Provider, { type Configuration } from 'oidc-provider';
import type { Db } from '../../platform/db';
import type { Logger } from '../../platform/logger';
import { memoryAdapter } from './idp-store';

export const LOCAL_CLIENT_ID = 'permit-service-layer';

const ROLE_ORDER = ['CUSTOMER', 'AGENT', 'AUTHORITY', 'SUPERVISOR', 'SERVICE_DESK', 'RESIDENT', 'ADMIN'];

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

export async function localIdentityProvider({
  db,
  logger,
  issuer,
  redirectUri,
  clientSecret,
  cookieSecret,
}: {
  db: Db;
  logger: Logger;
  /** PUBLIC_URL + /idp */
  issuer: string;
  redirectUri: string;
  clientSecret: string;
  cookieSecret: string;
}): Promise<Router> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'local-1', alg: 'RS256', use: 'sig' };
  const configuration: Configuration = {
    adapter: memoryAdapter(),
    clients: [
      {
        client_id: LOCAL_CLIENT_ID,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: [cookieSecret] },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'locale'] },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx, interaction) => `/idp/interaction/${interaction.uid}` },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Interaction: 600, Session: 3600, Grant: 3600 },
    // A first-party client: the user's sign-in is the consent.
    loadExistingGrant: async (ctx) => {
      const accountId = ctx.oidc.session?.accountId;
      const clientId = ctx.oidc.client?.clientId;
      if (!accountId || !clientId) return undefined;
      const grantId = ctx.oidc.result?.consent?.grantId ?? ctx.oidc.session!.grantIdFor(clientId);
      if (grantId) {
        const existing = await ctx.oidc.provider.Grant.find(grantId);
        if (existing) return existing;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId, accountId });
      grant.addOIDCScope('openid email profile');
      await grant.save();
      return grant;
    },
    findAccount: async (_ctx, sub) => {
      const user = await db.user.findUnique({ where: { id: sub } });
      if (!user || user.disabledAt) return undefined;
      return {
        accountId: user.id,
        claims: () => ({ sub: user.id, email: user.email, email_verified: true, name: user.name, locale: user.locale }),
      };
    },
    renderError: (ctx, out) => {
      ctx.type = 'html';
      ctx.body = page('Sign-in error', `<p>${escapeHtml(String(out.error_description ?? out.error))}</p>`);
    },
  };
  const provider = new Provider(issuer, configuration);
  provider.on('server_error', (_ctx, err) => logger.error({ err }, 'local identity provider error'));

  const router = Router();
  const form = express.urlencoded({ extended: false, limit: '4kb' });

  router.get('/interaction/:uid', async (req, res, next) => {
    try {
      const details = await provider.interactionDetails(req, res);
      const users = await db.user.findMany({ where: { disabledAt: null }, orderBy: [{ name: 'asc' }] });
      users.sort((a, b) => ROLE_ORDER.indexOf(a.role) - ROLE_ORDER.indexOf(b.role));
      const buttons = users
        .map(
          (u) =>
            `<li><button name="userId" value="${escapeHtml(u.id)}">${escapeHtml(u.name)}</button> ` +
            `<span>${escapeHtml(u.role.toLowerCase())} · ${escapeHtml(u.email)}</span></li>`,
        )
        .join('');
      res.type('html').send(
        page(
          'Kirjaudu sisään · Sign in',
          `<p>Paikallinen kehitystunnistus: valitse testikäyttäjä. · Local development sign-in: choose a test user.</p>
           <form method="post" action="/idp/interaction/${escapeHtml(details.uid)}/login"><ul>${buttons}</ul></form>`,
        ),
      );
    } catch (err) {
      next(err);
    }
  });

  router.post('/interaction/:uid/login', form, async (req, res, next) => {
    try {
      await provider.interactionDetails(req, res);
      const userId = typeof req.body?.userId === 'string' ? req.body.userId : '';
      const email = typeof req.body?.email === 'string' ? req.body.email.toLowerCase() : '';
      const user = userId
        ? await db.user.findUnique({ where: { id: userId } }).catch(() => null)
        : email
          ? await db.user.findUnique({ where: { email } })
          : null;
      const result =
        user && !user.disabledAt
          ? { login: { accountId: user.id } }
          : { error: 'access_denied', error_description: 'Unknown user' };
      await provider.interactionFinished(req, res, result, { mergeWithLastSubmission: false });
    } catch (err) {
      next(err);
    }
  });

  router.use(provider.callback());
  return router;
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="fi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;
}
