/** Who may edit which guide in the UI (the API decides; this only hides what would be refused). */

/** What of the session the rules need (structurally the UI's Session). */
interface Session {
  user: { role: string; authorityCode: string | null };
}

export function canEditGuide(session: Session | null, authorityCode: string | null): boolean {
  const role = session?.user.role;
  if (role === 'ADMIN') return true;
  if (authorityCode === null) return role === 'SERVICE_DESK';
  return (role === 'AUTHORITY' || role === 'SUPERVISOR') && session?.user.authorityCode === authorityCode;
}

/** The authority a new guide belongs to: the author's own, or the shared customer service's (null). */
export const ownGuideAuthority = (session: Session | null): string | null => session?.user.authorityCode ?? null;

export const isGuideEditor = (session: Session | null) =>
  ['ADMIN', 'SERVICE_DESK', 'AUTHORITY', 'SUPERVISOR'].includes(session?.user.role ?? '');
