/** The people of the authorisation tests: every role signed in through the local provider. */
import { ApiClient } from '../../api/client';
import { AUTHORITY_USERS, DEMO_USERS } from '../../prisma/seed';

export type Role =
  | 'organiser'
  | 'agent'
  | 'foodManager'
  | 'involvedClerk'
  | 'otherClerk'
  | 'supervisor'
  | 'serviceDesk'
  | 'resident'
  | 'admin'
  | 'public';

export const EVERYONE: Role[] = [
  'organiser',
  'agent',
  'foodManager',
  'involvedClerk',
  'otherClerk',
  'supervisor',
  'serviceDesk',
  'resident',
  'admin',
  'public',
];
export const SIGNED_IN = EVERYONE.filter((r) => r !== 'public');

/**
 * Signs every role in: the agent acting under its first mandate (for Tammerfest ry), the
 * involved clerk of `involvedCode`'s authority, the other clerk of `otherCode`'s, the public
 * without a session. Into `clients`, so a test module can hold it before they exist.
 */
export async function signInRoles(
  base: string,
  clients: Record<Role, ApiClient>,
  authorities: { involvedCode: string; otherCode: string },
): Promise<void> {
  const signIn = (email: string) => ApiClient.signIn(base, email);
  clients.organiser ??= await signIn(DEMO_USERS.organiser);
  clients.agent = await signIn(DEMO_USERS.agent);
  await clients.agent.actFor(clients.agent.session!.mandates[0]!.id);
  clients.foodManager = await signIn(DEMO_USERS.foodManager);
  clients.involvedClerk = await signIn(AUTHORITY_USERS[authorities.involvedCode]!);
  clients.otherClerk = await signIn(AUTHORITY_USERS[authorities.otherCode]!);
  clients.supervisor = await signIn(DEMO_USERS.supervisor);
  clients.serviceDesk = await signIn(DEMO_USERS.serviceDesk);
  clients.resident = await signIn(DEMO_USERS.resident);
  clients.admin = await signIn(DEMO_USERS.admin);
  clients.public = new ApiClient(base);
}
