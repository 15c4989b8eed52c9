import type { Response } from 'express';
import { Sessions, SESSION_TTL_SECONDS } from '../../api/auth/session';

/** Issues a session and returns its Cookie header, as a browser would send it back. */
async function issued(sessions: Sessions, claims: { userId: string; csrf: string; mandateId?: string }) {
  const cookies: string[] = [];
  await sessions.issue(
    { append: (_name: string, value: string) => cookies.push(value) } as unknown as Response,
    claims,
  );
  return cookies[0]!.split(';')[0]!;
}

describe('session cookies read again', () => {
  afterEach(() => jest.useRealTimers());

  it('answer the same claims without checking the signature again, until the token expires', async () => {
    jest.useFakeTimers({ now: new Date('2026-11-23T08:00:00Z'), doNotFake: ['nextTick', 'setImmediate'] });
    const sessions = new Sessions({ secret: 'x'.repeat(40), secure: false });
    const cookie = await issued(sessions, { userId: 'u1', csrf: 'c1', mandateId: 'm1' });
    const first = await sessions.read(cookie);
    expect(first).toEqual({ userId: 'u1', csrf: 'c1', mandateId: 'm1' });
    expect(await sessions.read(cookie)).toBe(first);
    jest.setSystemTime(new Date(Date.now() + SESSION_TTL_SECONDS * 1000 + 1000));
    expect(await sessions.read(cookie)).toBeNull();
  });

  it('refuse a token signed with another secret or changed by one character', async () => {
    const ours = new Sessions({ secret: 'x'.repeat(40), secure: false });
    const theirs = new Sessions({ secret: 'y'.repeat(40), secure: false });
    const cookie = await issued(theirs, { userId: 'u1', csrf: 'c1' });
    expect(await ours.read(cookie)).toBeNull();
    const good = await issued(ours, { userId: 'u2', csrf: 'c2' });
    expect(await ours.read(good)).toEqual({ userId: 'u2', csrf: 'c2' });
    // A character inside the signature (the last one also carries padding bits).
    const at = good.length - 6;
    const tampered = good.slice(0, at) + (good[at] === 'A' ? 'B' : 'A') + good.slice(at + 1);
    expect(await ours.read(tampered)).toBeNull();
  });
});
