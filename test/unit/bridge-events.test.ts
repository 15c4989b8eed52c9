/**
 * The bridge's pure rules (domain/bridge-events.ts): which timeline entries become which
 * events for whom, how a receiver's answer is read, the inbound schemas and the commands they
 * give, and the authorisation rules of the connection and the integration (api/auth/policy.ts).
 */
import { randomUUID } from 'node:crypto';
import {
  ZInboundEventV1,
  ZOutboundEventV1,
  deliveryOutcome,
  inboundSectionCommand,
  outboundTargets,
  retryDelays,
  type PermitOfProject,
} from '../../domain/bridge-events';
import {
  canIntegrationCommand,
  canManageAuthorityConnection,
  canReadAuthorityConnection,
  type Actor,
} from '../../api/auth/policy';

const CITY = 'city-id';
const POLICE = 'police-id';
const permits: PermitOfProject[] = [
  { permitType: 'noise', authorityId: CITY, authorityCode: 'CITY-TRE' },
  { permitType: 'area-use', authorityId: CITY, authorityCode: 'CITY-TRE' },
  { permitType: 'public-event', authorityId: POLICE, authorityCode: 'POLICE-SISA' },
];

describe('outboundTargets', () => {
  it('sends a submission to each connected authority once per permit, each with its own key', () => {
    const targets = outboundTargets({ id: '42', type: 'submit', permitType: null }, permits, new Set([CITY]));
    expect(targets).toEqual([
      expect.objectContaining({ type: 'submission.received', permitType: 'noise', authorityCode: 'CITY-TRE' }),
      expect.objectContaining({ type: 'submission.received', permitType: 'area-use', authorityCode: 'CITY-TRE' }),
    ]);
    expect(new Set(targets.map((t) => t.idempotencyKey)).size).toBe(2);
    expect(targets[0]!.idempotencyKey).toBe(`timeline:42:${CITY}:noise`);
  });

  it.each([
    ['requestInfo', 'infoRequest.created'],
    ['answerInfo', 'infoRequest.answered'],
    ['decide', 'decision.made'],
  ])('sends a section’s %s to every connected authority of the project once', (source, type) => {
    const targets = outboundTargets(
      { id: '7', type: source, permitType: 'public-event' },
      permits,
      new Set([CITY, POLICE]),
    );
    expect(targets.map((t) => [t.type, t.authorityCode, t.permitType])).toEqual([
      [type, 'CITY-TRE', 'public-event'],
      [type, 'POLICE-SISA', 'public-event'],
    ]);
  });

  it.each([
    ['an unrelated entry', { id: '1', type: 'saveDraft', permitType: null }, new Set([CITY])],
    ['no authority connected', { id: '1', type: 'submit', permitType: null }, new Set<string>()],
    ['a section the project does not have', { id: '1', type: 'decide', permitType: 'water' }, new Set([CITY])],
    ['a section entry without its permit', { id: '1', type: 'decide', permitType: null }, new Set([CITY])],
  ])('sends nothing for %s', (_what, entry, connected) => {
    expect(outboundTargets(entry, permits, connected)).toEqual([]);
  });
});

describe('deliveryOutcome', () => {
  it.each([
    [200, 'acknowledged'],
    [202, 'acknowledged'],
    [204, 'acknowledged'],
    [400, 'rejected'],
    [410, 'rejected'],
    [413, 'rejected'],
    [415, 'rejected'],
    [422, 'rejected'],
    [301, 'retry'],
    [401, 'retry'],
    [403, 'retry'],
    [404, 'retry'],
    [408, 'retry'],
    [409, 'retry'],
    [429, 'retry'],
    [500, 'retry'],
    [502, 'retry'],
    [503, 'retry'],
  ])('%i → %s', (status, outcome) => {
    expect(deliveryOutcome(status)).toBe(outcome);
  });
});

it('retry delays double up to the maximum', () => {
  expect(retryDelays(5_000, 300_000, 2, 9)).toEqual([
    5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 300_000, 300_000, 300_000,
  ]);
});

describe('outbound schema v1', () => {
  const envelope = {
    version: 1,
    id: randomUUID(),
    occurredAt: '2026-06-01T10:00:00.000Z',
    authorityCode: 'CITY-TRE',
    project: { id: randomUUID(), title: 'Festivaali' },
    permit: { type: 'noise', caseNumber: null, externalCaseNumber: null },
  };

  it('takes a decision with its data and refuses one without', () => {
    const data = {
      decidedBy: 'CITY-TRE',
      decision: 'approved',
      conditions: '',
      signedBy: 'Kaisa',
      signedAt: '2026-06-01T10:00:00.000Z',
      documentHash: null,
    };
    expect(ZOutboundEventV1.parse({ type: 'decision.made', ...envelope, data }).type).toBe('decision.made');
    const missing = ZOutboundEventV1.safeParse({ type: 'decision.made', ...envelope, data: { ...data, signedBy: 1 } });
    expect(missing.success).toBe(false);
    expect(missing.error?.issues[0]?.path).toEqual(['data', 'signedBy']);
  });

  it('refuses a version it does not define', () => {
    const parsed = ZOutboundEventV1.safeParse({
      type: 'infoRequest.answered',
      ...envelope,
      version: 2,
      data: { requestId: randomUUID(), answer: 'x', answeredAt: '2026-06-01T10:00:00.000Z' },
    });
    expect(parsed.error?.issues[0]?.path).toEqual(['version']);
  });
});

