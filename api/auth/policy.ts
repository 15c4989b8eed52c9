/**
 * Who may do what: every authorisation rule of the platform, in one place. Routes and socket
 * rooms ask these functions with the facts of the resource (its organisation, the authorities
 * involved); nothing else decides access. Pure: no I/O, so each rule is unit-tested.
 *
 * Relationships, not just roles (F32–F34, F38):
 * - a customer acts for its own organisation; an agent only for an organisation that gave it
 *   a mandate that is valid now, within the mandate's scope ("permits", "supervision");
 * - an authority user (AUTHORITY, SUPERVISOR) sees the projects its authority is involved in,
 *   acts only on its own authority's permit sections, and reads the other authorities' parts;
 * - the shared customer service (SERVICE_DESK) reads projects to advise, and changes nothing;
 * - residents and the public read public notices and the public calendar, comment while a
 *   hearing is open and report observations; ADMIN reads everything.
 */
import type { Role } from '../../prisma/generated/client';

export type MandateScope = 'permits' | 'supervision';

export interface Actor {
  userId: string;
  name: string;
  email: string;
  role: Role;
  /** The user's own organisation (customers). */
  organisationId: string | null;
  authorityId: string | null;
  authorityCode: string | null;
  /** The mandate the user acts under now; only ever a valid, unrevoked one. */
  mandate: { id: string; organisationId: string; scope: string[] } | null;
}

/** The signed-in actor, or null for the public. */
export type Viewer = Actor | null;

export interface ProjectFacts {
  organisationId: string;
  /** Every authority with a permit section in the project. */
  authorityIds: readonly string[];
}

export interface SiteFacts {
  organisationId: string;
  /** The authority supervising the site, when a cycle runs. */
  authorityCode: string | null;
}

const isAuthorityUser = (a: Actor) => (a.role === 'AUTHORITY' || a.role === 'SUPERVISOR') && a.authorityId !== null;

/** The organisation the actor acts for on the customer side, within a mandate's scope. */
export function actingOrganisation(actor: Viewer, scope: MandateScope): string | null {
  if (!actor) return null;
  if (actor.role === 'CUSTOMER') return actor.mandate?.organisationId ?? actor.organisationId;
  if (actor.role === 'AGENT' && actor.mandate?.scope.includes(scope)) return actor.mandate.organisationId;
  return null;
}

/** Whom a customer-side change is made on behalf of: the mandating organisation, if any. */
export const onBehalfOf = (actor: Viewer): string | null => actor?.mandate?.organisationId ?? null;

/** The customer side of a project: its organisation's users and mandated agents. */
export const isProjectCustomer = (actor: Viewer, p: ProjectFacts) =>
  actingOrganisation(actor, 'permits') === p.organisationId;

export const isProjectAuthority = (actor: Viewer, p: ProjectFacts) =>
  !!actor && isAuthorityUser(actor) && p.authorityIds.includes(actor.authorityId!);

export function canReadProject(actor: Viewer, p: ProjectFacts): boolean {
  if (!actor) return false;
  return (
    actor.role === 'ADMIN' ||
    actor.role === 'SERVICE_DESK' ||
    isProjectCustomer(actor, p) ||
    isProjectAuthority(actor, p)
  );
}

/** Trade secrets in an application: the owner and the authorities, no one else (not the service desk). */
export const canReadTradeSecrets = (actor: Viewer, p: ProjectFacts) =>
  isProjectCustomer(actor, p) || isProjectAuthority(actor, p) || actor?.role === 'ADMIN';

export const canCreateProject = (actor: Viewer, organisationId: string) =>
  actingOrganisation(actor, 'permits') === organisationId;

/** Which side performs each project command. */
const PROJECT_SIDES: Record<string, 'customer' | 'authority' | 'either'> = {
  answerAdvice: 'customer',
  completeAdvice: 'customer',
  saveDraft: 'customer',
  submitDraft: 'customer',
  submit: 'customer',
  cancel: 'customer',
  editAgenda: 'either',
  scheduleKickoff: 'either',
  confirmKickoff: 'authority',
  holdKickoff: 'authority',
  confirmReceipt: 'authority',
};

/**
 * May the actor send this project command? Authority commands that name an authority or a
 * permit must name the actor's own (`ownPermit` says whether the named permit is its own).
 */
