/**
 * Security events: refused and withheld access, kept durably for administrators (the audit
 * log keeps changes; this keeps what was not allowed). Recorded from four places:
 *   - http.refused: every 401/403 the API answers, in the error handler (api/errors.ts);
 *   - room.refused: every refused socket room join (api/auth/sockets.ts);
 *   - secret.withheld: trade secrets withheld from a reader (which fields or documents, never values);
 *   - identity.withheld: an anonymous reporter's identity or photo withheld from the company.
 * Writing is best-effort: it runs after the answer is decided, never fails or delays the
 * request, and a failure is only logged. Request bodies and secret values are never stored.
 *
 * A flood cannot fill the table: each source (the signed-in user, else the client address) has
 * a budget of events of one kind per minute; beyond it the events are counted, and one summary
 * row with `details.suppressed` (the count) and the window's start is written when the window
 * ends. Rows are kept for SECURITY_EVENT_RETENTION_DAYS (the retention sweeper deletes older ones).
 */
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Db } from '../platform/db';
import type { Logger } from '../platform/logger';
import { asyncRoute, type AppDeps } from './shared';
import { allow, viewerOf } from './auth/actor';
import { canReadSecurityEvents } from './auth/policy';

export const SECURITY_EVENT_KINDS = ['http.refused', 'room.refused', 'secret.withheld', 'identity.withheld'] as const;
export type SecurityEventKind = (typeof SECURITY_EVENT_KINDS)[number];

export interface SecurityEventInput {
  kind: SecurityEventKind;
  actorId: string | null;
  /** The HTTP method, or 'JOIN' for a socket room. */
  method: string;
  /** The path without its query, or the room. */
  resource: string;
  status?: number | null;
  requestId?: string | null;
  ip?: string | null;
  /** What was withheld (field paths, ids) or why it was refused; never values. */
  details?: Record<string, unknown>;
}

/** What a request adds by itself: who, which request, from where. */
type RequestEvent = Omit<SecurityEventInput, 'actorId' | 'method' | 'resource' | 'requestId' | 'ip'>;

/** Recording is fire-and-forget; the promises (for tests and shutdown) never reject. */
export interface SecurityRecorder {
  record(event: SecurityEventInput): Promise<void>;
  /** An event of this HTTP request: its actor, method, path (no query), request id and address. */
  forRequest(req: Request, res: Response, event: RequestEvent): Promise<void>;
  /** Writes the summaries of the windows that have ended (all of them with `all`, at shutdown). */
  flush(all?: boolean): Promise<void>;
  /** Stops the periodic flush (the summaries of open windows are written first). */
  close(): Promise<void>;
}

export interface SecurityRecorderOptions {
  /** Events of one kind stored per source and minute; the rest are counted into a summary. */
  perSourcePerMinute?: number;
  now?: () => number;
}

export const DEFAULT_SECURITY_EVENTS_PER_SOURCE_PER_MINUTE = 120;
const WINDOW_MS = 60_000;
/** Distinct sources tracked at once; beyond that every new source shares one window. */
const MAX_SOURCES = 10_000;

interface FloodWindow {
  start: number;
  stored: number;
  suppressed: number;
  last?: SecurityEventInput;
}

/** Long inputs (a client's made-up room or path) are cut: the log is evidence, not storage. */
const clip = (text: string, max = 500) => (text.length > max ? `${text.slice(0, max)}…` : text);

