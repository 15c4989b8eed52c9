/**
 * The pure parts of advice and knowledge: guides adapted to a profile (F03), the event size,
 * the search's backup prefix query (F02), and the chat and knowledge rules of the policy.
 */
import { adaptGuides, eventSizeOf, type GuideCriteria, type GuideProfile } from '../../domain/knowledge-guides';
import { prefixQuery, contactDocuments } from '../../domain/knowledge-search';
import {
  canCloseConversation,
  canEditKnowledge,
  canHandOverConversation,
  canOpenConversation,
  canPublishSolution,
  canReadChatQueue,
  canReadConversation,
  canSearchAuthorityDocuments,
  canWriteConversation,
  conversationScope,
  type Actor,
  type ConversationFacts,
} from '../../api/auth/policy';

describe('eventSizeOf', () => {
  it.each([
    [null, null],
    [-1, null],
    [0, 'small'],
    [999, 'small'],
    [1000, 'medium'],
    [9999, 'medium'],
    [10_000, 'large'],
    [250_000, 'large'],
  ])('%s people → %s', (attendance, size) => {
    expect(eventSizeOf(attendance)).toBe(size);
  });
});

describe('adaptGuides', () => {
  const g = (slug: string, c: Partial<GuideCriteria> = {}) => ({
    slug,
    permitTypes: [],
    industries: [],
    companySizes: [],
    eventSizes: [],
    ...c,
  });
  const guides = [
    g('general'),
    g('noise', { permitTypes: ['noise'] }),
    g('noise-events', { permitTypes: ['noise'], industries: ['events'] }),
    g('big-events', { industries: ['events'], eventSizes: ['large'] }),
    g('food', { industries: ['food'] }),
    g('micro', { companySizes: ['micro'] }),
  ];
  const festival: GuideProfile = {
    industry: 'events',
    companySize: 'micro',
    eventSize: 'medium',
    permitTypes: ['noise'],
  };

  it('keeps the guides whose every criterion the profile meets, the most specific first, with the reasons', () => {
    const adapted = adaptGuides(guides, festival, (a, b) => a.slug.localeCompare(b.slug));
    expect(adapted.map((a) => [a.guide.slug, a.specificity])).toEqual([
      ['noise-events', 2],
      ['micro', 1],
      ['noise', 1],
      ['general', 0],
    ]);
    expect(adapted[0]!.reasons).toEqual([
      { criterion: 'permitType', values: ['noise'] },
      { criterion: 'industry', values: ['events'] },
    ]);
    expect(adapted.at(-1)!.reasons).toEqual([{ criterion: 'general', values: [] }]);
  });

  it('leaves out guides for what the profile does not know (no project, no organisation)', () => {
    const unknown: GuideProfile = { industry: null, companySize: null, eventSize: null, permitTypes: [] };
    expect(adaptGuides(guides, unknown).map((a) => a.guide.slug)).toEqual(['general']);
  });

  it('names only the matching values of a criterion', () => {
    const [only] = adaptGuides([g('two', { permitTypes: ['noise', 'fireworks'] })], festival);
    expect(only!.reasons).toEqual([{ criterion: 'permitType', values: ['noise'] }]);
  });
});

describe('prefixQuery', () => {
  it('shortens long stems into prefixes so Finnish inflections meet, and keeps short ones exact', () => {
    expect(prefixQuery(['meluilmoituks', 'tekemin'])).toBe("'meluilmoitu':* | 'tekem':*");
    expect(prefixQuery(['poli', 'a'])).toBe("'poli'");
  });

  it('quotes what tsquery syntax would read as operators', () => {
    expect(prefixQuery(["o'brien"])).toBe("'o''bri':*");
    expect(prefixQuery(['back\\slash'])).toBe("'back\\\\sla':*");
  });

  it('is null without stems', () => {
    expect(prefixQuery([])).toBeNull();
  });
});

describe('contact documents', () => {
  it('list what the authority handles in each language', () => {
    const [fi, en] = contactDocuments(
      { id: 'a', code: 'TUKES', nameFi: 'Tukes', nameEn: 'Safety Agency', email: 'k@t.example', phone: '0295 052 000' },
      [{ permitType: 'chemicals', nameFi: 'Kemikaalit', nameEn: 'Chemicals' }],
    );
    expect(fi).toMatchObject({
      id: 'contact:a:fi',
      title: 'Tukes',
      permitTypes: ['chemicals'],
      authorityCode: 'TUKES',
    });
    expect(fi!.body).toContain('Käsittelee: Kemikaalit');
    expect(en!.body).toContain('Phone: 0295 052 000');
  });
});