export function canCommandProject(
  actor: Viewer,
  p: ProjectFacts,
  command: { action: string; authorityCode?: string },
  ownPermit: (permitType: string) => boolean,
): boolean {
  const side = PROJECT_SIDES[command.action];
  if (!actor || !side) return false;
  const customer = isProjectCustomer(actor, p);
  const authority = isProjectAuthority(actor, p);
  if (side === 'customer') return customer;
  if (side === 'either') return customer || authority;
  if (!authority) return false;
  if (command.action === 'confirmKickoff') return command.authorityCode === actor.authorityCode;
  if (command.action === 'confirmReceipt') return ownPermit((command as { permitType?: string }).permitType ?? '');
  return true;
}

const SECTION_CUSTOMER_ACTIONS = new Set(['answerInfo', 'reply', 'reviewDraft']);
const SECTION_AUTHORITY_ACTIONS = new Set([
  'requestInfo',
  'startHearing',
  'closeReplies',
  'proposeDraft',
  'decide',
  'cancel',
]);

/**
 * A permit section's commands: the section's own authority processes it; the customer
 * answers requests, replies to comments and reviews the draft decision. Third parties
 * comment through the public notice, never here. `requestInfo` must name the actor's authority.
 */
export function canCommandSection(
  actor: Viewer,
  p: ProjectFacts,
  sectionAuthorityId: string,
  command: { action: string; authorityCode?: string },
): boolean {
  if (!actor) return false;
  if (SECTION_CUSTOMER_ACTIONS.has(command.action)) return isProjectCustomer(actor, p);
  if (!SECTION_AUTHORITY_ACTIONS.has(command.action)) return false;
  if (!isAuthorityUser(actor) || actor.authorityId !== sectionAuthorityId) return false;
  return command.action !== 'requestInfo' || command.authorityCode === actor.authorityCode;
}

/**
 * Messages on a project (F24, F36): the customer side in any thread; an involved authority in
 * the common thread (`sectionAuthorityId` null) and in its own permits' threads.
 */
export function canPostMessage(actor: Viewer, p: ProjectFacts, sectionAuthorityId: string | null): boolean {
  if (isProjectCustomer(actor, p)) return true;
  if (!isProjectAuthority(actor, p)) return false;
  return sectionAuthorityId === null || actor!.authorityId === sectionAuthorityId;
}

/** An authority overrides the forecast of its own permit sections only. */
export const canOverrideForecast = (actor: Viewer, sectionAuthorityId: string) =>
  !!actor && isAuthorityUser(actor) && actor.authorityId === sectionAuthorityId;

/** Authorities' own "viewed" marks (F25): for their own authority only. */
export const canMarkViewed = (actor: Viewer, p: ProjectFacts, authorityCode: string) =>
  isProjectAuthority(actor, p) && actor!.authorityCode === authorityCode;

/** An authority's work queue (its socket room): the authority's own users. */
export const canReadAuthorityQueue = (actor: Viewer, authorityCode: string) =>
  !!actor && isAuthorityUser(actor) && actor.authorityCode === authorityCode;

/** Which projects a listing shows the actor: a filter on organisation or authority. */
export function projectScope(
  actor: Viewer,
): { all: true } | { organisationId: string } | { authorityId: string } | { none: true } {
  if (!actor) return { none: true };
  if (actor.role === 'ADMIN' || actor.role === 'SERVICE_DESK') return { all: true };
  const org = actingOrganisation(actor, 'permits');
  if (org) return { organisationId: org };
  if (isAuthorityUser(actor)) return { authorityId: actor.authorityId! };
  return { none: true };
}

export const isSiteCustomer = (actor: Viewer, s: SiteFacts) =>
  actingOrganisation(actor, 'supervision') === s.organisationId;

/** Supervisors and authority users of the supervising authority; any authority user before a cycle starts. */
export const isSiteAuthority = (actor: Viewer, s: SiteFacts) =>
  !!actor && isAuthorityUser(actor) && (s.authorityCode === null || s.authorityCode === actor.authorityCode);

export const canReadSite = (actor: Viewer, s: SiteFacts) =>
  isSiteCustomer(actor, s) || isSiteAuthority(actor, s) || actor?.role === 'ADMIN';

/** Starting a supervision cycle and inspection work: the supervising authority. */
export const canSupervise = (actor: Viewer, s: SiteFacts) => isSiteAuthority(actor, s);

const SUPERVISION_CUSTOMER_ACTIONS = new Set(['editAgenda', 'submitEvidence']);

