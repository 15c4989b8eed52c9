/**
 * Property-based tests (fast-check) of the command endpoints against the real stack: for
 * generated bodies — valid ones with one field replaced, dropped or added, arbitrary JSON and
 * malformed text — the API never answers 5xx, and a refused request writes nothing (row
 * counts of every table a command can touch stay the same).
 */
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { ApiClient } from '../../api/client';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { useApiStack } from '../support/stack';

const stack = useApiStack({ rateLimits: { signInPerMinute: 1000, publicWritesPerMinute: 100_000 } });
let organiser: ApiClient;
let clerk: ApiClient;
let supervisor: ApiClient;
let projectId: string;
let noticeId: string;
let siteId: string;

beforeAll(async () => {
  organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  clerk = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
  supervisor = await ApiClient.signIn(stack.base, DEMO_USERS.supervisor);
  projectId = (
    await organiser.createProject({
      organisationId: DEMO.festivalOrgId,
      title: 'Sumutus',
      permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
    })
  ).id;
  // In drafting, so valid draft saves succeed and the rest are refused by the step or validation.
  await organiser.command(projectId, {
    action: 'answerAdvice',
    answers: { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true },
  });
  await organiser.command(projectId, { action: 'completeAdvice' });
  // A notice that exists but is closed: comments reach validation and the step check.
  const db = stack.db.handle.db;
  noticeId = (
    await db.notice.create({
      data: {
        projectId,
        permitType: 'noise',
        titleFi: 'Kuulutus',
        titleEn: 'Notice',
        textFi: 'Teksti',
        textEn: 'Text',
        area: { type: 'Polygon', coordinates: [] },
        opensAt: new Date(Date.now() - 86_400_000),
        closesAt: new Date(Date.now() - 3_600_000),
        closedAt: new Date(Date.now() - 3_600_000),
      },
    })
  ).id;
  siteId = (await db.site.findFirstOrThrow({ where: { name: 'Ravintola Laukontori' } })).id;
});

/** Every table a command endpoint can write. */
async function counts() {
  const db = stack.db.handle.db;
  return Promise.all([
    db.permitProject.count(),
    db.permit.count(),
    db.timelineEvent.count(),
    db.auditEntry.count(),
    db.roomEvent.count(),
    db.message.count(),
    db.mandate.count(),
    db.comment.count(),
    db.supervisionCycle.count(),
    db.inspection.count(),
    db.alertPreference.count(),
  ]);
}

/** Valid bodies with one change: a field replaced by any JSON value, dropped, or an extra field. */
function mutated(valid: Record<string, unknown>): fc.Arbitrary<unknown> {
  const keys = Object.keys(valid);
  return fc.oneof(
    fc
      .record({ key: fc.constantFrom(...keys), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.constantFrom(...keys).map((key) => {
      const { [key]: _dropped, ...rest } = valid;
      return rest;
    }),
    fc
      .record({ key: fc.string({ maxLength: 12 }), value: fc.jsonValue() })
      .map(({ key, value }) => ({ ...valid, [key]: value })),
    fc.jsonValue(),
  );
}

interface Target {
  name: string;
  client: () => ApiClient;
  method: 'POST' | 'PUT';
  path: () => string;
  valid: () => Record<string, unknown>;
}

const TARGETS: Target[] = [
  {
    name: 'create a project',
    client: () => organiser,
    method: 'POST',
    path: () => '/api/projects',
    valid: () => ({ organisationId: DEMO.festivalOrgId, title: 'Sumu', permits: [{ permitType: 'noise' }] }),
  },
  {
    name: 'project command',
    client: () => organiser,
    method: 'POST',
    path: () => `/api/projects/${projectId}/commands`,
    valid: () => ({ action: 'saveDraft', patch: { common: { attendance: 100 }, secret: { mark: ['common.budget'] } } }),
  },
  {
    name: 'section command',
    client: () => clerk,
    method: 'POST',
    path: () => `/api/projects/${projectId}/permits/noise/commands`,
    valid: () => ({ action: 'requestInfo', authorityCode: 'CITY-TRE', question: 'Mittaukset?' }),
  },
  {
    name: 'comment on a notice',
    client: () => new ApiClient(stack.base),
    method: 'POST',
    path: () => `/api/notices/${noticeId}/comments`,
    valid: () => ({ kind: 'opinion', authorName: 'R', anonymous: false, text: 'x' }),
  },
  {
    name: 'message',
    client: () => clerk,
    method: 'POST',
    path: () => `/api/projects/${projectId}/messages`,
    valid: () => ({ permitType: 'noise', body: 'Hei' }),
  },
  {
    name: 'grant a mandate',
    client: () => organiser,
    method: 'POST',
    path: () => `/api/organisations/${DEMO.festivalOrgId}/mandates`,
    valid: () => ({
      agentEmail: DEMO_USERS.agent,
      scope: ['permits'],
      validFrom: '2026-01-01T00:00:00Z',
      validTo: '2026-12-31T00:00:00Z',
    }),
  },
  {
    name: 'alert preferences',
    client: () => organiser,
    method: 'PUT',
    path: () => '/api/alerts/preferences',
    valid: () => ({ email: true, digest: 'daily', mutedKinds: ['reminder'] }),
  },
  {
    name: 'supervision command',
    client: () => supervisor,
    method: 'POST',
    path: () => `/api/sites/${siteId}/supervision/commands`,
    valid: () => ({ action: 'assignSupervisor', name: 'Ville Valvoja', email: 'ville.valvoja@tampere.example' }),
  },
];

describe('command endpoints under generated input', () => {
  it.each(TARGETS.map((t) => [t.name, t] as const))(
    '%s: never 5xx, a refusal writes nothing',
    async (_name, target) => {
      await fc.assert(
        fc.asyncProperty(mutated(target.valid()), async (body) => {
          const before = await counts();
          const res = await target
            .client()
            .raw(target.method, target.path(), body === undefined ? 'null' : body, { 'idempotency-key': randomUUID() });
          const text = await res.text();
          expect(res.status).toBeLessThan(500);
          expect(text).not.toMatch(/at .*\.(js|ts):\d+/);
          if (res.status >= 400) {
            expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
            expect(await counts()).toEqual(before);
          }
        }),
        { numRuns: 40 },
      );
    },
  );

  it('malformed JSON never gets past the parser', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 60 }), async (raw) => {
        fc.pre(!isJson(raw));
        const before = await counts();
        const res = await organiser.raw('POST', `/api/projects/${projectId}/commands`, raw, {
          'idempotency-key': randomUUID(),
        });
        expect(res.status).toBe(400);
        expect(await counts()).toEqual(before);
      }),
      { numRuns: 40 },
    );
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
