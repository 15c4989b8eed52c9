/** The venue rules of api/auth/policy.ts: who reads the calendar, who reserves for which organisation. */
import {
  canLinkVenueProject,
  canReadVenueCalendar,
  canReserveVenue,
  venueReservationScope,
  type Viewer,
} from '../../api/auth/policy';

import {
  ORG,
  OTHER_ORG,
  admin,
  agent,
  agentWithoutMandate,
  city,
  customer,
  otherCustomer,
  resident,
  serviceDesk,
} from '../support/actors';

const ACTORS: Record<string, Viewer> = {
  public: null,
  resident,
  customer,
  otherCustomer,
  agentPermits: agent(['permits']),
  agentSupervision: agent(['supervision']),
  agentNoMandate: agentWithoutMandate,
  clerk: city,
  serviceDesk,
  admin,
};

describe('venue policy', () => {
  it('everyone reads the calendar, also the public', () => {
    for (const actor of Object.values(ACTORS)) expect(canReadVenueCalendar(actor)).toBe(true);
  });

  it.each(Object.keys(ACTORS))('%s reserves for the festival only when acting for it', (name) => {
    const allowed = ['customer', 'agentPermits'].includes(name);
    expect(canReserveVenue(ACTORS[name]!, ORG)).toBe(allowed);
    expect(canReserveVenue(ACTORS[name]!, OTHER_ORG)).toBe(name === 'otherCustomer');
  });

  it('links only a project of the acting organisation', () => {
    const festival = { organisationId: ORG, authorityIds: [] };
    expect(canLinkVenueProject(ACTORS.customer!, festival)).toBe(true);
    expect(canLinkVenueProject(ACTORS.agentPermits!, festival)).toBe(true);
    expect(canLinkVenueProject(ACTORS.otherCustomer!, festival)).toBe(false);
    expect(canLinkVenueProject(ACTORS.admin!, festival)).toBe(false);
  });

  it.each<[string, ReturnType<typeof venueReservationScope>]>([
    ['admin', { all: true }],
    ['customer', { organisationId: ORG }],
    ['agentPermits', { organisationId: ORG }],
    ['agentSupervision', { none: true }],
    ['clerk', { none: true }],
    ['serviceDesk', { none: true }],
    ['resident', { none: true }],
    ['public', { none: true }],
  ])('%s lists %j', (name, scope) => {
    expect(venueReservationScope(ACTORS[name]!)).toEqual(scope);
  });
});
