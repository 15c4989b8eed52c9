/**
 * Every HTTP operation of the API with the zod schemas the routes validate with, turned into
 * the OpenAPI 3.1 document (GET /api/openapi.json, browsable at /api/docs) by zod-openapi.
 * The same list answers 405 with an Allow header for a known path and a wrong method.
 * test/api/openapi.test.ts checks that every route in the source is listed here and that
 * every listed operation exists.
 */
import { z } from 'zod';
import { createDocument, type ZodOpenApiOperationObject, type ZodOpenApiPathsObject } from 'zod-openapi';
import { ZAdviceAnswers } from '../domain/advice';
import {
  ZAuthorityView,
  ZCommentRequest,
  ZCreateProjectRequest,
  ZForecastOverride,
  ZIdParam,
  ZPermitParam,
  ZProjectCommand,
  sectionCommandSchema,
} from './schemas';
import { ZAssessmentQuery } from './sites';
import { ZObservationParam, ZStartSupervision, ZSupervisionCommand, ZSupervisionReport } from './supervision';
import { ZGroupParam, ZRankingQuery, ZReportQuery, ZTopAreasQuery } from './risk-reports';
import { ZAuditQuery, ZGrantMandate, ZMandateParam } from './mandates';
import { ZActingFor, ZReturnTo } from './auth/routes';
import { ZMessagesQuery, ZPostMessage } from './messages';
import { ZAlertPreferences, ZAlertsQuery, ZAreaSubscription } from './alerts';
import { ZDecisionsQuery } from './public';
import { ZDocumentParam, ZNewDocumentQuery, ZNewVersionQuery, ZVersionParam } from './documents';
import { ZSecurityEventsQuery } from './security-events';
import { KNOWLEDGE_OPERATIONS } from './knowledge';
import { VENUE_OPERATIONS } from './venues';
import { INVOICE_OPERATIONS } from './invoices';
import { ARCHIVE_OPERATIONS } from './archive';
import { BRIDGE_OPERATIONS } from './bridge';

type Method = 'get' | 'post' | 'put' | 'delete';
type Access = 'public' | 'signed-in';

export interface Operation {
  method: Method;
  /** Express syntax: /api/projects/:id */
  path: string;
  summary: string;
  tag: string;
  access: Access;
  params?: z.ZodObject;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Commands: the Idempotency-Key header is required. */
  command?: boolean;
  /** The body is a file's bytes (document uploads). */
  upload?: boolean;
  /** Success status and what it returns. */
  ok: [number, string];
  /** Error statuses this operation answers besides 400/401/403/429/500. */
  errors?: number[];
  contentType?: string;
}

const ZProblem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    code: z.string().optional(),
    field: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details; invalid values name their field path' });

const P = 'Projects';
const S = 'Supervision';
const R = 'Risk reports';
const A = 'Identity and access';
const PUB = 'Public';

