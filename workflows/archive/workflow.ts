/**
 * The archive of one closed project (F22): the package is built once, then the workflow sleeps
 * until each record type's retention ends and disposes exactly that type. One timer per distinct
 * date and at most one activity per date keep the history small however long retention runs;
 * the durations come from the recorded retainUntil, so replay gives the same timers.
 */
import { proxyActivities, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import { disposalSchedule } from '../../domain/retention';
import type { Activities } from '../../activities';
import { workflowNow } from '../shared/commands';
import { archiveStateQuery, type ArchiveInput, type ArchiveView } from './messages';

const { archiveProject, disposeArchivedRecords } = proxyActivities<
  Pick<Activities, 'archiveProject' | 'disposeArchivedRecords'>
>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', maximumInterval: '5 minutes', nonRetryableErrorTypes: ['NotFound'] },
});

export async function archiveWorkflow(input: ArchiveInput): Promise<ArchiveView> {
  const view: ArchiveView = {
    projectId: input.projectId,
    status: 'archiving',
    sha256: null,
    records: [],
    nextDisposalAt: null,
  };
  setHandler(archiveStateQuery, () => view);

  const archived = await archiveProject({
    projectId: input.projectId,
    closedAt: input.closedAt,
    workflowId: workflowInfo().workflowId,
  });
  view.status = 'archived';
  view.sha256 = archived.sha256;
  view.records = archived.records;

  for (const { at, recordTypes } of disposalSchedule(archived.records)) {
    view.nextDisposalAt = at;
    const wait = Date.parse(at) - workflowNow();
    if (wait > 0) await sleep(wait);
    const { disposed, status } = await disposeArchivedRecords({ projectId: input.projectId, recordTypes });
    const disposedAt = new Date(workflowNow()).toISOString();
    view.records = view.records.map((r) => (disposed.includes(r.recordType) ? { ...r, disposedAt } : r));
    view.status = status;
  }
  view.nextDisposalAt = null;
  return view;
}
