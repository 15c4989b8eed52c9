import { randomUUID } from 'node:crypto';
import { io as connect } from 'socket.io-client';
import { DEMO, DEMO_USERS, AUTHORITY_USERS } from '../../prisma/seed';
import { until } from '../support/env';
import { useApiStack, type ApiStack } from '../support/stack';
import { assess, riskModel } from '../../domain/risk';
import { CaseParties, type ApiClient } from '../../api/client';
import { decideThroughApi, submitThroughApi } from '../support/http-cases';
import { hearingCommand } from '../support/cases';
import type { AdviceAnswers } from '../../domain/advice';
import { replan } from '../../activities/section';
import { createCommentWriter } from '../../activities/comments';
import pino from 'pino';

// Comments from one address arrive in bursts here (a rate limit of its own is tested in access.test.ts).
const stack = useApiStack({ rateLimits: { signInPerMinute: 1000, publicWritesPerMinute: 100_000 } });
let db: ApiStack['db'];
let base: string;
let parties: CaseParties;
let organiser: ApiClient;
let supervisor: ApiClient;
const FESTIVAL: AdviceAnswers = {
  kind: 'event',
  attendance: 3000,
  alcohol: true,
  amplifiedSound: true,
  nightTime: true,
};

beforeAll(async () => {
  ({ db, base } = stack);
  parties = new CaseParties(base, DEMO_USERS.organiser, AUTHORITY_USERS);
  organiser = await parties.customer();
  supervisor = await parties.as(DEMO_USERS.supervisor);
});

/** A POST as the organiser (session cookie and CSRF token included). */
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  organiser.raw('POST', path, body, headers);
/** A POST by the public: no session. */
const anonymousPost = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

type Problem = { errors: Array<{ path: string }> };

async function waitForProject(id: string, step: string) {
  for (let i = 0; i < 100; i++) {
    const project = await db.handle.db.permitProject.findUniqueOrThrow({ where: { id } });
    if (project.step === step) return project;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`project did not reach ${step}`);
}

const validProject = {
  organisationId: DEMO.festivalOrgId,
  title: 'Kesäfestivaali',
  permits: [{ permitType: 'noise', authorityCode: 'CITY-TRE' }],
};

