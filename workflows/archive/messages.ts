import { defineQuery } from '@temporalio/workflow';
import type { ScheduledRecord } from '../../domain/retention';

/** Input of archiveWorkflow: the project workflow starts it when the project closes. */
export interface ArchiveInput {
  projectId: string;
  /** The project workflow's time at closure: every retention period counts from it. */
  closedAt: string;
}

export interface ArchiveView {
  projectId: string;
  /** 'archiving', 'archived', 'partiallyDisposed' or 'disposed' (permanent records stay). */
  status: string;
  sha256: string | null;
  records: ScheduledRecord[];
  /** The next disposal, if any. */
  nextDisposalAt: string | null;
}

export const archiveStateQuery = defineQuery<ArchiveView>('archiveState');

/** One archive workflow per project, so a second start finds the first. */
export const archiveWorkflowId = (projectId: string) => `archive-${projectId}`;

/** Input of the singleton retention sweeper (security events and room event logs). */
export interface RetentionSweepSettings {
  intervalMs: number;
  securityEventDays: number;
  roomEventDays: number;
  /** Rounds per run before continue-as-new. */
  roundsPerRun?: number;
}

export const retentionSweeperId = (taskQueue: string) => `retention-sweeper-${taskQueue}`;
