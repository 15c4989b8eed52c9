/**
 * Identity and access against the real stack: every role signed in through the local OpenID
 * provider, an authorisation matrix over the endpoints (allowed and refused, with nothing
 * changed by a refusal, and every refusal in the security log), CSRF, mandates (acting for,
 * revocation, expiry), the audit log with request ids, socket room joins, rate limits, trade
 * secrets and hidden identities withheld and logged. Socket rooms × roles and file downloads ×
 * roles: access-rooms-downloads.test.ts.
 */
import { randomUUID } from 'node:crypto';
import { io as connect, type Socket } from 'socket.io-client';
import { Client } from '@temporalio/client';
import { ApiClient } from '../../api/client';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { startApi } from '../support/api';
import { OPERATIONS } from '../../api/openapi';
import { useApiStack } from '../support/stack';
import { EVERYONE, SIGNED_IN, signInRoles, type Role } from '../support/roles';
import { until } from '../support/env';

const stack = useApiStack();

const clients = {} as Record<Role, ApiClient>;
let projectId: string;
let involvedCode: string;
let otherCode: string;
let siteId: string;
const ANSWERS = { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true };

beforeAll(async () => {
  const signIn = (email: string) => ApiClient.signIn(stack.base, email);
  clients.organiser = await signIn(DEMO_USERS.organiser);
  const created = await clients.organiser.createProject({ organisationId: DEMO.festivalOrgId, title: 'Pääsytesti' });
  projectId = created.id;
  const advised = await clients.organiser.command(projectId, { action: 'answerAdvice', answers: ANSWERS });
  const involved = new Set(advised.permits.map((p) => p.authorityCode));
  involvedCode = advised.permits.find((p) => p.permitType === 'noise')!.authorityCode;
  // The supervisor works for the same authority as the noise permit's clerk (City of Tampere).
  expect(involvedCode).toBe('CITY-TRE');
  otherCode = Object.keys(AUTHORITY_USERS).find((code) => !involved.has(code))!;
  siteId = (await stack.db.handle.db.site.findFirstOrThrow({ where: { name: 'Ravintola Laukontori' } })).id;
  await signInRoles(stack.base, clients, { involvedCode, otherCode });
});

interface Endpoint {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: () => string;
  body?: () => unknown;
  allowed: Role[];
}

/** Users of an authority involved in the project: its clerk and, at the same authority, the supervisor. */
const INVOLVED: Role[] = ['involvedClerk', 'supervisor'];

