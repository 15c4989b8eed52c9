/**
 * The bridge to an authority's own case-management system (F37), as a contract test against the
 * real stack (PostgreSQL, Temporal, the HTTP API) and the reference adapter
 * (adapters/reference-case-system) running as a real HTTP server: the City of Tampere connects
 * its system by webhook; a customer's submission reaches it signed and schema-valid, its case
 * number appears on the permit; what the system reports back moves the permit section exactly
 * as the clerk's commands in the UI do; deliveries survive the receiver being down; forged
 * and replayed inbound events change nothing. Also the connection's authorisation matrix.
 */
import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { Webhook } from 'standardwebhooks';
import { ApiClient } from '../../api/client';
import { CaseSystem } from '../../adapters/reference-case-system/src/case-system';
import { ZOutboundEventV1 } from '../../domain/bridge-events';
import { bridgeRelayWorkflow } from '../../workflows/bridge/relay';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { completeDraftPatch } from '../support/cases';
import { freePort, until } from '../support/env';
import { EVERYONE, signInRoles, type Role } from '../support/roles';
import { useApiStack } from '../support/stack';

let system: CaseSystem;
let relay: WorkflowHandle | undefined;
// Declared before the stack's own hooks, so it runs while the stack's Temporal connection is open.
afterAll(async () => {
  await relay?.terminate('test done');
  await system?.close();
});

const stack = useApiStack();
const db = () => stack.db.handle.db;
let organiser: ApiClient;
let clerk: ApiClient;
let police: ApiClient;
let port: number;

const STRUCTURE = 'temporary-structure';
const key = () => ({ 'idempotency-key': randomUUID() });

interface ProjectRead {
  step: string;
  permits: Array<{
    permitType: string;
    step: string;
    caseNumber: string | null;
    externalCaseNumber: string | null;
    decision: string | null;
    signedBy: string | null;
  }>;
}

beforeAll(async () => {
  organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  clerk = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
  police = await ApiClient.signIn(stack.base, AUTHORITY_USERS['POLICE-SISA']!);
  port = await freePort();
  const connected = await clerk.request<{ secret: string; mode: string }>(
    'PUT',
    '/api/authorities/CITY-TRE/connection',
    { mode: 'webhook', webhookUrl: `http://127.0.0.1:${port}/webhook`, version: 1 },
  );
  expect(connected.mode).toBe('webhook');
  system = new CaseSystem({ secret: connected.secret, platformUrl: stack.base, authorityCode: 'CITY-TRE' });
  await system.listen(port);
  // From the end of the seeded timeline on, as a relay started before these projects would.
  const [{ max }] = await db().$queryRaw<
    [{ max: string }]
  >`SELECT COALESCE(MAX(id), 0)::text AS max FROM "TimelineEvent"`;
  relay = await stack.client.workflow.start(bridgeRelayWorkflow, {
    taskQueue: stack.taskQueue,
    workflowId: `bridge-relay-test-${randomUUID()}`,
    args: [{ intervalMs: 200, retry: { initialIntervalMs: 200, maximumIntervalMs: 1000 }, cursor: max }],
  });
});

/** A project with a City of Tampere permit (connected) and a police permit (portal), up to the submission step. */
async function projectAtSubmission(title: string): Promise<string> {
  const { id } = await organiser.createProject({
    organisationId: DEMO.festivalOrgId,
    title,
    permits: [
      { permitType: STRUCTURE, authorityCode: 'CITY-TRE' },
      { permitType: 'public-event', authorityCode: 'POLICE-SISA' },
    ],
  });
  await organiser.command(id, { action: 'completeAdvice' });
  await organiser.command(id, { action: 'saveDraft', patch: completeDraftPatch([STRUCTURE, 'public-event']) });
  await organiser.command(id, { action: 'submitDraft' });
  await clerk.command(id, {
    action: 'confirmKickoff',
    authorityCode: 'CITY-TRE',
    dataSufficient: true,
    attends: false,
  });
  await police.command(id, {
    action: 'confirmKickoff',
    authorityCode: 'POLICE-SISA',
    dataSufficient: true,
    attends: false,
  });
  await clerk.command(id, { action: 'holdKickoff', minutes: 'Tiedot riittävät.' });
  return id;
}

