/**
 * A thousand comments at once on one open notice, through two API processes over the same
 * database (a worker process runs the case): valid ones, the same comments re-sent with the
 * same Idempotency-Key to the other process, and invalid ones. Every accepted comment is stored
 * exactly once and its repeats get the same answer; every refusal is a problem+json naming
 * why; nothing answers 5xx. When the notice period ends, late comments are refused with 409
 * and the reason, while a repeat of an accepted one still gets its first answer.
 */
import { randomUUID } from 'node:crypto';
import { seed } from '../../prisma/seed';
import { freePort, freshDatabase, temporalAddress, until } from '../support/env';
import { submitThroughApi } from '../support/http-cases';
import { sectionWorkflowId } from '../../workflows/permit-section/messages';
import {
  endWorkflows,
  FESTIVAL,
  Platform,
  ResilientCases,
  postComment,
  removeScratch,
  scratchDir,
  startHearing,
  type CommentBody,
} from './support';

const dir = scratchDir('comments');
let db: Awaited<ReturnType<typeof freshDatabase>>;
let first: Platform;
let second: Platform;

beforeAll(async () => {
  db = await freshDatabase();
  await seed(db.handle.db);
  const shared = {
    databaseUrl: db.url,
    temporalAddress: temporalAddress(),
    taskQueue: `faults-comments-${randomUUID()}`,
  };
  first = new Platform({ ...shared, port: await freePort(), logDir: dir });
  second = new Platform({ ...shared, port: await freePort(), logDir: dir });
  await Promise.all([first.start('api'), second.start('api'), first.start('worker')]);
});

afterAll(async () => {
  await Promise.all([first?.stopAll(), second?.stopAll()]);
  if (first) await endWorkflows(temporalAddress(), first.settings.taskQueue);
  await db?.drop();
  removeScratch(dir);
});

interface Sent {
  kind: 'valid' | 'repeat' | 'invalid';
  /** The field an invalid request gets wrong. */
  field?: string;
  key?: string;
  status: number;
  contentType: string | null;
  body: { id?: string; title?: string; code?: string; field?: string; errors?: Array<{ path: string }> } | null;
  at: number;
}

const NOTICE_MS = 25_000;
const VALID = 880;
const REPEATS = 60;
const INVALID: Array<{ field: string; body: (b: CommentBody) => unknown; noKey?: boolean }> = [
  { field: 'Idempotency-Key', body: (b) => b, noKey: true },
  { field: 'text', body: ({ text: _t, ...rest }) => rest },
  { field: 'kind', body: (b) => ({ ...b, kind: 'rant' }) },
  { field: 'authorName', body: (b) => ({ ...b, authorName: '' }) },
  { field: 'text', body: (b) => ({ ...b, text: 'x'.repeat(5001) }) },
];

async function send(base: string, noticeId: string, kind: Sent['kind'], body: unknown, key?: string, field?: string) {
  try {
    const res = await postComment(base, noticeId, body, key);
    const text = await res.text();
    return {
      kind,
      field,
      key,
      status: res.status,
      contentType: res.headers.get('content-type'),
      body: text ? (JSON.parse(text) as Sent['body']) : null,
      at: Date.now(),
    } satisfies Sent;
  } catch (err) {
    return {
      kind,
      field,
      key,
      status: 0,
      contentType: null,
      body: { title: String(err) },
      at: Date.now(),
    } satisfies Sent;
  }
}

