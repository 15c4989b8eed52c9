/** The invoice rules of api/auth/policy.ts: who reads, who pays, what a list shows. */
import {
  canDeliverPaymentCallback,
  canPayInvoice,
  canReadInvoice,
  invoiceScopeOf,
  type Actor,
  type InvoiceFacts,
} from '../../api/auth/policy';

const ORG = 'org-festival';
const base: Actor = {
  userId: 'u',
  name: 'N',
  email: 'n@example',
  role: 'RESIDENT',
  organisationId: null,
  authorityId: null,
  authorityCode: null,
  mandate: null,
};
const customer: Actor = { ...base, role: 'CUSTOMER', organisationId: ORG };
const otherCustomer: Actor = { ...base, role: 'CUSTOMER', organisationId: 'org-food' };
const agent = (scope: string[]): Actor => ({
  ...base,
  role: 'AGENT',
  mandate: { id: 'm', organisationId: ORG, scope },
});
const clerk = (code: string): Actor => ({ ...base, role: 'AUTHORITY', authorityId: `a-${code}`, authorityCode: code });
const admin: Actor = { ...base, role: 'ADMIN' };
const desk: Actor = { ...base, role: 'SERVICE_DESK' };

const permitFee: InvoiceFacts = { organisationId: ORG, authorityCode: 'CITY-TRE', kind: 'permit' };
const inspectionFee: InvoiceFacts = { ...permitFee, kind: 'inspection' };

describe('invoice access', () => {
  it.each([
    ['the customer', customer, true, true],
    ['an agent mandated for permits', agent(['permits']), true, true],
    ['another organisation', otherCustomer, false, false],
    ['the issuing authority', clerk('CITY-TRE'), true, false],
    ['another authority', clerk('TUKES'), false, false],
    ['the service desk', desk, false, false],
    ['ADMIN', admin, true, false],
    ['the public', null, false, false],
  ] as const)('%s: reads %s, pays %s', (_who, actor, reads, pays) => {
    expect(canReadInvoice(actor, permitFee)).toBe(reads);
    expect(canPayInvoice(actor, permitFee)).toBe(pays);
  });

  it("an agent's mandate scope decides: supervision fees need the supervision scope", () => {
    expect(canReadInvoice(agent(['permits']), inspectionFee)).toBe(false);
    expect(canPayInvoice(agent(['supervision']), inspectionFee)).toBe(true);
    expect(invoiceScopeOf(agent(['supervision']))).toEqual({ organisationId: ORG, kinds: ['inspection'] });
  });

  it('lists: the organisation, the authority, everything, or nothing', () => {
    expect(invoiceScopeOf(customer)).toEqual({ organisationId: ORG, kinds: ['permit', 'inspection'] });
    expect(invoiceScopeOf(clerk('CITY-TRE'))).toEqual({ authorityCode: 'CITY-TRE' });
    expect(invoiceScopeOf(admin)).toEqual({ all: true });
    expect(invoiceScopeOf(desk)).toEqual({ none: true });
    expect(invoiceScopeOf(null)).toEqual({ none: true });
  });

  it('anyone may deliver a payment callback: its signature, not a session, is checked', () => {
    expect(canDeliverPaymentCallback()).toBe(true);
  });
});
