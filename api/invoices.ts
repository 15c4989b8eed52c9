/**
 * Invoicing and payment (F20, F21): invoices with PDF and Finvoice 3.0, online payment and the provider callback.
 *
 * Invoices are issued by the workflows (activities/invoices.ts) when a fee falls due; here they
 * are read, downloaded and paid. Paying opens a payment at the provider (Paytrail's Payment API,
 * platform/payments/provider.ts) and sends the customer to its page; the invoice becomes paid
 * only when a redirect or callback whose HMAC signature verifies says so. Every callback is
 * stored (PaymentCallback), forged ones as evidence; a replayed one changes nothing, and a later
 * failure never un-pays a paid invoice.
 */
import { createHash } from 'node:crypto';
import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Prisma } from '../prisma/generated/client';
import type { Db } from '../platform/db';
import { authorityBilling, type InvoiceLine } from '../domain/fees';
import { buildFinvoice } from '../domain/finvoice';
import { creditorReference } from '../domain/reference-number';
import {
  LOCAL_PROVIDER_PATH,
  PAYTRAIL_TEST_ACCOUNT,
  PAYTRAIL_TEST_SECRET,
  paytrailProvider,
  type PaymentProvider,
  type VerifiedCallback,
} from '../platform/payments/provider';
import { AppError } from './errors';
import { asyncRoute, type AppDeps } from './shared';
import type { Operation } from './openapi';
import { writeAudit } from './audit';
import { actorOf, allow, viewerOf } from './auth/actor';
import {
  canDeliverPaymentCallback,
  canPayInvoice,
  canReadInvoice,
  invoiceScopeOf,
  type InvoiceFacts,
} from './auth/policy';
import { ZIdParam } from './schemas';
import { idempotencyKey } from './projects';
import { renderInvoicePdf } from './invoice-pdf';

const INVOICE_STATUSES = ['open', 'paid', 'cancelled'] as const;

export const ZInvoiceQuery = z
  .object({
    status: z.enum(INVOICE_STATUSES).optional(),
    projectId: z.uuid().optional(),
    limit: z.coerce.number().int().min(1).max(500).default(100),
  })
  .strict();
export type TInvoiceQuery = z.infer<typeof ZInvoiceQuery>;

export const ZStartPayment = z.object({ language: z.enum(['fi', 'en']).default('fi') }).strict();
export type TStartPayment = z.infer<typeof ZStartPayment>;

/** The provider's redirect and callback parameters (documented; verified by signature, not by schema). */
export const ZPaymentCallbackQuery = z.object({
  'checkout-account': z.string(),
  'checkout-algorithm': z.enum(['sha256', 'sha512']),
  'checkout-amount': z.string(),
  'checkout-stamp': z.string(),
  'checkout-reference': z.string(),
  'checkout-transaction-id': z.string(),
  'checkout-status': z.enum(['ok', 'pending', 'delayed', 'fail']),
  'checkout-provider': z.string().optional(),
  signature: z.string(),
});

const T = 'Invoicing and payment';

