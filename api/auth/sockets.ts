/**
 * Socket rooms are authorised exactly like the matching GET: the handshake's session cookie
 * gives the actor (re-read from the database at each join), and joining a project's room asks
 * the same policy as GET /api/projects/:id, an authority's work queue the same as its listing.
 * Every refused join is a security event (room.refused) with the actor, the room and the socket.
 */
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import type { Db } from '../../platform/db';
import { loadActor } from './actor';
import {
  canReadAuthorityQueue,
  canReadChatQueue,
  canReadProject,
  canReadSite,
  canReadVenueCalendar,
  type Viewer,
} from './policy';
import { siteFacts } from '../supervision';
import { canJoinConversationRoom } from '../knowledge';
import type { Sessions } from './session';
import type { SecurityRecorder } from '../security-events';

const ZJoin = z.object({
  room: z
    .string()
    .regex(/^((project|user|notice|site|venue|chat):[0-9a-f-]{36}|(authority|chatqueue):[A-Z0-9-]{2,40})$/),
  since: z.number().int().min(0).optional(),
});

export type JoinDecision = { ok: true; room: string; since?: number } | { ok: false; error: string };

/** The room a join asked for, as far as it can be told (for the log of a refusal). */
function roomAsked(request: unknown): string {
  const room = typeof request === 'object' && request !== null ? (request as { room?: unknown }).room : request;
  return typeof room === 'string' ? room : JSON.stringify(room ?? null);
}

export function installSocketAuth(io: Server, db: Db, sessions: Sessions, security?: SecurityRecorder) {
  io.use((socket, next) => {
    sessions
      .read(socket.request.headers.cookie)
      .then((session) => {
        socket.data.session = session;
        next();
      })
      .catch(next);
  });
  const actorOf = async (socket: Socket): Promise<Viewer> => {
    const session = socket.data.session as Awaited<ReturnType<Sessions['read']>>;
    const actor = session ? await loadActor(db, session.userId, session.mandateId) : null;
    socket.data.actor = actor;
    return actor;
  };
  const canJoinProject = async (actor: Viewer, projectId: string): Promise<boolean> => {
    const project = await db.permitProject.findUnique({
      where: { id: projectId },
      select: { organisationId: true, permits: { select: { authorityId: true } } },
    });
    if (!project) return false;
    const facts = { organisationId: project.organisationId, authorityIds: project.permits.map((p) => p.authorityId) };
    return canReadProject(actor, facts);
  };
  /** project:<id> like GET /api/projects/:id; authority:<code> for that authority's own users; user:<id> for oneself; notice:<id> for anyone; site:<id> like GET /api/sites/:id/supervision. */
  const canJoinRoom = async (actor: Viewer, room: string): Promise<boolean> => {
    const [kind, id = ''] = room.split(':', 2) as [string, string?];
    if (kind === 'project') return canJoinProject(actor, id);
    if (kind === 'authority') return canReadAuthorityQueue(actor, id);
    if (kind === 'user') return actor?.userId === id;
    if (kind === 'site') {
      const site = await db.site.findUnique({ where: { id } });
      return !!site && canReadSite(actor, await siteFacts(db, site));
    }
    // A public notice's room is as public as GET /api/notices/:id: anyone, while the notice exists.
    if (kind === 'notice') return (await db.notice.count({ where: { id } })) === 1;
    // A chat conversation like GET /api/chat/conversations/:id; a chat queue: the desk's or an authority's own users.
    if (kind === 'chat') return canJoinConversationRoom(db, actor, id);
    if (kind === 'chatqueue') return canReadChatQueue(actor, id);
    // A venue's calendar room is as public as GET /api/venues/:id/calendar (its events name no one).
    if (kind === 'venue') return canReadVenueCalendar(actor) && (await db.venue.count({ where: { id } })) === 1;
    return false;
  };
  return {
    /** May this socket join the room it asks for? A refusal (not a room, not allowed) is recorded. */
    async authoriseJoin(socket: Socket, request: unknown): Promise<JoinDecision> {
      const actor = await actorOf(socket);
      const parsed = ZJoin.safeParse(request);
      const error = !parsed.success
        ? 'not a room'
        : (await canJoinRoom(actor, parsed.data.room))
          ? null
          : 'not allowed';
      if (parsed.success && !error) return { ok: true, ...parsed.data };
      void security?.record({
        kind: 'room.refused',
        actorId: actor?.userId ?? null,
        method: 'JOIN',
        resource: roomAsked(request),
        status: null,
        requestId: socket.id,
        ip: socket.handshake.address,
        details: { reason: error },
      });
      return { ok: false, error: error! };
    },
  };
}
