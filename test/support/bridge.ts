/**
 * The bridge's inbound endpoint for tests that send generated bodies through ApiClient.raw
 * (fuzz.test.ts): a client that signs every body it sends as the authority's system would, so
 * generated input reaches the endpoint's validation instead of stopping at the signature.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { ApiClient } from '../../api/client';
import { newSecret } from '../../api/bridge';
import type { Db } from '../../platform/db';
import { AUTHORITY_USERS } from '../../prisma/seed';

/** Signs each request's exact bytes with the connection's secret (Standard Webhooks), a new webhook-id each time. */
export class SigningClient extends ApiClient {
  private readonly webhook: Webhook;

  constructor(base: string, secret: string) {
    super(base);
    this.webhook = new Webhook(secret);
  }

  override raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    return super.raw(method, path, text, {
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': this.webhook.sign(id, at, text),
      ...headers,
    });
  }
}

/**
 * Connects `code` in webhook mode (no relay runs in the fuzzed stack, so nothing is delivered)
 * and returns its system's signing client, with a clerk of `managerCode` to fuzz the settings on
 * and a delivered event of that authority.
 */
export async function bridgeFuzzClients(base: string, db: Db, code: string, managerCode: string) {
  const authority = await db.authority.findUniqueOrThrow({ where: { code } });
  const secret = newSecret();
  const connection = { mode: 'webhook', webhookUrl: 'http://127.0.0.1:9/webhook', secret };
  await db.authorityConnection.upsert({
    where: { authorityId: authority.id },
    create: { authorityId: authority.id, ...connection },
    update: connection,
  });
  // A delivered event of the manager's authority: sending it again is answered as it is.
  const managed = await db.authority.findUniqueOrThrow({ where: { code: managerCode } });
  const event = await db.bridgeEvent.create({
    data: {
      authorityId: managed.id,
      projectId: randomUUID(),
      permitType: 'public-event',
      type: 'submission.received',
      version: 1,
      payload: {},
      status: 'delivered',
      attempts: 1,
      deliveredAt: new Date(),
      idempotencyKey: `fuzz:${randomUUID()}`,
    },
  });
  return {
    system: new SigningClient(base, secret),
    manager: await ApiClient.signIn(base, AUTHORITY_USERS[managerCode]!),
    deliveredEventId: event.id,
  };
}