/** This area's operations, listed in the OpenAPI document (api/openapi.ts). */
export const INVOICE_OPERATIONS: Operation[] = [
  {
    method: 'get',
    path: '/api/invoices',
    summary: "Invoices: a customer's organisation's, an authority's issued ones (F20)",
    tag: T,
    access: 'signed-in',
    query: ZInvoiceQuery,
    ok: [200, 'Invoices, newest first'],
  },
  {
    method: 'get',
    path: '/api/invoices/:id',
    summary: 'One invoice with its lines and payments',
    tag: T,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'The invoice'],
    errors: [404],
  },
  {
    method: 'get',
    path: '/api/invoices/:id/pdf',
    summary: 'The invoice as PDF (bank barcode number included)',
    tag: T,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'PDF'],
    errors: [404],
    contentType: 'application/pdf',
  },
  {
    method: 'get',
    path: '/api/invoices/:id/finvoice',
    summary: 'The invoice as a Finvoice 3.0 e-invoice message',
    tag: T,
    access: 'signed-in',
    params: ZIdParam,
    ok: [200, 'Finvoice 3.0 XML'],
    errors: [404],
    contentType: 'application/xml',
  },
  {
    method: 'post',
    path: '/api/invoices/:id/payments',
    summary: 'Start paying online (F21): the payment page to send the customer to',
    tag: T,
    access: 'signed-in',
    params: ZIdParam,
    body: ZStartPayment,
    command: true,
    ok: [201, 'The payment and the provider page address (href)'],
    errors: [404, 409, 503],
  },
  {
    method: 'get',
    path: '/api/payments/callback',
    summary: "The payment provider's server-to-server callback (HMAC-signed)",
    tag: T,
    access: 'public',
    query: ZPaymentCallbackQuery,
    ok: [200, 'Recorded; the payment status'],
    errors: [401, 404],
  },
  {
    method: 'get',
    path: '/api/payments/return',
    summary: "The customer's return from the payment page (HMAC-signed); redirects to the invoice",
    tag: T,
    access: 'public',
    query: ZPaymentCallbackQuery,
    ok: [303, 'To the invoice page with the verified result'],
    errors: [401, 404],
  },
];

type InvoiceRow = Prisma.InvoiceGetPayload<object>;

const factsOf = (inv: InvoiceRow): InvoiceFacts => ({
  organisationId: inv.organisationId,
  authorityCode: inv.authorityCode,
  kind: inv.kind,
});

const invoiceOut = (inv: InvoiceRow, organisationName: string | null) => ({
  id: inv.id,
  number: inv.number,
  reference: inv.reference,
  creditorReference: creditorReference(inv.reference),
  organisationId: inv.organisationId,
  organisationName,
  projectId: inv.projectId,
  siteId: inv.siteId,
  permitType: inv.permitType,
  authorityCode: inv.authorityCode,
  kind: inv.kind,
  lines: inv.lines as unknown as InvoiceLine[],
  netCents: inv.netCents,
  vatCents: inv.vatCents,
  totalCents: inv.totalCents,
  currency: inv.currency,
  issuedAt: inv.issuedAt.toISOString(),
  dueAt: inv.dueAt.toISOString(),
  status: inv.status,
  paidAt: inv.paidAt?.toISOString() ?? null,
});

/** The provider from configuration: Paytrail in production, the local test provider otherwise. */
export function paymentProviderOf(config: AppDeps['config']): PaymentProvider {
  return paytrailProvider({
    apiUrl: config.PAYMENT_API_URL ?? `${config.auth.publicUrl}${LOCAL_PROVIDER_PATH}`,
    account: config.PAYMENT_ACCOUNT ?? PAYTRAIL_TEST_ACCOUNT,
    secret: config.PAYMENT_SECRET ?? PAYTRAIL_TEST_SECRET,
  });
}

/** The customer's attempt under one Idempotency-Key is one payment: the stamp is derived from both. */
const stampOf = (invoiceId: string, key: string) =>
  createHash('sha256').update(`${invoiceId}:${key}`).digest('hex').slice(0, 40);

async function loadInvoice(db: Db, id: string): Promise<InvoiceRow> {
  const invoice = await db.invoice.findUnique({ where: { id } });
  if (!invoice) throw new AppError('NOT_FOUND', 'Invoice not found');
  return invoice;
}

/** Only the string values of a query (a repeated key arrives as an array): kept as evidence, bounded. */
function evidence(query: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query).slice(0, 30)) out[k.slice(0, 60)] = String(v).slice(0, 300);
  return out;
}

