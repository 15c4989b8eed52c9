/**
 * The actors of the unit tests of api/auth/policy.ts: one of each role, built from one signed-in
 * base, so every policy test speaks of the same people (the festival's customer, the city's
 * clerk, …) and a new field of `Actor` is added in one place.
 */
import type { Actor } from '../../api/auth/policy';

/** The festival organiser's organisation, and another one. */
export const ORG = 'org-festival';
export const OTHER_ORG = 'org-food';
/** Three authorities: police and city are involved in the test project, rescue is not. */
export const POLICE = { id: 'auth-police', code: 'POLICE-SISA' };
export const CITY = { id: 'auth-city', code: 'CITY-TRE' };
export const RESCUE = { id: 'auth-rescue', code: 'RESCUE-PIR' };

/** A signed-in resident with no organisation, authority or mandate: the base of every actor. */
export const base: Actor = {
  userId: 'u',
  name: 'N',
  email: 'n@example',
  role: 'RESIDENT',
  organisationId: null,
  authorityId: null,
  authorityCode: null,
  mandate: null,
};
export const actor = (over: Partial<Actor>): Actor => ({ ...base, ...over });
/** A clerk of the authority `a`. */
export const authority = (a: { id: string; code: string }): Actor =>
  actor({ role: 'AUTHORITY', authorityId: a.id, authorityCode: a.code });

export const customer = actor({ role: 'CUSTOMER', organisationId: ORG });
export const otherCustomer = actor({ role: 'CUSTOMER', organisationId: OTHER_ORG });
/** An agent with a mandate of the festival's organisation covering `scope`. */
export const agent = (scope: string[]): Actor =>
  actor({ role: 'AGENT', mandate: { id: 'm1', organisationId: ORG, scope } });
export const agentWithoutMandate = actor({ role: 'AGENT' });
export const police = authority(POLICE);
export const city = authority(CITY);
export const rescue = authority(RESCUE);
export const supervisor = actor({ role: 'SUPERVISOR', authorityId: CITY.id, authorityCode: CITY.code });
export const serviceDesk = actor({ role: 'SERVICE_DESK' });
export const admin = actor({ role: 'ADMIN' });
export const resident = actor({ role: 'RESIDENT' });