export function canCommandSupervision(actor: Viewer, s: SiteFacts, action: string): boolean {
  if (SUPERVISION_CUSTOMER_ACTIONS.has(action) && isSiteCustomer(actor, s)) return true;
  return isSiteAuthority(actor, s);
}

/**
 * Reports between inspections: the company reports self-monitoring and incidents, anyone
 * (signed in or not) a citizen observation (F30), the authority any of them.
 */
export function canReportSupervision(actor: Viewer, s: SiteFacts, kind: string): boolean {
  if (kind === 'citizenObservation') return true;
  return isSiteAuthority(actor, s) || isSiteCustomer(actor, s);
}

/** Risk reports across every site: authority users and ADMIN. */
export const canReadRiskReports = (actor: Viewer) => !!actor && (isAuthorityUser(actor) || actor.role === 'ADMIN');

/** Sites listing scope. */
export function siteScope(actor: Viewer): { all: true } | { organisationId: string } | { none: true } {
  if (!actor) return { none: true };
  if (actor.role === 'ADMIN' || isAuthorityUser(actor)) return { all: true };
  const org = actingOrganisation(actor, 'supervision');
  return org ? { organisationId: org } : { none: true };
}

/** Granting and revoking mandates: the organisation's own users (customers), never an agent. */
export const canManageMandates = (actor: Viewer, organisationId: string) =>
  !!actor && actor.role === 'CUSTOMER' && actor.organisationId === organisationId && !actor.mandate;

/** An organisation's own record: its users, agents acting for it, authority users, the service desk and ADMIN. */
export const canReadOrganisation = (actor: Viewer, organisationId: string) =>
  !!actor &&
  (actingOrganisation(actor, 'permits') === organisationId ||
    actingOrganisation(actor, 'supervision') === organisationId ||
    isAuthorityUser(actor) ||
    actor.role === 'SERVICE_DESK' ||
    actor.role === 'ADMIN');

export const canReadAudit = (actor: Viewer) => actor?.role === 'ADMIN';

/** The security events (refused and withheld access): administrators only, like the audit log. */
export const canReadSecurityEvents = (actor: Viewer) => actor?.role === 'ADMIN';

/** Venue cards and the reservation calendar (free, held or confirmed, how many queue): everyone, also the public. */
export const canReadVenueCalendar = (_actor: Viewer) => true;

/** The organisation whose venue reservations the actor makes and sees: its own, or the mandating one ('permits'). */
export const venueOrganisation = (actor: Viewer): string | null => actingOrganisation(actor, 'permits');

/** Reserving, confirming and cancelling a venue date: a customer or mandated agent, for that organisation only. */
export const canReserveVenue = (actor: Viewer, organisationId: string) => venueOrganisation(actor) === organisationId;

/** A reservation may name a permit project of the reserving organisation only. */
export const canLinkVenueProject = (actor: Viewer, p: ProjectFacts) => isProjectCustomer(actor, p);

/** Which venue reservations, with their organisations, a listing shows: ADMIN all, an organiser its own. */
export function venueReservationScope(actor: Viewer): { all: true } | { organisationId: string } | { none: true } {
  if (actor?.role === 'ADMIN') return { all: true };
  const org = venueOrganisation(actor);
  return org ? { organisationId: org } : { none: true };
}

// Advice and knowledge (F01–F03) ------------------------------------------------------------

/** The facts of a chat conversation the rules below need. */
export interface ConversationFacts {
  customerId: string;
  /** 'serviceDesk' or 'authority' (after a hand-over). */
  handledBy: string;
  authorityCode: string | null;
  status: string;
  /** The project it is kept with, when there is one. */
  project: ProjectFacts | null;
}

/**
 * Opening a chat (F01): a signed-in customer, or an agent acting for an organisation; a
 * conversation kept with a project only when they may read the project.
 */
export function canOpenConversation(actor: Viewer, project: ProjectFacts | null): boolean {
  if (!actor) return false;
  const customerSide = actor.role === 'CUSTOMER' || (actor.role === 'AGENT' && !!actor.mandate);
  return customerSide && (project === null || canReadProject(actor, project));
}

/** Who answers the conversation now: the shared customer service, or the authority it was handed to. */
const isConversationHandler = (actor: Actor, c: ConversationFacts) =>
  c.handledBy === 'authority'
    ? isAuthorityUser(actor) && actor.authorityCode === c.authorityCode
    : actor.role === 'SERVICE_DESK';