const actor = (role: Actor['role'], extra: Partial<Actor> = {}): Actor => ({
  userId: `u-${role}`,
  name: role,
  email: `${role}@x`,
  role,
  organisationId: null,
  authorityId: null,
  authorityCode: null,
  mandate: null,
  ...extra,
});
const customer = actor('CUSTOMER', { userId: 'u-customer', organisationId: 'org-1' });
const otherCustomer = actor('CUSTOMER', { userId: 'u-other', organisationId: 'org-2' });
const agent = actor('AGENT', { mandate: { id: 'm', organisationId: 'org-1', scope: ['permits'] } });
const idleAgent = actor('AGENT');
const desk = actor('SERVICE_DESK');
const city = actor('AUTHORITY', { authorityId: 'auth-city', authorityCode: 'CITY-TRE' });
const police = actor('AUTHORITY', { authorityId: 'auth-police', authorityCode: 'POLICE-SISA' });
const admin = actor('ADMIN');
const resident = actor('RESIDENT');
const project = { organisationId: 'org-1', authorityIds: ['auth-police'] };

const atDesk: ConversationFacts = {
  customerId: 'u-customer',
  handledBy: 'serviceDesk',
  authorityCode: null,
  status: 'open',
  project: null,
};
const atCity: ConversationFacts = { ...atDesk, handledBy: 'authority', authorityCode: 'CITY-TRE' };

describe('chat and knowledge rules', () => {
  it('opening: customers and acting agents; with a project only one they may read', () => {
    expect([customer, agent, otherCustomer].map((a) => canOpenConversation(a, null))).toEqual([true, true, true]);
    expect([null, idleAgent, desk, city, admin, resident].map((a) => canOpenConversation(a, null))).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect([customer, agent, otherCustomer].map((a) => canOpenConversation(a, project))).toEqual([true, true, false]);
  });

  it('reading: the opener, the desk, the handler, project readers and ADMIN', () => {
    const withProject = { ...atCity, project };
    expect([customer, desk, city, admin].every((a) => canReadConversation(a, atCity))).toBe(true);
    expect([otherCustomer, police, resident, null].some((a) => canReadConversation(a, atCity))).toBe(false);
    expect(canReadConversation(police, withProject)).toBe(true);
    expect(canReadConversation(agent, withProject)).toBe(true);
  });

  it('writing, handing over and closing: the opener and the handler now, while open', () => {
    expect([customer, desk].map((a) => canWriteConversation(a, atDesk))).toEqual([true, true]);
    expect([customer, desk, city].map((a) => canWriteConversation(a, atCity))).toEqual([true, false, true]);
    expect(canWriteConversation(customer, { ...atDesk, status: 'closed' })).toBe(false);
    expect([customer, desk, city].map((a) => canHandOverConversation(a, atDesk))).toEqual([false, true, false]);
    expect([desk, city].map((a) => canHandOverConversation(a, atCity))).toEqual([false, true]);
    expect([customer, police].map((a) => canCloseConversation(a, atCity))).toEqual([true, false]);
  });

  it('queues, listings, experts, solutions and the authorities-only search documents', () => {
    expect([desk, admin, city].map((a) => canReadChatQueue(a, 'DESK'))).toEqual([true, true, false]);
    expect([city, police, desk].map((a) => canReadChatQueue(a, 'CITY-TRE'))).toEqual([true, false, false]);
    expect(conversationScope(customer)).toEqual({ customerId: 'u-customer' });
    expect(conversationScope(desk)).toEqual({ handledBy: 'serviceDesk' });
    expect(conversationScope(city)).toEqual({ authorityCode: 'CITY-TRE' });
    expect(conversationScope(null)).toEqual({ none: true });
    expect([desk, city, admin, customer].map((a) => canEditKnowledge(a, null))).toEqual([true, false, true, false]);
    expect([desk, city, police, admin].map((a) => canEditKnowledge(a, 'CITY-TRE'))).toEqual([false, true, false, true]);
    expect([city, police, desk].map((a) => canPublishSolution(a, 'auth-city'))).toEqual([true, false, false]);
    expect([city, admin, desk, customer, null].map(canSearchAuthorityDocuments)).toEqual([
      true,
      true,
      false,
      false,
      false,
    ]);
  });
});