const ENDPOINTS: Endpoint[] = [
  {
    name: 'read a project',
    method: 'GET',
    path: () => `/api/projects/${projectId}`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: "read a project's timeline",
    method: 'GET',
    path: () => `/api/projects/${projectId}/timeline`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: "read a project's schedule",
    method: 'GET',
    path: () => `/api/projects/${projectId}/schedule`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: 'list projects',
    method: 'GET',
    path: () => '/api/projects',
    allowed: SIGNED_IN,
  },
  {
    name: 'answer the advice questionnaire (customer command)',
    method: 'POST',
    path: () => `/api/projects/${projectId}/commands`,
    body: () => ({ action: 'answerAdvice', answers: ANSWERS }),
    allowed: ['organiser', 'agent'],
  },
  {
    name: 'create a project for the festival organisation',
    method: 'POST',
    path: () => '/api/projects',
    body: () => ({ organisationId: DEMO.festivalOrgId, title: `Matriisi ${randomUUID().slice(0, 8)}` }),
    allowed: ['organiser', 'agent'],
  },
  {
    name: "decide the noise permit (the section's authority; 409 in this step)",
    method: 'POST',
    path: () => `/api/projects/${projectId}/permits/noise/commands`,
    body: () => ({ action: 'decide', decision: 'approved', text: 'x', signedBy: 'y' }),
    allowed: INVOLVED,
  },
  {
    name: 'mark the project viewed by the involved authority',
    method: 'POST',
    path: () => `/api/projects/${projectId}/views`,
    body: () => ({ authorityCode: involvedCode }),
    allowed: INVOLVED,
  },
  {
    name: 'list sites',
    method: 'GET',
    path: () => '/api/sites',
    allowed: SIGNED_IN,
  },
  {
    name: 'public notices',
    method: 'GET',
    path: () => '/api/notices',
    allowed: EVERYONE,
  },
  {
    name: "the festival organisation's mandates",
    method: 'GET',
    path: () => `/api/organisations/${DEMO.festivalOrgId}/mandates`,
    allowed: ['organiser'],
  },
  {
    name: 'the festival organisation',
    method: 'GET',
    path: () => `/api/organisations/${DEMO.festivalOrgId}`,
    allowed: ['organiser', 'agent', 'involvedClerk', 'otherClerk', 'supervisor', 'serviceDesk', 'admin'],
  },
  {
    name: "a site's observations",
    method: 'GET',
    path: () => `/api/sites/${siteId}/observations`,
    // No supervision cycle yet: any authority may read it (once one runs, the supervising one).
    allowed: ['foodManager', 'involvedClerk', 'otherClerk', 'supervisor', 'admin'],
  },
  {
    name: 'the authority directory',
    method: 'GET',
    path: () => '/api/authorities',
    allowed: EVERYONE,
  },
  {
    name: "a project's messages",
    method: 'GET',
    path: () => `/api/projects/${projectId}/messages`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: 'write in the common thread',
    method: 'POST',
    path: () => `/api/projects/${projectId}/messages`,
    body: () => ({ body: 'Matriisi' }),
    allowed: ['organiser', 'agent', ...INVOLVED],
  },
  {
    name: "a project's documents",
    method: 'GET',
    path: () => `/api/projects/${projectId}/documents`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: "a project's notifications",
    method: 'GET',
    path: () => `/api/projects/${projectId}/notifications`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: "a project's live state",
    method: 'GET',
    path: () => `/api/projects/${projectId}/live`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: 'draft changes the involved authority has not seen',
    method: 'GET',
    path: () => `/api/projects/${projectId}/changes?authorityCode=${involvedCode}`,
    allowed: INVOLVED,
  },
  {
    name: 'override a forecast of the noise permit',
    method: 'PUT',
    path: () => `/api/projects/${projectId}/permits/noise/forecast-override`,
    body: () => ({ step: 'processing', days: 5, reason: 'Matriisi' }),
    allowed: INVOLVED,
  },
  {
    name: "a site's assessment",
    method: 'GET',
    path: () => `/api/sites/${siteId}/assessment`,
    allowed: ['foodManager', 'involvedClerk', 'otherClerk', 'supervisor', 'admin'],
  },
  {
    name: "a site's supervision",
    method: 'GET',
    path: () => `/api/sites/${siteId}/supervision`,
    allowed: ['foodManager', 'involvedClerk', 'otherClerk', 'supervisor', 'admin'],
  },
  {
    name: 'the risk ranking',
    method: 'GET',
    path: () => '/api/risk-reports/ranking',
    allowed: ['involvedClerk', 'otherClerk', 'supervisor', 'admin'],
  },
  {
    name: 'public decisions',
    method: 'GET',
    path: () => '/api/decisions',
    allowed: EVERYONE,
  },
  {
    name: "the UI's runtime settings",
    method: 'GET',
    path: () => '/api/ui-config',
    allowed: EVERYONE,
  },
  {
    name: 'supervised sites for the public map',
    method: 'GET',
    path: () => '/api/supervision-calendar',
    allowed: EVERYONE,
  },
  {
    name: "a site's public supervision calendar",
    method: 'GET',
    path: () => `/api/supervision-calendar/${siteId}`,
    allowed: EVERYONE,
  },
  {
    name: 'own alerts',
    method: 'GET',
    path: () => '/api/alerts',
    allowed: SIGNED_IN,
  },
  {
    name: 'own subscribed areas',
    method: 'GET',
    path: () => '/api/subscriptions',
    allowed: SIGNED_IN,
  },
  {
    name: "a permit section's live state",
    method: 'GET',
    path: () => `/api/projects/${projectId}/permits/noise/live`,
    allowed: ['organiser', 'agent', ...INVOLVED, 'serviceDesk', 'admin'],
  },
  {
    name: "one target group's sites",
    method: 'GET',
    path: () => '/api/risk-reports/groups/restaurant',
    allowed: ['involvedClerk', 'otherClerk', 'supervisor', 'admin'],
  },
  {
    name: 'class counts per group',
    method: 'GET',
    path: () => '/api/risk-reports/class-counts',
    allowed: ['involvedClerk', 'otherClerk', 'supervisor', 'admin'],
  },
  {
    name: 'top risk areas per group',
    method: 'GET',
    path: () => '/api/risk-reports/top-areas',
    allowed: ['involvedClerk', 'otherClerk', 'supervisor', 'admin'],
  },
  {
    name: 'own alert preferences',
    method: 'GET',
    path: () => '/api/alerts/preferences',
    allowed: SIGNED_IN,
  },
  {
    name: 'the audit log',
    method: 'GET',
    path: () => '/api/audit',
    allowed: ['admin'],
  },
  {
    name: 'the session',
    method: 'GET',
    path: () => '/api/session',
    allowed: SIGNED_IN,
  },
  {
    name: 'the security events',
    method: 'GET',
    path: () => '/api/security-events?kind=http.refused',
    allowed: ['admin'],
  },
];

const headersFor = (e: Endpoint, requestId: string) => ({
  'x-request-id': requestId,
  ...(e.method === 'GET' ? {} : { 'idempotency-key': randomUUID() }),
});

/** The security log's row of one request, once written (it is written after the answer). */
const securityEventOf = (requestId: string) =>
  until(`the security event of ${requestId}`, () =>
    stack.db.handle.db.securityEvent.findFirst({ where: { requestId }, omit: { id: true } }),
  );

