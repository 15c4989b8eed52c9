import { heartbeat } from '@temporalio/activity';
import { createProjectActivities } from './project';
import { createSectionActivities } from './section';
import { createSupervisionActivities } from './supervision';
import { createAlertActivities } from './alerts';
import { createArchiveActivities, createRetentionSweepActivities } from './archive';
import { createVenueActivities } from './venues';
import { createBridgeActivities } from './bridge';
import { createInvoiceActivities } from './invoices';
import type { ActivityDeps } from './types';

export type { ActivityDeps, EventPublisher, TimelineEventMessage } from './types';
export type { ProjectCommandRecord, ProjectCommandResult, ProjectEvent } from './project';
export type { SectionEvent, SectionEventRecord, SupervisionHandOver, PreparedPermit } from './section';

/** Every activity the worker registers; workflows proxy them by this type. */
export function createActivities(deps: ActivityDeps) {
  const alerts = createAlertActivities(deps);
  return {
    ...createProjectActivities(deps),
    ...createSectionActivities(deps),
    ...createSupervisionActivities(deps),
    ...createArchiveActivities(deps),
    ...createRetentionSweepActivities(deps),
    ...createVenueActivities(deps),
    ...createBridgeActivities(deps),
    ...createInvoiceActivities(deps),
    /**
     * One round of alert delivery: fan out the outbox, then send e-mails and due digests. It
     * heartbeats as it goes, so a round whose worker died is retried within the heartbeat
     * timeout instead of holding up every alert until its start-to-close timeout.
     */
    async dispatchAlerts(): Promise<{ alerts: number; emails: number; digests: number }> {
      const progress = () => {
        try {
          heartbeat();
        } catch {
          // Called outside an activity (a script or test): there is no server to tell.
        }
      };
      await alerts.remindDeadlines();
      const { alerts: fanned } = await alerts.fanOutAlerts({ progress });
      if (!deps.mail) return { alerts: fanned, emails: 0, digests: 0 };
      const emails = await alerts.sendAlertEmails(deps.mail.mailer, deps.mail.settings, { progress });
      const digests = await alerts.sendDigests(deps.mail.mailer, deps.mail.settings);
      return { alerts: fanned, emails, digests };
    },
  };
}

export type Activities = ReturnType<typeof createActivities>;
