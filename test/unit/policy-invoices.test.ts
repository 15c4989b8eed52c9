/** The invoice rules of api/auth/policy.ts: who reads, who pays, what a list shows. */
import {
  canDeliverPaymentCallback,
  canPayInvoice,
  canReadInvoice,
  invoiceScopeOf,
  type InvoiceFacts,
} from '../../api/auth/policy';

import { ORG, admin, agent, city, customer, otherCustomer, rescue, serviceDesk } from '../support/actors';

const permitFee: InvoiceFacts = { organisationId: ORG, authorityCode: 'CITY-TRE', kind: 'permit' };
const inspectionFee: InvoiceFacts = { ...permitFee, kind: 'inspection' };

describe('invoice access', () => {
  it.each([
    ['the customer', customer, true, true],
    ['an agent mandated for permits', agent(['permits']), true, true],
    ['another organisation', otherCustomer, false, false],
    ['the issuing authority', city, true, false],
    ['another authority', rescue, false, false],
    ['the service desk', serviceDesk, false, false],
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
    expect(invoiceScopeOf(city)).toEqual({ authorityCode: 'CITY-TRE' });
    expect(invoiceScopeOf(admin)).toEqual({ all: true });
    expect(invoiceScopeOf(serviceDesk)).toEqual({ none: true });
    expect(invoiceScopeOf(null)).toEqual({ none: true });
  });

  it('anyone may deliver a payment callback: its signature, not a session, is checked', () => {
    expect(canDeliverPaymentCallback()).toBe(true);
  });
});