describe('authorisation matrix: every role × every endpoint', () => {
  const cases = ENDPOINTS.flatMap((e) => EVERYONE.map((role) => [e.name, role, e] as const));

  it.each(cases)('%s as %s', async (_name, role, endpoint) => {
    const db = stack.db.handle.db;
    const [events, projects, audits] = await Promise.all([
      db.timelineEvent.count(),
      db.permitProject.count(),
      db.auditEntry.count(),
    ]);
    const requestId = `matrix-${randomUUID()}`;
    const res = await clients[role].raw(
      endpoint.method,
      endpoint.path(),
      endpoint.body?.(),
      headersFor(endpoint, requestId),
    );
    if (endpoint.allowed.includes(role)) {
      expect([401, 403]).not.toContain(res.status);
      expect(res.status).toBeLessThan(500);
    } else {
      const status = role === 'public' ? 401 : 403;
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([
        status,
        role === 'public' ? 'UNAUTHENTICATED' : 'FORBIDDEN',
      ]);
      // A refusal changes nothing...
      expect(await Promise.all([db.timelineEvent.count(), db.permitProject.count(), db.auditEntry.count()])).toEqual([
        events,
        projects,
        audits,
      ]);
      // ...and is in the security log: who, what, the answer, the request.
      expect(await securityEventOf(requestId)).toMatchObject({
        kind: 'http.refused',
        actorId: clients[role].session?.user.id ?? null,
        method: endpoint.method,
        resource: endpoint.path().replace(/\?.*$/, ''),
        status,
        ip: expect.stringMatching(/127\.0\.0\.1/),
      });
    }
  });

  it('lists only what each role may read', async () => {
    const ids = async (role: Role) =>
      (await clients[role].request<Array<{ id: string }>>('GET', '/api/projects')).map((p) => p.id);
    expect(await ids('organiser')).toContain(projectId);
    expect(await ids('agent')).toContain(projectId);
    expect(await ids('involvedClerk')).toContain(projectId);
    expect(await ids('foodManager')).not.toContain(projectId);
    expect(await ids('otherClerk')).not.toContain(projectId);
    expect(await ids('resident')).toEqual([]);
    const sites = async (role: Role) =>
      (await clients[role].request<Array<{ organisationId?: string; id: string }>>('GET', '/api/sites')).length;
    expect(await sites('foodManager')).toBeGreaterThan(0);
    expect(await sites('organiser')).toBe(0);
    expect(await sites('resident')).toBe(0);
  });
});

/**
 * Operations whose allowed and refused callers are tested in their own suites (they need a
 * file body, a running cycle, a mandate of one's own or a resource made for the purpose).
 */
const COVERED_ELSEWHERE: Record<string, string> = {
  'GET /api/health': 'projects.test.ts (public)',
  'GET /api/openapi.json': 'openapi.test.ts (public)',
  'GET /api/docs': 'openapi.test.ts (public)',
  'GET /api/permit-types': 'public catalogue',
  'GET /api/advice/questions': 'public catalogue',
  'POST /api/advice/explore': 'public, writes nothing',
  'GET /api/notices/:id': 'projects.test.ts',
  'POST /api/notices/:id/comments': 'projects.test.ts, fuzz.test.ts',
  'GET /api/auth/login': 'access.test.ts (sign-in, rate limits)',
  'GET /api/auth/callback': 'access.test.ts (refused callback)',
  'POST /api/auth/logout': 'access.test.ts (sign-out)',
  'PUT /api/session/acting-for': 'access.test.ts (mandates)',
  'POST /api/organisations/:id/mandates': 'access.test.ts (mandates)',
  'DELETE /api/organisations/:id/mandates/:mandateId': 'access.test.ts (mandates)',
  'POST /api/alerts/:id/read': 'alerts.test.ts',
  'PUT /api/alerts/preferences': 'alerts.test.ts',
  'POST /api/subscriptions': 'alerts.test.ts',
  'DELETE /api/subscriptions/:id': 'alerts.test.ts',
  'POST /api/projects/:id/documents': 'documents.test.ts',
  'POST /api/projects/:id/documents/:documentId/versions': 'documents.test.ts',
  'GET /api/projects/:id/documents/:documentId/versions/:version/content':
    'access-rooms-downloads.test.ts (every role), documents.test.ts',
  'GET /api/sites/:id/observations': 'access.test.ts (citizen observations)',
  'GET /api/sites/:id/observations/:observationId/photo':
    'access-rooms-downloads.test.ts (every role), access.test.ts (citizen observations)',
  'POST /api/sites/:id/supervision': 'projects.test.ts, access.test.ts',
  'POST /api/sites/:id/supervision/commands': 'projects.test.ts, fuzz.test.ts',
  'POST /api/sites/:id/supervision/reports': 'projects.test.ts, access.test.ts',
  'GET /api/authorities/:code/connection': 'bridge.test.ts (every role)',
  'PUT /api/authorities/:code/connection': 'bridge.test.ts (every role), fuzz.test.ts',
  'POST /api/authorities/:code/connection/secret': 'bridge.test.ts (every role), fuzz.test.ts',
  'GET /api/authorities/:code/bridge-events': 'bridge.test.ts (every role)',
  'POST /api/authorities/:code/bridge-events/:id/redeliver': 'bridge.test.ts (every role), fuzz.test.ts',
  'POST /api/bridge/:authorityCode/events': 'bridge.test.ts (signed, forged refused), fuzz.test.ts',
  'GET /api/search': 'knowledge.test.ts (public; authority-only documents by role)',
  'GET /api/guides': 'knowledge.test.ts (public; a project only for its readers)',
  'GET /api/guides/:id': 'knowledge.test.ts (public)',
  'POST /api/guides': 'knowledge.test.ts (desk shared, authority own, others refused), fuzz.test.ts',
  'PUT /api/guides/:id': 'knowledge.test.ts (own authority only, stale version), fuzz.test.ts',
  'GET /api/answers': 'knowledge.test.ts (public)',
  'POST /api/answers': 'knowledge.test.ts (experts only), fuzz.test.ts',
  'PUT /api/answers/:id': 'knowledge.test.ts (owner only), fuzz.test.ts',
  'DELETE /api/answers/:id': 'knowledge.test.ts (owner only), fuzz.test.ts',
  'POST /api/solutions': 'knowledge.test.ts (the deciding authority only), fuzz.test.ts',
  'GET /api/chat/conversations': 'knowledge.test.ts (own, queues, project readers)',
  'POST /api/chat/conversations': 'knowledge.test.ts (customer side only; others refused), fuzz.test.ts',
  'GET /api/chat/conversations/:id': 'knowledge.test.ts (every role, other organisation, uninvolved authority)',
  'POST /api/chat/conversations/:id/messages': 'knowledge.test.ts (opener and handler only), fuzz.test.ts',
  'POST /api/chat/conversations/:id/handover': 'knowledge.test.ts (handler only), fuzz.test.ts',
  'POST /api/chat/conversations/:id/close': 'knowledge.test.ts (opener and handler only), fuzz.test.ts',
  'GET /api/invoices': 'invoices.test.ts (customer, authority, other organisation, service desk)',
  'GET /api/invoices/:id': 'invoices.test.ts (every refused role)',
  'GET /api/invoices/:id/pdf': 'invoices.test.ts (every refused role)',
  'GET /api/invoices/:id/finvoice': 'invoices.test.ts (every refused role)',
  'POST /api/invoices/:id/payments': 'invoices.test.ts (customer only), fuzz.test.ts',
  'GET /api/payments/callback': 'invoices.test.ts (public; HMAC-verified, forged refused)',
  'GET /api/payments/return': 'invoices.test.ts (public; HMAC-verified)',
  'GET /api/venues': 'venues.test.ts (public)',
  'GET /api/venues/:id': 'venues.test.ts (public)',
  'GET /api/venues/:id/calendar': 'venues.test.ts (public; own places for organisers only)',
  'POST /api/venues/:id/commands': 'venues.test.ts (every role, other organisation), fuzz.test.ts',
  'GET /api/venue-reservations': 'venues.test.ts (organisers own, admin all, others refused)',
  'GET /api/archive':
    'archive.test.ts (involved authority and admin find it, others not; customers and public refused)',
  'GET /api/archive/:projectId': 'archive.test.ts (involved authority, admin, own organisation; others refused)',
  'GET /api/archive/:projectId/package': 'archive.test.ts (involved authority, admin; own organisation refused)',
};

