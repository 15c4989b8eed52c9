import { createProjectActivities } from './project';
import { createSectionActivities } from './section';
import { createSupervisionActivities } from './supervision';
import type { ActivityDeps } from './types';

export type { ActivityDeps, EventPublisher, TimelineEventMessage } from './types';
export type { ProjectCommandRecord, ProjectCommandResult, ProjectEvent } from './project';
export type { SectionEvent, SectionEventRecord, SupervisionHandOver, PreparedPermit } from './section';

/** Every activity the worker registers; workflows proxy them by this type. */
export function createActivities(deps: ActivityDeps) {
  return { ...createProjectActivities(deps), ...createSectionActivities(deps), ...createSupervisionActivities(deps) };
}

export type Activities = ReturnType<typeof createActivities>;