/**
 * Reading a conversation: the customer who opened it, the shared customer service (it
 * follows every conversation it started with), the authority it was handed to, the readers of
 * the project it is kept with, and ADMIN.
 */
export const canReadConversation = (actor: Viewer, c: ConversationFacts) =>
  !!actor &&
  (actor.userId === c.customerId ||
    actor.role === 'SERVICE_DESK' ||
    actor.role === 'ADMIN' ||
    isConversationHandler(actor, c) ||
    (c.project !== null && canReadProject(actor, c.project)));

/** Writing in an open conversation: the customer who opened it and whoever handles it now. */
export const canWriteConversation = (actor: Viewer, c: ConversationFacts) =>
  !!actor && c.status === 'open' && (actor.userId === c.customerId || isConversationHandler(actor, c));

/** Handing a conversation over to an authority (with a note): whoever handles it now, never the customer. */
export const canHandOverConversation = (actor: Viewer, c: ConversationFacts) =>
  !!actor && c.status === 'open' && actor.userId !== c.customerId && isConversationHandler(actor, c);

/** Closing: the customer who opened it or whoever handles it now. */
export const canCloseConversation = canWriteConversation;

/** A chat queue's socket room: the desk's for the shared customer service, an authority's for its own users. */
export const canReadChatQueue = (actor: Viewer, queue: string) =>
  queue === 'DESK' ? actor?.role === 'SERVICE_DESK' || actor?.role === 'ADMIN' : canReadAuthorityQueue(actor, queue);

/** Which conversations a listing shows: the customer's own, a queue, or all (ADMIN). */
export function conversationScope(
  actor: Viewer,
): { customerId: string } | { handledBy: 'serviceDesk' } | { authorityCode: string } | { all: true } | { none: true } {
  if (!actor) return { none: true };
  if (actor.role === 'ADMIN') return { all: true };
  if (actor.role === 'SERVICE_DESK') return { handledBy: 'serviceDesk' };
  if (isAuthorityUser(actor)) return { authorityCode: actor.authorityCode! };
  return { customerId: actor.userId };
}

/** Experts of the answer store and the guides: the shared customer service, authority users, ADMIN. */
export const isKnowledgeExpert = (actor: Viewer) =>
  !!actor && (actor.role === 'SERVICE_DESK' || actor.role === 'ADMIN' || isAuthorityUser(actor));

/**
 * Writing a guide or a stored answer owned by `authorityCode`: that authority's own users;
 * the shared ones (null) by the shared customer service; anything by ADMIN.
 */
export const canEditKnowledge = (actor: Viewer, authorityCode: string | null) =>
  !!actor &&
  (actor.role === 'ADMIN' ||
    (authorityCode === null
      ? actor.role === 'SERVICE_DESK'
      : isAuthorityUser(actor) && actor.authorityCode === authorityCode));

/** Publishing a decided case to the solution store: the authority that decided it. */
export const canPublishSolution = (actor: Viewer, permitAuthorityId: string) =>
  !!actor && isAuthorityUser(actor) && actor.authorityId === permitAuthorityId;

/** Search documents for authorities only (archived projects): authority users and ADMIN. */
export const canSearchAuthorityDocuments = (actor: Viewer) =>
  !!actor && (actor.role === 'ADMIN' || isAuthorityUser(actor));

/** An archived project (F22): its organisation and the codes of the authorities that had a permit in it. */
export interface ArchiveFacts {
  organisationId: string;
  authorityCodes: readonly string[];
}

const isArchiveAuthority = (actor: Viewer, a: ArchiveFacts) =>
  !!actor && isAuthorityUser(actor) && a.authorityCodes.includes(actor.authorityCode ?? '');

/** Searching the archive is an authority's tool: authority users and ADMIN. */
export const canSearchArchive = (actor: Viewer) => !!actor && (isAuthorityUser(actor) || actor.role === 'ADMIN');

/** Which archived projects a search shows: ADMIN all, an authority user those its authority was involved in. */
export function archiveScope(actor: Viewer): { all: true } | { authorityCode: string } | { none: true } {
  if (actor?.role === 'ADMIN') return { all: true };
  if (actor && isAuthorityUser(actor) && actor.authorityCode) return { authorityCode: actor.authorityCode };
  return { none: true };
}

/** An archived project's summary (manifest, retention, disposal): the involved authorities, ADMIN, its own organisation. */
export const canReadArchiveSummary = (actor: Viewer, a: ArchiveFacts) =>
  isArchiveAuthority(actor, a) || actor?.role === 'ADMIN' || actingOrganisation(actor, 'permits') === a.organisationId;