it('the matrix and the suites named above cover every operation of the API', () => {
  const inMatrix = new Set(
    ENDPOINTS.map((e) => `${e.method} ${e.path().replace(projectId, ':id').replace(siteId, ':id')}`),
  );
  const normalise = (path: string) =>
    path
      .replace(/\?.*$/, '')
      .replace(/\/permits\/noise\//, '/permits/:permitType/')
      .replace(/\/groups\/restaurant$/, '/groups/:group')
      .replace(DEMO.festivalOrgId, ':id');
  const covered = new Set([...inMatrix].map((k) => normalise(k)));
  const missing = OPERATIONS.map((op) => `${op.method.toUpperCase()} ${op.path}`).filter(
    (key) => !covered.has(key) && !(key in COVERED_ELSEWHERE),
  );
  expect(missing).toEqual([]);
});

describe('CSRF and forged sessions', () => {
  it('refuses an unsafe request whose X-CSRF-Token is missing or wrong, changing nothing', async () => {
    const before = await stack.db.handle.db.permitProject.count();
    const body = { organisationId: DEMO.festivalOrgId, title: 'CSRF' };
    for (const token of [undefined, 'forged-token']) {
      const requestId = `csrf-${randomUUID()}`;
      const res = await fetch(`${stack.base}/api/projects`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-request-id': requestId,
          cookie: clients.organiser.cookieHeader(),
          ...(token ? { 'x-csrf-token': token } : {}),
        },
        body: JSON.stringify(body),
      });
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ field: 'X-CSRF-Token' });
      // Logged with the session's user, and nothing of the request's body.
      const logged = await securityEventOf(requestId);
      expect(logged).toMatchObject({
        kind: 'http.refused',
        actorId: clients.organiser.session!.user.id,
        resource: '/api/projects',
        status: 403,
      });
      expect(JSON.stringify(logged)).not.toContain(DEMO.festivalOrgId);
    }
    expect(await stack.db.handle.db.permitProject.count()).toBe(before);
  });

  it('treats a session cookie signed with another key as no session', async () => {
    const forged = clients.admin.cookieHeader().replace(/\.[^.]+$/, '.AAAA');
    const res = await fetch(`${stack.base}/api/audit`, { headers: { cookie: forged } });
    expect(res.status).toBe(401);
  });

  it('signs out: the cookie is cleared and the session resource answers 401', async () => {
    const someone = await ApiClient.signIn(stack.base, DEMO_USERS.resident);
    expect((await someone.raw('POST', '/api/auth/logout')).status).toBe(204);
    expect((await someone.raw('GET', '/api/session')).status).toBe(401);
  });

  it('refuses a sign-in callback that was not started here', async () => {
    const res = await fetch(`${stack.base}/api/auth/callback?code=x&state=y`, { redirect: 'manual' });
    expect(res.status).toBe(400);
  });
});

