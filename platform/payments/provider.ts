/**
 * Online payment (F21) behind one interface, speaking Paytrail's Payment API
 * (https://docs.paytrail.com): a payment is opened with a signed `POST /payments`, the customer
 * pays on the provider's page and comes back on the redirect URL, and the provider also calls
 * the callback URL server to server. Every request, response, redirect and callback is signed
 * with HMAC-SHA256 over the `checkout-*` values sorted by name as `key:value` lines, joined with
 * a line feed, followed by the body (an empty string for redirects and callbacks).
 *
 * The same client talks to Paytrail in production (PAYMENT_API_URL) and to the local test
 * provider (platform/payments/local-provider.ts), which speaks exactly this protocol.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

/** Paytrail's published test merchant: the default outside production (config refuses it there). */
export const PAYTRAIL_TEST_ACCOUNT = '375917';
export const PAYTRAIL_TEST_SECRET = 'SAIPPUAKAUPPIAS';
/** Where `npm start` mounts the local test provider when no PAYMENT_API_URL is set. */
export const LOCAL_PROVIDER_PATH = '/local-payments';

export type PaymentStatus = 'ok' | 'pending' | 'delayed' | 'fail';
const STATUSES: readonly string[] = ['ok', 'pending', 'delayed', 'fail'];

export interface CreatePaymentRequest {
  /** Our unique id of the attempt (Payment.stamp). */
  stamp: string;
  reference: string;
  amountCents: number;
  currency: string;
  language: 'FI' | 'SV' | 'EN';
  items: Array<{ unitPrice: number; units: number; vatPercentage: number; productCode: string; description: string }>;
  customer: { email: string };
  redirectUrls: { success: string; cancel: string };
  callbackUrls: { success: string; cancel: string };
}

export interface CreatedPayment {
  transactionId: string;
  href: string;
}

/** A redirect's or callback's values once the signature verified. */
export interface VerifiedCallback {
  account: string;
  amountCents: number;
  stamp: string;
  reference: string;
  transactionId: string;
  status: PaymentStatus;
  provider: string;
}

export type CallbackVerification =
  | { ok: true; callback: VerifiedCallback }
  | { ok: false; reason: 'unsigned' | 'signature' | 'account' | 'algorithm' | 'malformed'; field: string };

export interface PaymentProvider {
  readonly name: string;
  createPayment(request: CreatePaymentRequest): Promise<CreatedPayment>;
  /** The provider's view of a payment (its page address, to send the customer back there). */
  getPayment(transactionId: string): Promise<{ status: string; href: string | null }>;
  /** Checks a redirect's or callback's query parameters; nothing is trusted before this. */
  verifyCallback(params: Record<string, unknown>): CallbackVerification;
}

export class PaymentProviderError extends Error {
  override readonly name = 'PaymentProviderError';
}

/** The signed string: `checkout-*` entries sorted by key as `key:value`, then the body, joined with \n. */
export function signaturePayload(values: Record<string, unknown>, body = ''): string {
  return Object.keys(values)
    .filter((k) => k.startsWith('checkout-'))
    .sort()
    .map((k) => `${k}:${String(values[k])}`)
    .concat(body)
    .join('\n');
}

export function sign(
  secret: string,
  values: Record<string, unknown>,
  body = '',
  algorithm: 'sha256' | 'sha512' = 'sha256',
): string {
  return createHmac(algorithm, secret).update(signaturePayload(values, body)).digest('hex');
}

