/**
 * The payment protocol's signatures (Paytrail's Payment API): the published example verifies,
 * anything changed, unsigned, from another account or repeated does not, and the client and the
 * local test provider agree over real HTTP.
 */
import fc from 'fast-check';
import { loadConfig } from '../../platform/config';
import {
  PAYTRAIL_TEST_ACCOUNT,
  PAYTRAIL_TEST_SECRET,
  paytrailProvider,
  sign,
  signaturePayload,
  verifyCallbackParams,
} from '../../platform/payments/provider';
import { startLocalPaymentProvider } from '../../platform/payments/local-provider';

const ACCOUNT = '375917';
const SECRET = 'SAIPPUAKAUPPIAS';

/** The redirect example of Paytrail's documentation, signed with its test secret. */
const PUBLISHED = {
  'checkout-account': '375917',
  'checkout-algorithm': 'sha256',
  'checkout-amount': '2964',
  'checkout-stamp': '15336332710015',
  'checkout-reference': '192387192837195',
  'checkout-transaction-id': '4b300af6-9a22-11e8-9184-abb6de7fd2d0',
  'checkout-status': 'ok',
  'checkout-provider': 'nordea',
  signature: 'b2d3ecdda2c04563a4638fcade3d4e77dfdc58829b429ad2c2cb422d0fc64080',
};

describe('HMAC signatures of the payment protocol', () => {
  it('reproduces the signature of the published redirect example', () => {
    const { signature, ...values } = PUBLISHED;
    expect(sign(SECRET, values)).toBe(signature);
    const result = verifyCallbackParams(ACCOUNT, SECRET, PUBLISHED);
    expect(result).toEqual({
      ok: true,
      callback: expect.objectContaining({ amountCents: 2964, status: 'ok', stamp: '15336332710015' }),
    });
  });

  it('signs sorted checkout-* lines and the body, other keys ignored', () => {
    expect(signaturePayload({ 'checkout-b': '2', other: 'x', 'checkout-a': '1' }, '{"x":1}')).toBe(
      'checkout-a:1\ncheckout-b:2\n{"x":1}',
    );
  });

  it('refuses unsigned, forged, other-account and repeated-parameter callbacks, naming the field', () => {
    const { signature: _s, ...unsigned } = PUBLISHED;
    expect(verifyCallbackParams(ACCOUNT, SECRET, unsigned)).toMatchObject({ ok: false, reason: 'unsigned' });
    expect(verifyCallbackParams(ACCOUNT, SECRET, { ...PUBLISHED, 'checkout-amount': '1' })).toMatchObject({
      ok: false,
      reason: 'signature',
      field: 'signature',
    });
    expect(verifyCallbackParams(ACCOUNT, 'another secret', PUBLISHED)).toMatchObject({
      ok: false,
      reason: 'signature',
    });
    const other = { ...unsigned, 'checkout-account': '695861' };
    expect(verifyCallbackParams(ACCOUNT, SECRET, { ...other, signature: sign(SECRET, other) })).toMatchObject({
      ok: false,
      field: 'checkout-account',
    });
    expect(verifyCallbackParams(ACCOUNT, SECRET, { ...PUBLISHED, 'checkout-status': ['ok', 'ok'] })).toMatchObject({
      ok: false,
      reason: 'malformed',
    });
  });

  it('property: changing any signed value breaks the signature', () => {
    const { signature: _s, ...values } = PUBLISHED;
    const keys = Object.keys(values) as Array<keyof typeof values>;
    fc.assert(
      fc.property(fc.constantFrom(...keys), fc.string({ minLength: 1, maxLength: 12 }), (key, suffix) => {
        const forged = { ...PUBLISHED, [key]: `${PUBLISHED[key]}${suffix}` };
        expect(verifyCallbackParams(ACCOUNT, SECRET, forged).ok).toBe(false);
      }),
    );
  });
});