describe('mandates (F33)', () => {
  const org = DEMO.festivalOrgId;
  const day = 86_400_000;
  const grant = (body: Record<string, unknown>, key: string = randomUUID()) =>
    clients.organiser.raw(
      'POST',
      `/api/organisations/${org}/mandates`,
      {
        agentEmail: DEMO_USERS.agent,
        scope: ['permits'],
        validFrom: new Date(Date.now() - day).toISOString(),
        validTo: new Date(Date.now() + day).toISOString(),
        ...body,
      },
      { 'idempotency-key': key },
    );

  it('refuses bad grants naming the field, writing nothing', async () => {
    const before = await stack.db.handle.db.mandate.count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ agentEmail: DEMO_USERS.resident }, 'agentEmail'],
      [{ agentEmail: 'not-an-email' }, 'agentEmail'],
      [{ scope: ['everything'] }, 'scope.0'],
      [{ scope: [] }, 'scope'],
      [{ validTo: new Date(Date.now() - 2 * day).toISOString() }, 'validTo'],
      [{ extra: true }, ''],
    ];
    for (const [body, field] of cases) {
      const res = await grant(body);
      expect(res.status).toBe(400);
      const problem = (await res.json()) as { errors: Array<{ path: string }> };
      expect(problem.errors.map((e) => e.path)).toContain(field);
    }
    expect(await stack.db.handle.db.mandate.count()).toBe(before);
    // A grant is a command: without a key it is refused, with a repeated key it happens once.
    const noKey = await clients.organiser.raw('POST', `/api/organisations/${org}/mandates`, {
      agentEmail: DEMO_USERS.agent,
      scope: ['permits'],
      validFrom: new Date(Date.now() - day).toISOString(),
      validTo: new Date(Date.now() + day).toISOString(),
    });
    expect([noKey.status, ((await noKey.json()) as { field: string }).field]).toEqual([400, 'Idempotency-Key']);
    const key = randomUUID();
    const [a, b] = await Promise.all([grant({}, key), grant({}, key)]);
    expect(((await a.json()) as { id: string }).id).toBe(((await b.json()) as { id: string }).id);
    expect(await stack.db.handle.db.mandate.count()).toBe(before + 1);
  });

  it('an agent acts for the organisation under a mandate, audited on its behalf, until revoked', async () => {
    const agent = await ApiClient.signIn(stack.base, DEMO_USERS.agent);
    // Without choosing a mandate the agent acts for no one.
    expect((await agent.raw('GET', `/api/projects/${projectId}`)).status).toBe(403);

    const granted = await grant({});
    expect(granted.status).toBe(201);
    const mandate = (await granted.json()) as { id: string; valid: boolean };
    expect(mandate.valid).toBe(true);
    await agent.actFor(mandate.id);
    expect(agent.session!.actingFor).toMatchObject({ mandateId: mandate.id, organisationId: org });

    const res = await agent.raw(
      'POST',
      `/api/projects/${projectId}/commands`,
      { action: 'answerAdvice', answers: ANSWERS },
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(200);
    const requestId = res.headers.get('x-request-id')!;
    const audit = await clients.admin.request<
      Array<{ actorId: string; onBehalfOfId: string; action: string; requestId: string | null }>
    >('GET', `/api/audit?entity=PermitProject&entityId=${projectId}`);
    const entry = audit.find((a) => a.requestId === requestId);
    expect(entry).toMatchObject({ actorId: agent.session!.user.id, onBehalfOfId: org, action: 'answerAdvice' });

    // Revoked: the very next request acts for no one, whatever the session cookie says.
    const revoked = await clients.organiser.raw('DELETE', `/api/organisations/${org}/mandates/${mandate.id}`);
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { valid: boolean }).valid).toBe(false);
    expect((await agent.raw('GET', `/api/projects/${projectId}`)).status).toBe(403);
    expect((await agent.raw('PUT', '/api/session/acting-for', { mandateId: mandate.id })).status).toBe(403);
    // The organisation's users see the grant and the revocation in their list.
    const listed = await clients.organiser.request<Array<{ id: string; revokedAt: string | null }>>(
      'GET',
      `/api/organisations/${org}/mandates`,
    );
    expect(listed.find((m) => m.id === mandate.id)?.revokedAt).toEqual(expect.any(String));
    const actions = (
      await clients.admin.request<Array<{ action: string }>>('GET', `/api/audit?entity=Mandate&entityId=${mandate.id}`)
    ).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(['grantMandate', 'actAs', 'revokeMandate']));
  });

  it('an expired mandate cannot be used, and one that expires mid-session stops at once', async () => {
    const agent = await ApiClient.signIn(stack.base, DEMO_USERS.agent);
    const expired = (await (
      await grant({
        validFrom: new Date(Date.now() - 3 * day).toISOString(),
        validTo: new Date(Date.now() - day).toISOString(),
      })
    ).json()) as { id: string; valid: boolean };
    expect(expired.valid).toBe(false);
    expect((await agent.raw('PUT', '/api/session/acting-for', { mandateId: expired.id })).status).toBe(403);

    const current = (await (await grant({})).json()) as { id: string };
    await agent.actFor(current.id);
    expect((await agent.raw('GET', `/api/projects/${projectId}`)).status).toBe(200);
    await stack.db.handle.db.mandate.update({
      where: { id: current.id },
      data: { validTo: new Date(Date.now() - 1000) },
    });
    expect((await agent.raw('GET', `/api/projects/${projectId}`)).status).toBe(403);
  });
});