describe('API against real PostgreSQL and Temporal', () => {
  it('reports every component up', async () => {
    const res = await fetch(`${base}/api/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'up',
      components: { database: { status: 'up' }, temporal: { status: 'up' }, worker: { status: 'up' } },
    });
  });

  it.each([
    ['title', { ...validProject, title: '' }],
    ['organisationId', { ...validProject, organisationId: 'not-a-uuid' }],
    ['permits.0.permitType', { ...validProject, permits: [{ permitType: 'no-such-permit' }] }],
    ['permits', { ...validProject, permits: [{ permitType: 'noise' }, { permitType: 'noise' }] }],
  ])('refuses a project with a bad %s, naming the field, and writes nothing', async (field, body) => {
    const before = await db.handle.db.permitProject.count();
    const res = await post('/api/projects', body);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const problem = (await res.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path)).toContain(field);
    expect(await db.handle.db.permitProject.count()).toBe(before);
  });

  it('refuses an unknown authority with 404 naming the field, and starts no workflow', async () => {
    const before = await db.handle.db.permitProject.count();
    const res = await post('/api/projects', {
      ...validProject,
      permits: [{ permitType: 'noise', authorityCode: 'NOPE' }],
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ field: 'permits.0.authorityCode' });
    expect(await db.handle.db.permitProject.count()).toBe(before);
  });

  it('moves a fresh project from advice to final decisions through the API alone', async () => {
    const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title: 'Rantafestivaali' });
    const submitted = await submitThroughApi(parties, id, FESTIVAL);
    expect(submitted.step).toBe('processing');
    expect(submitted.permits.length).toBeGreaterThanOrEqual(2);
    for (const p of submitted.permits) await decideThroughApi(parties, id, p.permitType);

    const project = await organiser.request<{
      step: string;
      permits: Array<{ step: string; decision: string | null }>;
    }>('GET', `/api/projects/${id}`);
    expect(project.permits.every((p) => p.step === 'final' || p.step === 'notified')).toBe(true);
    const final = await waitForProject(id, 'completed');
    expect(final.step).toBe('completed');
    const timeline = await organiser.request<Array<{ type: string; payload: Record<string, unknown> }>>(
      'GET',
      `/api/projects/${id}/timeline`,
    );
    expect(timeline.map((e) => e.type)).toEqual(
      expect.arrayContaining([
        'answerAdvice',
        'completeAdvice',
        'saveDraft',
        'holdKickoff',
        'submit',
        'decide',
        'final',
      ]),
    );
    expect(timeline.every((e) => !('result' in e.payload))).toBe(true);
    // Built by PostgreSQL: the same as the stored rows in order, without the internal result.
    const rows = await stack.db.handle.db.timelineEvent.findMany({ where: { projectId: id }, orderBy: { id: 'asc' } });
    expect(timeline).toEqual(
      rows.map((e) => {
        const { result: _internal, ...payload } = e.payload as Record<string, unknown>;
        return {
          id: e.id.toString(),
          type: e.type,
          permitType: e.permitType,
          occurredAt: e.occurredAt.toISOString(),
          payload,
        };
      }),
    );
    // The public reads the decisions' public parts, and nothing of the application itself.
    const decided = project.permits.filter((p) => p.decision !== null).length;
    const publicDecisions = (await (await fetch(`${base}/api/decisions`)).json()) as Array<{
      projectTitle: string;
      applicant: string;
      decision: string;
    }>;
    const ours = publicDecisions.filter((d) => d.projectTitle === 'Rantafestivaali');
    expect(ours).toHaveLength(decided);
    expect(ours[0]).toMatchObject({ applicant: 'Tammerfest ry', decision: expect.any(String) });
    expect(JSON.stringify(ours)).not.toContain('API test:');
    const schedule = await organiser.request<
      Array<{
        permitType: string | null;
        step: string;
        planned: { end: string | null };
        actual: { end: string | null };
      }>
    >('GET', `/api/projects/${id}/schedule`);
    expect(schedule.filter((s) => s.permitType === null).map((s) => s.step)).toEqual(
      expect.arrayContaining(['advice', 'draft', 'kickoff', 'submission', 'processing']),
    );
    expect(schedule.some((s) => s.permitType && s.planned.end && s.actual.end)).toBe(true);
  });

  it('re-plans a section: the forecast moves with the work, the baseline plan only when the section is planned', async () => {
    const { id } = await parties.createProject(validProject);
    await submitThroughApi(parties, id, FESTIVAL);
    const db = stack.db.handle.db;
    const steps = () => db.step.findMany({ where: { projectId: id, permitType: 'noise' }, orderBy: { name: 'asc' } });
    const planned = await steps();
    expect(planned.filter((s) => s.plannedEnd !== null).length).toBeGreaterThan(2);
    // Processing started 30 days later than planned: the forecast of every later step moves
    // 30 days, the baseline stays, and the median never ends after the 80th percentile.
    const processing = planned.find((s) => s.name === 'processing')!;
    const later = new Date(processing.plannedStart!.getTime() + 30 * 86_400_000);
    await db.$transaction((tx) =>
      replan(tx, { projectId: id, permitType: 'noise', current: 'processing', currentStart: later, baseline: false }),
    );
    const moved = await steps();
    const forecast = moved.filter((s) => s.forecastEnd && planned.find((p) => p.name === s.name)?.forecastEnd);
    expect(forecast.length).toBeGreaterThan(2);
    for (const step of forecast) {
      const before = planned.find((p) => p.name === step.name)!;
      expect([step.plannedStart, step.plannedEnd]).toEqual([before.plannedStart, before.plannedEnd]);
      expect(step.forecastEnd!.getTime() - before.forecastEnd!.getTime()).toBe(30 * 86_400_000);
      expect(step.forecastEnd!.getTime()).toBeLessThanOrEqual(step.forecastEndP80!.getTime());
      expect(step.forecastSource).toMatch(/^(norm|history)$/);
    }
    // Planned again as a baseline from that date: the plan follows.
    await db.$transaction((tx) =>
      replan(tx, { projectId: id, permitType: 'noise', current: 'processing', currentStart: later, baseline: true }),
    );
    const rebased = (await steps()).find((s) => s.name === 'processing')!;
    expect(rebased.plannedStart).toEqual(later);
    expect(rebased.plannedEnd).toEqual(rebased.forecastEnd);
  });

  it('answers a command that does not fit the step with 409 naming the step and the allowed actions', async () => {
    const { id } = await parties.createProject(validProject);
    const res = await post(`/api/projects/${id}/commands`, { action: 'submit' }, { 'idempotency-key': randomUUID() });
    expect(res.status).toBe(409);
    const problem = (await res.json()) as { title: string; step: string; allowed: string[] };
    expect(problem.title).toMatch(/step "advice"/);
    expect(problem).toMatchObject({ step: 'advice', allowed: ['answerAdvice', 'completeAdvice', 'cancel'] });
    // The section's own authority, before the section has been received.
    const section = await (
      await parties.authority('CITY-TRE')
    ).raw(
      'POST',
      `/api/projects/${id}/permits/noise/commands`,
      { action: 'decide', decision: 'approved', text: 'x', signedBy: 'y' },
      { 'idempotency-key': randomUUID() },
    );
    expect(section.status).toBe(409);
  });

  it('takes third-party comments only while the notice is open, once per key, hiding anonymous names', async () => {
    const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title: 'Kuulutustesti' });
    await submitThroughApi(parties, id, FESTIVAL);
    await parties.sectionCommand(id, 'noise', hearingCommand(2500));
    const notices = await organiser.request<Array<{ id: string; projectId: string; open: boolean }>>(
      'GET',
      '/api/notices',
    );
    const notice = notices.find((n) => n.projectId === id)!;
    expect(notice.open).toBe(true);
    // A resident follows the notice live, without signing in (F23).
    const resident = connect(base, { transports: ['websocket'], reconnection: false });
    const live: Array<{ kind: string; data: { authorName?: string | null; text?: string } }> = [];
    resident.on('room:event', (e: (typeof live)[number]) => live.push(e));
    expect(await resident.emitWithAck('room:join', { room: `notice:${notice.id}` })).toMatchObject({ ok: true });
    const comment = { kind: 'objection', authorName: 'Riikka Rantanen', anonymous: true, text: 'Liian kovaa.' };
    const commentKey = randomUUID();
    const first = await anonymousPost(`/api/notices/${notice.id}/comments`, comment, { 'idempotency-key': commentKey });
    const again = await anonymousPost(`/api/notices/${notice.id}/comments`, comment, { 'idempotency-key': commentKey });
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(((await again.json()) as { id: string }).id).toBe(((await first.json()) as { id: string }).id);
    const bad = await post(
      `/api/notices/${notice.id}/comments`,
      { ...comment, text: '' },
      { 'idempotency-key': randomUUID() },
    );
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Problem).errors[0]!.path).toBe('text');

    await new Promise((r) => setTimeout(r, 3500));
    const late = await anonymousPost(`/api/notices/${notice.id}/comments`, comment, {
      'idempotency-key': randomUUID(),
    });
    expect(late.status).toBe(409);
    const detail = await organiser.request<{ open: boolean; comments: Array<{ authorName: string | null }> }>(
      'GET',
      `/api/notices/${notice.id}`,
    );
    expect(detail.open).toBe(false);
    expect(detail.comments).toEqual([expect.objectContaining({ authorName: null, text: 'Liian kovaa.' })]);
    // Live: the comment once, without the name, then the close.
    await until('the notice events', async () => live.some((e) => e.kind === 'closed'));
    resident.close();
    expect(live.map((e) => e.kind)).toEqual(['comment', 'closed']);
    expect(live[0]!.data).toMatchObject({ authorName: null, text: 'Liian kovaa.' });
    // The anonymous name is nowhere the company can read.
    const timeline = await organiser.request<unknown[]>('GET', `/api/projects/${id}/timeline`);
    expect(JSON.stringify(timeline)).not.toContain('Riikka Rantanen');
    await parties.command(id, { action: 'cancel' });
  });

  it('takes a burst of comments at once, each exactly once, and none once the hearing is cancelled', async () => {
    const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title: 'Ruuhkakuulutus' });
    await submitThroughApi(parties, id, FESTIVAL);
    await parties.sectionCommand(id, 'noise', hearingCommand(60_000));
    const notices = await organiser.request<Array<{ id: string; projectId: string }>>('GET', '/api/notices');
    const notice = notices.find((n) => n.projectId === id)!;
    const keys = Array.from({ length: 60 }, () => randomUUID());
    const send = (key: string, i: number) =>
      anonymousPost(
        `/api/notices/${notice.id}/comments`,
        { kind: 'opinion', authorName: `Asukas ${i}`, anonymous: false, text: `Mielipide ${i}` },
        { 'idempotency-key': key },
      );
    // Every key twice, all at once: 120 requests, 60 comments.
    const answers = await Promise.all([...keys, ...keys].map((key, i) => send(key, i % keys.length)));
    expect(answers.map((r) => r.status)).toEqual(answers.map(() => 201));
    const ids = await Promise.all(answers.map(async (r) => ((await r.json()) as { id: string }).id));
    expect(ids.slice(0, 60)).toEqual(ids.slice(60));
    const db = stack.db.handle.db;
    expect(await db.comment.count({ where: { noticeId: notice.id } })).toBe(60);
    expect(await db.timelineEvent.count({ where: { projectId: id, type: 'comment' } })).toBe(60);
    // Written a batch at a time, yet each comment whole: its timeline event names it, it has an
    // audit entry and an alert to the organisation, and every room's log stays gapless.
    const events = await db.timelineEvent.findMany({ where: { projectId: id, type: 'comment' } });
    const stored = await db.comment.findMany({ where: { noticeId: notice.id }, select: { id: true } });
    expect(events.map((e) => (e.payload as { createdId: string }).createdId).sort()).toEqual(
      stored.map((c) => c.id).sort(),
    );
    expect(await db.auditEntry.count({ where: { action: 'comment', entityId: `${id}/noise` } })).toBe(60);
    expect(await db.notification.count({ where: { projectId: id, kind: 'commentReceived' } })).toBe(60);
    for (const room of [`project:${id}`, `notice:${notice.id}`, 'authority:CITY-TRE']) {
      const seqs = (
        await db.roomEvent.findMany({ where: { room }, select: { seq: true }, orderBy: { seq: 'asc' } })
      ).map((r) => r.seq);
      expect(seqs.length).toBeGreaterThan(0);
      expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    }
    const noticeRoom = await db.roomEvent.count({ where: { room: `notice:${notice.id}`, kind: 'comment' } });
    expect(noticeRoom).toBe(60);

    // The permit's section is cancelled during the hearing: the notice takes nothing more.
    await parties.sectionCommand(id, 'noise', { action: 'cancel', reason: 'Tapahtuma ei toteudu' });
    const late = await send(randomUUID(), 0);
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ title: 'The notice period is closed', step: 'cancelled' });
    expect(await db.comment.count({ where: { noticeId: notice.id } })).toBe(60);
    await parties.command(id, { action: 'cancel' });
  });

  it('writes a batch once when it waited on another writer that committed some of its keys', async () => {
    const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title: 'Kaksi kirjoittajaa' });
    await submitThroughApi(parties, id, FESTIVAL);
    await parties.sectionCommand(id, 'noise', hearingCommand(60_000));
    const handle = stack.db.handle.db;
    const notice = await handle.notice.findFirstOrThrow({
      where: { projectId: id, permitType: 'noise' },
      select: { id: true, projectId: true, permitType: true },
    });
    // What the writer logs: a batch that must run again is what a busy hearing turns into
    // refused comments once its attempts run out.
    const logged: Array<{ msg: string }> = [];
    const logger = pino(
      { level: 'info' },
      { write: (line: string) => logged.push(JSON.parse(line) as { msg: string }) },
    );
    const writer = createCommentWriter({ db: handle, logger, events: { publish: () => {} } });
    const [taken, mine] = [randomUUID(), randomUUID()];
    const comment = (key: string) => ({
      key,
      kind: 'opinion' as const,
      authorName: 'Asukas',
      anonymous: false,
      text: key,
    });

    // Another writer holds the permit's lock; the batch starts while it does, and the other
    // writer commits one of the batch's keys before letting go.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const holding = new Promise<void>((r) => (locked = r));
    const other = handle.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT 1 FROM "Permit" WHERE "projectId" = ${id}::uuid AND "permitType" = 'noise' FOR UPDATE`;
      locked();
      await released;
      return tx.comment.create({
        data: {
          noticeId: notice.id,
          kind: 'objection',
          authorName: 'Toinen',
          text: 'Ensin',
          createdAt: new Date(),
          idempotencyKey: taken,
        },
      });
    });
    await holding;
    const batch = writer.recordComments(notice, [comment(taken), comment(mine)]);
    await until('the batch waits on the lock', async () => {
      const [row] = await handle.$queryRaw<Array<{ n: number }>>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`;
      return row!.n > 0;
    });
    release();
    const written = await other;
    const [takenId, mineId] = await batch;
    expect(takenId).toBe(written.id);
    expect(mineId).toEqual(expect.any(String));
    expect(mineId).not.toBe(written.id);
    expect(logged.map((l) => l.msg)).not.toContain('comment batch written again');
    expect(await handle.comment.count({ where: { noticeId: notice.id } })).toBe(2);
    expect(await handle.timelineEvent.count({ where: { projectId: id, type: 'comment' } })).toBe(1);
    await parties.command(id, { action: 'cancel' });
  });

  it('cancels in one step with a receipt, and cancelling again after the case ended returns the same receipt', async () => {
    const { id } = await parties.createProject(validProject);
    const first = await parties.command(id, { action: 'cancel', reason: 'Ei toteudu' });
    const again = await parties.command(id, { action: 'cancel' });
    expect(first.receiptNumber).toMatch(/^PER-/);
    expect(again.receiptNumber).toBe(first.receiptNumber);
    const late = await post(
      `/api/projects/${id}/commands`,
      { action: 'completeAdvice' },
      { 'idempotency-key': randomUUID() },
    );
    expect(late.status).toBe(409);
    expect(await late.json()).toMatchObject({ step: 'cancelled', allowed: [] });
  });

  it('flags draft changes an authority has not seen (F25) and takes a forecast override with its reason (F06)', async () => {
    const { id } = await parties.createProject(validProject);
    await parties.command(id, { action: 'completeAdvice' });
    await (
      await parties.authority('CITY-TRE')
    ).request('POST', `/api/projects/${id}/views`, { authorityCode: 'CITY-TRE' });
    await parties.command(id, { action: 'saveDraft', patch: { common: { attendance: 900 } } });
    const changes = await (
      await parties.authority('CITY-TRE')
    ).request<{ changes: Array<{ paths: string[] }> }>('GET', `/api/projects/${id}/changes?authorityCode=CITY-TRE`);
    expect(changes.changes.flatMap((c) => c.paths)).toEqual(['common.attendance']);
    await (
      await parties.authority('CITY-TRE')
    ).request('POST', `/api/projects/${id}/views`, { authorityCode: 'CITY-TRE' });
    expect(
      (
        await (
          await parties.authority('CITY-TRE')
        ).request<{ changes: unknown[] }>('GET', `/api/projects/${id}/changes?authorityCode=CITY-TRE`)
      ).changes,
    ).toEqual([]);

    const override = await (
      await parties.authority('CITY-TRE')
    ).raw('PUT', `/api/projects/${id}/permits/noise/forecast-override`, { step: 'processing', days: 3 });
    expect(override.status).toBe(400);
    expect(((await override.json()) as Problem).errors[0]!.path).toBe('reason');
  });

  it('requires an idempotency key on commands', async () => {
    const { id } = (await (await post('/api/projects', validProject)).json()) as { id: string };
    const res = await post(`/api/projects/${id}/commands`, { action: 'completeAdvice' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ field: 'Idempotency-Key' });
  });

  it('answers malformed JSON, oversized bodies and unknown routes without internals', async () => {
    const malformed = await post('/api/projects', '{oops');
    expect(malformed.status).toBe(400);
    const huge = await post('/api/projects', { ...validProject, description: 'x'.repeat(400_000) });
    expect(huge.status).toBe(413);
    const unknown = await fetch(`${base}/api/nothing-here`);
    expect(unknown.status).toBe(404);
    for (const res of [malformed, huge, unknown]) expect(await res.text()).not.toMatch(/at .*\.(js|ts):\d+/);
  });
});

describe('site risk assessments (use case 1)', () => {
  it('assesses a seeded site from its inspections, fully explained', async () => {
    const sites = await supervisor.request<Array<{ id: string; name: string }>>('GET', '/api/sites');
    const kitchen = sites.find((s) => s.name === 'Keskuskeittiö Hervanta')!;
    const report = await supervisor.request<{
      inspectionsUsed: number;
      assessment: {
        classified: boolean;
        riskClass: string;
        frequencyPerYear: number;
        areas: unknown[];
        arithmetic: string[];
      };
    }>('GET', `/api/sites/${kitchen.id}/assessment`);
    expect(report.inspectionsUsed).toBe(3);
    expect(report.assessment.classified).toBe(true);
    expect(['R1', 'R2', 'R3']).toContain(report.assessment.riskClass);
    expect(report.assessment.frequencyPerYear).toBeGreaterThan(0);
    expect(report.assessment.arithmetic.join(' ')).toMatch(/frequency 4\/yr ×/);
  });

  it('uses only the inspections inside the chosen window; with none the site is not classified', async () => {
    const sites = await supervisor.request<Array<{ id: string; name: string }>>('GET', '/api/sites');
    const kitchen = sites.find((s) => s.name === 'Keskuskeittiö Hervanta')!;
    const lastYear = await supervisor.request<{ inspectionsUsed: number }>(
      'GET',
      `/api/sites/${kitchen.id}/assessment?from=2026-01-01&to=2026-12-31`,
    );
    expect(lastYear.inspectionsUsed).toBe(1);
    const none = await supervisor.request<{
      inspectionsUsed: number;
      assessment: { classified: boolean; missing: string[] };
    }>('GET', `/api/sites/${kitchen.id}/assessment?to=2020-01-01`);
    expect(none.inspectionsUsed).toBe(0);
    expect(none.assessment.classified).toBe(false);
    expect(none.assessment.missing).toContain('premises.adequacy');
  });

  it('refuses a bad window naming the field', async () => {
    const sites = await supervisor.request<Array<{ id: string }>>('GET', '/api/sites');
    const res = await supervisor.raw('GET', `/api/sites/${sites[0]!.id}/assessment?from=2026-05-01&to=2026-01-01`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as Problem).errors[0]!.path).toBe('to');
    const bad = await supervisor.raw('GET', `/api/sites/${sites[0]!.id}/assessment?from=yesterday`);
    expect(((await bad.json()) as Problem).errors[0]!.path).toBe('from');
  });
});

describe('risk reports over all sites (use case 2)', () => {
  type Ranked = { siteName: string; targetGroup: string; riskClass: string | null; frequencyPerYear: number | null };

  it('ranks sites by frequency per group, as JSON pages and as CSV', async () => {
    const ranking = await supervisor.request<{
      total: number;
      groups: Array<{ model: string; targetGroup: string; sites: Ranked[] }>;
    }>('GET', '/api/risk-reports/ranking');
    const active = await db.handle.db.site.count({ where: { status: 'active' } });
    expect(ranking.total).toBe(active);
    const restaurants = ranking.groups.find((g) => g.targetGroup === 'restaurant')!;
    expect(restaurants.sites.map((s) => s.siteName)).toEqual(['Ravintola Laukontori', 'Kahvila Tammela (uusi)']);
    expect(restaurants.sites[1]!.frequencyPerYear).toBeNull();
    for (const group of ranking.groups) {
      const frequencies = group.sites.map((s) => s.frequencyPerYear ?? -1);
      expect([...frequencies].sort((a, b) => b - a)).toEqual(frequencies);
    }
    // Pages follow the same order.
    const all = ranking.groups.flatMap((g) => g.sites.map((s) => s.siteName));
    const page = await supervisor.request<{ groups: Array<{ sites: Ranked[] }> }>(
      'GET',
      '/api/risk-reports/ranking?limit=2&offset=1',
    );
    expect(page.groups.flatMap((g) => g.sites.map((s) => s.siteName))).toEqual(all.slice(1, 3));

    const csv = await supervisor.raw('GET', `/api/risk-reports/ranking?format=csv`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(csv.headers.get('content-disposition')).toMatch(/ranking\.csv/);
    const lines = (await csv.text())
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\n');
    expect(lines[0]).toBe('siteId,siteName,model,targetGroup,score,riskClass,frequencyPerYear,assessedAt');
    expect(lines).toHaveLength(active + 1);
  });

  it('takes each site as its latest assessment inside the window', async () => {
    const kitchen = await db.handle.db.site.findFirstOrThrow({ where: { name: 'Keskuskeittiö Hervanta' } });
    const assessments = await db.handle.db.siteAssessment.findMany({
      where: { siteId: kitchen.id },
      orderBy: { assessedAt: 'asc' },
    });
    expect(assessments.length).toBeGreaterThan(1);
    const first = assessments[0]!;
    const day = first.assessedAt.toISOString().slice(0, 10);
    const group = await supervisor.request<{ sites: Array<Ranked & { assessedAt: string | null }> }>(
      'GET',
      `/api/risk-reports/groups/centralKitchen?to=${day}`,
    );
    expect(group.sites.find((s) => s.siteName === kitchen.name)).toMatchObject({
      assessedAt: first.assessedAt.toISOString(),
      riskClass: first.riskClass,
    });
    const before = await supervisor.request<{ sites: Ranked[] }>(
      'GET',
      '/api/risk-reports/groups/centralKitchen?to=2000-01-01',
    );
    expect(before.sites.find((s) => s.siteName === kitchen.name)).toMatchObject({
      riskClass: null,
      frequencyPerYear: null,
    });
  });

  it('counts classes per group including the unclassified, and names the top areas', async () => {
    const counts = await supervisor.request<{
      groups: Array<{ targetGroup: string; unclassified: number; total: number }>;
    }>('GET', '/api/risk-reports/class-counts');
    expect(counts.groups.find((c) => c.targetGroup === 'restaurant')).toMatchObject({ unclassified: 1, total: 2 });
    const top = await supervisor.request<{
      groups: Array<{ targetGroup: string; areas: Array<{ area: string; points: number }> }>;
    }>('GET', '/api/risk-reports/top-areas');
    const meat = top.groups.find((t) => t.targetGroup === 'meatOver10Mkg')!;
    expect(meat.areas).toHaveLength(3);
    expect(meat.areas.map((a) => a.area)).not.toContain('targetGroup');
    const five = await supervisor.request<{ groups: Array<{ targetGroup: string; areas: unknown[] }> }>(
      'GET',
      '/api/risk-reports/top-areas?top=5&model=food-2008',
    );
    expect(five.groups.find((t) => t.targetGroup === 'meatOver10Mkg')!.areas).toHaveLength(5);
    const group = await supervisor.request<{ sites: Array<{ siteName: string }> }>(
      'GET',
      '/api/risk-reports/groups/kiosk',
    );
    expect(group.sites.map((s) => s.siteName)).toEqual(['Kesäkioski Näsinpuisto']);
  });

  it('refuses an unknown group or format naming it', async () => {
    const unknown = await supervisor.raw('GET', `/api/risk-reports/groups/spaceport`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ field: 'group' });
    const format = await supervisor.raw('GET', `/api/risk-reports/ranking?format=xml`);
    expect(format.status).toBe(400);
    expect(((await format.json()) as Problem).errors[0]!.path).toBe('format');
    const model = await supervisor.raw('GET', `/api/risk-reports/class-counts?model=astrology`);
    expect(((await model.json()) as Problem).errors[0]!.path).toBe('model');
    const limit = await supervisor.raw('GET', `/api/risk-reports/ranking?limit=0`);
    expect(((await limit.json()) as Problem).errors[0]!.path).toBe('limit');
  });
});

describe('supervision of a site (F27–F30)', () => {
  type View = { phase: string; allowed: string[] };
  type Supervision = {
    phase: string;
    supervisor: { name: string; email: string };
    plan: Array<{ kind: string; dueAt: string; week: string; supervisor: unknown }>;
    assessment: { riskClass: string | null; model: string } | null;
  };
  const key = () => ({ 'Idempotency-Key': randomUUID() });
  const problem = async (res: Response) => ((await res.json()) as Problem).errors[0]!.path;
  /** The supervisor of the City of Tampere drives the cycle. */
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    supervisor.raw('POST', path, body, headers);

  it('starts a cycle, records an inspection, takes reports and closes, refusing bad input unchanged', async () => {
    const site = await db.handle.db.site.findFirstOrThrow({ where: { name: 'Ravintola Laukontori' } });
    const path = `/api/sites/${site.id}/supervision`;

    // Refused starts change nothing.
    expect((await post(path, { authorityCode: 'CITY-TRE' })).status).toBe(400); // no Idempotency-Key
    const unknown = await post(path, { authorityCode: 'NOWHERE' }, key());
    expect([unknown.status, await problem(unknown)]).toEqual([400, 'authorityCode']);
    expect(await db.handle.db.supervisionCycle.count({ where: { siteId: site.id } })).toBe(0);

    const started = await post(path, { authorityCode: 'CITY-TRE' }, key());
    expect(started.status).toBe(201);
    expect((await post(path, { authorityCode: 'CITY-TRE' }, key())).status).toBe(409);
    const opened = await until('the cycle to open', async () => {
      const res = await supervisor.raw('GET', path);
      return res.status === 200 && ((await res.json()) as Supervision);
    });
    expect(opened.phase).toBe('commissioning');
    expect(opened.plan).toEqual([expect.objectContaining({ kind: 'commissioning', dueAt: expect.any(String) })]);
    expect(opened.supervisor.email).toMatch(/@/);

    // The public sees the week only, no date and no person (F28).
    const calendar = (await (await fetch(`${base}/api/supervision-calendar/${site.id}`)).json()) as {
      inspections: Array<Record<string, unknown>>;
    };
    expect(calendar.inspections).toEqual([{ kind: 'commissioning', week: opened.plan[0]!.week }]);
    expect(opened.plan[0]!.week).toMatch(/^\d{4}-W\d{2}$/);

    // Grades are checked against the site's risk model before anything reaches the workflow.
    const before = await db.handle.db.inspection.count({ where: { siteId: site.id } });
    const inspection = {
      action: 'recordInspection',
      inspector: 'Ville Valvoja',
      method: 'onSite',
      grades: { 'no.such.factor': 'B' },
      findings: [],
    };
    const badGrade = await post(`${path}/commands`, inspection, key());
    expect([badGrade.status, await problem(badGrade)]).toEqual([400, 'grades.no.such.factor']);
    const badLetter = await post(`${path}/commands`, { ...inspection, grades: { 'premises.adequacy': 'E' } }, key());
    expect([badLetter.status, await problem(badLetter)]).toEqual([400, 'grades.premises.adequacy']);
    expect(await db.handle.db.inspection.count({ where: { siteId: site.id } })).toBe(before);

    const { missing } = assess(riskModel('food-2008')!, { targetGroup: site.targetGroup, present: site.activity });
    const grades = Object.fromEntries(missing.map((id) => [id, 'B']));
    const inspected = await supervisor.request<View>('POST', `${path}/commands`, { ...inspection, grades }, key());
    expect(inspected.phase).toBe('supervising');
    const after = await supervisor.request<Supervision>('GET', path);
    expect(after.plan).toEqual([expect.objectContaining({ kind: 'recurring' })]);
    expect(after.assessment).toMatchObject({
      model: expect.stringMatching(/^food-2008@/),
      riskClass: expect.any(String),
    });

    // A command that does not fit the phase: 409 naming what is allowed.
    const agenda = await post(`${path}/commands`, { action: 'editAgenda', items: [] }, key());
    expect(agenda.status).toBe(409);
    expect(await agenda.json()).toMatchObject({ step: 'supervising', allowed: inspected.allowed });

    // Reports are accepted at once and processed by the cycle.
    const badReport = await post(`${path}/reports`, { kind: 'rumour', description: 'x' }, key());
    expect([badReport.status, await problem(badReport)]).toEqual([400, 'kind']);
    const profile = await post(
      `${path}/reports`,
      { kind: 'profileChange', description: 'x', activity: ['nope'] },
      key(),
    );
    expect([profile.status, await problem(profile)]).toEqual([400, 'activity.0']);
    const observed = await post(
      `${path}/reports`,
      { kind: 'citizenObservation', description: 'Rubbish bins overflow' },
      key(),
    );
    expect(observed.status).toBe(202);
    await until(
      'the observation',
      async () =>
        (await db.handle.db.observation.count({ where: { siteId: site.id, kind: 'citizenObservation' } })) === 1,
    );

    const closed = await supervisor.request<View>(
      'POST',
      `${path}/commands`,
      { action: 'close', reason: 'businessClosed' },
      key(),
    );
    expect(closed.phase).toBe('closed');
    expect((await post(`${path}/commands`, { action: 'close', reason: 'other' }, key())).status).toBe(409);
    expect((await fetch(`${base}/api/supervision-calendar/${site.id}`)).status).toBe(404);
  });
});
