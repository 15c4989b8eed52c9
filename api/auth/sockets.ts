/**
 * Socket rooms are authorised exactly like the matching GET: the handshake's session cookie
 * gives the actor (re-read from the database at each join), and joining a project's room asks
 * the same policy as GET /api/projects/:id.
 */
import type { Server, Socket } from 'socket.io';
import type { Db } from '../../platform/db';
import { loadActor } from './actor';
import { canReadProject } from './policy';
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
  return {
    async canJoinProject(socket: Socket, projectId: string): Promise<boolean> {
      const project = await db.permitProject.findUnique({
        where: { id: projectId },
        select: { organisationId: true, permits: { select: { authorityId: true } } },
      });
      if (!project) return false;
      const facts = { organisationId: project.organisationId, authorityIds: project.permits.map((p) => p.authorityId) };
      return canReadProject(await actorOf(socket), facts);
    },
  };
}
