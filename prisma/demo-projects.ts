/**
 * Demo permit projects in every step, created through the HTTP API so that each has real
 * workflows behind it (scripts/start.mjs calls this once, after the API is up).
 */
import { CaseParties, type ApiClient } from '../api/client';
import { requiredFields } from '../domain/draft';
import type { AdviceAnswers } from '../domain/advice';
import type { DraftPatch, FieldValue } from '../workflows/permit-project/messages';
import { AUTHORITY_USERS, DEMO, DEMO_USERS } from './seed';

const DAY_MS = 24 * 60 * 60 * 1000;

function exampleValue(type: string, key: string, title: string): FieldValue {
  const k = key.toLowerCase();
  if (type === 'number') return k.includes('attendance') ? 4000 : 90;
  if (type === 'boolean') return false;
  if (type === 'date') return k.includes('end') ? '2027-06-14' : '2027-06-12';
  if (k.includes('email')) return 'olli.organiser@tammerfest.example';
  if (k.includes('phone')) return '+358 40 123 4567';
  if (k.includes('title') || k.includes('name')) return title;
  if (k.includes('municipality')) return 'Tampere';
  if (k.includes('address')) return 'Laukontori 1, 33200 Tampere';
  return `${title}: ${key}`;
}

/** A draft that fills every field the permits ask for (F07), as a diligent customer would. */
export function exampleDraft(permitTypes: string[], answers: AdviceAnswers, title: string): DraftPatch {
  const fields = requiredFields(permitTypes, answers);
  const fill = (defs: Array<{ key: string; type: string }>) =>
    Object.fromEntries(defs.map((f) => [f.key, exampleValue(f.type, f.key, title)]));
  return {
    common: fill(fields.common),
    sections: Object.fromEntries(Object.entries(fields.sections).map(([t, defs]) => [t, fill(defs)])),
  };
}

interface Demo {
  title: string;
  organisationId: string;
  answers: AdviceAnswers;
  until: 'advice' | 'draft' | 'kickoff' | 'submission' | 'processing' | 'completed' | 'cancelled';
  then?: (api: CaseParties, id: string, permits: string[]) => Promise<void>;
}

const FESTIVAL: AdviceAnswers = {
  kind: 'event',
  attendance: 6000,
  alcohol: true,
  foodSales: true,
  amplifiedSound: true,
  nightTime: true,
  temporaryStructures: true,
  publicArea: true,
  municipality: 'Tampere',
};

const hearing = (days: number) => ({
  action: 'startHearing' as const,
  closesAt: new Date(Date.now() + days * DAY_MS).toISOString(),
  titleFi: 'Kuulutus: ulkoilmatapahtuman meluilmoitus',
  titleEn: 'Public notice: noise notification of an open-air event',
  textFi: 'Tapahtuma-alueen lähiasukkaat voivat jättää mielipiteensä kuulutusaikana.',
  textEn: 'Residents near the event area may give their opinion during the notice period.',
  area: {
    type: 'Polygon' as const,
    coordinates: [
      [
        [23.748, 61.492],
        [23.772, 61.492],
        [23.772, 61.503],
        [23.748, 61.503],
        [23.748, 61.492],
      ],
    ],
  },
});

