/** Who is signed in, for whom they act, and what the UI offers them (the API decides access). */
import { ApiError, get, send, setCsrfToken } from './api';

export type Role = 'CUSTOMER' | 'AGENT' | 'SERVICE_DESK' | 'AUTHORITY' | 'SUPERVISOR' | 'RESIDENT' | 'ADMIN';
export interface Mandate {
  id: string;
  organisationId: string;
  organisationName: string;
  scope: string[];
  validTo: string;
}
export interface Session {
  user: {
    id: string;
    name: string;
    email: string;
    role: Role;
    organisationId: string | null;
    authorityCode: string | null;
  };
  csrfToken: string;
  actingFor: { mandateId: string; organisationId: string; organisationName: string | null; scope: string[] } | null;
  mandates: Mandate[];
}

export const auth = $state<{ session: Session | null; loaded: boolean }>({ session: null, loaded: false });

export async function loadSession(): Promise<void> {
  try {
    auth.session = await get<Session>('/api/session');
    setCsrfToken(auth.session.csrfToken);
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 401)) throw err;
    auth.session = null;
  } finally {
    auth.loaded = true;
  }
}

export async function signOut(): Promise<void> {
  await send('POST', '/api/auth/logout');
  auth.session = null;
}

export async function actFor(mandateId: string | null): Promise<void> {
  await send('PUT', '/api/session/acting-for', { mandateId });
  await loadSession();
}

export const signInHref = (returnTo: string, locale: string) =>
  `/api/auth/login?returnTo=${encodeURIComponent(returnTo)}&lang=${locale}`;

const role = () => auth.session?.user.role;
/** Runs permit projects: a company's own people, and agents acting under a mandate. */
export const isCustomer = () => role() === 'CUSTOMER' || (role() === 'AGENT' && !!auth.session?.actingFor);
export const isAuthority = () => role() === 'AUTHORITY' || role() === 'SUPERVISOR';
export const isSupervisor = () => role() === 'SUPERVISOR' || role() === 'AUTHORITY';
/** The organisation whose projects the customer sees: their own, or the one they act for. */
export const customerOrganisationId = () =>
  auth.session?.actingFor?.organisationId ?? auth.session?.user.organisationId ?? null;
