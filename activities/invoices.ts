/**
 * Invoicing (F20): the activity the workflows call when a fee falls due — a permit section's
 * decision (or an accepted notification) and a recorded inspection. The invoice's idempotency
 * key names the event that made the fee due (`invoice:permit:<permitId>`,
 * `invoice:inspection:<inspectionId>`), and the column is unique: a retried activity or a
 * replayed workflow finds the invoice already there and returns it, so no fee is invoiced twice.
 * The invoice, its audit entry and the customer's alert commit in one transaction.
 */
import { ApplicationFailure } from '@temporalio/activity';
import type { Prisma } from '../prisma/generated/client';
import type { Tx } from '../platform/db';
import {
  decisionFee,
  dueDate,
  inspectionFee,
  invoiceTotals,
  UnknownFeeError,
  type DecisionOutcome,
  type InspectionKind,
  type InvoiceLine,
} from '../domain/fees';
import { finnishReference } from '../domain/reference-number';
import { helsinkiToday } from '../domain/helsinki';
import { permitType as permitTypeDef } from '../domain/catalogue';
import type { RiskClass } from '../domain/risk';
import { auditChange, isUniqueViolation, notify } from './timeline';
import type { ActivityDeps } from './types';

export type InvoiceDue =
  | { kind: 'permit'; projectId: string; permitType: string; outcome: DecisionOutcome; at?: string }
  | { kind: 'inspection'; cycleId: string; inspectionKey: string; at?: string };

export interface InvoiceResult {
  /** Null when nothing is charged (no fee for that outcome). */
  invoiceId: string | null;
  created: boolean;
}

/** Invoice numbers are the year in Helsinki and the sequence; the reference's base is the sequence too. */
export const invoiceNumber = (seq: number, issuedAt: Date) =>
  `${helsinkiToday(issuedAt).slice(0, 4)}-${String(seq).padStart(6, '0')}`;
export const invoiceReference = (seq: number) => finnishReference(1000 + seq);

interface Draft {
  key: string;
  organisationId: string;
  projectId: string | null;
  siteId: string | null;
  permitType: string | null;
  authorityCode: string;
  kind: 'permit' | 'inspection';
  line: InvoiceLine | null;
  about: string;
}

async function permitDraft(tx: Tx, due: Extract<InvoiceDue, { kind: 'permit' }>): Promise<Draft> {
  const permit = await tx.permit.findFirst({
    where: { projectId: due.projectId, permitType: due.permitType },
    include: { authority: true, project: true },
  });
  if (!permit) throw ApplicationFailure.nonRetryable(`permit ${due.permitType} of ${due.projectId}`, 'NotFound');
  const name = permitTypeDef(due.permitType)?.nameFi ?? due.permitType;
  return {
    key: `invoice:permit:${permit.id}`,
    organisationId: permit.project.organisationId,
    projectId: permit.projectId,
    siteId: null,
    permitType: permit.permitType,
    authorityCode: permit.authority.code,
    kind: 'permit',
    line: decisionFee(due.permitType, due.outcome, name),
    about: permit.project.title,
  };
}

async function inspectionDraft(tx: Tx, due: Extract<InvoiceDue, { kind: 'inspection' }>): Promise<Draft> {
  const inspection = await tx.inspection.findUnique({
    where: { idempotencyKey: due.inspectionKey },
    include: { site: true },
  });
  const cycle = await tx.supervisionCycle.findUnique({ where: { id: due.cycleId } });
  if (!inspection || !cycle) throw ApplicationFailure.nonRetryable(`inspection ${due.inspectionKey}`, 'NotFound');
  // The assessment made at this inspection (same key) is the risk basis of its fee.
  const assessment = await tx.siteAssessment.findUnique({
    where: { idempotencyKey: `${due.inspectionKey}:assessment` },
  });
  return {
    key: `invoice:inspection:${inspection.id}`,
    organisationId: inspection.site.organisationId,
    projectId: cycle.projectId,
    siteId: inspection.siteId,
    permitType: cycle.permitType,
    authorityCode: cycle.authorityCode,
    kind: 'inspection',
    line: inspectionFee({
      authorityCode: cycle.authorityCode,
      kind: inspection.kind as InspectionKind,
      riskClass: (assessment?.classified ? assessment.riskClass : null) as RiskClass | null,
      frequencyPerYear: assessment?.frequencyPerYear ?? null,
      siteName: inspection.site.name,
    }),
    about: inspection.site.name,
  };
}

export function createInvoiceActivities({ db, clock }: ActivityDeps) {
  const now = () => clock?.() ?? new Date();

  const attempt = (due: InvoiceDue) =>
    db.$transaction(async (tx): Promise<InvoiceResult> => {
      let draft: Draft;
      try {
        draft = due.kind === 'permit' ? await permitDraft(tx, due) : await inspectionDraft(tx, due);
      } catch (err) {
        if (err instanceof UnknownFeeError) throw ApplicationFailure.nonRetryable(err.message, 'UnknownFee');
        throw err;
      }
      const earlier = await tx.invoice.findUnique({ where: { idempotencyKey: draft.key }, select: { id: true } });
      if (earlier) return { invoiceId: earlier.id, created: false };
      if (!draft.line) return { invoiceId: null, created: false };
      const issuedAt = due.at ? new Date(due.at) : now();
      const lines = [draft.line];
      const totals = invoiceTotals(lines);
      // The sequence gives the number and the reference before the row exists.
      const [next] = await tx.$queryRaw<Array<{ seq: bigint }>>`
        SELECT nextval(pg_get_serial_sequence('"Invoice"', 'seq')) AS seq`;
      const n = Number(next!.seq);
      const invoice = await tx.invoice.create({
        data: {
          seq: n,
          number: invoiceNumber(n, issuedAt),
          reference: invoiceReference(n),
          organisationId: draft.organisationId,
          projectId: draft.projectId,
          siteId: draft.siteId,
          permitType: draft.permitType,
          authorityCode: draft.authorityCode,
          kind: draft.kind,
          lines: lines as unknown as Prisma.InputJsonValue,
          ...totals,
          currency: 'EUR',
          issuedAt,
          dueAt: dueDate(issuedAt),
          idempotencyKey: draft.key,
        },
      });
      await auditChange(tx, {
        action: 'issueInvoice',
        entity: 'Invoice',
        entityId: invoice.id,
        details: { number: invoice.number, kind: draft.kind, totalCents: totals.totalCents, key: draft.key },
        at: issuedAt,
      });
      await notify(tx, {
        projectId: draft.projectId,
        recipientKind: 'organisation',
        recipient: draft.organisationId,
        kind: 'invoiceIssued',
        payload: {
          invoiceId: invoice.id,
          number: invoice.number,
          title: draft.about,
          totalCents: totals.totalCents,
          dueAt: invoice.dueAt.toISOString(),
        },
        key: `${draft.key}:alert`,
        at: issuedAt,
      });
      return { invoiceId: invoice.id, created: true };
    });

  return {
    /** Issues the invoice of a fee that fell due, once per event (a repeat returns the first). */
    async createInvoice(due: InvoiceDue): Promise<InvoiceResult> {
      try {
        return await attempt(due);
      } catch (err) {
        // The same event invoiced at the same moment by another attempt: that one stands.
        if (!isUniqueViolation(err)) throw err;
        return attempt(due);
      }
    },
  };
}