const DEMOS: Demo[] = [
  {
    title: 'Näsinpuiston kesäkonsertti',
    organisationId: DEMO.festivalOrgId,
    answers: { kind: 'event', attendance: 1500, amplifiedSound: true, publicArea: true },
    until: 'advice',
  },
  {
    title: 'Hervannan katuruokatori',
    organisationId: DEMO.festivalOrgId,
    answers: { kind: 'event', attendance: 800, foodSales: true, publicArea: true, temporaryStructures: true },
    until: 'draft',
  },
  {
    title: 'Lielahden tuotantolaitoksen laajennus',
    organisationId: DEMO.organisationId,
    answers: { kind: 'facility', hazardousChemicalsTonnes: 40, emissions: true, newBuilding: true },
    until: 'kickoff',
  },
  {
    title: 'Keskustorin joulumarkkinat',
    organisationId: DEMO.festivalOrgId,
    answers: { kind: 'event', attendance: 3000, foodSales: true, temporaryStructures: true, publicArea: true },
    until: 'submission',
  },
  {
    title: 'Tammerfest 2027',
    organisationId: DEMO.festivalOrgId,
    answers: FESTIVAL,
    until: 'processing',
    async then(api, id, permits) {
      // One permit in its public hearing with a resident's opinion, one with an open information
      // request, one decided and in its appeal period, one awaiting the customer's review of the
      // draft decision, one awaiting the decision; the rest still in processing.
      if (permits.includes('noise')) {
        await api.sectionCommand(id, 'noise', hearing(21));
        const resident = await api.as(DEMO_USERS.resident);
        const notices = await resident.request<Array<{ id: string; projectId: string }>>('GET', '/api/notices');
        const notice = notices.find((n) => n.projectId === id);
        if (notice) {
          await resident.request(
            'POST',
            `/api/notices/${notice.id}/comments`,
            {
              kind: 'opinion',
              authorName: 'Riikka Rantanen',
              anonymous: false,
              text: 'Toivon, että musiikki loppuu klo 23.',
            },
            { 'idempotency-key': `demo-${id}-comment` },
          );
        }
      }
      const others = [];
      for (const p of permits.filter((t) => t !== 'noise')) {
        if ((await api.section(id, p)).allowed.includes('proposeDraft')) others.push(p);
      }
      if (others[0]) {
        await api.sectionCommand(id, others[0], {
          action: 'requestInfo',
          authorityCode: await api.authorityCodeOf(id, others[0]),
          question: 'Toimittakaa järjestyksenvalvojien määrä ja sijoittelu.',
        });
      }
      // Two more show the draft-decision steps: one awaiting the customer's review, one the decision.
      for (const [i, permitType] of others.slice(2, 4).entries()) {
        await api.sectionCommand(id, permitType, { action: 'proposeDraft', text: 'Luonnos: lupa myönnetään.' });
        if (i === 1) await api.sectionCommand(id, permitType, { action: 'reviewDraft', accepted: true });
      }
      if (others[1]) {
        await api.sectionCommand(id, others[1], { action: 'proposeDraft', text: 'Luonnos: lupa myönnetään ehdoin.' });
        await api.sectionCommand(id, others[1], { action: 'reviewDraft', accepted: true });
        await api.sectionCommand(id, others[1], {
          action: 'decide',
          decision: 'approvedWithConditions',
          conditions: 'Anniskelualue aidataan.',
          text: 'Lupa myönnetään.',
          signedBy: 'Kaisa Käsittelijä',
        });
      }
    },
  },
  {
    title: 'Pihakirppis Kalevassa',
    organisationId: DEMO.festivalOrgId,
    answers: { kind: 'event', attendance: 60, publicArea: true },
    until: 'completed',
  },
  {
    title: 'Peruttu talviuintitapahtuma',
    organisationId: DEMO.festivalOrgId,
    answers: { kind: 'event', attendance: 400, foodSales: true },
    until: 'cancelled',
  },
];

const ORDER = ['advice', 'draft', 'kickoff', 'submission', 'processing', 'completed'] as const;

/** Creates the demo projects; every command has a stable idempotency key so a re-run repeats nothing. */
export async function seedDemoProjects(base: string): Promise<number> {
  // Each party signs in through the identity provider once, as the people would (and within
  // the sign-in rate limit), and keeps its session for every demo of its organisation.
  const parties = new Map<string, CaseParties>();
  for (const demo of DEMOS) {
    const customer = demo.organisationId === DEMO.organisationId ? DEMO_USERS.foodManager : DEMO_USERS.organiser;
    let api = parties.get(customer);
    if (!api) {
      api = new CaseParties(base, customer, AUTHORITY_USERS);
      parties.set(customer, api);
    }
    const { id } = await api.createProject({
      organisationId: demo.organisationId,
      title: demo.title,
      municipality: 'Tampere',
    });
    let n = 0;
    const send = (body: Parameters<ApiClient['command']>[1]) => api.command(id, body, `demo-${id}-${n++}`);
    const view = await send({ action: 'answerAdvice', answers: demo.answers as Record<string, unknown> });
    const permits = view.permits.map((p) => p.permitType);
    const reach = (step: (typeof ORDER)[number]) =>
      demo.until === 'cancelled'
        ? step === 'advice' || step === 'draft'
        : ORDER.indexOf(demo.until as never) >= ORDER.indexOf(step);
    if (reach('draft')) {
      await send({ action: 'completeAdvice' });
      const patch = exampleDraft(permits, demo.answers, demo.title);
      if (demo.until === 'draft') {
        // Leave it half done so the traffic lights show what is missing.
        patch.sections = {};
      }
      await send({ action: 'saveDraft', patch });
    }
    if (reach('kickoff')) {
      await send({ action: 'submitDraft' });
      const authorities = [...new Set(view.permits.map((p) => p.authorityCode))];
      await send({ action: 'scheduleKickoff', at: new Date(Date.now() + 7 * DAY_MS).toISOString() });
      const confirmAll = demo.until !== 'kickoff';
      for (const [i, code] of authorities.entries()) {
        if (!confirmAll && i > 0) break;
        await send({ action: 'confirmKickoff', authorityCode: code, dataSufficient: true, attends: i === 0 });
      }
    }
    if (reach('submission')) {
      await send({
        action: 'holdKickoff',
        minutes: 'Käytiin läpi hankkeen kuvaus ja lupien vaatimukset. Aineisto riittää.',
      });
      await send({ action: 'submit' });
      const receipts = demo.until === 'submission' ? view.permits.slice(0, 1) : view.permits;
      for (const [i, p] of receipts.entries()) {
        await send({
          action: 'confirmReceipt',
          permitType: p.permitType,
          caseNumber: `${p.authorityCode}/2026/${100 + i}`,
        });
      }
    }
    if (demo.then) await demo.then(api, id, permits);
    if (demo.until === 'cancelled') await send({ action: 'cancel', reason: 'Tapahtuma siirtyy ensi vuoteen.' });
  }
  return DEMOS.length;
}
