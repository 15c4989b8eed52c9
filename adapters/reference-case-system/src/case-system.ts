/**
 * A reference case-management system of an authority, connected to the platform's bridge (F37):
 * what an authority's own system has to do, in one small file.
 *
 * - Receives the platform's events (POST /webhook): verifies the Standard Webhooks signature
 *   with the shared secret, deduplicates on webhook-id (a redelivery gets the same answer and is
 *   stored once), opens a case with its own number ("TRE/1000/2026") for each submission, and
 *   acknowledges with 200 {caseNumber}.
 * - Sends its own events back to the platform (case registered, status, information request,
 *   draft decision, decision), signed with the same secret, each with its own webhook-id.
 * - Stores what it has in memory, and in a JSON file when one is given.
 *
 * Only Node's built-ins and the `standardwebhooks` library: it can be copied out and run alone.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

export interface CaseSystemOptions {
  /** The connection's secret (whsec_…), shown once by the platform. */
  secret: string;
  /** The platform's base address, e.g. http://127.0.0.1:3000. */
  platformUrl: string;
  /** The authority's code in the platform, e.g. CITY-TRE. */
  authorityCode: string;
  /** The prefix of this system's case numbers. */
  casePrefix?: string;
  /** Keep the state in this JSON file (read at start, written on every change). */
  dataFile?: string;
}

/** One event as received: the envelope the platform sent. */
export interface ReceivedEvent {
  webhookId: string;
  type: string;
  version: number;
  receivedAt: string;
  caseNumber: string | null;
  body: Record<string, unknown>;
}

export interface Case {
  caseNumber: string;
  projectId: string;
  permitType: string;
  title: string;
  openedAt: string;
  events: string[];
}

interface State {
  nextSeq: number;
  cases: Case[];
  received: ReceivedEvent[];
  /** Every POST that carried a valid signature, redeliveries included. */
  deliveries: number;
  /** Redeliveries of an event already received (same webhook-id). */
  duplicates: number;
}

export interface SentEvent {
  webhookId: string;
  body: string;
  status: number;
  answer: unknown;
}

export class CaseSystem {
  readonly state: State;
  /** Answers every webhook with 503 while false (a receiver that is up but failing). */
  available = true;
  /** While set, refuses every signed webhook with this status (e.g. 422: a receiver that does not take the event). */
  refuse: number | null = null;
  private server: http.Server | null = null;
  private readonly webhook: Webhook;
  private readonly sent: SentEvent[] = [];

  constructor(private readonly options: CaseSystemOptions) {
    this.webhook = new Webhook(options.secret);
    this.state =
      options.dataFile && fs.existsSync(options.dataFile)
        ? (JSON.parse(fs.readFileSync(options.dataFile, 'utf8')) as State)
        : { nextSeq: 1000, cases: [], received: [], deliveries: 0, duplicates: 0 };
  }

  /** Starts listening (port 0: any free port); resolves with the base address. */
  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, resolve);
    });
    this.server = server;
    return this.url;
  }

  get url(): string {
    if (!this.server) throw new Error('not listening');
    const { address, port } = this.server.address() as AddressInfo;
    return `http://${address}:${port}`;
  }

  /** Stops listening and drops open connections: the platform then cannot reach it at all. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  caseOf(projectId: string, permitType: string): Case | undefined {
    return this.state.cases.find((c) => c.projectId === projectId && c.permitType === permitType);
  }

  /** Sends an event to the platform's inbound endpoint, signed; returns the platform's answer. */
  async send(event: {
    type: string;
    projectId: string;
    permitType: string;
    data: Record<string, unknown>;
  }): Promise<SentEvent> {
    const body = JSON.stringify({ version: 1, ...event });
    return this.post(`msg_${randomUUID()}`, body);
  }

  /** Sends an earlier event again, same webhook-id and bytes (a retry after a lost answer). */
  async resend(webhookId: string): Promise<SentEvent> {
    const earlier = this.sent.find((s) => s.webhookId === webhookId);
    if (!earlier) throw new Error(`no event ${webhookId} was sent`);
    return this.post(webhookId, earlier.body);
  }

  private async post(webhookId: string, body: string): Promise<SentEvent> {
    const at = new Date();
    const res = await fetch(
      `${this.options.platformUrl.replace(/\/$/, '')}/api/bridge/${encodeURIComponent(this.options.authorityCode)}/events`,
      {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': webhookId,
          'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
          'webhook-signature': this.webhook.sign(webhookId, at, body),
        },
        body,
      },
    );
    const text = await res.text();
    let answer: unknown = text;
    try {
      answer = JSON.parse(text);
    } catch {
      // Not JSON: kept as text.
    }
    const sent = { webhookId, body, status: res.status, answer };
    this.sent.push(sent);
    return sent;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const reply = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    try {
      if (req.method === 'GET' && req.url === '/cases') return reply(200, this.state.cases);
      if (req.method === 'GET' && req.url === '/events') return reply(200, this.state.received);
      if (req.method === 'POST' && req.url === '/send') {
        // For a person trying the bridge by hand: {type, projectId, permitType, data} goes to the platform.
        const sent = await this.send(
          JSON.parse((await readBody(req)).toString('utf8')) as Parameters<CaseSystem['send']>[0],
        );
        return reply(200, { status: sent.status, answer: sent.answer });
      }
      if (req.method !== 'POST' || req.url !== '/webhook') return reply(404, { error: 'not found' });
      const raw = await readBody(req);
      if (!this.available) return reply(503, { error: 'temporarily unavailable' });
      let event: Record<string, unknown>;
      try {
        event = this.webhook.verify(raw, req.headers as Record<string, string>) as Record<string, unknown>;
      } catch {
        return reply(401, { error: 'invalid signature' });
      }
      if (this.refuse) return reply(this.refuse, { error: 'refused' });
      this.state.deliveries++;
      const webhookId = String(req.headers['webhook-id']);
      const seen = this.state.received.find((e) => e.webhookId === webhookId);
      if (seen) {
        this.state.duplicates++;
        this.save();
        return reply(200, seen.caseNumber ? { caseNumber: seen.caseNumber } : {});
      }
      if (event.version !== 1) return reply(422, { error: `version ${String(event.version)} is not supported` });
      const caseNumber = this.file(event);
      this.state.received.push({
        webhookId,
        type: String(event.type),
        version: Number(event.version),
        receivedAt: new Date().toISOString(),
        caseNumber,
        body: event,
      });
      this.save();
      return reply(200, caseNumber ? { caseNumber } : {});
    } catch (err) {
      return reply(500, { error: (err as Error).message });
    }
  }

  /** Files an event: a submission opens a case; the others join the case of their permit. */
  private file(event: Record<string, unknown>): string | null {
    const project = event.project as { id: string; title: string };
    const permit = event.permit as { type: string };
    let found = this.caseOf(project.id, permit.type);
    if (!found && event.type === 'submission.received') {
      const year = new Date(String(event.occurredAt)).getUTCFullYear();
      found = {
        caseNumber: `${this.options.casePrefix ?? 'TRE'}/${this.state.nextSeq++}/${year}`,
        projectId: project.id,
        permitType: permit.type,
        title: project.title,
        openedAt: new Date().toISOString(),
        events: [],
      };
      this.state.cases.push(found);
    }
    found?.events.push(String(event.id));
    return found?.caseNumber ?? null;
  }

  private save(): void {
    if (this.options.dataFile) fs.writeFileSync(this.options.dataFile, JSON.stringify(this.state, null, 2));
  }
}

function readBody(req: http.IncomingMessage, limit = 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) reject(new Error('body too large'));
      else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