describe('audit log', () => {
  it('records every change with the person, the request id and what changed', async () => {
    const { id } = await clients.organiser.createProject({ organisationId: DEMO.festivalOrgId, title: 'Audit' });
    const res = await clients.organiser.raw(
      'POST',
      `/api/projects/${id}/commands`,
      { action: 'answerAdvice', answers: ANSWERS },
      { 'idempotency-key': randomUUID(), 'x-request-id': `audit-test-${id}` },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe(`audit-test-${id}`);
    const entries = await stack.db.handle.db.auditEntry.findMany({
      where: { entity: 'PermitProject', entityId: id },
      orderBy: { id: 'asc' },
    });
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['createProject', 'answerAdvice']));
    expect(entries.every((e) => e.actorId === clients.organiser.session!.user.id)).toBe(true);
    expect(entries.find((e) => e.action === 'answerAdvice')?.requestId).toBe(`audit-test-${id}`);
    // Every timeline event of the project has its audit entry.
    const events = await stack.db.handle.db.timelineEvent.count({ where: { projectId: id } });
    const workflowEntries = await stack.db.handle.db.auditEntry.count({
      where: { OR: [{ entityId: id }, { entityId: { startsWith: `${id}/` } }], NOT: { action: 'createProject' } },
    });
    expect(workflowEntries).toBe(events);
  });
});

describe('socket rooms are authorised like the GET', () => {
  const join = async (client: ApiClient) => {
    const socket: Socket = connect(stack.base, {
      transports: ['websocket'],
      extraHeaders: { cookie: client.cookieHeader() },
      reconnection: false,
    });
    try {
      return await new Promise<{ ok: boolean; error?: string }>((resolve, reject) => {
        socket.once('connect_error', reject);
        socket.emit('project:join', projectId, resolve);
      });
    } finally {
      socket.close();
    }
  };

  it.each<[Role, boolean]>([
    ['organiser', true],
    ['involvedClerk', true],
    ['foodManager', false],
    ['otherClerk', false],
    ['resident', false],
    ['public', false],
  ])('%s joins the project room: %s', async (role, ok) => {
    expect((await join(clients[role])).ok).toBe(ok);
  });
});

describe('rate limits', () => {
  it('answers 429 with problem+json once an address exceeds the public write budget', async () => {
    const limited = await startApi(stack.db.handle.db, new Client(), {
      TEMPORAL_TASK_QUEUE: 'unused',
      UI_DIST: '',
      rateLimits: { signInPerMinute: 2, publicWritesPerMinute: 2 },
    });
    try {
      const comment = () =>
        fetch(`${limited.base}/api/notices/${randomUUID()}/comments`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'idempotency-key': randomUUID() },
          body: JSON.stringify({ kind: 'opinion', authorName: 'R', anonymous: false, text: 'x' }),
        });
      const statuses = [(await comment()).status, (await comment()).status];
      expect(statuses).not.toContain(429);
      const refused = await comment();
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(await refused.json()).toMatchObject({ code: 'RATE_LIMITED' });
      const signIns = [];
      for (let i = 0; i < 3; i++)
        signIns.push((await fetch(`${limited.base}/api/auth/login`, { redirect: 'manual' })).status);
      expect(signIns).toEqual([302, 302, 429]);
    } finally {
      await limited.close();
    }
  });

  it('behind a trusted proxy, counts each client address of X-Forwarded-For on its own', async () => {
    const behindProxy = await startApi(stack.db.handle.db, new Client(), {
      TEMPORAL_TASK_QUEUE: 'unused',
      UI_DIST: '',
      TRUST_PROXY_HOPS: 1,
      rateLimits: { signInPerMinute: 100, publicWritesPerMinute: 1 },
    });
    try {
      const comment = (client: string) =>
        fetch(`${behindProxy.base}/api/notices/${randomUUID()}/comments`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'idempotency-key': randomUUID(),
            'x-forwarded-for': client,
          },
          body: JSON.stringify({ kind: 'opinion', authorName: 'R', anonymous: false, text: 'x' }),
        });
      const statuses = [];
      for (const client of ['198.51.100.1', '198.51.100.1', '198.51.100.2'])
        statuses.push((await comment(client)).status);
      // The notice does not exist (404); the second from the same client is over its budget.
      expect(statuses).toEqual([404, 429, 404]);
    } finally {
      await behindProxy.close();
    }
  });
});