const permitOf = async (id: string) =>
  (await organiser.request<ProjectRead>('GET', `/api/projects/${id}`)).permits.find((p) => p.permitType === STRUCTURE)!;
const receivedFor = (id: string, type?: string) =>
  system.state.received.filter(
    (e) => (e.body.project as { id: string }).id === id && (type === undefined || e.type === type),
  );
const timelineOf = (id: string) =>
  organiser.request<Array<{ id: string; type: string; payload: Record<string, unknown> }>>(
    'GET',
    `/api/projects/${id}/timeline`,
  );

describe('a connected authority, both directions', () => {
  let id: string;
  let caseNumber: string;

  it('delivers the submission to the system, signed and schema-valid, and shows its case number on the permit', async () => {
    id = await projectAtSubmission('Katsomo Ratinaan');
    await organiser.command(id, { action: 'submit' });

    const [submission] = await until('the submission at the case system', async () => {
      const got = receivedFor(id, 'submission.received');
      return got.length > 0 ? got : null;
    });
    const event = ZOutboundEventV1.parse(submission!.body);
    expect(event).toMatchObject({
      type: 'submission.received',
      version: 1,
      id: submission!.webhookId,
      authorityCode: 'CITY-TRE',
      project: { id, title: 'Katsomo Ratinaan' },
      permit: { type: STRUCTURE },
    });
    if (event.type !== 'submission.received') throw new Error('narrowed above');
    expect(event.data.applicant.organisationId).toBe(DEMO.festivalOrgId);
    expect(Object.keys(event.data.section).length).toBeGreaterThan(0);
    caseNumber = system.caseOf(id, STRUCTURE)!.caseNumber;
    expect(caseNumber).toMatch(/^TRE\/\d+\/\d{4}$/);
    expect(submission!.caseNumber).toBe(caseNumber);

    await until('the case number on the permit', async () => (await permitOf(id)).externalCaseNumber === caseNumber);
    const row = await db().bridgeEvent.findUniqueOrThrow({ where: { id: event.id } });
    expect(row).toMatchObject({ status: 'delivered', attempts: 1, externalCaseNumber: caseNumber });
    expect(row.deliveredAt).not.toBeNull();
    const recorded = (await timelineOf(id)).filter((e) => e.type === 'externalCaseNumberRecorded');
    expect(recorded).toEqual([
      expect.objectContaining({ payload: expect.objectContaining({ authorityCode: 'CITY-TRE', caseNumber }) }),
    ]);
    // The police work in the portal: nothing of theirs went out.
    const police = await db().authority.findUniqueOrThrow({ where: { code: 'POLICE-SISA' } });
    expect(await db().bridgeEvent.count({ where: { authorityId: police.id } })).toBe(0);
  });

  it('the system registers the case: receipt is confirmed as the clerk confirms it, with its case number', async () => {
    const sent = await system.send({
      type: 'case.registered',
      projectId: id,
      permitType: STRUCTURE,
      data: { caseNumber },
    });
    expect(sent.status).toBe(200);
    const permit = await permitOf(id);
    expect(permit).toMatchObject({ caseNumber, externalCaseNumber: caseNumber, step: 'processing' });
    await until('the section to be prepared', async () => (await clerk.section(id, STRUCTURE)).ready);
    // The change is audited as the integration's, with no user.
    const audit = await db().auditEntry.findFirstOrThrow({
      where: { action: 'confirmReceipt', entityId: `${id}/${STRUCTURE}` },
    });
    expect(audit.actorId).toBeNull();
    expect(audit.requestId).toMatch(/^bridge:CITY-TRE:/);
  });

  it('an information request and then a decision from the system advance the section as the UI does', async () => {
    // Arrange: the system asks for more information.
    const asked = await system.send({
      type: 'infoRequest.created',
      projectId: id,
      permitType: STRUCTURE,
      data: { question: 'Rakennesuunnitelma?', dueAt: new Date(Date.now() + 7 * 86_400_000).toISOString() },
    });
    expect(asked.status).toBe(200);
    const view = await clerk.section(id, STRUCTURE);
    expect(view.openInfoRequests).toHaveLength(1);
    // The same state the clerk's own command leads to: the draft waits for the answer.
    expect(view.step).toBe('processing');
    expect(view.allowed).not.toContain('proposeDraft');
    const request = await db().infoRequest.findFirstOrThrow({ where: { projectId: id } });
    expect(request).toMatchObject({ authorityCode: 'CITY-TRE', question: 'Rakennesuunnitelma?' });
    const entry = (await timelineOf(id)).find((e) => e.type === 'requestInfo')!;
    expect(entry.payload).toMatchObject({ authorityCode: 'CITY-TRE', question: 'Rakennesuunnitelma?' });
    // The request goes out to the system too (as every authority of the project sees it, F14).
    await until('the request back at the system', async () => receivedFor(id, 'infoRequest.created').length === 1);

    await organiser.sectionCommand(id, STRUCTURE, {
      action: 'answerInfo',
      requestId: request.id,
      answer: 'Liitteenä.',
    });
    await until('the answer at the system', async () => receivedFor(id, 'infoRequest.answered').length === 1);

    expect(
      (
        await system.send({
          type: 'draftDecision.proposed',
          projectId: id,
          permitType: STRUCTURE,
          data: { text: 'Luonnos' },
        })
      ).status,
    ).toBe(200);
    expect((await clerk.section(id, STRUCTURE)).step).toBe('draftReview');
    await organiser.sectionCommand(id, STRUCTURE, { action: 'reviewDraft', accepted: true });

    // Act: the system's decision.
    const decided = await system.send({
      type: 'decision.made',
      projectId: id,
      permitType: STRUCTURE,
      data: {
        decision: 'approvedWithConditions',
        conditions: 'Tarkastus ennen käyttöä',
        text: 'Päätös',
        signedBy: 'Kaisa Käsittelijä',
      },
    });

    // Assert: signed and served as the clerk's decision would be.
    expect(decided.status).toBe(200);
    expect(decided.answer).toMatchObject({ accepted: true, type: 'decision.made', step: 'service' });
    expect(await permitOf(id)).toMatchObject({ decision: 'approvedWithConditions', signedBy: 'Kaisa Käsittelijä' });
    const [decision] = await until('the decision at the system', async () => {
      const got = receivedFor(id, 'decision.made');
      return got.length ? got : null;
    });
    expect(ZOutboundEventV1.parse(decision!.body)).toMatchObject({
      data: { decision: 'approvedWithConditions', decidedBy: 'CITY-TRE', conditions: 'Tarkastus ennen käyttöä' },
    });
    expect(decision!.caseNumber).toBe(caseNumber);

    // A replay of the decision (same webhook-id, same bytes) returns the first answer and changes nothing.
    const before = [await db().timelineEvent.count({ where: { projectId: id } }), await db().bridgeInbound.count()];
    const replayed = await system.resend(decided.webhookId);
    expect(replayed).toMatchObject({ status: 200, answer: decided.answer });
    expect([await db().timelineEvent.count({ where: { projectId: id } }), await db().bridgeInbound.count()]).toEqual(
      before,
    );
    // A command that does not fit the step is refused as the UI's would be, and not recorded.
    const late = await system.send({
      type: 'infoRequest.created',
      projectId: id,
      permitType: STRUCTURE,
      data: { question: 'Vielä?' },
    });
    expect(late.status).toBe(409);
    expect(
      await db().bridgeInbound.findUnique({ where: { id: `${await authorityId('CITY-TRE')}:${late.webhookId}` } }),
    ).toBeNull();
  });

  it('refuses a forged signature with 401 and a security event, changing nothing', async () => {
    const before = await db().timelineEvent.count({ where: { projectId: id } });
    const body = JSON.stringify({
      type: 'case.status',
      version: 1,
      projectId: id,
      permitType: STRUCTURE,
      data: { status: 'väärennetty' },
    });
    const forged = new Webhook(`whsec_${Buffer.alloc(32, 7).toString('base64')}`);
    const at = new Date();
    const requestId = `forged-${randomUUID()}`;
    const res = await fetch(`${stack.base}/api/bridge/CITY-TRE/events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': requestId,
        'webhook-id': 'msg_forged',
        'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
        'webhook-signature': forged.sign('msg_forged', at, body),
      },
      body,
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(await db().timelineEvent.count({ where: { projectId: id } })).toBe(before);
    const logged = await until('the security event', () => db().securityEvent.findFirst({ where: { requestId } }));
    expect(logged).toMatchObject({ kind: 'http.refused', status: 401, resource: '/api/bridge/CITY-TRE/events' });
  });

  it('answers bad input with 400 naming the field, changing nothing', async () => {
    const before = await db().timelineEvent.count({ where: { projectId: id } });
    const unknownType = await system.send({ type: 'case.teleported', projectId: id, permitType: STRUCTURE, data: {} });
    expect(unknownType.status).toBe(400);
    expect(JSON.stringify(unknownType.answer)).toContain('"path":"type"');
    const missing = await system.send({ type: 'case.status', projectId: id, permitType: STRUCTURE, data: {} });
    expect(missing.status).toBe(400);
    expect(JSON.stringify(missing.answer)).toContain('"path":"data.status"');
    // A permit of another authority: refused.
    const other = await system.send({
      type: 'case.status',
      projectId: id,
      permitType: 'public-event',
      data: { status: 'x' },
    });
    expect(other.status).toBe(403);
    // A project the authority has no part in does not exist for its system.
    const elsewhere = await system.send({
      type: 'case.status',
      projectId: randomUUID(),
      permitType: STRUCTURE,
      data: { status: 'x' },
    });
    expect(elsewhere).toMatchObject({ status: 404, answer: { field: 'projectId' } });
    expect(await db().timelineEvent.count({ where: { projectId: id } })).toBe(before);
  });
});

async function authorityId(code: string): Promise<string> {
  return (await db().authority.findUniqueOrThrow({ where: { code } })).id;
}

it('webhook delivery survives the receiver being down for a while: every event arrives exactly once', async () => {
  const id = await projectAtSubmission('Lava Laukontorille');
  const cityId = await authorityId('CITY-TRE');
  const events = () => db().bridgeEvent.findMany({ where: { projectId: id, authorityId: cityId } });

  // The receiver is up but failing (503) when the submission is made…
  system.available = false;
  await organiser.command(id, { action: 'submit' });
  await until('retries against the failing receiver', async () => ((await events())[0]?.attempts ?? 0) >= 2, 20_000);

  // …then down altogether, while the clerk confirms receipt and asks for information in the portal.
  await system.close();
  await clerk.command(id, { action: 'confirmReceipt', permitType: STRUCTURE, caseNumber: 'TRE-PORTAL-1' });
  await until('the section to be prepared', async () => (await clerk.section(id, STRUCTURE).catch(() => null))?.ready);
  await clerk.sectionCommand(id, STRUCTURE, {
    action: 'requestInfo',
    authorityCode: 'CITY-TRE',
    question: 'Paloluokka?',
  });
  await until(
    'attempts against the stopped receiver',
    async () => {
      const rows = await events();
      return rows.length === 2 && rows.every((r) => r.attempts >= 2 && r.status === 'pending') ? rows : null;
    },
    20_000,
  );
  const down = await events();
  expect(down.map((r) => r.lastError)).toEqual(expect.arrayContaining([expect.stringMatching(/No answer|503/)]));
  expect(receivedFor(id)).toEqual([]);

  // Back up: both arrive, each once.
  system.available = true;
  await system.listen(port);
  const delivered = await until(
    'every event delivered',
    async () => {
      const rows = await events();
      return rows.every((r) => r.status === 'delivered') ? rows : null;
    },
    30_000,
  );
  expect(delivered.map((r) => r.type).sort()).toEqual(['infoRequest.created', 'submission.received']);
  expect(delivered.every((r) => r.attempts > 1)).toBe(true);
  const arrived = receivedFor(id);
  expect(arrived.map((e) => e.webhookId).sort()).toEqual(delivered.map((r) => r.id).sort());
  expect(new Set(arrived.map((e) => e.webhookId)).size).toBe(arrived.length);
  // The system's case number from the acknowledgement, beside the portal's receipt number.
  const permit = await permitOf(id);
  expect(permit.caseNumber).toBe('TRE-PORTAL-1');
  expect(permit.externalCaseNumber).toBe(system.caseOf(id, STRUCTURE)!.caseNumber);
  // Delivery workflows that finished stay finished: nothing arrives again.
  await new Promise((r) => setTimeout(r, 1500));
  expect(receivedFor(id)).toHaveLength(arrived.length);
});

it('an event the receiver refuses for good is marked failed at once, and delivered when the clerk sends it again', async () => {
  const id = await projectAtSubmission('Teltta Tammelaan');
  const cityId = await authorityId('CITY-TRE');
  system.refuse = 422;
  try {
    await organiser.command(id, { action: 'submit' });
    const failed = await until('the event marked failed', () =>
      db().bridgeEvent.findFirst({ where: { projectId: id, authorityId: cityId, status: 'failed' } }),
    );
    // Not retried: one attempt, the receiver's answer kept for the authority to see.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await db().bridgeEvent.findUniqueOrThrow({ where: { id: failed.id } })).toMatchObject({
      status: 'failed',
      attempts: 1,
      lastError: expect.stringContaining('422'),
    });
    const listed = await clerk.request<Array<{ id: string; status: string }>>(
      'GET',
      '/api/authorities/CITY-TRE/bridge-events?status=failed',
    );
    expect(listed.map((e) => e.id)).toContain(failed.id);
    // The police's clerk may not send the city's events again.
    const refused = await police.raw(
      'POST',
      `/api/authorities/CITY-TRE/bridge-events/${failed.id}/redeliver`,
      undefined,
      key(),
    );
    expect(refused.status).toBe(403);

    system.refuse = null;
    const headers = key();
    const again = await clerk.request<{ status: string }>(
      'POST',
      `/api/authorities/CITY-TRE/bridge-events/${failed.id}/redeliver`,
      undefined,
      headers,
    );
    expect(again.status).toBe('pending');
    await until('the event delivered', async () => (await permitOf(id)).externalCaseNumber !== null);
    const delivered = await db().bridgeEvent.findUniqueOrThrow({ where: { id: failed.id } });
    expect(delivered).toMatchObject({ status: 'delivered', attempts: 2 });
    expect(receivedFor(id, 'submission.received')).toHaveLength(1);
    // A repeat changes nothing: the event is delivered, and stays so.
    const repeat = await clerk.request<{ status: string }>(
      'POST',
      `/api/authorities/CITY-TRE/bridge-events/${failed.id}/redeliver`,
      undefined,
      headers,
    );
    expect(repeat.status).toBe('delivered');
  } finally {
    system.refuse = null;
  }
});

describe('the connection settings', () => {
  const clients = {} as Record<Role, ApiClient>;
  /** The matrix runs on the rescue services, so the City of Tampere's connection above is untouched. */
  const CODE = 'RESCUE-PIR';

  beforeAll(async () => {
    await signInRoles(stack.base, clients, { involvedCode: CODE, otherCode: 'POLICE-SISA' });
  });

  const MAY_READ: Role[] = ['involvedClerk', 'admin'];
  const MAY_MANAGE: Role[] = ['involvedClerk', 'admin'];

  it.each(EVERYONE.map((r) => [r] as const))('%s: read the connection and the deliveries', async (role) => {
    const status = (await clients[role].raw('GET', `/api/authorities/${CODE}/connection`)).status;
    const events = (await clients[role].raw('GET', `/api/authorities/${CODE}/bridge-events`)).status;
    const expected = MAY_READ.includes(role) ? 200 : role === 'public' ? 401 : 403;
    expect([status, events]).toEqual([expected, expected]);
  });

  it.each(EVERYONE.map((r) => [r] as const))('%s: change the connection and rotate the secret', async (role) => {
    const before = await db().authorityConnection.findUnique({ where: { authorityId: await authorityId(CODE) } });
    const put = await clients[role].raw('PUT', `/api/authorities/${CODE}/connection`, {
      mode: 'portal',
      webhookUrl: 'https://case.pelastus.example/webhook',
    });
    const rotate = await clients[role].raw('POST', `/api/authorities/${CODE}/connection/secret`, undefined, key());
    // No such event of the rescue services: 404 for those who may redeliver, refused for the others.
    const redeliver = await clients[role].raw(
      'POST',
      `/api/authorities/${CODE}/bridge-events/${randomUUID()}/redeliver`,
      undefined,
      key(),
    );
    const expected = MAY_MANAGE.includes(role) ? 200 : role === 'public' ? 401 : 403;
    expect([put.status, rotate.status, redeliver.status]).toEqual([
      expected,
      expected,
      expected === 200 ? 404 : expected,
    ]);
    if (expected !== 200) {
      expect(await db().authorityConnection.findUnique({ where: { authorityId: await authorityId(CODE) } })).toEqual(
        before,
      );
    }
  });

  it("the authority's supervisor reads its connection but does not change it", async () => {
    expect((await clients.supervisor.raw('GET', '/api/authorities/CITY-TRE/connection')).status).toBe(200);
    const put = await clients.supervisor.raw('PUT', '/api/authorities/CITY-TRE/connection', { mode: 'portal' });
    expect(put.status).toBe(403);
    expect((await clerk.request<{ mode: string }>('GET', '/api/authorities/CITY-TRE/connection')).mode).toBe('webhook');
  });

  it('never shows the secret again; a rotation is shown once and repeated under its key', async () => {
    const admin = clients.admin;
    const put = await admin.request<{ secret?: string; hasSecret: boolean }>(
      'PUT',
      `/api/authorities/${CODE}/connection`,
      {
        mode: 'webhook',
        webhookUrl: 'https://case.pelastus.example/webhook',
      },
    );
    expect(put.hasSecret).toBe(true);
    const read = await admin.request<Record<string, unknown>>('GET', `/api/authorities/${CODE}/connection`);
    expect(JSON.stringify(read)).not.toContain('whsec_');
    const headers = key();
    const first = await admin.request<{ secret: string }>(
      'POST',
      `/api/authorities/${CODE}/connection/secret`,
      undefined,
      headers,
    );
    expect(first.secret).toMatch(/^whsec_/);
    const again = await admin.request<{ secret: string }>(
      'POST',
      `/api/authorities/${CODE}/connection/secret`,
      undefined,
      headers,
    );
    expect(again.secret).toBe(first.secret);
    const next = await admin.request<{ secret: string }>(
      'POST',
      `/api/authorities/${CODE}/connection/secret`,
      undefined,
      key(),
    );
    expect(next.secret).not.toBe(first.secret);
    expect((await admin.raw('POST', `/api/authorities/${CODE}/connection/secret`, undefined, headers)).status).toBe(
      409,
    );
    // Webhook mode needs an address: 400 naming it, nothing changed.
    const bad = await admin.raw('PUT', `/api/authorities/${CODE}/connection`, { mode: 'webhook', webhookUrl: null });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('"path":"webhookUrl"');
    // The audit log names every change, never the secret.
    const audit = await db().auditEntry.findMany({
      where: { entity: 'AuthorityConnection', entityId: await authorityId(CODE) },
    });
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['updateBridgeConnection', 'rotateBridgeSecret']),
    );
    expect(JSON.stringify(audit.map((a) => a.details))).not.toContain(first.secret.slice(6));
  });

  it('lists the deliveries to the authority’s system, newest first', async () => {
    const list = await clerk.request<Array<{ type: string; status: string; attempts: number; createdAt: string }>>(
      'GET',
      '/api/authorities/CITY-TRE/bridge-events?limit=200',
    );
    expect(list.length).toBeGreaterThanOrEqual(5);
    expect(list.map((e) => e.createdAt)).toEqual([...list.map((e) => e.createdAt)].sort().reverse());
    expect(new Set(list.map((e) => e.status))).toEqual(new Set(['delivered']));
    expect((await clerk.raw('GET', '/api/authorities/CITY-TRE/bridge-events?status=lost')).status).toBe(400);
  });
});
