/**
 * Virtual kickoff meetings: the invitation carries the date, the agenda and the meeting link,
 * which the configured provider makes when the parties give none; every party is notified.
 */
import { randomUUID } from 'node:crypto';
import { CaseParties } from '../../api/client';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from '../../prisma/seed';
import { exampleDraft } from '../../prisma/demo-projects';
import { useApiStack } from '../support/stack';

const TEMPLATE = 'https://meet.example.org/permits-{room}';
const stack = useApiStack({ MEETING_URL_TEMPLATE: TEMPLATE });
const ANSWERS = { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true } as const;

async function inKickoff(parties: CaseParties) {
  const { id } = await parties.createProject({ organisationId: DEMO.festivalOrgId, title: 'Aloituspalaveri' });
  const advised = await parties.command(id, { action: 'answerAdvice', answers: ANSWERS });
  await parties.command(id, { action: 'completeAdvice' });
  const permits = advised.permits.map((p) => p.permitType);
  await parties.command(id, { action: 'saveDraft', patch: exampleDraft(permits, ANSWERS, 'Palaveri') });
  await parties.command(id, { action: 'submitDraft' });
  return { id, authorities: new Set(advised.permits.map((p) => p.authorityCode)) };
}

describe('kickoff meetings', () => {
  it('sends every party an invitation with date, agenda and a provider link that a retry keeps', async () => {
    const parties = new CaseParties(stack.base, DEMO_USERS.organiser, AUTHORITY_USERS);
    const { id, authorities } = await inKickoff(parties);
    const at = new Date(Date.now() + 7 * 86_400_000).toISOString();
    const key = randomUUID();
    await parties.command(id, { action: 'scheduleKickoff', at }, key);
    await parties.command(id, { action: 'scheduleKickoff', at }, key);
    const meeting = await stack.db.handle.db.meeting.findUniqueOrThrow({ where: { projectId: id } });
    expect(meeting.meetingUrl).toMatch(/^https:\/\/meet\.example\.org\/permits-[A-Za-z0-9_-]{22}$/);
    expect(meeting.scheduledAt?.toISOString()).toBe(at);

    const invitations = await stack.db.handle.db.notification.findMany({
      where: { projectId: id, kind: 'kickoffScheduled' },
    });
    expect(invitations.map((n) => n.recipient).sort()).toEqual([DEMO.festivalOrgId, ...authorities].sort());
    for (const n of invitations) {
      expect(n.payload).toMatchObject({
        at,
        meetingUrl: meeting.meetingUrl,
        agenda: expect.arrayContaining(['Hankkeen esittely / Project overview']),
      });
    }
  });

  it('keeps a link the parties give, and refuses one that is not https, naming the field', async () => {
    const parties = new CaseParties(stack.base, DEMO_USERS.organiser, AUTHORITY_USERS);
    const { id } = await inKickoff(parties);
    const at = new Date(Date.now() + 86_400_000).toISOString();
    const customer = await parties.customer();
    const bad = await customer.raw(
      'POST',
      `/api/projects/${id}/commands`,
      { action: 'scheduleKickoff', at, meetingUrl: 'http://insecure.example/room' },
      { 'idempotency-key': randomUUID() },
    );
    expect([bad.status, ((await bad.json()) as { errors: Array<{ path: string }> }).errors[0]!.path]).toEqual([
      400,
      'meetingUrl',
    ]);
    await parties.command(id, { action: 'scheduleKickoff', at, meetingUrl: 'https://video.example.fi/kaupunki/123' });
    const meeting = await stack.db.handle.db.meeting.findUniqueOrThrow({ where: { projectId: id } });
    expect(meeting.meetingUrl).toBe('https://video.example.fi/kaupunki/123');
    // Another project at the same time gets another room.
    const other = await inKickoff(parties);
    await parties.command(other.id, { action: 'scheduleKickoff', at });
    const otherMeeting = await stack.db.handle.db.meeting.findUniqueOrThrow({ where: { projectId: other.id } });
    expect(otherMeeting.meetingUrl).toMatch(/^https:\/\/meet\.example\.org\/permits-/);
    expect(otherMeeting.meetingUrl).not.toBe(meeting.meetingUrl);
  });
});