/** Constant-time comparison of a received signature with the expected one. */
export function signatureMatches(
  secret: string,
  values: Record<string, unknown>,
  signature: unknown,
  body = '',
  algorithm: 'sha256' | 'sha512' = 'sha256',
): boolean {
  if (typeof signature !== 'string' || !/^[0-9a-f]+$/i.test(signature)) return false;
  const expected = Buffer.from(sign(secret, values, body, algorithm), 'hex');
  const given = Buffer.from(signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Verifies redirect and callback parameters signed by `account` with `secret`. */
export function verifyCallbackParams(
  account: string,
  secret: string,
  params: Record<string, unknown>,
): CallbackVerification {
  // Repeated query parameters arrive as arrays: such a request is not the provider's.
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) {
    if (typeof v !== 'string') return { ok: false, reason: 'malformed', field: k };
    values[k] = v;
  }
  if (!values.signature) return { ok: false, reason: 'unsigned', field: 'signature' };
  const algorithm = values['checkout-algorithm'];
  if (algorithm !== 'sha256' && algorithm !== 'sha512') {
    return { ok: false, reason: 'algorithm', field: 'checkout-algorithm' };
  }
  if (!signatureMatches(secret, values, values.signature, '', algorithm)) {
    return { ok: false, reason: 'signature', field: 'signature' };
  }
  if (values['checkout-account'] !== account) return { ok: false, reason: 'account', field: 'checkout-account' };
  const amount = Number(values['checkout-amount']);
  const status = values['checkout-status'] ?? '';
  for (const field of ['checkout-stamp', 'checkout-reference', 'checkout-transaction-id']) {
    if (!values[field]) return { ok: false, reason: 'malformed', field };
  }
  if (!Number.isInteger(amount) || amount < 0) return { ok: false, reason: 'malformed', field: 'checkout-amount' };
  if (!STATUSES.includes(status)) return { ok: false, reason: 'malformed', field: 'checkout-status' };
  return {
    ok: true,
    callback: {
      account: values['checkout-account'],
      amountCents: amount,
      stamp: values['checkout-stamp']!,
      reference: values['checkout-reference']!,
      transactionId: values['checkout-transaction-id']!,
      status: status as PaymentStatus,
      provider: values['checkout-provider'] ?? '',
    },
  };
}

export interface PaytrailSettings {
  /** https://services.paytrail.com, or the local test provider's address. */
  apiUrl: string;
  account: string;
  secret: string;
  /** Longest wait for the provider, in milliseconds. */
  timeoutMs?: number;
}

/** The Paytrail Payment API client (production) — the same code talks to the local test provider. */
export function paytrailProvider(settings: PaytrailSettings): PaymentProvider {
  const base = settings.apiUrl.replace(/\/$/, '');
  const call = async (method: 'GET' | 'POST', path: string, body: object | null, transactionId?: string) => {
    const headers: Record<string, string> = {
      'checkout-account': settings.account,
      'checkout-algorithm': 'sha256',
      'checkout-method': method,
      'checkout-nonce': randomUUID(),
      'checkout-timestamp': new Date().toISOString(),
      ...(transactionId ? { 'checkout-transaction-id': transactionId } : {}),
    };
    const text = body ? JSON.stringify(body) : '';
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        ...headers,
        ...(body ? { 'content-type': 'application/json; charset=utf-8' } : {}),
        signature: sign(settings.secret, headers, text),
      },
      ...(body ? { body: text } : {}),
      signal: AbortSignal.timeout(settings.timeoutMs ?? 15_000),
    });
    const answer = await res.text();
    // Responses are signed too: an answer that does not verify is not the provider's.
    const responseHeaders = Object.fromEntries([...res.headers.entries()].filter(([k]) => k.startsWith('checkout-')));
    if (!signatureMatches(settings.secret, responseHeaders, res.headers.get('signature'), answer)) {
      throw new PaymentProviderError(`the payment provider's response to ${method} ${path} is not signed correctly`);
    }
    if (!res.ok) throw new PaymentProviderError(`the payment provider answered ${res.status} to ${method} ${path}`);
    return JSON.parse(answer) as Record<string, unknown>;
  };
  return {
    name: 'paytrail',
    async createPayment(request) {
      const answer = await call('POST', '/payments', {
        stamp: request.stamp,
        reference: request.reference,
        amount: request.amountCents,
        currency: request.currency,
        language: request.language,
        items: request.items,
        customer: request.customer,
        redirectUrls: request.redirectUrls,
        callbackUrls: request.callbackUrls,
      });
      if (typeof answer.transactionId !== 'string' || typeof answer.href !== 'string') {
        throw new PaymentProviderError('the payment provider did not return a transaction and a payment page');
      }
      return { transactionId: answer.transactionId, href: answer.href };
    },
    async getPayment(transactionId) {
      const answer = await call('GET', `/payments/${encodeURIComponent(transactionId)}`, null, transactionId);
      return { status: String(answer.status), href: typeof answer.href === 'string' ? answer.href : null };
    },
    verifyCallback: (params) => verifyCallbackParams(settings.account, settings.secret, params),
  };
}