describe('a thousand comments at once on one open notice', () => {
  it('stores every accepted comment once, answers repeats alike and tells every refusal why', async () => {
    const cases = new ResilientCases(first.base);
    await cases.signIn();
    const id = await cases.createProject('Thousand comments');
    await submitThroughApi(cases, id, FESTIVAL);
    await startHearing(cases, id, 'noise', NOTICE_MS);
    const notice = await db.handle.db.notice.findFirstOrThrow({ where: { projectId: id, permitType: 'noise' } });

    const comments = Array.from({ length: VALID }, (_, i) => ({
      key: randomUUID(),
      body: {
        kind: i % 3 ? 'opinion' : 'objection',
        authorName: `Neighbour ${i}`,
        anonymous: i % 5 === 0,
        text: `Comment ${i}: the music is ${i % 2 ? 'too loud' : 'fine'}.`,
      } satisfies CommentBody,
    }));
    const requests: Array<() => Promise<Sent>> = [
      ...comments.map((c) => () => send(first.base, notice.id, 'valid', c.body, c.key)),
      // The same comments again with the same key, to the other API process, at the same time.
      ...comments.slice(0, REPEATS).map((c) => () => send(second.base, notice.id, 'repeat', c.body, c.key)),
      ...Array.from({ length: 1000 - VALID - REPEATS }, (_, i) => {
        const bad = INVALID[i % INVALID.length]!;
        const base = i % 2 ? first.base : second.base;
        return () =>
          send(
            base,
            notice.id,
            'invalid',
            bad.body(comments[i]!.body),
            bad.noKey ? undefined : randomUUID(),
            bad.field,
          );
      }),
    ];
    expect(requests).toHaveLength(1000);
    // Interleaved, then all at once.
    requests.sort(() => Math.random() - 0.5);
    const sent = await Promise.all(requests.map((r) => r()));

    // Nothing failed on the platform's side, nothing went unanswered.
    expect(sent.filter((s) => s.status === 0 || s.status >= 500)).toEqual([]);

    // Refusals say why: invalid ones 400 naming the field, late ones 409 naming the closed period.
    for (const s of sent.filter((x) => x.status !== 201)) {
      expect(s.contentType).toMatch(/^application\/problem\+json/);
      expect(s.body?.title).toEqual(expect.any(String));
      if (s.kind === 'invalid') {
        const named = [s.body?.field, ...(s.body?.errors ?? []).map((e) => e.path)];
        expect({ status: s.status, named: named.includes(s.field) }).toEqual({ status: 400, named: true });
      } else {
        expect({ status: s.status, title: s.body?.title }).toEqual({
          status: 409,
          title: 'The notice period is closed',
        });
        expect(s.at).toBeGreaterThanOrEqual(notice.closesAt.getTime());
      }
    }
    expect(sent.filter((s) => s.kind === 'invalid' && s.status === 201)).toEqual([]);

    // Every accepted key is stored once; its repeats got the same comment id.
    const workflowId = sectionWorkflowId(id, 'noise');
    const accepted = new Map<string, Set<string>>();
    for (const s of sent.filter((x) => x.status === 201)) {
      accepted.set(s.key!, (accepted.get(s.key!) ?? new Set()).add(s.body!.id!));
    }
    expect([...accepted.values()].filter((ids) => ids.size !== 1)).toEqual([]);
    expect(accepted.size).toBeGreaterThan(0);
    const stored = await db.handle.db.comment.findMany({ where: { noticeId: notice.id } });
    expect(stored).toHaveLength(accepted.size);
    const byKey = new Map(stored.map((c) => [c.idempotencyKey, c]));
    for (const [key, ids] of accepted) expect(byKey.get(`${workflowId}:${key}`)?.id).toBe([...ids][0]);
    // None stored after the period ended; one timeline event and one audit entry each.
    expect(stored.filter((c) => c.createdAt >= notice.closesAt)).toEqual([]);
    expect(await db.handle.db.timelineEvent.count({ where: { projectId: id, type: 'comment' } })).toBe(accepted.size);
    expect(await db.handle.db.auditEntry.count({ where: { entityId: `${id}/noise`, action: 'comment' } })).toBe(
      accepted.size,
    );
    // A key refused as late (and never accepted) left nothing behind.
    const refusedOnly = sent.filter((s) => s.status === 409 && !accepted.has(s.key!));
    for (const s of refusedOnly) expect(byKey.has(`${workflowId}:${s.key}`)).toBe(false);

    // The period ends: the workflow's timer closes the notice. Late comments are refused and
    // say why; a repeat of an accepted comment still gets its first answer.
    await until(
      'the notice to close',
      async () => (await db.handle.db.notice.findUniqueOrThrow({ where: { id: notice.id } })).closedAt,
      NOTICE_MS + 60_000,
    );
    const late = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        send(i % 2 ? first.base : second.base, notice.id, 'valid', comments[i]!.body, randomUUID()),
      ),
    );
    for (const s of late) {
      expect({ status: s.status, type: s.contentType, title: s.body?.title }).toEqual({
        status: 409,
        type: expect.stringMatching(/^application\/problem\+json/),
        title: 'The notice period is closed',
      });
    }
    const again = [...accepted].slice(0, 10);
    const repeats = await Promise.all(
      again.map(([key]) => send(second.base, notice.id, 'repeat', comments.find((c) => c.key === key)!.body, key)),
    );
    expect(repeats.map((s) => [s.status, s.body?.id])).toEqual(again.map(([, ids]) => [201, [...ids][0]]));
    expect(await db.handle.db.comment.count({ where: { noticeId: notice.id } })).toBe(accepted.size);

    // What the public sees: every stored comment, once.
    const shown = (await (await fetch(`${first.base}/api/notices/${notice.id}`)).json()) as {
      comments: Array<{ id: string }>;
    };
    expect(new Set(shown.comments.map((c) => c.id)).size).toBe(accepted.size);
  });
});
