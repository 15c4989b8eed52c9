/**
 * Security headers and cookie flags against the real server: helmet's headers on API, docs
 * and UI responses (a Content-Security-Policy without inline or eval'd scripts, no framing,
 * nosniff, Referrer-Policy, Cross-Origin-Opener-Policy, HSTS only when PUBLIC_URL is https),
 * no X-Powered-By; the session and sign-in cookies HttpOnly, SameSite=Lax, Path=/ and Secure
 * (with the __Host- prefix) when PUBLIC_URL is https; error bodies without stack traces.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@temporalio/client';
import express from 'express';
import pino from 'pino';
import type { AddressInfo } from 'node:net';
import { ApiClient } from '../../api/client';
import { problemHandler } from '../../api/errors';
import { LOCAL_CLIENT_ID } from '../../api/auth/local-idp';
import { DEMO_USERS, seed } from '../../prisma/seed';
import { startApi, type RunningApi } from '../support/api';
import { freshDatabase } from '../support/env';

const root = path.resolve(__dirname, '..', '..');
let db: Awaited<ReturnType<typeof freshDatabase>>;
/** Served over plain http (PUBLIC_URL http://127.0.0.1:…), with a UI build. */
let plain: RunningApi;
/** PUBLIC_URL https://…, signing in at the plain server's identity provider. */
let secure: RunningApi;
let uiDir: string;

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  uiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ui-'));
  fs.mkdirSync(path.join(uiDir, 'assets'));
  fs.writeFileSync(
    path.join(uiDir, 'index.html'),
    '<!doctype html><html><head><script type="module" src="/assets/app.js"></script></head><body></body></html>',
  );
  fs.writeFileSync(path.join(uiDir, 'assets', 'app.js'), 'console.log("ui");\n');
  plain = await startApi(db.handle.db, new Client(), { TEMPORAL_TASK_QUEUE: 'unused', UI_DIST: uiDir });
  secure = await startApi(db.handle.db, new Client(), {
    TEMPORAL_TASK_QUEUE: 'unused',
    UI_DIST: uiDir,
    auth: { publicUrl: 'https://luvat.example.fi', oidc: { issuer: `${plain.base}/idp`, clientId: LOCAL_CLIENT_ID } },
  });
});

afterAll(async () => {
  await secure?.close();
  await plain?.close();
  await db?.drop();
  fs.rmSync(uiDir, { recursive: true, force: true });
});

/** The CSP's directives by name. */
function csp(res: Response): Map<string, string[]> {
  const header = res.headers.get('content-security-policy');
  expect(header).toEqual(expect.any(String));
  return new Map(
    header!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name!, values]),
  );
}

function expectSecurityHeaders(res: Response, https: boolean) {
  const policy = csp(res);
  // Scripts only from the service itself: no inline scripts, no eval, no inline handlers.
  const scripts = policy.get('script-src') ?? policy.get('default-src')!;
  expect(scripts).toContain("'self'");
  expect(scripts).not.toContain("'unsafe-inline'");
  expect(scripts).not.toContain("'unsafe-eval'");
  expect(scripts.some((s) => s === '*' || s === 'http:' || s === 'https:' || s === 'data:')).toBe(false);
  expect(policy.get('script-src-attr')).toEqual(["'none'"]);
  expect(policy.get('object-src')).toEqual(["'none'"]);
  expect(policy.get('base-uri')).toEqual(["'self'"]);
  expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
  expect(policy.has('upgrade-insecure-requests')).toBe(https);
  expect(res.headers.get('x-frame-options')).toBe('DENY');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('referrer-policy')).toMatch(/^(no-referrer|same-origin|strict-origin(-when-cross-origin)?)$/);
  expect(res.headers.get('cross-origin-opener-policy')).toBe('same-origin');
  expect(res.headers.get('cross-origin-resource-policy')).toBe('same-origin');
  expect(res.headers.get('x-powered-by')).toBeNull();
  if (https) {
    const hsts = res.headers.get('strict-transport-security')!;
    expect(Number(/max-age=(\d+)/.exec(hsts)?.[1])).toBeGreaterThanOrEqual(180 * 86_400);
    expect(hsts).toContain('includeSubDomains');
  } else {
    // A plain-http address must not pin browsers to https.
    expect(res.headers.get('strict-transport-security')).toBeNull();
  }
}

const PATHS = [
  '/api/authorities', // JSON
  '/api/projects', // 401 problem+json
  '/api/nothing-here', // 404
  '/api/docs', // HTML
  '/api/docs/init.js',
  '/', // the UI
  '/projects/123/deep/link', // the UI's fallback
  '/assets/app.js',
];

describe('security headers', () => {
  it.each(PATHS)('on %s (http)', async (p) => {
    const res = await fetch(`${plain.base}${p}`);
    expect(res.status).toBeLessThan(500);
    expectSecurityHeaders(res, false);
  });

  it.each(PATHS)('on %s (PUBLIC_URL https)', async (p) => {
    const res = await fetch(`${secure.base}${p}`);
    expect(res.status).toBeLessThan(500);
    expectSecurityHeaders(res, true);
  });

  it('the UI page itself has no inline script the policy would block', () => {
    for (const file of [path.join(root, 'ui', 'index.html'), path.join(root, 'api', 'docs.ts')]) {
      const html = fs.readFileSync(file, 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect([file, attributes]).toEqual([file, expect.stringMatching(/\bsrc=/)]);
        expect(body!.trim()).toBe('');
      }
      expect(html).not.toMatch(/\son[a-z]+=/i);
    }
  });
});

