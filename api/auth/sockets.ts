/**
 * Socket rooms are authorised exactly like the matching GET: the handshake's session cookie
 * gives the actor (re-read from the database at each join), and joining a project's room asks
 * the same policy as GET /api/projects/:id, an authority's work queue the same as its listing.
 */
import type { Server, Socket } from 'socket.io';
import type { Db } from '../../platform/db';
import { loadActor } from './actor';
import { canReadAuthorityQueue, canReadProject, canReadSite } from './policy';
import { siteFacts } from '../supervision';
import type { Sessions } from './session';

export function installSocketAuth(io: Server, db: Db, sessions: Sessions) {
  io.use((socket, next) => {
    sessions
      .read(socket.request.headers.cookie)
      .then((session) => {
        socket.data.session = session;
        next();
      })
      .catch(next);
  });
  const actorOf = async (socket: Socket) => {
    const session = socket.data.session as Awaited<ReturnType<Sessions['read']>>;
    const actor = session ? await loadActor(db, session.userId, session.mandateId) : null;
    socket.data.actor = actor;
    return actor;
  };
  const canJoinProject = async (socket: Socket, projectId: string): Promise<boolean> => {
    const project = await db.permitProject.findUnique({
      where: { id: projectId },
      select: { organisationId: true, permits: { select: { authorityId: true } } },
    });
    if (!project) return false;
    const facts = { organisationId: project.organisationId, authorityIds: project.permits.map((p) => p.authorityId) };
    return canReadProject(await actorOf(socket), facts);
  };
  return {
    /** project:<id> like GET /api/projects/:id; authority:<code> for that authority's own users; user:<id> for oneself; notice:<id> for anyone; site:<id> like GET /api/sites/:id/supervision. */
    async canJoinRoom(socket: Socket, room: string): Promise<boolean> {
      const [kind, id = ''] = room.split(':', 2) as [string, string?];
      if (kind === 'project') return canJoinProject(socket, id);
      if (kind === 'authority') return canReadAuthorityQueue(await actorOf(socket), id);
      if (kind === 'user') return (await actorOf(socket))?.userId === id;
      if (kind === 'site') {
        const site = await db.site.findUnique({ where: { id } });
        return !!site && canReadSite(await actorOf(socket), await siteFacts(db, site));
      }
      // A public notice's room is as public as GET /api/notices/:id: anyone, while the notice exists.
      if (kind === 'notice') return (await db.notice.count({ where: { id } })) === 1;
      return false;
    },
  };
}
