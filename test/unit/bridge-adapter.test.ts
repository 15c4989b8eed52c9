/**
 * The reference case-management system (adapters/reference-case-system) on its own, over real
 * HTTP on the loopback interface: signature check, deduplication on webhook-id, its case
 * numbers, the acknowledgement, and its two failure modes (503 while unavailable, 422 for a
 * version it does not know).
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { CaseSystem } from '../../adapters/reference-case-system/src/case-system';
import { newSecret } from '../../api/bridge';

const secret = newSecret();
const system = new CaseSystem({ secret, platformUrl: 'http://127.0.0.1:9', authorityCode: 'CITY-TRE' });
let url: string;

beforeAll(async () => {
  url = await system.listen();
});
afterAll(() => system.close());

const projectId = randomUUID();
const envelope = (type: string, version = 1) => ({
  type,
  version,
  id: randomUUID(),
  occurredAt: '2026-06-01T10:00:00.000Z',
  authorityCode: 'CITY-TRE',
  project: { id: projectId, title: 'Lava' },
  permit: { type: 'temporary-structure', caseNumber: null, externalCaseNumber: null },
  data: {},
});

async function deliver(body: object, options: { id?: string; key?: string } = {}) {
  const text = JSON.stringify(body);
  const id = options.id ?? randomUUID();
  const at = new Date();
  const res = await fetch(`${url}/webhook`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
      'webhook-signature': new Webhook(options.key ?? secret).sign(id, at, text),
    },
    body: text,
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, id };
}

it('opens a case for a submission and acknowledges with its number; a redelivery is stored once', async () => {
  const first = await deliver(envelope('submission.received'));
  expect(first.status).toBe(200);
  expect(first.body.caseNumber).toMatch(/^TRE\/1000\/2026$/);
  const again = await deliver(envelope('submission.received'), { id: first.id });
  expect(again).toMatchObject({ status: 200, body: { caseNumber: first.body.caseNumber } });
  expect(system.state.received.filter((e) => e.webhookId === first.id)).toHaveLength(1);
  expect(system.state.duplicates).toBe(1);
  // Later events of the permit join its case.
  const decision = await deliver(envelope('decision.made'));
  expect(decision.body.caseNumber).toBe(first.body.caseNumber);
  expect(system.caseOf(projectId, 'temporary-structure')!.events).toHaveLength(2);
});

it('refuses a forged signature, answers 503 while unavailable and 422 for an unknown version', async () => {
  const before = system.state.received.length;
  expect((await deliver(envelope('submission.received'), { key: newSecret() })).status).toBe(401);
  system.available = false;
  expect((await deliver(envelope('submission.received'))).status).toBe(503);
  system.available = true;
  expect((await deliver(envelope('submission.received', 2))).status).toBe(422);
  expect(system.state.received.length).toBe(before);
});
