/** Drives permit projects through their workflows in tests (Arrange helpers, not assertions). */
import { randomUUID } from 'node:crypto';
import type { Client, WorkflowHandle } from '@temporalio/client';
import type { Db } from '../../platform/db';
import type { Prisma } from '../../prisma/generated/client';
import { DEMO } from '../../prisma/seed';
import { requiredFields } from '../../domain/draft';
import type { AdviceAnswers } from '../../domain/advice';
import type { SectionStep } from '../../domain/permit-section';
import type { WorkflowSettings } from '../../workflows/shared/commands';
import {
  projectCommandUpdate,
  projectWorkflowId,
  stateQuery,
  type DraftPatch,
  type FieldValue,
  type ProjectCommandBody,
} from '../../workflows/permit-project/messages';
import {
  sectionCommandUpdate,
  sectionStateQuery,
  sectionWorkflowId,
  type SectionCommandBody,
} from '../../workflows/permit-section/messages';

export const key = () => randomUUID();

/** Answers that profile as medium risk: no permit takes the notification path. */
export const MEDIUM_RISK: AdviceAnswers = {
  kind: 'event',
  attendance: 5000,
  alcohol: true,
  amplifiedSound: true,
  nightTime: true,
};
/** Answers that profile as low risk. */
export const LOW_RISK: AdviceAnswers = { kind: 'event', attendance: 80 };

/** A value every field type accepts, chosen so no traffic-light rule objects. */
function valueFor(type: string, key: string): FieldValue {
  if (type === 'number') return 100;
  if (type === 'boolean') return false;
  if (type === 'date') return key.toLowerCase().includes('end') ? '2027-06-03' : '2027-06-01';
  if (key.toLowerCase().includes('email')) return 'test@example.fi';
  return `${key} value`;
}

/** A patch that fills every required field of the given permit types. */
export function completeDraftPatch(permitTypes: string[], answers?: AdviceAnswers): DraftPatch {
  const fields = requiredFields(permitTypes, answers);
  return {
    common: Object.fromEntries(fields.common.map((f) => [f.key, valueFor(f.type, f.key)])),
    sections: Object.fromEntries(
      Object.entries(fields.sections).map(([type, defs]) => [
        type,
        Object.fromEntries(defs.map((f) => [f.key, valueFor(f.type, f.key)])),
      ]),
    ),
  };
}

export interface Permit {
  permitType: string;
  authorityCode: string;
}

export class CaseDriver {
  constructor(
    private readonly db: Db,
    private readonly client: Client,
  ) {}

  /** Writes the project row as the API would and starts its workflow on the task queue. */
  async create(taskQueue: string, permits: Permit[], answers: AdviceAnswers, settings: WorkflowSettings = {}) {
    const id = randomUUID();
    const authorities = await this.db.authority.findMany();
    await this.db.permitProject.create({
      data: {
        id,
        workflowId: projectWorkflowId(id),
        organisationId: DEMO.festivalOrgId,
        title: 'Workflow test',
        step: 'advice',
        status: 'active',
        adviceAnswers: answers as Prisma.InputJsonValue,
        permits: {
          create: permits.map((p) => ({
            permitType: p.permitType,
            step: 'draft',
            status: 'active',
            authorityId: authorities.find((a) => a.code === p.authorityCode)!.id,
          })),
        },
      },
    });
    const handle = await this.client.workflow.start('permitProjectWorkflow', {
      taskQueue,
      workflowId: projectWorkflowId(id),
      args: [{ projectId: id, permits, settings }],
    });
    return { id, handle };
  }

  project(id: string) {
    const handle = this.client.workflow.getHandle(projectWorkflowId(id));
    return {
      handle,
      send: (body: ProjectCommandBody, idempotencyKey = key()) =>
        handle.executeUpdate(projectCommandUpdate, { args: [{ idempotencyKey, ...body }] }),
      state: () => handle.query(stateQuery),
    };
  }

