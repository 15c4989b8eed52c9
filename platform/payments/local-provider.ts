/**
 * The local test payment provider: a small Express app that speaks Paytrail's Payment API
 * (platform/payments/provider.ts) — signed `POST /payments` and `GET /payments/:id`, a payment
 * page where one clicks Pay or Cancel, then the signed redirect back to the merchant and the
 * signed server-to-server callback. Tests run it as its own HTTP server; `npm start` mounts it
 * at /local-payments when no real provider (PAYMENT_API_URL) is configured. Payments live in
 * memory: it is a stand-in for a provider we cannot run here, not a place to keep money.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import { sign, signatureMatches, type PaymentStatus } from './provider';

interface OpenPayment {
  transactionId: string;
  stamp: string;
  reference: string;
  amount: number;
  currency: string;
  redirectUrls: { success: string; cancel: string };
  callbackUrls: { success: string; cancel: string };
  status: 'new' | PaymentStatus;
  href: string;
}

export interface LocalProviderSettings {
  account: string;
  secret: string;
  /** How the provider reaches callback URLs (tests may observe or delay it). */
  fetch?: typeof fetch;
}

export interface LocalProvider {
  router: Router;
  /** The signed redirect and callback parameters the provider would send for a payment. */
  signedResult(transactionId: string, status: PaymentStatus): Record<string, string>;
  payments: ReadonlyMap<string, Readonly<OpenPayment>>;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const euros = (cents: number) => `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')} €`;

export function localPaymentProvider(settings: LocalProviderSettings): LocalProvider {
  const payments = new Map<string, OpenPayment>();
  const doFetch = settings.fetch ?? fetch;
  const router = express.Router();

  /** Every response is signed over its checkout-* headers and body, as Paytrail signs its own. */
  const signedJson = (res: Response, status: number, body: object) => {
    const text = JSON.stringify(body);
    const headers = {
      'checkout-account': settings.account,
      'checkout-algorithm': 'sha256',
      'checkout-timestamp': new Date().toISOString(),
    };
    res
      .status(status)
      .set({ ...headers, signature: sign(settings.secret, headers, text), 'content-type': 'application/json' })
      .send(text);
  };

  /** A request is the merchant's when its headers and exact body verify with the shared secret. */
  const authentic = (req: Request, body: string) => {
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k]) => k.startsWith('checkout-')),
    ) as Record<string, string>;
    return (
      headers['checkout-account'] === settings.account &&
      headers['checkout-algorithm'] === 'sha256' &&
      signatureMatches(settings.secret, headers, req.get('signature'), body)
    );
  };

  const signedResult = (transactionId: string, status: PaymentStatus): Record<string, string> => {
    const p = payments.get(transactionId);
    if (!p) throw new Error(`no payment ${transactionId}`);
    const values: Record<string, string> = {
      'checkout-account': settings.account,
      'checkout-algorithm': 'sha256',
      'checkout-amount': String(p.amount),
      'checkout-stamp': p.stamp,
      'checkout-reference': p.reference,
      'checkout-transaction-id': p.transactionId,
      'checkout-status': status,
      'checkout-provider': 'localbank',
    };
    return { ...values, signature: sign(settings.secret, values) };
  };

  router.post('/payments', express.text({ type: '*/*', limit: '64kb' }), (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    if (!authentic(req, body)) return signedJson(res, 401, { status: 'error', message: 'Invalid signature' });
    let parsed: Partial<OpenPayment> & { amount?: unknown };
    try {
      parsed = JSON.parse(body) as typeof parsed;
    } catch {
      return signedJson(res, 400, { status: 'error', message: 'Body is not JSON' });
    }
    const ok =
      typeof parsed.stamp === 'string' &&
      typeof parsed.reference === 'string' &&
      Number.isInteger(parsed.amount) &&
      (parsed.amount as number) > 0 &&
      typeof parsed.redirectUrls?.success === 'string' &&
      typeof parsed.callbackUrls?.success === 'string';
    if (!ok) return signedJson(res, 400, { status: 'error', message: 'Missing or invalid payment fields' });
    if ([...payments.values()].some((p) => p.stamp === parsed.stamp)) {
      return signedJson(res, 400, { status: 'error', message: 'Duplicate stamp' });
    }
    const transactionId = randomUUID();
    const href = `${req.protocol}://${req.get('host')}${req.baseUrl}/pay/${transactionId}`;
    payments.set(transactionId, {
      transactionId,
      stamp: parsed.stamp!,
      reference: parsed.reference!,
      amount: parsed.amount as number,
      currency: parsed.currency ?? 'EUR',
      redirectUrls: parsed.redirectUrls!,
      callbackUrls: parsed.callbackUrls!,
      status: 'new',
      href,
    });
    signedJson(res, 201, { transactionId, href, reference: parsed.reference, providers: [] });
  });

  router.get('/payments/:transactionId', (req, res) => {
    if (!authentic(req, '')) return signedJson(res, 401, { status: 'error', message: 'Invalid signature' });
    const p = payments.get(req.params.transactionId);
    if (!p) return signedJson(res, 404, { status: 'error', message: 'No such payment' });
    signedJson(res, 200, {
      id: p.transactionId,
      status: p.status,
      amount: p.amount,
      currency: p.currency,
      stamp: p.stamp,
      reference: p.reference,
      href: p.href,
    });
  });

  /** The payment page: what is paid, and two buttons. */
  router.get('/pay/:transactionId', (req, res) => {
    const p = payments.get(req.params.transactionId);
    if (!p) {
      res.status(404).type('text/plain').send('No such payment');
      return;
    }
    const action = `${req.baseUrl}/pay/${encodeURIComponent(p.transactionId)}`;
    res.type('html').send(`<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Testimaksu / Test payment</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
button{font:inherit;padding:.75rem 1.5rem;margin:.5rem .5rem 0 0;border-radius:4px;border:2px solid #00347a;cursor:pointer}
.pay{background:#00347a;color:#fff}.cancel{background:#fff;color:#00347a}</style></head>
<body><main><h1>Testimaksu / Test payment</h1>
<p>Paikallinen testimaksupalvelu — rahaa ei siirry. / Local test provider — no money moves.</p>
<dl><dt>Summa / Amount</dt><dd>${escapeHtml(euros(p.amount))}</dd>
<dt>Viite / Reference</dt><dd>${escapeHtml(p.reference)}</dd></dl>
<form method="post" action="${escapeHtml(action)}/ok"><button class="pay" type="submit">Maksa / Pay</button></form>
<form method="post" action="${escapeHtml(action)}/fail"><button class="cancel" type="submit">Peruuta / Cancel</button></form>
</main></body></html>`);
  });

  /** Pay or Cancel: the callback goes server to server, then the browser is redirected back. */
  router.post('/pay/:transactionId/:result', async (req, res) => {
    const p = payments.get(req.params.transactionId);
    const result = req.params.result;
    if (!p || (result !== 'ok' && result !== 'fail')) {
      res.status(404).type('text/plain').send('No such payment');
      return;
    }
    if (p.status !== 'ok') p.status = result;
    const params = new URLSearchParams(signedResult(p.transactionId, p.status as PaymentStatus)).toString();
    const target = (url: string) => `${url}${url.includes('?') ? '&' : '?'}${params}`;
    const callback = p.status === 'ok' ? p.callbackUrls.success : p.callbackUrls.cancel;
    const redirect = p.status === 'ok' ? p.redirectUrls.success : p.redirectUrls.cancel;
    // Paytrail retries a failed callback later; here one attempt, and the redirect carries the result too.
    await doFetch(target(callback), { signal: AbortSignal.timeout(10_000) }).catch(() => undefined);
    res.redirect(303, target(redirect));
  });

  return { router, signedResult, payments };
}

/** Runs the local provider as its own HTTP server (tests). */
export async function startLocalPaymentProvider(
  settings: LocalProviderSettings,
): Promise<LocalProvider & { url: string; close(): Promise<void> }> {
  const provider = localPaymentProvider(settings);
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false }));
  app.use(provider.router);
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    ...provider,
    url,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
