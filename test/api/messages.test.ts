/**
 * Messages between the customer and the authorities (F24, F36): threads per permit, who may
 * write where, validation that changes nothing, idempotency, "on behalf of" for agents, and
 * live delivery to the project room and the right authority's work queue.
 */
import { randomUUID } from 'node:crypto';
import { ApiClient } from '../../api/client';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { until } from '../support/env';
import { listenToRoom } from '../support/rooms';
import { twoAuthorityProject, useApiStack } from '../support/stack';

const stack = useApiStack();
let organiser: ApiClient;
let city: ApiClient;
let police: ApiClient;
let projectId: string;

beforeAll(async () => {
  organiser = await ApiClient.signIn(stack.base, DEMO_USERS.organiser);
  city = await ApiClient.signIn(stack.base, AUTHORITY_USERS['CITY-TRE']!);
  police = await ApiClient.signIn(stack.base, AUTHORITY_USERS['POLICE-SISA']!);
  projectId = await twoAuthorityProject(organiser, 'Viestit');
});

const post = (client: ApiClient, body: unknown, key = randomUUID()) =>
  client.raw('POST', `/api/projects/${projectId}/messages`, body, { 'idempotency-key': key });

describe('messages (F24, F36)', () => {
  it('threads per permit: the customer anywhere, an authority in the common thread and its own permits', async () => {
    const statuses = async (client: ApiClient, permitType?: string) =>
      (await post(client, { ...(permitType ? { permitType } : {}), body: 'Hei' })).status;
    expect(await statuses(organiser)).toBe(201);
    expect(await statuses(organiser, 'noise')).toBe(201);
    expect(await statuses(city, 'noise')).toBe(201);
    expect(await statuses(police)).toBe(201);
    expect(await statuses(police, 'noise')).toBe(403);
    const resident = await ApiClient.signIn(stack.base, DEMO_USERS.resident);
    expect(await statuses(resident)).toBe(403);
    expect(await statuses(new ApiClient(stack.base))).toBe(401);

    const noise = await organiser.request<Array<{ thread: string; side: string; authorityCode: string | null }>>(
      'GET',
      `/api/projects/${projectId}/messages?permitType=noise`,
    );
    expect(noise.map((m) => [m.thread, m.side, m.authorityCode])).toEqual([
      ['noise', 'customer', null],
      ['noise', 'authority', 'CITY-TRE'],
    ]);
  });

  it('refuses bad input naming the field and writes nothing; a repeated key writes once', async () => {
    const count = () => stack.db.handle.db.message.count({ where: { projectId } });
    const before = await count();
    const cases: Array<[unknown, number, string]> = [
      [{ body: '' }, 400, 'body'],
      [{ body: 'x'.repeat(10_001) }, 400, 'body'],
      [{ permitType: 'no-such-permit', body: 'x' }, 400, 'permitType'],
      [{ body: 'x', extra: 1 }, 400, ''],
    ];
    for (const [body, status, field] of cases) {
      const res = await post(organiser, body);
      expect(res.status).toBe(status);
      expect(((await res.json()) as { errors: Array<{ path: string }> }).errors.map((e) => e.path)).toContain(field);
    }
    const notInProject = await post(organiser, { permitType: 'alcohol-serving', body: 'x' });
    expect([notInProject.status, ((await notInProject.json()) as { field: string }).field]).toEqual([
      404,
      'permitType',
    ]);
    expect(await count()).toBe(before);

    const key = randomUUID();
    const [a, b] = await Promise.all([
      post(organiser, { body: 'Kerran' }, key),
      post(organiser, { body: 'Kerran' }, key),
    ]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(((await a.json()) as { id: string }).id).toBe(((await b.json()) as { id: string }).id);
    expect(await count()).toBe(before + 1);
  });

  it('records "on behalf of" for an agent acting under a mandate', async () => {
    const agent = await ApiClient.signIn(stack.base, DEMO_USERS.agent);
    await agent.actFor(agent.session!.mandates[0]!.id);
    const res = await post(agent, { body: 'Asiamiehenä' });
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ side: 'customer', onBehalfOfId: DEMO.festivalOrgId });
  });

  it("reaches the project room and the thread's authority queue live, not other authorities' queues", async () => {
    const project = listenToRoom(stack.base, organiser, `project:${projectId}`);
    const cityQueue = listenToRoom(stack.base, city, 'authority:CITY-TRE');
    const policeQueue = listenToRoom(stack.base, police, 'authority:POLICE-SISA');
    try {
      for (const l of [project, cityQueue, policeQueue]) expect((await l.joined).ok).toBe(true);
      expect((await post(organiser, { permitType: 'noise', body: 'Mittaukset liitteenä' })).status).toBe(201);
      await until('the live message', async () => project.received.length > 0 && cityQueue.received.length > 0);
      expect(project.received[0]).toMatchObject({
        kind: 'message',
        data: { body: 'Mittaukset liitteenä', thread: 'noise' },
      });
      expect(cityQueue.received[0]).toMatchObject({ kind: 'message', data: { projectId } });
      await new Promise((r) => setTimeout(r, 300));
      expect(policeQueue.received).toEqual([]);
    } finally {
      for (const l of [project, cityQueue, policeQueue]) l.socket.close();
    }
  });
});