  section(id: string, permitType: string) {
    const handle: WorkflowHandle = this.client.workflow.getHandle(sectionWorkflowId(id, permitType));
    return {
      handle,
      send: (body: SectionCommandBody, idempotencyKey = key()) =>
        handle.executeUpdate(sectionCommandUpdate, { args: [{ idempotencyKey, ...body }] }),
      state: () => handle.query(sectionStateQuery),
      /** Polls the live state until the section reaches the step (timers move it on their own). */
      waitFor: async (step: SectionStep, timeoutMs = 30_000) => {
        const until = Date.now() + timeoutMs;
        for (;;) {
          const view = await handle.query(sectionStateQuery).catch(() => null);
          if (view?.step === step) return view;
          if (Date.now() > until) throw new Error(`section ${permitType} did not reach ${step}; at ${view?.step}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      },
    };
  }

  /** advice → draft → kickoff → submission, every receipt confirmed: each section's workflow is running. */
  async toProcessing(id: string, permits: Permit[], answers: AdviceAnswers) {
    const p = this.project(id);
    await p.send({ action: 'completeAdvice' });
    await p.send({
      action: 'saveDraft',
      patch: completeDraftPatch(
        permits.map((x) => x.permitType),
        answers,
      ),
    });
    await p.send({ action: 'submitDraft' });
    for (const code of new Set(permits.map((x) => x.authorityCode))) {
      await p.send({ action: 'confirmKickoff', authorityCode: code, dataSufficient: true, attends: false });
    }
    await p.send({ action: 'holdKickoff', minutes: 'Data sufficient; no meeting needed.' });
    await p.send({ action: 'submit' });
    for (const [i, permit] of permits.entries()) {
      await p.send({ action: 'confirmReceipt', permitType: permit.permitType, caseNumber: `CASE/${i + 1}` });
    }
    for (const permit of permits) {
      const section = this.section(id, permit.permitType);
      for (let i = 0; !(await section.state().catch(() => null))?.ready; i++) {
        if (i > 150) throw new Error(`section ${permit.permitType} was not prepared`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    return p;
  }

  /** A section without a hearing, from processing to the decision being served. */
  async decideWithoutHearing(id: string, permitType: string, decision: 'approved' | 'rejected' = 'approved') {
    const s = this.section(id, permitType);
    await s.send({ action: 'proposeDraft', text: 'Draft decision' });
    await s.send({ action: 'reviewDraft', accepted: true });
    return s.send({ action: 'decide', decision, text: 'Decision', signedBy: 'Pekka Poliisi' });
  }

  /** A section with a hearing: notice for `noticeMs`, replies closed, draft reviewed, decided. */
  async decideWithHearing(id: string, permitType: string, noticeMs = 1500) {
    const s = this.section(id, permitType);
    await s.send(hearingCommand(noticeMs));
    await s.waitFor('replies');
    await s.send({ action: 'closeReplies' });
    await s.send({ action: 'proposeDraft', text: 'Draft decision with conditions' });
    await s.send({ action: 'reviewDraft', accepted: false, comment: 'Please shorten the quiet hours' });
    return s.send({
      action: 'decide',
      decision: 'approvedWithConditions',
      conditions: 'Music ends at 23:00',
      text: 'Decision',
      signedBy: 'Kaisa Käsittelijä',
    });
  }
}

export function hearingCommand(noticeMs: number): SectionCommandBody {
  return {
    action: 'startHearing',
    closesAt: new Date(Date.now() + noticeMs).toISOString(),
    titleFi: 'Meluilmoitus: kesäfestivaali',
    titleEn: 'Noise notification: summer festival',
    textFi: 'Mielipiteet ilmoitetaan kuulutusaikana.',
    textEn: 'Opinions may be given during the notice period.',
    area: { type: 'Circle', center: [23.7609, 61.4978], radiusMeters: 500 },
  };
}
