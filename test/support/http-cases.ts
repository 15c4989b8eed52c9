/** Drives a project through the HTTP API as its customer and authorities would (Arrange helpers). */
import type { CaseApi } from '../../api/client';
import { hearingCommand } from './cases';
import { exampleDraft } from '../../prisma/demo-projects';
import type { AdviceAnswers } from '../../domain/advice';
import type { ProjectView } from '../../workflows/permit-project/messages';

/** advice (answers) → draft → kickoff → submission → every receipt confirmed. */
export async function submitThroughApi(
  api: CaseApi,
  id: string,
  answers: AdviceAnswers,
  alreadyAdvised?: ProjectView,
): Promise<ProjectView> {
  const advised =
    alreadyAdvised ?? (await api.command(id, { action: 'answerAdvice', answers: answers as Record<string, unknown> }));
  const permits = advised.permits.map((p) => p.permitType);
  await api.command(id, { action: 'completeAdvice' });
  await api.command(id, { action: 'saveDraft', patch: exampleDraft(permits, answers, 'API test') });
  await api.command(id, { action: 'submitDraft' });
  for (const code of new Set(advised.permits.map((p) => p.authorityCode))) {
    await api.command(id, { action: 'confirmKickoff', authorityCode: code, dataSufficient: true, attends: false });
  }
  await api.command(id, { action: 'holdKickoff', minutes: 'No meeting needed.' });
  await api.command(id, { action: 'submit' });
  let view = advised;
  for (const [i, p] of advised.permits.entries()) {
    view = await api.command(id, { action: 'confirmReceipt', permitType: p.permitType, caseNumber: `C/${i}` });
  }
  return view;
}

/** Takes one section to its end by whatever its live state allows next: the authority's happy path. */
export async function decideThroughApi(api: CaseApi, id: string, permitType: string, noticeMs = 1500) {
  for (let guard = 0; guard < 20; guard++) {
    const view = await api.section(id, permitType);
    if (['final', 'notified', 'cancelled'].includes(view.step)) return view;
    const can = (a: string) => view.allowed.includes(a as never);
    if (view.step === 'hearing') await api.waitForSection(id, permitType, 'replies');
    else if (view.step === 'service' || view.step === 'appeal') await api.waitForSection(id, permitType, 'final');
    else if (can('startHearing')) await api.sectionCommand(id, permitType, hearingCommand(noticeMs));
    else if (can('closeReplies')) await api.sectionCommand(id, permitType, { action: 'closeReplies' });
    else if (can('reviewDraft')) await api.sectionCommand(id, permitType, { action: 'reviewDraft', accepted: true });
    else if (can('decide'))
      await api.sectionCommand(id, permitType, {
        action: 'decide',
        decision: 'approved',
        text: 'Approved.',
        signedBy: 'Kaisa Käsittelijä',
      });
    else if (can('proposeDraft')) await api.sectionCommand(id, permitType, { action: 'proposeDraft', text: 'Draft.' });
    else throw new Error(`no way forward for ${permitType} in ${view.step}: ${view.allowed.join(', ')}`);
  }
  throw new Error(`${permitType} did not finish`);
}