/** The package itself (every record, personal data, trade secrets): the involved authorities and ADMIN only. */
export const canReadArchivePackage = (actor: Viewer, a: ArchiveFacts) =>
  isArchiveAuthority(actor, a) || actor?.role === 'ADMIN';

// Bridge to the authorities' own systems (F37).

/**
 * How an authority connects and what went to its system: that authority's users (clerks and
 * supervisors, who need to know whether their system got a case) and ADMIN.
 */
export const canReadAuthorityConnection = (actor: Viewer, authorityId: string) =>
  !!actor && (actor.role === 'ADMIN' || (isAuthorityUser(actor) && actor.authorityId === authorityId));

/**
 * Changing the connection and its secret: the authority's own AUTHORITY users (the role that
 * processes its permits; there is no separate authority-administrator role, and every change is
 * audited) and ADMIN. Supervisors read it but do not change it.
 */
export const canManageAuthorityConnection = (actor: Viewer, authorityId: string) =>
  !!actor && (actor.role === 'ADMIN' || (actor.role === 'AUTHORITY' && actor.authorityId === authorityId));

/** An authority's case-management system, known by its connection's signature (no user session). */
export interface Integration {
  authorityId: string;
  authorityCode: string;
}

const INTEGRATION_SECTION_ACTIONS = new Set(['requestInfo', 'proposeDraft', 'decide']);

/**
 * What an authority's system may do, as its clerk would in the UI: confirm receipt of and act on
 * its own authority's permit sections only; an information request names its own authority.
 */
export function canIntegrationCommand(
  integration: Integration,
  sectionAuthorityId: string,
  command: { action: string; authorityCode?: string },
): boolean {
  if (integration.authorityId !== sectionAuthorityId) return false;
  if (command.action === 'confirmReceipt' || command.action === 'recordStatus') return true;
  if (!INTEGRATION_SECTION_ACTIONS.has(command.action)) return false;
  return command.action !== 'requestInfo' || command.authorityCode === integration.authorityCode;
}

// Invoicing and payment (F20, F21).

export interface InvoiceFacts {
  organisationId: string;
  authorityCode: string;
  /** 'permit' (a decision fee: the permits scope of a mandate) or 'inspection' (supervision scope). */
  kind: string;
}

const invoiceScope = (inv: InvoiceFacts): MandateScope => (inv.kind === 'inspection' ? 'supervision' : 'permits');

/** The customer side of an invoice: its organisation's users and agents mandated for the fee's scope. */
export const isInvoiceCustomer = (actor: Viewer, inv: InvoiceFacts) =>
  actingOrganisation(actor, invoiceScope(inv)) === inv.organisationId;

/** An invoice, its PDF and Finvoice: the customer side, the issuing authority's users, ADMIN. */
export const canReadInvoice = (actor: Viewer, inv: InvoiceFacts) =>
  isInvoiceCustomer(actor, inv) ||
  (!!actor && isAuthorityUser(actor) && actor.authorityCode === inv.authorityCode) ||
  actor?.role === 'ADMIN';

/** Paying online is the customer's: the organisation's users and mandated agents, no one else. */
export const canPayInvoice = (actor: Viewer, inv: InvoiceFacts) => isInvoiceCustomer(actor, inv);

/** Which invoices a list shows: ADMIN all, an authority user its issued ones, a customer its organisation's. */
export function invoiceScopeOf(
  actor: Viewer,
): { all: true } | { authorityCode: string } | { organisationId: string; kinds: string[] } | { none: true } {
  if (!actor) return { none: true };
  if (actor.role === 'ADMIN') return { all: true };
  if (isAuthorityUser(actor) && actor.authorityCode) return { authorityCode: actor.authorityCode };
  const kinds = [
    ...(actingOrganisation(actor, 'permits') ? ['permit'] : []),
    ...(actingOrganisation(actor, 'supervision') ? ['inspection'] : []),
  ];
  const organisationId = actingOrganisation(actor, 'permits') ?? actingOrganisation(actor, 'supervision');
  return organisationId ? { organisationId, kinds } : { none: true };
}

/**
 * A payment provider's redirect and callback: anyone may deliver one (the provider calls without
 * a session), and nothing in it is believed until its HMAC signature verifies (api/invoices.ts).
 */
export const canDeliverPaymentCallback = () => true;