export function securityRecorder(db: Db, logger: Logger, options: SecurityRecorderOptions = {}): SecurityRecorder {
  const limit = options.perSourcePerMinute ?? DEFAULT_SECURITY_EVENTS_PER_SOURCE_PER_MINUTE;
  const now = options.now ?? Date.now;
  const windows = new Map<string, FloodWindow>();

  const write = (event: SecurityEventInput): Promise<void> => {
    logger.warn(
      {
        kind: event.kind,
        actorId: event.actorId,
        method: event.method,
        resource: event.resource,
        status: event.status,
      },
      'security event',
    );
    return db.securityEvent
      .create({
        data: {
          kind: event.kind,
          actorId: event.actorId,
          method: clip(event.method, 20),
          resource: clip(event.resource),
          status: event.status ?? null,
          requestId: event.requestId ? clip(event.requestId, 200) : null,
          ip: event.ip ? clip(event.ip, 100) : null,
          ...(event.details ? { details: event.details as object } : {}),
        },
      })
      .then(
        () => undefined,
        (err: unknown) => logger.warn({ err, kind: event.kind }, 'security event not recorded'),
      );
  };

  /** The summary of a window's suppressed events: the last one, with the count. */
  const summarise = (w: FloodWindow): Promise<void> =>
    w.suppressed > 0 && w.last
      ? write({
          ...w.last,
          details: { ...w.last.details, suppressed: w.suppressed, windowStart: new Date(w.start).toISOString() },
        })
      : Promise.resolve();

  const flush = async (all = false): Promise<void> => {
    const at = now();
    const ended = [...windows].filter(([, w]) => all || at - w.start >= WINDOW_MS);
    for (const [key] of ended) windows.delete(key);
    await Promise.all(ended.map(([, w]) => summarise(w)));
  };

  const record = (event: SecurityEventInput): Promise<void> => {
    const source = event.actorId ?? `ip:${event.ip ?? 'unknown'}`;
    let key = `${event.kind}|${source}`;
    if (!windows.has(key) && windows.size >= MAX_SOURCES) key = `${event.kind}|overflow`;
    const at = now();
    let w = windows.get(key);
    let ended: Promise<void> = Promise.resolve();
    if (w && at - w.start >= WINDOW_MS) {
      windows.delete(key);
      ended = summarise(w);
      w = undefined;
    }
    if (!w) {
      w = { start: at, stored: 0, suppressed: 0 };
      windows.set(key, w);
    }
    if (w.stored < limit) {
      w.stored++;
      return Promise.all([ended, write(event)]).then(() => undefined);
    }
    w.suppressed++;
    w.last = event;
    return ended;
  };

  // Summaries of a burst that simply stops are written within a window's length.
  const timer = setInterval(() => void flush(), WINDOW_MS);
  timer.unref();

  return {
    flush,
    async close() {
      clearInterval(timer);
      await flush(true);
    },
    record,
    forRequest(req, res, event) {
      const actor = res.locals.actor as { userId?: string } | null | undefined;
      return record({
        ...event,
        actorId: actor?.userId ?? null,
        method: req.method,
        resource: req.originalUrl.split('?')[0] ?? req.path,
        requestId: typeof res.locals.requestId === 'string' ? res.locals.requestId : null,
        ip: req.ip ?? null,
      });
    },
  };
}

const MAX_ID = 9_223_372_036_854_775_807n;

export const ZSecurityEventsQuery = z
  .object({
    kind: z.enum(SECURITY_EVENT_KINDS).optional(),
    actorId: z.uuid().optional(),
    /** The page after this id (the previous page's `next`). */
    before: z
      .string()
      .regex(/^\d{1,19}$/, 'must be an event id')
      // Checks run on after a failed regex: only digits reach BigInt.
      .refine((id) => !/^\d+$/.test(id) || BigInt(id) <= MAX_ID, 'must be an event id')
      .optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();

export function securityEventRoutes({ db }: AppDeps): Router {
  const router = Router();

  /**
   * GET /api/security-events?kind&actorId&before&limit — 200 with `{events, next}`, newest
   * first; `next` is the `before` of the following page (null on the last). Administrators only.
   */
  router.get(
    '/security-events',
    asyncRoute(async (req, res) => {
      allow(res, canReadSecurityEvents(viewerOf(res)), 'security events');
      const q = ZSecurityEventsQuery.parse(req.query);
      const rows = await db.securityEvent.findMany({
        where: {
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.actorId ? { actorId: q.actorId } : {}),
          ...(q.before ? { id: { lt: BigInt(q.before) } } : {}),
        },
        orderBy: { id: 'desc' },
        take: q.limit + 1,
      });
      const page = rows.slice(0, q.limit);
      res.json({
        events: page.map((e) => ({
          id: e.id.toString(),
          at: e.at.toISOString(),
          kind: e.kind,
          actorId: e.actorId,
          method: e.method,
          resource: e.resource,
          status: e.status,
          requestId: e.requestId,
          ip: e.ip,
          details: e.details,
        })),
        next: rows.length > q.limit ? page.at(-1)!.id.toString() : null,
      });
    }),
  );

  return router;
}