export const OPERATIONS: Operation[] = [
  // Platform and public
  {
    method: 'get',
    path: '/api/health',
    summary: 'Component health',
    tag: PUB,
    access: 'public',
    ok: [200, 'Every component up'],
    errors: [503],
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    summary: 'This document',
    tag: PUB,
    access: 'public',
    ok: [200, 'OpenAPI 3.1'],
  },
  {
    method: 'get',
    path: '/api/docs',
    summary: 'Browsable API documentation',
    tag: PUB,
    access: 'public',
    ok: [200, 'HTML page'],
    contentType: 'text/html',
  },
  {
    method: 'get',
    path: '/api/permit-types',
    summary: 'Permit catalogue',
    tag: PUB,
    access: 'public',
    ok: [200, 'Permit types'],
  },
  {
    method: 'get',
    path: '/api/advice/questions',
    summary: 'Permit-need questionnaire (F04)',
    tag: PUB,
    access: 'public',
    ok: [200, 'Questions'],
  },
  {
    method: 'post',
    path: '/api/advice/explore',
    summary: 'Permits and recommendations for answers (F04, F05); writes nothing',
    tag: PUB,
    access: 'public',
    body: ZAdviceAnswers,
    ok: [200, 'Permits, authorities and forecasts'],
  },
  {
    method: 'get',
    path: '/api/authorities',
    summary: 'Authorities and their public contacts',
    tag: PUB,
    access: 'public',
    ok: [200, 'Authorities'],
  },
  {
    method: 'get',
    path: '/api/decisions',
    summary: 'Public parts of signed decisions (what, whose, by whom, when, conditions, appeal period)',
    tag: PUB,
    access: 'public',
    query: ZDecisionsQuery,
    ok: [200, 'Decisions, newest first'],
  },
  {
    method: 'get',
    path: '/api/notices',
    summary: 'Public notices (F23)',
    tag: PUB,
    access: 'public',
    ok: [200, 'Notices'],
  },
  {
    method: 'get',
    path: '/api/notices/:id',
    summary: 'A notice with its public comments',
    tag: PUB,
    access: 'public',
    params: ZIdParam,
    ok: [200, 'Notice'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/notices/:id/comments',
    summary: 'Comment while the notice is open (F23); rate-limited',
    tag: PUB,
    access: 'public',
    params: ZIdParam,
    body: ZCommentRequest,
    command: true,
    ok: [201, 'Comment stored'],
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/ui-config',
    summary: "The UI's runtime settings (the map style, MAP_STYLE_URL)",
    tag: PUB,
    access: 'public',
    ok: [200, 'Settings'],
  },
  {
    method: 'get',
    path: '/api/supervision-calendar',
    summary: 'Active supervised sites for the public map: name, address, location, whether supervised now',
    tag: PUB,
    access: 'public',
    ok: [200, 'Sites'],
  },
  {
    method: 'get',
    path: '/api/supervision-calendar/:id',
    summary: "A site's inspections at week precision (F28)",
    tag: PUB,
    access: 'public',
    params: ZIdParam,
    ok: [200, 'Weeks'],
    errors: [404],
  },
  // Identity and access
  {
    method: 'get',
    path: '/api/auth/login',
    summary: 'Start OpenID Connect sign-in',
    tag: A,
    access: 'public',
    query: z.object({ returnTo: ZReturnTo.optional(), lang: z.enum(['fi', 'en', 'sv']).optional() }),
    ok: [302, 'To the identity provider'],
  },
  {
    method: 'get',
    path: '/api/auth/callback',
    summary: "The identity provider's answer",
    tag: A,
    access: 'public',
    ok: [302, 'Signed in; back to returnTo'],
  },
  {
    method: 'post',
    path: '/api/auth/logout',
    summary: 'Sign out',
    tag: A,
    access: 'signed-in',
    ok: [204, 'Session cleared'],
  },
  {
    method: 'get',
    path: '/api/session',
    summary: 'The signed-in user, CSRF token and mandates',
    tag: A,
    access: 'signed-in',
    ok: [200, 'Session'],
  },
  {
    method: 'put',
    path: '/api/session/acting-for',
    summary: 'Act under a mandate (F33), or for oneself',
    tag: A,
    access: 'signed-in',
    body: ZActingFor,
    ok: [200, 'Acting for'],
  },
  {
    method: 'get',
    path: '/api/organisations/:id',
    summary: 'An organisation',
    tag: A,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Organisation'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/organisations/:id/mandates',
    summary: "The organisation's mandates",
    tag: A,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Mandates'],
  },
  {
    method: 'post',
    path: '/api/organisations/:id/mandates',
    summary: 'Give an agent a mandate (F33)',
    tag: A,
    access: 'signed-in',
    params: ZIdParam,
    body: ZGrantMandate,
    command: true,
    ok: [201, 'Mandate'],
  },
  {
    method: 'delete',
    path: '/api/organisations/:id/mandates/:mandateId',
    summary: 'Revoke a mandate',
    tag: A,
    access: 'signed-in',
    params: ZMandateParam,
    ok: [200, 'Revoked mandate'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/audit',
    summary: 'Audit log (administrators)',
    tag: A,
    access: 'signed-in',
    query: ZAuditQuery,
    ok: [200, 'Entries, newest first'],
  },
  {
    method: 'get',
    path: '/api/security-events',
    summary:
      'Security events (administrators): refused requests and socket joins, trade secrets and anonymous identities withheld',
    tag: A,
    access: 'signed-in',
    query: ZSecurityEventsQuery,
    ok: [200, 'Events, newest first, and the `before` of the next page'],
  },
  // Alerts
  {
    method: 'get',
    path: '/api/alerts',
    summary: "The user's alerts, newest first, with the unread count (F39–F41)",
    tag: A,
    access: 'signed-in',
    query: ZAlertsQuery,
    ok: [200, 'Alerts'],
  },
  {
    method: 'post',
    path: '/api/alerts/:id/read',
    summary: 'Mark an alert read',
    tag: A,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Read at'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/alerts/preferences',
    summary: 'Alert channels and digest',
    tag: A,
    access: 'signed-in',
    ok: [200, 'Preferences'],
  },
  {
    method: 'put',
    path: '/api/alerts/preferences',
    summary: 'Choose e-mail, immediate or daily digest, and muted kinds',
    tag: A,
    access: 'signed-in',
    body: ZAlertPreferences,
    ok: [200, 'Preferences'],
  },
  {
    method: 'get',
    path: '/api/subscriptions',
    summary: 'My living environment: subscribed areas (F41)',
    tag: A,
    access: 'signed-in',
    ok: [200, 'Areas'],
  },
  {
    method: 'post',
    path: '/api/subscriptions',
    summary: 'Subscribe to notices and decisions whose impact area meets an area',
    tag: A,
    access: 'signed-in',
    body: ZAreaSubscription,
    ok: [201, 'Subscription'],
  },
  {
    method: 'delete',
    path: '/api/subscriptions/:id',
    summary: 'End a subscription',
    tag: A,
    access: 'signed-in',
    params: ZIdParam,
    ok: [204, 'Ended'],
    errors: [404],
  },
  // Permit projects
  {
    method: 'get',
    path: '/api/projects',
    summary: 'Projects the user may read',
    tag: P,
    access: 'signed-in',
    ok: [200, 'Projects'],
  },
  {
    method: 'post',
    path: '/api/projects',
    summary: 'Create a permit project (F09)',
    tag: P,
    access: 'signed-in',
    body: ZCreateProjectRequest,
    ok: [201, 'Project; its workflow started'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id',
    summary: 'A project (read model)',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Project'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id/live',
    summary: "The workflow's current state",
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Live state'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id/timeline',
    summary: 'Timeline events (F10)',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Events'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id/schedule',
    summary: 'Planned, forecast and actual dates (F06, F10)',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Schedule'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id/messages',
    summary: 'Messages of the case, one thread when asked (F24, F36)',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    query: ZMessagesQuery,
    ok: [200, 'Messages, oldest first'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/projects/:id/messages',
    summary: 'Write in the common thread or a permit thread (F24, F36)',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    body: ZPostMessage,
    command: true,
    ok: [201, 'Message'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id/documents',
    summary: 'Documents of the shared workspace with their versions (F36)',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Documents'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/projects/:id/documents',
    summary: 'Upload a new document (the body is the file); size, type and virus checked',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    query: ZNewDocumentQuery,
    upload: true,
    command: true,
    ok: [201, 'Document at version 1'],
    errors: [404, 413, 415, 422],
  },
  {
    method: 'post',
    path: '/api/projects/:id/documents/:documentId/versions',
    summary: 'Upload a new version of a document',
    tag: P,
    access: 'signed-in',
    params: ZDocumentParam,
    query: ZNewVersionQuery,
    upload: true,
    command: true,
    ok: [201, 'Document with the new version'],
    errors: [404, 413, 415, 422],
  },
  {
    method: 'get',
    path: '/api/projects/:id/documents/:documentId/versions/:version/content',
    summary: "A version's content, as an attachment",
    tag: P,
    access: 'signed-in',
    params: ZVersionParam,
    ok: [200, 'The file'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id/notifications',
    summary: 'Notifications of the case',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Notifications'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/projects/:id/changes',
    summary: "Draft changes since an authority's last view (F25)",
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    query: ZAuthorityView,
    ok: [200, 'Changes'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/projects/:id/views',
    summary: 'Mark the project viewed by an authority (F25)',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    body: ZAuthorityView,
    ok: [200, 'Viewed at'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/projects/:id/commands',
    summary: 'A project command, answered once the workflow accepted it',
    tag: P,
    access: 'signed-in',
    params: ZIdParam,
    body: ZProjectCommand,
    command: true,
    ok: [200, 'Project view after the command'],
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/api/projects/:id/permits/:permitType/live',
    summary: "A permit section's current state",
    tag: P,
    access: 'signed-in',
    params: ZPermitParam,
    ok: [200, 'Section view'],
    errors: [404],
  },
  {
    method: 'post',
    path: '/api/projects/:id/permits/:permitType/commands',
    summary: 'A permit section command',
    tag: P,
    access: 'signed-in',
    params: ZPermitParam,
    body: sectionCommandSchema(14),
    command: true,
    ok: [200, 'Section view after the command'],
    errors: [404, 409],
  },
  {
    method: 'put',
    path: '/api/projects/:id/permits/:permitType/forecast-override',
    summary: 'Override a forecast with a reason (F06)',
    tag: P,
    access: 'signed-in',
    params: ZPermitParam,
    body: ZForecastOverride,
    ok: [200, 'Override'],
    errors: [404],
  },
  // Sites and supervision
  {
    method: 'get',
    path: '/api/sites',
    summary: 'Supervised sites the user may read',
    tag: S,
    access: 'signed-in',
    ok: [200, 'Sites'],
  },
  {
    method: 'get',
    path: '/api/sites/:id/assessment',
    summary: "A site's risk assessment, explained (use case 1)",
    tag: S,
    access: 'signed-in',
    params: ZIdParam,
    query: ZAssessmentQuery,
    ok: [200, 'Assessment'],
    errors: [404, 422],
  },
  {
    method: 'get',
    path: '/api/sites/:id/supervision',
    summary: 'Supervision plan, supervisor, actions and events (F28)',
    tag: S,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Supervision'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/sites/:id/observations',
    summary: 'Reports between inspections; reporters shown as the policy allows (F29, F30)',
    tag: S,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Observations'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/sites/:id/observations/:observationId/photo',
    summary: "An observation's photo (the company: only when the citizen showed their identity)",
    tag: S,
    access: 'signed-in',
    params: ZObservationParam,
    ok: [200, 'JPEG or PNG'],
    errors: [404],
    contentType: 'image/jpeg',
  },
  {
    method: 'post',
    path: '/api/sites/:id/supervision',
    summary: 'Start a supervision cycle',
    tag: S,
    access: 'signed-in',
    params: ZIdParam,
    body: ZStartSupervision,
    command: true,
    ok: [201, 'Cycle started'],
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/sites/:id/supervision/commands',
    summary: 'Agenda, supervisor, inspection, evidence, review, close (F27)',
    tag: S,
    access: 'signed-in',
    params: ZIdParam,
    body: ZSupervisionCommand,
    command: true,
    ok: [200, 'Cycle view'],
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/api/sites/:id/supervision/reports',
    summary: 'Self-monitoring, incident, citizen observation (F29, F30) with location and photo, profile change',
    tag: S,
    access: 'public',
    params: ZIdParam,
    body: ZSupervisionReport,
    command: true,
    ok: [202, 'Accepted'],
    errors: [404, 409, 413, 415, 422],
  },
  // Risk reports
  {
    method: 'get',
    path: '/api/risk-reports/ranking',
    summary: 'Sites ranked by frequency (use case 2)',
    tag: R,
    access: 'signed-in',
    query: ZRankingQuery,
    ok: [200, 'Ranking (JSON or CSV)'],
  },
  {
    method: 'get',
    path: '/api/risk-reports/groups/:group',
    summary: "One target group's sites",
    tag: R,
    access: 'signed-in',
    params: ZGroupParam,
    query: ZRankingQuery,
    ok: [200, 'Sites'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/risk-reports/class-counts',
    summary: 'Sites per class per group',
    tag: R,
    access: 'signed-in',
    query: ZReportQuery,
    ok: [200, 'Counts'],
  },
  {
    method: 'get',
    path: '/api/risk-reports/top-areas',
    summary: 'Areas causing most risk points per group',
    tag: R,
    access: 'signed-in',
    query: ZTopAreasQuery,
    ok: [200, 'Areas'],
  },
  ...KNOWLEDGE_OPERATIONS,
  ...VENUE_OPERATIONS,
  ...INVOICE_OPERATIONS,
  ...ARCHIVE_OPERATIONS,
  ...BRIDGE_OPERATIONS,
];

const STANDARD_ERRORS: Record<number, string> = {
  400: 'Invalid input; nothing changed',
  401: 'Sign in first',
  403: 'Not allowed (or a missing CSRF token)',
  404: 'Not found',
  409: 'Does not fit the current step; nothing changed',
  413: 'Too large',
  415: 'Not an accepted file type',
  422: 'Refused: stored data that does not fit the risk model, or a file the virus scan refused',
  429: 'Too many requests',
  503: 'A component is unavailable',
};

const openApiPath = (path: string) => path.replace(/:(\w+)/g, '{$1}');

function operationObject(op: Operation): ZodOpenApiOperationObject {
  const problem = { 'application/problem+json': { schema: ZProblem } };
  const errors = [400, ...(op.access === 'signed-in' ? [401, 403] : []), ...(op.errors ?? [])];
  return {
    summary: op.summary,
    tags: [op.tag],
    ...(op.access === 'signed-in' ? { security: [{ session: [] }] } : {}),
    requestParams: {
      ...(op.params ? { path: op.params } : {}),
      ...(op.query ? { query: op.query as z.ZodObject } : {}),
      ...(op.command ? { header: z.object({ 'Idempotency-Key': z.string().min(8).max(200) }) } : {}),
    },
    ...(op.body ? { requestBody: { required: true, content: { 'application/json': { schema: op.body } } } } : {}),
    ...(op.upload
      ? {
          requestBody: {
            required: true,
            content: { 'application/octet-stream': { schema: z.string().meta({ format: 'binary' }) } },
          },
        }
      : {}),
    responses: {
      [String(op.ok[0])]: { description: op.ok[1] },
      ...Object.fromEntries(
        [...new Set(errors)].map((status) => [
          String(status),
          { description: STANDARD_ERRORS[status]!, content: problem },
        ]),
      ),
    },
  };
}

let cached: object | undefined;

/** The OpenAPI 3.1 document, built once. */
export function openApiDocument(): object {
  if (cached) return cached;
  const paths: ZodOpenApiPathsObject = {};
  for (const op of OPERATIONS) {
    const key = openApiPath(op.path);
    paths[key] = { ...paths[key], [op.method]: operationObject(op) };
  }
  cached = createDocument(
    {
      openapi: '3.1.0',
      info: {
        title: 'Permit, notification and supervision service layer',
        version: '1',
        description:
          'Sign in through /api/auth/login; unsafe requests of a session send X-CSRF-Token from GET /api/session. Commands require an Idempotency-Key. Errors are application/problem+json.',
      },
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'session' } },
      },
      paths,
    },
    { allowEmptySchema: { custom: true } },
  );
  return cached;
}

const matchers = OPERATIONS.map((op) => ({
  method: op.method.toUpperCase(),
  regex: new RegExp(`^${op.path.replace(/:(\w+)/g, '[^/]+')}/?$`),
}));

/** The methods the API answers on this path (empty: no such path). */
export function allowedMethods(path: string): string[] {
  const methods = new Set(matchers.filter((m) => m.regex.test(path)).map((m) => m.method));
  if (methods.has('GET')) methods.add('HEAD');
  return [...methods];
}