/** A Set-Cookie line as name, value and attributes (lower-case names). */
function cookie(line: string | undefined) {
  expect(line).toEqual(expect.any(String));
  const [pair = '', ...rest] = line!.split(';').map((p) => p.trim());
  const eq = pair.indexOf('=');
  const attributes = new Map(
    rest.map((a) => {
      const i = a.indexOf('=');
      return i < 0 ? [a.toLowerCase(), ''] : [a.slice(0, i).toLowerCase(), a.slice(i + 1)];
    }),
  );
  return { name: pair.slice(0, eq), value: pair.slice(eq + 1), attributes };
}

function expectFlags(c: ReturnType<typeof cookie>, secureCookie: boolean) {
  expect(c.attributes.has('httponly')).toBe(true);
  expect(c.attributes.get('samesite')?.toLowerCase()).toMatch(/^(lax|strict)$/);
  expect(c.attributes.get('path')).toBe('/');
  expect(c.attributes.has('domain')).toBe(false);
  expect(c.attributes.has('secure')).toBe(secureCookie);
}

const setCookies = (res: Response, name: string) => res.headers.getSetCookie().filter((l) => l.startsWith(`${name}=`));

describe('cookies', () => {
  it('over http: the sign-in and session cookies are HttpOnly, SameSite=Lax, Path=/, not Secure', async () => {
    const login = await fetch(`${plain.base}/api/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expectFlags(cookie(setCookies(login, 'signin')[0]), false);

    const client = await ApiClient.signIn(plain.base, DEMO_USERS.organiser);
    const reissued = await client.raw('PUT', '/api/session/acting-for', { mandateId: null });
    expect(reissued.status).toBe(200);
    const session = cookie(setCookies(reissued, 'session')[0]);
    expectFlags(session, false);
    expect(Number(session.attributes.get('max-age'))).toBe(8 * 3600);

    const logout = await client.raw('POST', '/api/auth/logout');
    expect(logout.status).toBe(204);
    const cleared = cookie(setCookies(logout, 'session')[0]);
    expectFlags(cleared, false);
    expect([cleared.value, cleared.attributes.get('max-age')]).toEqual(['', '0']);
  });

  it('with PUBLIC_URL https: Secure, with the __Host- prefix', async () => {
    const login = await fetch(`${secure.base}/api/auth/login`, { redirect: 'manual' });
    expect(login.status).toBe(302);
    expectFlags(cookie(setCookies(login, 'signin')[0]), true);

    // The same session (both servers share the secret) under the https server's cookie name.
    const client = await ApiClient.signIn(plain.base, DEMO_USERS.organiser);
    const token = /(?:^|; )session=([^;]+)/.exec(client.cookieHeader())![1]!;
    const headers = {
      cookie: `__Host-session=${token}`,
      'x-csrf-token': client.session!.csrfToken,
      'content-type': 'application/json',
    };
    const reissued = await fetch(`${secure.base}/api/session/acting-for`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ mandateId: null }),
    });
    expect(reissued.status).toBe(200);
    expect(setCookies(reissued, 'session')).toEqual([]);
    expectFlags(cookie(setCookies(reissued, '__Host-session')[0]), true);
    // A plain `session` cookie is not a session on the https server.
    const plainName = await fetch(`${secure.base}/api/session`, { headers: { cookie: `session=${token}` } });
    expect(plainName.status).toBe(401);

    const logout = await fetch(`${secure.base}/api/auth/logout`, { method: 'POST', headers });
    expect(logout.status).toBe(204);
    const cleared = cookie(setCookies(logout, '__Host-session')[0]);
    expectFlags(cleared, true);
    expect(cleared.attributes.get('max-age')).toBe('0');
  });
});

describe('error bodies', () => {
  const STACK = /\bat .*\.(js|ts):\d+|node_modules|\/work\/|Error:|ECONN|prisma/i;

  const expectProblem = async (res: Response, status: number) => {
    const text = await res.text();
    expect([res.status, res.headers.get('content-type')]).toEqual([
      status,
      expect.stringMatching(/^application\/problem\+json/),
    ]);
    expect(text).not.toMatch(STACK);
    return JSON.parse(text) as { title: string; status: number };
  };

  it('client errors are problem+json naming no internals', async () => {
    const client = await ApiClient.signIn(plain.base, DEMO_USERS.organiser);
    const json = { 'content-type': 'application/json', 'idempotency-key': 'x'.repeat(20) };
    await expectProblem(await client.raw('POST', '/api/projects', '{"title":', json), 400);
    // A broken percent-encoding in the path, and in a query.
    await expectProblem(await client.raw('GET', '/api/projects/%E0%A4%A'), 400);
    await expectProblem(await client.raw('GET', '/api/organisations/%zz/mandates'), 400);
    // A charset the JSON parser does not read; a body over the limit.
    await expectProblem(
      await client.raw('POST', '/api/projects', '{}', { ...json, 'content-type': 'application/json; charset=latin1' }),
      415,
    );
    await expectProblem(
      await client.raw('POST', '/api/projects', JSON.stringify({ x: 'a'.repeat(300_000) }), json),
      413,
    );
    await expectProblem(await client.raw('GET', '/api/nothing-here'), 404);
    const wrongMethod = await client.raw('DELETE', '/api/health');
    await expectProblem(wrongMethod, 405);
    expect(wrongMethod.headers.get('x-powered-by')).toBeNull();
  });

  it('an unexpected error is 500 "Internal error", without its message or stack', async () => {
    const app = express();
    app.get('/boom', () => {
      throw new Error('connect ECONNREFUSED 10.0.0.5:5432 at /work/main/api/secret.ts:12');
    });
    app.use(problemHandler(pino({ level: 'silent' })));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/boom`);
      expect(await expectProblem(res, 500)).toEqual({ type: 'about:blank', title: 'Internal error', status: 500 });
    } finally {
      server.close();
    }
  });
});
