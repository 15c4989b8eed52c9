/**
 * Sessions: a short-lived JWT (HS256, signed with jose) in an HTTP-only, SameSite=Lax cookie,
 * Secure when the platform is served over https. The token carries the user, a CSRF token
 * that unsafe requests must echo in the X-CSRF-Token header, and the mandate the user acts
 * under, if any. Nothing else: who the user is and what they may do is read fresh from the
 * database on every request, so a revoked mandate or a removed user stops at once.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parse as parseCookies, serialize } from 'cookie';
import { SignJWT, jwtVerify } from 'jose';

export const SESSION_TTL_SECONDS = 8 * 60 * 60;
const AUDIENCE = 'permit-service-layer';

export interface SessionClaims {
  userId: string;
  csrf: string;
  /** The mandate the user acts under (an agent acting for an organisation). */
  mandateId?: string;
}

export interface SessionSettings {
  secret: string;
  /** Secure cookies with the __Host- prefix: whenever the public URL is https. */
  secure: boolean;
}

/** Verified tokens kept per process: a token never changes, so its check is done once until it expires. */
const VERIFIED_TOKENS_KEPT = 10_000;

export class Sessions {
  private readonly key: Uint8Array;
  readonly cookieName: string;
  private readonly verified = new Map<string, { claims: SessionClaims; expiresAt: number }>();

  constructor(private readonly settings: SessionSettings) {
    this.key = new TextEncoder().encode(settings.secret);
    this.cookieName = settings.secure ? '__Host-session' : 'session';
  }

  static newCsrfToken(): string {
    return randomBytes(24).toString('base64url');
  }

  async issue(res: Response, claims: SessionClaims): Promise<void> {
    const token = await new SignJWT({ csrf: claims.csrf, ...(claims.mandateId ? { mnd: claims.mandateId } : {}) })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(`${SESSION_TTL_SECONDS}s`)
      .sign(this.key);
    res.append('Set-Cookie', this.cookie(token, SESSION_TTL_SECONDS));
  }

  clear(res: Response): void {
    res.append('Set-Cookie', this.cookie('', 0));
  }

  /** The verified claims of the session cookie in a Cookie header; null when absent, expired or forged. */
  async read(cookieHeader: string | undefined): Promise<SessionClaims | null> {
    const token = parseCookies(cookieHeader ?? '')[this.cookieName];
    if (!token) return null;
    const known = this.verified.get(token);
    if (known && Date.now() < known.expiresAt) return known.claims;
    try {
      const { payload } = await jwtVerify(token, this.key, { audience: AUDIENCE, algorithms: ['HS256'] });
      if (typeof payload.sub !== 'string' || typeof payload.csrf !== 'string') return null;
      const claims: SessionClaims = Object.freeze({
        userId: payload.sub,
        csrf: payload.csrf,
        ...(typeof payload.mnd === 'string' ? { mandateId: payload.mnd } : {}),
      });
      if (typeof payload.exp === 'number') {
        if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value!);
        this.verified.set(token, { claims, expiresAt: payload.exp * 1000 });
      }
      return claims;
    } catch {
      return null;
    }
  }

  /** A short-lived signed value in its own cookie (the sign-in's state, nonce and PKCE verifier). */
  async seal(res: Response, name: string, value: Record<string, string>, ttlSeconds: number): Promise<void> {
    const token = await new SignJWT(value)
      .setProtectedHeader({ alg: 'HS256' })
      .setAudience(`${AUDIENCE}:${name}`)
      .setExpirationTime(`${ttlSeconds}s`)
      .sign(this.key);
    res.append('Set-Cookie', serialize(name, token, this.cookieOptions(ttlSeconds)));
  }

  async unseal(req: Request, res: Response, name: string): Promise<Record<string, unknown> | null> {
    const token = parseCookies(req.get('cookie') ?? '')[name];
    res.append('Set-Cookie', serialize(name, '', this.cookieOptions(0)));
    if (!token) return null;
    try {
      return (await jwtVerify(token, this.key, { audience: `${AUDIENCE}:${name}`, algorithms: ['HS256'] })).payload;
    } catch {
      return null;
    }
  }

  private cookieOptions(maxAge: number) {
    return { httpOnly: true, secure: this.settings.secure, sameSite: 'lax' as const, path: '/', maxAge };
  }

  private cookie(value: string, maxAge: number): string {
    return serialize(this.cookieName, value, this.cookieOptions(maxAge));
  }
}

/** Constant-time comparison of the X-CSRF-Token header with the session's token. */
export function csrfMatches(header: string | undefined, expected: string): boolean {
  if (!header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
