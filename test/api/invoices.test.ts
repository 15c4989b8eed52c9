/**
 * Invoicing and payment (F20, F21) against the real stack: the workflows issue one invoice per
 * decision; its PDF and Finvoice download for the customer and the invoicing authority only;
 * paying goes through the local test provider running as its own HTTP server and speaking the
 * Paytrail protocol — the invoice is paid only after a verified callback, forged callbacks are
 * refused and stored as evidence, a replayed or late 'fail' callback changes nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { CaseParties, type ApiClient } from '../../api/client';
import { DEMO, DEMO_USERS, AUTHORITY_USERS } from '../../prisma/seed';
import { useApiStack } from '../support/stack';
import { decideThroughApi, submitThroughApi } from '../support/http-cases';
import { startLocalPaymentProvider } from '../../platform/payments/local-provider';
import { sign, PAYTRAIL_TEST_ACCOUNT, PAYTRAIL_TEST_SECRET } from '../../platform/payments/provider';
import { decisionFee } from '../../domain/fees';
import { isValidFinnishReference } from '../../domain/reference-number';
import type { AdviceAnswers } from '../../domain/advice';
import { until } from '../support/env';

const FESTIVAL: AdviceAnswers = { kind: 'event', attendance: 3000, amplifiedSound: true, nightTime: true };
const XSD = path.join(__dirname, '..', 'fixtures', 'Finvoice3.0.xsd');

// The provider starts first, so the API is configured with its address (hooks run in order).
let provider: Awaited<ReturnType<typeof startLocalPaymentProvider>>;
const payments: { PAYMENT_API_URL?: string } = {};
beforeAll(async () => {
  provider = await startLocalPaymentProvider({ account: PAYTRAIL_TEST_ACCOUNT, secret: PAYTRAIL_TEST_SECRET });
  payments.PAYMENT_API_URL = provider.url;
});
afterAll(() => provider?.close());
const stack = useApiStack(payments);

interface InvoiceView {
  id: string;
  number: string;
  reference: string;
  creditorReference: string;
  permitType: string | null;
  authorityCode: string;
  kind: string;
  totalCents: number;
  status: string;
  paidAt: string | null;
  payments?: Array<{ id: string; status: string }>;
}

let parties: CaseParties;
let organiser: ApiClient;
let projectId: string;
let invoices: InvoiceView[];
let decided: Array<{ permitType: string; step: string; decision: string | null; authorityCode: string }>;

beforeAll(async () => {
  parties = new CaseParties(stack.base, DEMO_USERS.organiser, AUTHORITY_USERS);
  organiser = await parties.customer();
  ({ id: projectId } = await parties.createProject({
    organisationId: DEMO.festivalOrgId,
    title: 'Laskutusfestivaali',
  }));
  const submitted = await submitThroughApi(parties, projectId, FESTIVAL);
  decided = [];
  for (const p of submitted.permits) {
    const view = await decideThroughApi(parties, projectId, p.permitType);
    decided.push({
      permitType: p.permitType,
      step: view.step,
      decision: view.decision,
      authorityCode: p.authorityCode,
    });
  }
  invoices = await organiser.request<InvoiceView[]>('GET', `/api/invoices?projectId=${projectId}`);
}, 240_000);

const db = () => stack.db.handle.db;
const invoiceOf = (permitType: string) => invoices.find((i) => i.permitType === permitType)!;
/** The noise permit: decided by the City of Tampere after a hearing, always charged. */
const noise = () => invoiceOf('noise');

describe('invoices issued by the workflows', () => {
  it('issues exactly one invoice per decided permit, with the fee of its outcome', async () => {
    const expected = decided.flatMap((p) => {
      const outcome = p.step === 'notified' ? 'notification' : p.decision === 'rejected' ? 'rejected' : 'permit';
      const line = decisionFee(p.permitType, outcome, p.permitType);
      return line ? [{ permitType: p.permitType, totalCents: line.unitCents }] : [];
    });
    expect(decided.map((p) => p.permitType)).toContain('noise');
    expect(
      invoices
        .map((i) => ({ permitType: i.permitType, totalCents: i.totalCents }))
        .sort((a, b) => a.permitType!.localeCompare(b.permitType!)),
    ).toEqual(expected.sort((a, b) => a.permitType.localeCompare(b.permitType)));
    expect(await db().invoice.count({ where: { projectId } })).toBe(expected.length);
    for (const invoice of invoices) {
      expect(isValidFinnishReference(invoice.reference)).toBe(true);
      expect(invoice.creditorReference.slice(4)).toBe(invoice.reference);
      expect(invoice.status).toBe('open');
    }
    // The customer is alerted through the outbox, once per invoice.
    const alerts = await db().notification.findMany({ where: { projectId, kind: 'invoiceIssued' } });
    expect(alerts).toHaveLength(expected.length);
  });

  it('an authority sees the invoices it issued, not the others', async () => {
    const clerk = await parties.authority('CITY-TRE');
    const own = await clerk.request<InvoiceView[]>('GET', `/api/invoices?projectId=${projectId}`);
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((i) => i.authorityCode === 'CITY-TRE')).toBe(true);
    expect(own.map((i) => i.id).sort()).toEqual(
      invoices
        .filter((i) => i.authorityCode === 'CITY-TRE')
        .map((i) => i.id)
        .sort(),
    );
  });
});