describe('trade secrets (F07)', () => {
  it('are withheld from the service desk and kept out of the timeline, shown to the owner and the authorities', async () => {
    const { id } = await clients.organiser.createProject({ organisationId: DEMO.festivalOrgId, title: 'Salaisuus' });
    await clients.organiser.command(id, { action: 'answerAdvice', answers: ANSWERS });
    await clients.organiser.command(id, { action: 'completeAdvice' });
    await clients.organiser.command(id, {
      action: 'saveDraft',
      patch: { common: { budget: 250_000, attendance: 3000 }, secret: { mark: ['common.budget'] } },
    });
    type Read = { draft: { common: Record<string, unknown>; secret: string[] }; redacted?: string[] };
    for (const role of ['organiser', 'involvedClerk'] as const) {
      const read = await clients[role].request<Read>('GET', `/api/projects/${id}`);
      expect(read.draft.common.budget).toBe(250_000);
      expect(read.draft.secret).toEqual(['common.budget']);
      expect(read.redacted).toBeUndefined();
    }
    const requestId = `secret-${randomUUID()}`;
    const desk = await clients.serviceDesk.request<Read>('GET', `/api/projects/${id}`, undefined, {
      'x-request-id': requestId,
    });
    expect(desk.draft.common).toMatchObject({ budget: null, attendance: 3000 });
    expect(desk.redacted).toEqual(['common.budget']);
    // Withheld and logged: which fields, from whom; never the value.
    const logged = await securityEventOf(requestId);
    expect(logged).toMatchObject({
      kind: 'secret.withheld',
      actorId: clients.serviceDesk.session!.user.id,
      method: 'GET',
      resource: `/api/projects/${id}`,
      status: 200,
      details: { fields: ['common.budget'] },
    });
    expect(JSON.stringify(logged)).not.toContain('250000');
    // Nothing was withheld from the owner and the authority (who read it first): nothing logged.
    expect(
      await stack.db.handle.db.securityEvent.findMany({
        where: { kind: 'secret.withheld', resource: `/api/projects/${id}` },
        select: { actorId: true },
      }),
    ).toEqual([{ actorId: clients.serviceDesk.session!.user.id }]);
    // The timeline says which fields changed, never their values.
    const timeline = await clients.serviceDesk.request<Array<{ type: string; payload: unknown }>>(
      'GET',
      `/api/projects/${id}/timeline`,
    );
    expect(JSON.stringify(timeline)).not.toContain('250000');
    expect(timeline.find((e) => e.type === 'saveDraft')?.payload).toMatchObject({
      changed: expect.arrayContaining(['common.budget']),
      secret: { mark: ['common.budget'] },
    });
  });

  it('refuses a mark that is not a field path, naming it', async () => {
    const res = await clients.organiser.raw(
      'POST',
      `/api/projects/${projectId}/commands`,
      { action: 'saveDraft', patch: { secret: { mark: ['budget'] } } },
      { 'idempotency-key': randomUUID() },
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ path: string }> }).errors[0]!.path).toBe('patch.secret.mark.0');
  });
});