export function invoiceRoutes(deps: AppDeps): Router {
  const { db, config } = deps;
  const router = Router();
  const provider = paymentProviderOf(config);
  const publicUrl = config.auth.publicUrl.replace(/\/$/, '');

  const organisationName = async (id: string) =>
    (await db.organisation.findUnique({ where: { id }, select: { name: true } }))?.name ?? null;

  /** Reads an invoice the viewer may see (403 otherwise, 404 when there is none). */
  const readable = async (res: Response, id: string) => {
    const invoice = await loadInvoice(db, id);
    allow(res, canReadInvoice(viewerOf(res), factsOf(invoice)), 'this invoice');
    return invoice;
  };

  /**
   * GET /api/invoices?status&projectId&limit — 200 with the invoices the viewer may see, newest
   * first: its organisation's (customers and mandated agents), the ones its authority issued
   * (authority users), all (ADMIN); 401; 403 for everyone else.
   */
  router.get(
    '/invoices',
    asyncRoute(async (req, res) => {
      const q = ZInvoiceQuery.parse(req.query);
      const scope = invoiceScopeOf(viewerOf(res));
      allow(res, !('none' in scope), 'invoices');
      const where: Prisma.InvoiceWhereInput = {
        ...('authorityCode' in scope ? { authorityCode: scope.authorityCode } : {}),
        ...('organisationId' in scope ? { organisationId: scope.organisationId, kind: { in: scope.kinds } } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.projectId ? { projectId: q.projectId } : {}),
      };
      const rows = await db.invoice.findMany({ where, orderBy: { seq: 'desc' }, take: q.limit });
      const orgs = await db.organisation.findMany({
        where: { id: { in: [...new Set(rows.map((r) => r.organisationId))] } },
        select: { id: true, name: true },
      });
      const names = new Map(orgs.map((o) => [o.id, o.name]));
      res.json(rows.map((r) => invoiceOut(r, names.get(r.organisationId) ?? null)));
    }),
  );

  /** GET /api/invoices/:id — 200 with the invoice and its payments; 401; 403; 404. */
  router.get(
    '/invoices/:id',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const invoice = await readable(res, id);
      const payments = await db.payment.findMany({ where: { invoiceId: id }, orderBy: { createdAt: 'asc' } });
      res.json({
        ...invoiceOut(invoice, await organisationName(invoice.organisationId)),
        payments: payments.map((p) => ({
          id: p.id,
          provider: p.provider,
          status: p.status,
          amountCents: p.amountCents,
          createdAt: p.createdAt.toISOString(),
          paidAt: p.paidAt?.toISOString() ?? null,
        })),
      });
    }),
  );

  const documentInput = async (invoice: InvoiceRow) => {
    const organisation = await db.organisation.findUnique({ where: { id: invoice.organisationId } });
    const project = invoice.projectId
      ? await db.permitProject.findUnique({ where: { id: invoice.projectId }, select: { title: true } })
      : null;
    return {
      buyer: { name: organisation?.name ?? 'Asiakas', businessId: organisation?.businessId ?? null },
      seller: authorityBilling(invoice.authorityCode),
      lines: invoice.lines as unknown as InvoiceLine[],
      about: project?.title ?? null,
    };
  };

  /** GET /api/invoices/:id/pdf — 200 application/pdf; 401; 403 (another organisation or authority); 404. */
  router.get(
    '/invoices/:id/pdf',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const invoice = await readable(res, id);
      const parts = await documentInput(invoice);
      const pdf = await renderInvoicePdf({ ...invoice, ...parts });
      res
        .type('application/pdf')
        .set('Content-Disposition', `attachment; filename="lasku-${invoice.number}.pdf"`)
        .set('Cache-Control', 'private, no-store')
        .send(pdf);
    }),
  );

  /** GET /api/invoices/:id/finvoice — 200 Finvoice 3.0 XML; 401; 403; 404. */
  router.get(
    '/invoices/:id/finvoice',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const invoice = await readable(res, id);
      const parts = await documentInput(invoice);
      const xml = buildFinvoice({
        ...invoice,
        ...parts,
        buyerReference: parts.about ?? undefined,
        messageId: invoice.id,
      });
      res
        .type('application/xml')
        .set('Content-Disposition', `attachment; filename="finvoice-${invoice.number}.xml"`)
        .set('Cache-Control', 'private, no-store')
        .send(xml);
    }),
  );

  /**
   * POST /api/invoices/:id/payments {language?} + Idempotency-Key — 201 with {paymentId, href}:
   * send the customer to href (the same payment for a repeated key); 400; 401; 403 for anyone
   * but the invoice's customer side; 404; 409 when the invoice is not open; 503 when the payment
   * provider cannot be reached (nothing is paid; try again with the same key).
   */
  router.post(
    '/invoices/:id/payments',
    asyncRoute(async (req, res) => {
      const { id } = ZIdParam.parse(req.params);
      const key = idempotencyKey(req);
      const body = ZStartPayment.parse(req.body ?? {});
      const actor = actorOf(res);
      const invoice = await loadInvoice(db, id);
      allow(res, canPayInvoice(actor, factsOf(invoice)), 'paying this invoice');
      const stamp = stampOf(id, key);
      const earlier = await db.payment.findUnique({ where: { stamp } });
      if (earlier?.transactionId) {
        const known = await provider.getPayment(earlier.transactionId).catch(() => {
          throw new AppError('UNAVAILABLE', 'The payment service is not available; try again');
        });
        res.status(201).json({ paymentId: earlier.id, status: earlier.status, href: known.href });
        return;
      }
      if (invoice.status !== 'open') {
        throw new AppError('CONFLICT', `The invoice is ${invoice.status}`, { status: invoice.status });
      }
      const payment =
        earlier ??
        (await db.$transaction(async (tx) => {
          const created = await tx.payment.create({
            data: { invoiceId: id, provider: provider.name, stamp, amountCents: invoice.totalCents },
          });
          await writeAudit(tx, res, {
            action: 'startPayment',
            entity: 'Invoice',
            entityId: id,
            details: { paymentId: created.id, amountCents: invoice.totalCents },
          });
          return created;
        }));
      let opened: { transactionId: string; href: string };
      try {
        opened = await provider.createPayment({
          stamp,
          reference: invoice.reference,
          amountCents: invoice.totalCents,
          currency: invoice.currency,
          language: body.language === 'en' ? 'EN' : 'FI',
          items: (invoice.lines as unknown as InvoiceLine[]).map((l, i) => ({
            unitPrice: Math.round(l.quantity * l.unitCents * (1 + l.vatPercent / 100)),
            units: 1,
            vatPercentage: l.vatPercent,
            productCode: `${invoice.number}-${i + 1}`,
            description: l.description.slice(0, 1000),
          })),
          customer: { email: actor.email },
          redirectUrls: { success: `${publicUrl}/api/payments/return`, cancel: `${publicUrl}/api/payments/return` },
          callbackUrls: {
            success: `${publicUrl}/api/payments/callback`,
            cancel: `${publicUrl}/api/payments/callback`,
          },
        });
      } catch (err) {
        deps.logger.warn({ err, invoiceId: id }, 'payment provider refused or unreachable');
        throw new AppError('UNAVAILABLE', 'The payment service is not available; try again');
      }
      await db.payment.update({ where: { id: payment.id }, data: { transactionId: opened.transactionId } });
      res.status(201).json({ paymentId: payment.id, status: payment.status, href: opened.href });
    }),
  );

  /**
   * A redirect or callback from the provider: stored whatever it is; applied only when its
   * signature verifies and it matches the payment we opened (amount, reference, transaction).
   */
  const receive = async (
    res: Response,
    query: Record<string, unknown>,
  ): Promise<{ invoiceId: string; status: string }> => {
    allow(res, canDeliverPaymentCallback(), 'payment callbacks');
    const verification = provider.verifyCallback(query);
    const stampParam = query['checkout-stamp'];
    const payment =
      typeof stampParam === 'string' && stampParam.length <= 200
        ? await db.payment.findUnique({ where: { stamp: stampParam }, include: { invoice: true } })
        : null;
    const params = evidence(query) as Prisma.InputJsonValue;
    const status = typeof query['checkout-status'] === 'string' ? query['checkout-status'].slice(0, 20) : null;
    const refuse = async (error: AppError) => {
      await db.paymentCallback.create({
        data: { paymentId: payment?.id ?? null, provider: provider.name, verified: false, status, params },
      });
      throw error;
    };
    if (!verification.ok) {
      return refuse(
        new AppError('UNAUTHENTICATED', 'The payment result is not signed by the payment provider', {
          field: verification.field,
        }),
      );
    }
    const cb: VerifiedCallback = verification.callback;
    if (!payment) return refuse(new AppError('NOT_FOUND', 'No such payment', { field: 'checkout-stamp' }));
    const mismatch =
      cb.amountCents !== payment.amountCents
        ? 'checkout-amount'
        : cb.reference !== payment.invoice.reference
          ? 'checkout-reference'
          : payment.transactionId && cb.transactionId !== payment.transactionId
            ? 'checkout-transaction-id'
            : null;
    if (mismatch) {
      return refuse(new AppError('VALIDATION', `${mismatch} does not match the payment`, { field: mismatch }));
    }
    const now = new Date();
    await db.$transaction(async (tx) => {
      await tx.paymentCallback.create({
        data: { paymentId: payment.id, provider: provider.name, verified: true, status: cb.status, params },
      });
      if (cb.status === 'ok') {
        // Conditional updates: a replay or a concurrent duplicate finds nothing left to change.
        const moved = await tx.payment.updateMany({
          where: { id: payment.id, status: { not: 'ok' } },
          data: { status: 'ok', paidAt: now, transactionId: cb.transactionId },
        });
        const paid = await tx.invoice.updateMany({
          where: { id: payment.invoiceId, status: 'open' },
          data: { status: 'paid', paidAt: now },
        });
        if (moved.count > 0 && paid.count > 0) {
          await writeAudit(tx, res, {
            action: 'invoicePaid',
            entity: 'Invoice',
            entityId: payment.invoiceId,
            details: { paymentId: payment.id, transactionId: cb.transactionId, provider: cb.provider },
          });
        }
      } else if (cb.status === 'fail') {
        // A failure never overrides a payment that went through.
        await tx.payment.updateMany({
          where: { id: payment.id, status: { in: ['new', 'pending', 'delayed'] } },
          data: { status: 'fail', transactionId: cb.transactionId },
        });
      } else {
        await tx.payment.updateMany({
          where: { id: payment.id, status: 'new' },
          data: { status: 'pending', transactionId: cb.transactionId },
        });
      }
    });
    const current = await db.payment.findUniqueOrThrow({ where: { id: payment.id } });
    return { invoiceId: payment.invoiceId, status: current.status };
  };

  /**
   * GET /api/payments/callback?checkout-…&signature — 200 {status} once recorded (again for a
   * replay, changing nothing); 401 when the signature does not verify, 400 when it does not match
   * the payment (amount, reference, transaction), 404 for an unknown payment — each stored as
   * an unverified callback, the invoice unchanged.
   */
  router.get(
    '/payments/callback',
    asyncRoute(async (req, res) => {
      const { status } = await receive(res, req.query as Record<string, unknown>);
      res.json({ status });
    }),
  );

  /**
   * GET /api/payments/return?checkout-…&signature — the customer's browser back from the payment
   * page: verified and applied like the callback, then 303 to /invoices/:id?payment=<status>.
   */
  router.get(
    '/payments/return',
    asyncRoute(async (req, res) => {
      const { invoiceId, status } = await receive(res, req.query as Record<string, unknown>);
      res.redirect(303, `/invoices/${invoiceId}?payment=${encodeURIComponent(status)}`);
    }),
  );

  return router;
}