describe('downloads', () => {
  it('the PDF is a PDF carrying the reference', async () => {
    const res = await organiser.raw('GET', `/api/invoices/${noise().id}/pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.toString('latin1')).toContain(`reference ${noise().reference}`);
  });

  it('the Finvoice validates against the Finvoice 3.0 schema and carries the invoice number and reference', async () => {
    const clerk = await parties.authority('CITY-TRE');
    const res = await clerk.raw('GET', `/api/invoices/${noise().id}/finvoice`);
    expect(res.status).toBe(200);
    const xml = await res.text();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'finvoice-api-')), 'invoice.xml');
    fs.writeFileSync(file, xml);
    const lint = spawnSync('xmllint', ['--noout', '--schema', XSD, file], { encoding: 'utf8' });
    expect(lint.stderr).toContain('validates');
    expect(xml).toContain(`<InvoiceNumber>${noise().number}</InvoiceNumber>`);
    expect(xml).toContain(`IdentificationSchemeName="SPY">${noise().reference}<`);
  });

  it('refuses another organisation, another authority, the service desk and the public', async () => {
    const id = noise().id;
    const other = await parties.as(DEMO_USERS.foodManager);
    const otherClerk = await parties.authority('TUKES');
    const desk = await parties.as(DEMO_USERS.serviceDesk);
    for (const suffix of ['', '/pdf', '/finvoice']) {
      expect((await other.raw('GET', `/api/invoices/${id}${suffix}`)).status).toBe(403);
      expect((await otherClerk.raw('GET', `/api/invoices/${id}${suffix}`)).status).toBe(403);
      expect((await desk.raw('GET', `/api/invoices/${id}${suffix}`)).status).toBe(403);
      expect((await fetch(`${stack.base}/api/invoices/${id}${suffix}`)).status).toBe(401);
    }
    expect((await desk.raw('GET', '/api/invoices')).status).toBe(403);
    expect(await other.request<InvoiceView[]>('GET', `/api/invoices?projectId=${projectId}`)).toEqual([]);
    const agent = await parties.as(DEMO_USERS.agent);
    await agent.actFor(agent.session!.mandates[0]!.id);
    expect((await agent.raw('GET', `/api/invoices/${id}/pdf`)).status).toBe(200);
    expect((await parties.as(DEMO_USERS.admin).then((a) => a.raw('GET', `/api/invoices/${id}`))).status).toBe(200);
  });

  it('answers 404 for an unknown invoice and 400 naming the field for a bad id or query', async () => {
    expect((await organiser.raw('GET', `/api/invoices/${randomUUID()}/pdf`)).status).toBe(404);
    const bad = await organiser.raw('GET', '/api/invoices/not-a-uuid');
    expect(bad.status).toBe(400);
    const query = await organiser.raw('GET', '/api/invoices?status=owed');
    expect(query.status).toBe(400);
    expect(JSON.stringify(await query.json())).toContain('status');
  });
});

describe('online payment through the provider protocol', () => {
  const startPayment = (client: ApiClient, id: string, key: string, body: unknown = {}) =>
    client.raw('POST', `/api/invoices/${id}/payments`, body, { 'idempotency-key': key });
  const status = async (id: string) => (await db().invoice.findUniqueOrThrow({ where: { id } })).status;
  const callback = (params: Record<string, string>) =>
    fetch(`${stack.base}/api/payments/callback?${new URLSearchParams(params)}`);
  let transactionId: string;
  let href: string;

  it('refuses bad input, other parties and a missing key, creating no payment', async () => {
    const id = noise().id;
    const bad = await startPayment(organiser, id, randomUUID(), { language: 'klingon' });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(await bad.json())).toContain('language');
    expect((await organiser.raw('POST', `/api/invoices/${id}/payments`, {})).status).toBe(400);
    expect((await startPayment(await parties.authority('CITY-TRE'), id, randomUUID())).status).toBe(403);
    expect((await startPayment(await parties.as(DEMO_USERS.foodManager), id, randomUUID())).status).toBe(403);
    expect(await db().payment.count({ where: { invoiceId: id } })).toBe(0);
  });

  it('opens a payment at the provider; the same key gives the same payment', async () => {
    const key = randomUUID();
    const first = await startPayment(organiser, noise().id, key);
    expect(first.status).toBe(201);
    const opened = (await first.json()) as { paymentId: string; href: string };
    const again = (await (await startPayment(organiser, noise().id, key)).json()) as typeof opened;
    expect(again).toMatchObject({ paymentId: opened.paymentId, href: opened.href });
    href = opened.href;
    expect(href.startsWith(`${provider.url}/pay/`)).toBe(true);
    transactionId = href.split('/').pop()!;
    const page = await (await fetch(href)).text();
    expect(page).toContain(noise().reference);
    expect(await status(noise().id)).toBe('open');
  });

  it('refuses forged, unsigned and mismatching callbacks, storing them and changing nothing', async () => {
    const genuine = provider.signedResult(transactionId, 'ok');
    const forgedAmount = { ...genuine, 'checkout-amount': '1' };
    const { signature: _s, ...unsigned } = genuine;
    const wrongSecret = { ...unsigned, signature: sign('not the provider', unsigned) };
    // Signed correctly (the secret leaked, say) but not for what we asked: the amount must match too.
    const cheaper = { ...unsigned, 'checkout-amount': '100' };
    const signedCheaper = { ...cheaper, signature: sign(PAYTRAIL_TEST_SECRET, cheaper) };
    const before = await db().paymentCallback.count();
    expect((await callback(forgedAmount)).status).toBe(401);
    expect((await callback(unsigned)).status).toBe(401);
    expect((await callback(wrongSecret)).status).toBe(401);
    const mismatch = await callback(signedCheaper);
    expect(mismatch.status).toBe(400);
    expect(await mismatch.json()).toMatchObject({ field: 'checkout-amount' });
    const stored = await db().paymentCallback.findMany({ where: { id: { gt: BigInt(before) } } });
    expect(stored.map((c) => c.verified)).toEqual([false, false, false, false]);
    expect(await status(noise().id)).toBe('open');
    expect((await db().payment.findFirstOrThrow({ where: { invoiceId: noise().id } })).status).toBe('new');
  });

  it('Pay on the provider page: paid once the verified callback arrives, and the return page shows it', async () => {
    const clicked = await fetch(`${href}/ok`, { method: 'POST', redirect: 'manual' });
    expect(clicked.status).toBe(303);
    const back = new URL(clicked.headers.get('location')!);
    expect(back.pathname).toBe('/api/payments/return');
    // The server-to-server callback ran before the redirect.
    expect(await status(noise().id)).toBe('paid');
    const returned = await fetch(back, { redirect: 'manual' });
    expect(returned.status).toBe(303);
    expect(returned.headers.get('location')).toBe(`/invoices/${noise().id}?payment=ok`);
    const view = await organiser.request<InvoiceView>('GET', `/api/invoices/${noise().id}`);
    expect(view.status).toBe('paid');
    expect(view.payments).toEqual([expect.objectContaining({ status: 'ok' })]);
  });

  it('a replayed callback and a late failure change nothing', async () => {
    const paidAt = (await db().invoice.findUniqueOrThrow({ where: { id: noise().id } })).paidAt;
    const replay = await callback(provider.signedResult(transactionId, 'ok'));
    expect(replay.status).toBe(200);
    expect(await replay.json()).toEqual({ status: 'ok' });
    const late = await callback(provider.signedResult(transactionId, 'fail'));
    expect(late.status).toBe(200);
    expect(await late.json()).toEqual({ status: 'ok' });
    const invoice = await db().invoice.findUniqueOrThrow({ where: { id: noise().id } });
    expect([invoice.status, invoice.paidAt]).toEqual(['paid', paidAt]);
    const audits = await db().auditEntry.count({ where: { entityId: noise().id, action: 'invoicePaid' } });
    expect(audits).toBe(1);
    // A paid invoice is not paid again.
    expect((await startPayment(organiser, noise().id, randomUUID())).status).toBe(409);
  });

  it('Cancel on the provider page leaves the invoice open and the payment failed', async () => {
    const other = invoices.find((i) => i.id !== noise().id && i.status === 'open');
    if (!other) throw new Error('the festival needs a second invoice for this test');
    const opened = (await (await startPayment(organiser, other.id, randomUUID())).json()) as { href: string };
    const cancelled = await fetch(`${opened.href}/fail`, { method: 'POST', redirect: 'manual' });
    const back = await fetch(new URL(cancelled.headers.get('location')!), { redirect: 'manual' });
    expect(back.headers.get('location')).toBe(`/invoices/${other.id}?payment=fail`);
    await until('the failed payment', async () =>
      (await db().payment.findFirst({ where: { invoiceId: other.id, status: 'fail' } })) ? true : null,
    );
    expect(await status(other.id)).toBe('open');
  });
});