describe('citizen observations (F30)', () => {
  it("hide the citizen's identity from the company unless they choose otherwise; the authority sees it", async () => {
    const site = await stack.db.handle.db.site.findFirstOrThrow({ where: { name: 'Kahvila Tammela (uusi)' } });
    const started = await clients.supervisor.raw(
      'POST',
      `/api/sites/${site.id}/supervision`,
      { authorityCode: 'CITY-TRE' },
      { 'idempotency-key': randomUUID() },
    );
    expect(started.status).toBe(201);
    await until(
      'the cycle to open',
      async () => (await clients.supervisor.raw('GET', `/api/sites/${site.id}/supervision`)).status === 200,
    );
    // The company follows its site live; another organisation may not.
    const companySocket = connect(stack.base, {
      transports: ['websocket'],
      extraHeaders: { cookie: clients.foodManager.cookieHeader() },
      reconnection: false,
    });
    const siteEvents: Array<{ kind: string; data: { type: string } }> = [];
    companySocket.on('room:event', (e: (typeof siteEvents)[number]) => siteEvents.push(e));
    expect(await companySocket.emitWithAck('room:join', { room: `site:${site.id}` })).toMatchObject({ ok: true });
    const outsider = connect(stack.base, {
      transports: ['websocket'],
      extraHeaders: { cookie: clients.organiser.cookieHeader() },
      reconnection: false,
    });
    expect(await outsider.emitWithAck('room:join', { room: `site:${site.id}` })).toMatchObject({ ok: false });
    outsider.close();
    const report = (client: ApiClient, extra: Record<string, unknown>) =>
      client.raw(
        'POST',
        `/api/sites/${site.id}/supervision/reports`,
        { kind: 'citizenObservation', description: 'Roskia pihalla', ...extra },
        { 'idempotency-key': randomUUID() },
      );
    expect((await report(clients.resident, {})).status).toBe(202);
    expect((await report(clients.resident, { anonymous: false, description: 'Haju' })).status).toBe(202);
    // The public cannot un-hide an identity it does not have.
    expect((await report(clients.public, { anonymous: false, description: 'Melu' })).status).toBe(202);
    const incident = await report(clients.foodManager, { kind: 'incident', anonymous: true });
    expect([incident.status, ((await incident.json()) as { errors: Array<{ path: string }> }).errors[0]!.path]).toEqual(
      [400, 'anonymous'],
    );

    type Obs = {
      id: string;
      description: string;
      anonymous: boolean;
      reporter: { name: string; email?: string } | null;
    };
    const read = (client: ApiClient, headers: Record<string, string> = {}) =>
      client.request<Obs[]>('GET', `/api/sites/${site.id}/observations`, undefined, headers);
    await until('the three reports', async () => (await read(clients.supervisor)).length === 3);
    const requestId = `identity-${randomUUID()}`;
    const company = await read(clients.foodManager, { 'x-request-id': requestId });
    const byText = (list: Obs[], text: string) => list.find((o) => o.description === text)!;
    expect(byText(company, 'Roskia pihalla')).toMatchObject({ anonymous: true, reporter: null });
    expect(byText(company, 'Haju')).toMatchObject({ anonymous: false, reporter: { name: 'Riikka Rantanen' } });
    expect(byText(company, 'Haju').reporter).not.toHaveProperty('email');
    expect(byText(company, 'Melu')).toMatchObject({ anonymous: true, reporter: null });
    expect(JSON.stringify(company)).not.toContain(DEMO_USERS.resident);
    // The signed-in citizen's hidden identity is logged as withheld, by report, never who it is.
    const logged = await securityEventOf(requestId);
    expect(logged).toMatchObject({
      kind: 'identity.withheld',
      actorId: clients.foodManager.session!.user.id,
      resource: `/api/sites/${site.id}/observations`,
      details: { observations: [byText(company, 'Roskia pihalla').id] },
    });
    expect(JSON.stringify(logged)).not.toMatch(/Riikka|riikka|Rantanen/);
    const authority = await read(clients.supervisor);
    expect(byText(authority, 'Roskia pihalla').reporter).toEqual({
      name: 'Riikka Rantanen',
      email: DEMO_USERS.resident,
    });
    expect((await clients.organiser.raw('GET', `/api/sites/${site.id}/observations`)).status).toBe(403);
    await until(
      'the live supervision events',
      async () => siteEvents.filter((e) => e.data.type === 'citizenObservation').length === 3,
    );
    companySocket.close();
    expect(JSON.stringify(siteEvents)).not.toContain(DEMO_USERS.resident);
  });

  it('take a location and a photo; the company sees the photo only when the citizen showed who they are', async () => {
    const site = await stack.db.handle.db.site.findFirstOrThrow({ where: { name: 'Kahvila Tammela (uusi)' } });
    // The public map lists the site as supervised (the previous test started its cycle).
    const listed = await clients.public.request<Array<{ id: string; underSupervision: boolean }>>(
      'GET',
      '/api/supervision-calendar',
    );
    expect(listed.find((s) => s.id === site.id)).toMatchObject({ underSupervision: true });
    // A 1×1 PNG.
    const png = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==';
    const report = (client: ApiClient, extra: Record<string, unknown>) =>
      client.raw(
        'POST',
        `/api/sites/${site.id}/supervision/reports`,
        { kind: 'citizenObservation', location: [23.78, 61.49], ...extra },
        { 'idempotency-key': randomUUID() },
      );
    const photo = { contentType: 'image/png', data: png };
    expect((await report(clients.resident, { description: 'Kuva: roskat', photo })).status).toBe(202);
    expect((await report(clients.resident, { description: 'Kuva: nimellä', anonymous: false, photo })).status).toBe(
      202,
    );
    const notImage = await report(clients.resident, {
      description: 'Ei kuva',
      photo: { contentType: 'image/png', data: Buffer.from('not an image').toString('base64') },
    });
    expect([notImage.status, ((await notImage.json()) as { field?: string }).field]).toEqual([415, 'photo']);
    const tooBig = await report(clients.resident, {
      description: 'Liian iso',
      photo: { contentType: 'image/jpeg', data: Buffer.alloc(185 * 1024).toString('base64') },
    });
    expect([tooBig.status, ((await tooBig.json()) as { errors: Array<{ path: string }> }).errors[0]!.path]).toEqual([
      400,
      'photo.data',
    ]);

    type Obs = { id: string; description: string; location: number[] | null; photoUrl: string | null };
    const read = (client: ApiClient) => client.request<Obs[]>('GET', `/api/sites/${site.id}/observations`);
    await until(
      'the reports with photos',
      async () => (await read(clients.supervisor)).filter((o) => o.description.startsWith('Kuva')).length === 2,
    );
    const authority = await read(clients.supervisor);
    const hidden = authority.find((o) => o.description === 'Kuva: roskat')!;
    expect(hidden.location).toEqual([23.78, 61.49]);
    expect(hidden.photoUrl).toBe(`/api/sites/${site.id}/observations/${hidden.id}/photo`);
    const bytes = await clients.supervisor.raw('GET', hidden.photoUrl!);
    expect([bytes.status, bytes.headers.get('content-type')]).toEqual([200, 'image/png']);
    expect(Buffer.from(await bytes.arrayBuffer()).toString('base64')).toBe(png);
    const company = await read(clients.foodManager);
    expect(company.find((o) => o.id === hidden.id)!.photoUrl).toBeNull();
    const requestId = `photo-${randomUUID()}`;
    const refused = await clients.foodManager.raw('GET', hidden.photoUrl!, undefined, { 'x-request-id': requestId });
    expect(refused.status).toBe(404);
    expect(await securityEventOf(requestId)).toMatchObject({
      kind: 'identity.withheld',
      actorId: clients.foodManager.session!.user.id,
      resource: hidden.photoUrl,
      status: 404,
      details: { observations: [hidden.id], photo: true },
    });
    const named = company.find((o) => o.description === 'Kuva: nimellä')!;
    expect((await clients.foodManager.raw('GET', named.photoUrl!)).status).toBe(200);
    expect((await clients.public.raw('GET', hidden.photoUrl!)).status).toBe(401);
  });
});
