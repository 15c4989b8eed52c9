/**
 * The audit log of changes the API makes itself (mandates, forecast overrides, view marks,
 * sessions acting for someone). Changes made through a workflow are audited by the activity
 * that writes them, in the same transaction (activities/timeline.ts), from the actor, mandate
 * and request id the API put on the command.
 */
import type { Response } from 'express';
import type { Db, Tx } from '../platform/db';
import { onBehalfOf, type Actor } from './auth/policy';
import { auditChange } from '../activities/timeline';

export interface AuditFacts {
  action: string;
  entity: string;
  entityId: string;
  details: Record<string, unknown>;
}

/** Who and from which request, as every command to a workflow carries it. */
export function commandMeta(res: Response): { actorId?: string; onBehalfOfId?: string; requestId?: string } {
  const actor = res.locals.actor as Actor | null | undefined;
  const behalf = onBehalfOf(actor ?? null);
  return {
    ...(actor ? { actorId: actor.userId } : {}),
    ...(behalf ? { onBehalfOfId: behalf } : {}),
    ...(typeof res.locals.requestId === 'string' ? { requestId: res.locals.requestId } : {}),
  };
}

export async function writeAudit(db: Db | Tx, res: Response, facts: AuditFacts): Promise<void> {
  await auditChange(db, { ...facts, ...commandMeta(res), at: new Date() });
}