describe('inbound events v1', () => {
  const base = { version: 1, projectId: randomUUID(), permitType: 'noise' };

  it.each([
    [
      { type: 'infoRequest.created', data: { question: 'Mittaukset?', dueAt: '2026-06-01T10:00:00Z' } },
      { action: 'requestInfo', authorityCode: 'CITY-TRE', question: 'Mittaukset?', dueAt: '2026-06-01T10:00:00Z' },
    ],
    [
      { type: 'infoRequest.created', data: { question: 'Mittaukset?' } },
      { action: 'requestInfo', authorityCode: 'CITY-TRE', question: 'Mittaukset?' },
    ],
    [
      { type: 'draftDecision.proposed', data: { text: 'Luonnos' } },
      { action: 'proposeDraft', text: 'Luonnos' },
    ],
    [
      { type: 'decision.made', data: { decision: 'rejected', text: 'Päätös', signedBy: 'Kaisa' } },
      { action: 'decide', decision: 'rejected', text: 'Päätös', signedBy: 'Kaisa' },
    ],
    [{ type: 'case.registered', data: { caseNumber: 'TRE/1/2026' } }, null],
    [{ type: 'case.status', data: { status: 'Käsittelyssä' } }, null],
  ])('%j gives the clerk’s command %j', (event, command) => {
    expect(inboundSectionCommand(ZInboundEventV1.parse({ ...base, ...event }), 'CITY-TRE')).toEqual(command);
  });

  it.each([
    [{ type: 'case.moved', data: {} }, 'type'],
    [{ type: 'case.registered', data: {} }, 'data.caseNumber'],
    [{ type: 'case.registered', data: { caseNumber: '  ' } }, 'data.caseNumber'],
    [{ type: 'decision.made', data: { decision: 'maybe', text: 'x', signedBy: 'y' } }, 'data.decision'],
    [{ type: 'infoRequest.created', data: { question: 'x', dueAt: 'tomorrow' } }, 'data.dueAt'],
    [{ type: 'case.status', data: { status: 'x', extra: true } }, 'data'],
    [{ type: 'case.status', data: { status: 'x' }, version: 2 }, 'version'],
    [{ type: 'case.status', data: { status: 'x' }, projectId: 'nope' }, 'projectId'],
  ])('%j is refused naming %s', (event, path) => {
    const parsed = ZInboundEventV1.safeParse({ ...base, ...event });
    expect(parsed.success).toBe(false);
    expect(parsed.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('bridge rules (policy)', () => {
  const actor = (role: Actor['role'], authorityId: string | null): Actor => ({
    userId: randomUUID(),
    name: 'x',
    email: 'x@example.fi',
    role,
    organisationId: null,
    authorityId,
    authorityCode: authorityId ? 'CODE' : null,
    mandate: null,
  });

  it.each([
    ['its clerk', actor('AUTHORITY', CITY), true, true],
    ['its supervisor', actor('SUPERVISOR', CITY), true, false],
    ['another authority’s clerk', actor('AUTHORITY', POLICE), false, false],
    ['an administrator', actor('ADMIN', null), true, true],
    ['a customer', actor('CUSTOMER', null), false, false],
    ['the public', null, false, false],
  ])('%s: reads %s, manages %s', (_who, who, reads, manages) => {
    expect(canReadAuthorityConnection(who, CITY)).toBe(reads);
    expect(canManageAuthorityConnection(who, CITY)).toBe(manages);
  });

  const city = { authorityId: CITY, authorityCode: 'CITY-TRE' };
  it.each([
    [CITY, { action: 'requestInfo', authorityCode: 'CITY-TRE' }, true],
    [CITY, { action: 'requestInfo', authorityCode: 'POLICE-SISA' }, false],
    [CITY, { action: 'decide' }, true],
    [CITY, { action: 'proposeDraft' }, true],
    [CITY, { action: 'confirmReceipt' }, true],
    [CITY, { action: 'recordStatus' }, true],
    [CITY, { action: 'answerInfo' }, false],
    [CITY, { action: 'startHearing' }, false],
    [POLICE, { action: 'decide' }, false],
    [POLICE, { action: 'confirmReceipt' }, false],
  ])('the city’s system on a section of %s: %j → %s', (section, command, allowed) => {
    expect(canIntegrationCommand(city, section, command)).toBe(allowed);
  });
});
