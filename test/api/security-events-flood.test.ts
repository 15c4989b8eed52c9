/**
 * A flood of refusals cannot fill the security log: each source (user, else address) stores a
 * budget of events of one kind per minute, and the rest become one summary row with the count
 * when the window ends. Against real PostgreSQL, with the recorder's clock under the test's control.
 */
import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { securityRecorder, type SecurityEventInput } from '../../api/security-events';
import { freshDatabase } from '../support/env';

let db: Awaited<ReturnType<typeof freshDatabase>>;

beforeAll(async () => {
  db = await freshDatabase();
});

afterAll(async () => {
  await db?.drop();
});

const refusal = (ip: string, actorId: string | null = null, path = '/api/projects'): SecurityEventInput => ({
  kind: 'http.refused',
  actorId,
  method: 'GET',
  resource: path,
  status: 401,
  requestId: randomUUID(),
  ip,
});

const rowsFrom = (ip: string) => db.handle.db.securityEvent.findMany({ where: { ip }, orderBy: { id: 'asc' } });

it('stores the budget of one source, then one summary row counting the rest', async () => {
  let clock = Date.parse('2026-11-23T10:00:00Z');
  const recorder = securityRecorder(db.handle.db, pino({ level: 'silent' }), {
    perSourcePerMinute: 5,
    now: () => clock,
  });
  const ip = '203.0.113.7';
  const paths = Array.from({ length: 40 }, (_, i) => `/api/projects/${i}`);
  await Promise.all(paths.map((path) => recorder.record(refusal(ip, null, path))));
  const stored = await rowsFrom(ip);
  // The first five recorded (written concurrently, so in any order).
  expect(stored.map((r) => r.resource).sort()).toEqual(paths.slice(0, 5).sort());

  // Within the window nothing more is written; when it has ended, the summary is.
  clock += 30_000;
  await recorder.flush();
  expect(await rowsFrom(ip)).toHaveLength(5);
  clock += 30_000;
  await recorder.flush();
  const after = await rowsFrom(ip);
  expect(after).toHaveLength(6);
  expect(after[5]).toMatchObject({
    kind: 'http.refused',
    resource: paths.at(-1),
    details: { suppressed: paths.length - 5, windowStart: '2026-11-23T10:00:00.000Z' },
  });

  // A new window has a new budget.
  await recorder.record(refusal(ip));
  expect(await rowsFrom(ip)).toHaveLength(7);
  await recorder.close();
});

it('keeps separate budgets per source and per kind, and writes open windows at close', async () => {
  const clock = Date.parse('2026-11-23T11:00:00Z');
  const recorder = securityRecorder(db.handle.db, pino({ level: 'silent' }), {
    perSourcePerMinute: 2,
    now: () => clock,
  });
  const [a, b] = ['198.51.100.1', '198.51.100.2'];
  const user = randomUUID();
  for (let i = 0; i < 4; i++) {
    await recorder.record(refusal(a));
    await recorder.record(refusal(b));
    // A signed-in user is its own source wherever it connects from.
    await recorder.record(refusal(a, user));
    await recorder.record({ ...refusal(a), kind: 'room.refused', method: 'JOIN', resource: 'project:x' });
  }
  const count = (where: object) => db.handle.db.securityEvent.count({ where });
  expect(await count({ ip: a, actorId: null, kind: 'http.refused' })).toBe(2);
  expect(await count({ ip: b })).toBe(2);
  expect(await count({ actorId: user })).toBe(2);
  expect(await count({ ip: a, kind: 'room.refused' })).toBe(2);

  await recorder.close();
  const summaries = await db.handle.db.securityEvent.findMany({
    where: { ip: { in: [a, b] }, details: { path: ['suppressed'], equals: 2 } },
  });
  expect(summaries).toHaveLength(4);
});