describe('the client and the local test provider over HTTP', () => {
  let provider: Awaited<ReturnType<typeof startLocalPaymentProvider>>;
  beforeAll(async () => {
    provider = await startLocalPaymentProvider({
      account: ACCOUNT,
      secret: SECRET,
      fetch: async () => new Response(''),
    });
  });
  afterAll(() => provider?.close());

  const request = (stamp: string) => ({
    stamp,
    reference: '1232',
    amountCents: 1590,
    currency: 'EUR',
    language: 'FI' as const,
    items: [{ unitPrice: 1590, units: 1, vatPercentage: 0, productCode: 'x', description: 'Fee' }],
    customer: { email: 'customer@example.org' },
    redirectUrls: { success: 'http://127.0.0.1:1/return', cancel: 'http://127.0.0.1:1/return' },
    callbackUrls: { success: 'http://127.0.0.1:1/callback', cancel: 'http://127.0.0.1:1/callback' },
  });

  it('opens a payment with a signed request, verifies the signed response, and returns its page', async () => {
    const client = paytrailProvider({ apiUrl: provider.url, account: ACCOUNT, secret: SECRET });
    const created = await client.createPayment(request('stamp-1'));
    expect(created.href).toBe(`${provider.url}/pay/${created.transactionId}`);
    expect(await client.getPayment(created.transactionId)).toEqual({ status: 'new', href: created.href });
    const page = await fetch(created.href);
    expect(await page.text()).toContain('15,90 €');
  });

  it('refuses a request signed with the wrong secret, and the client refuses an unsigned answer', async () => {
    const wrong = paytrailProvider({ apiUrl: provider.url, account: ACCOUNT, secret: 'not the secret' });
    // The provider answers 401 signed with its own secret, which the wrong-secret client cannot verify.
    await expect(wrong.createPayment(request('stamp-2'))).rejects.toThrow(/not signed correctly/);
    expect([...provider.payments.values()].some((p) => p.stamp === 'stamp-2')).toBe(false);
  });

  it('redirects back after Pay with parameters that verify, and calls the callback URL with the same', async () => {
    const calls: string[] = [];
    const local = await startLocalPaymentProvider({
      account: ACCOUNT,
      secret: SECRET,
      fetch: async (url) => {
        calls.push(String(url));
        return new Response('');
      },
    });
    try {
      const client = paytrailProvider({ apiUrl: local.url, account: ACCOUNT, secret: SECRET });
      const { href } = await client.createPayment(request('stamp-3'));
      const paid = await fetch(`${href}/ok`, { method: 'POST', redirect: 'manual' });
      expect(paid.status).toBe(303);
      const back = new URL(paid.headers.get('location')!);
      expect(back.pathname).toBe('/return');
      const params = Object.fromEntries(back.searchParams);
      expect(client.verifyCallback(params)).toMatchObject({ ok: true, callback: { status: 'ok', amountCents: 1590 } });
      expect(calls).toHaveLength(1);
      expect(Object.fromEntries(new URL(calls[0]!).searchParams)).toEqual(params);
    } finally {
      await local.close();
    }
  });
});

describe('payment configuration', () => {
  const production = { NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(40), OIDC_ISSUER: 'https://idp.example' };

  it('requires a real provider and its own secret in production', () => {
    expect(() => loadConfig({ ...production, OIDC_CLIENT_ID: 'c' })).toThrow(/PAYMENT_API_URL: is required/);
    expect(() =>
      loadConfig({ ...production, OIDC_CLIENT_ID: 'c', PAYMENT_API_URL: 'https://services.paytrail.com' }),
    ).toThrow(/PAYMENT_SECRET: must be your own secret/);
    const config = loadConfig({
      ...production,
      OIDC_CLIENT_ID: 'c',
      PAYMENT_API_URL: 'https://services.paytrail.com',
      PAYMENT_ACCOUNT: '123456',
      PAYMENT_SECRET: 'a-merchant-secret',
    });
    expect([config.PAYMENT_API_URL, config.PAYMENT_ACCOUNT]).toEqual(['https://services.paytrail.com', '123456']);
  });

  it("defaults to Paytrail's public test account outside production", () => {
    const config = loadConfig({});
    expect([config.PAYMENT_API_URL, config.PAYMENT_ACCOUNT, config.PAYMENT_SECRET]).toEqual([
      undefined,
      PAYTRAIL_TEST_ACCOUNT,
      PAYTRAIL_TEST_SECRET,
    ]);
  });
});
