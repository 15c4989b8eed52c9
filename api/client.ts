/**
 * A small typed client of the HTTP API, for scripts (demo data) and tests that drive the
 * platform from outside, as a customer's or an authority's system would.
 */
import { randomUUID } from 'node:crypto';
import type { ProjectCommandBody, ProjectView } from '../workflows/permit-project/messages';
import type { SectionCommandBody, SectionView } from '../workflows/permit-section/messages';
import type { SectionStep } from '../domain/permit-section';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}: ${JSON.stringify(body)}`);
  }
}

/** The cookies a browser would keep for one site: enough for the sign-in redirects. */
class CookieJar {
  private readonly cookies = new Map<string, string>();

  take(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attributes.some((a) => /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export interface SessionInfo {
  user: { id: string; name: string; email: string; role: string; organisationId: string | null };
  csrfToken: string;
  actingFor: { mandateId: string; organisationId: string } | null;
  mandates: Array<{ id: string; organisationId: string; organisationName: string }>;
}

export class ApiClient {
  private readonly jar = new CookieJar();
  private csrf: string | null = null;
  /** Who this client is signed in as (null: the public). */
  session: SessionInfo | null = null;

  constructor(private readonly base: string) {}

  /**
   * Signs in as a seeded user through the platform's OpenID Connect sign-in and the local
   * identity provider, redirect by redirect, as a browser would.
   */
  static async signIn(base: string, email: string): Promise<ApiClient> {
    const client = new ApiClient(base);
    const page = await client.follow(`${base}/api/auth/login`, { method: 'GET' });
    if (!page.url.includes('/idp/interaction/')) throw new Error(`sign-in did not reach the provider: ${page.url}`);
    await client.follow(`${page.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email }).toString(),
    });
    await client.refreshSession();
    if (client.session?.user.email !== email) throw new Error(`sign-in as ${email} failed`);
    return client;
  }

  async refreshSession(): Promise<SessionInfo> {
    const session = await this.request<SessionInfo>('GET', '/api/session');
    this.session = session;
    this.csrf = session.csrfToken;
    return session;
  }

  /** The Cookie header of this client's session (for a socket.io handshake). */
  cookieHeader(): string {
    return this.jar.header();
  }

  /** Act for the organisation that gave this mandate (null: for oneself). */
  async actFor(mandateId: string | null): Promise<void> {
    await this.request('PUT', '/api/session/acting-for', { mandateId });
    await this.refreshSession();
  }

  private async follow(url: string, init: RequestInit): Promise<{ url: string; status: number }> {
    let current = url;
    let request = init;
    for (let hop = 0; hop < 10; hop++) {
      const res = await fetch(current, {
        ...request,
        redirect: 'manual',
        headers: { ...(request.headers as Record<string, string>), cookie: this.jar.header() },
      });
      this.jar.take(res);
      const location = res.headers.get('location');
      if (res.status < 300 || res.status >= 400 || !location) {
        await res.arrayBuffer();
        return { url: current, status: res.status };
      }
      await res.arrayBuffer();
      current = new URL(location, current).href;
      request = { method: 'GET' };
    }
    throw new Error(`too many redirects from ${url}`);
  }

  /** Extra headers of every request: the session cookie and, on unsafe methods, the CSRF token. */
  private authHeaders(method: string): Record<string, string> {
    const cookie = this.jar.header();
    return {
      ...(cookie ? { cookie } : {}),
      ...(this.csrf && !['GET', 'HEAD'].includes(method) ? { 'x-csrf-token': this.csrf } : {}),
    };
  }

  /** A request with this client's session, answered as it is (for tests of refusals); keeps new cookies. */
  async raw(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...this.authHeaders(method), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    this.jar.take(res);
    return res;
  }

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await this.raw(method, path, body, headers);
    const text = await res.text();
    const parsed: unknown = text ? JSON.parse(text) : null;
    if (!res.ok) throw new ApiError(res.status, parsed);
    return parsed as T;
  }

  createProject(body: {
    organisationId: string;
    title: string;
    description?: string;
    municipality?: string;
    permits?: Array<{ permitType: string; authorityCode?: string }>;
  }): Promise<{ id: string; workflowId: string }> {
    return this.request('POST', '/api/projects', body);
  }

  command(projectId: string, body: ProjectCommandBody, key: string = randomUUID()): Promise<ProjectView> {
    return this.request('POST', `/api/projects/${projectId}/commands`, body, { 'idempotency-key': key });
  }

  sectionCommand(
    projectId: string,
    permitType: string,
    body: SectionCommandBody,
    key: string = randomUUID(),
  ): Promise<SectionView> {
    return this.request('POST', `/api/projects/${projectId}/permits/${permitType}/commands`, body, {
      'idempotency-key': key,
    });
  }

  section(projectId: string, permitType: string): Promise<SectionView> {
    return this.request('GET', `/api/projects/${projectId}/permits/${permitType}/live`);
  }

  /** Waits until a section reaches a step that its timers move it to (hearing closes, appeal ends). */
  async waitForSection(projectId: string, permitType: string, step: SectionStep, timeoutMs = 60_000) {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const view = await this.section(projectId, permitType).catch(() => null);
      if (view?.step === step) return view;
      if (Date.now() > until) throw new Error(`${permitType} did not reach ${step} (at ${view?.step ?? 'unknown'})`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

const PROJECT_AUTHORITY_ACTIONS = new Set(['confirmKickoff', 'holdKickoff', 'confirmReceipt']);
const SECTION_CUSTOMER_ACTIONS = new Set(['answerInfo', 'reply', 'reviewDraft']);

/**
 * Every party of cases, each signed in as its own user: the customer sends the customer's
 * commands, each authority's clerk its own. For demo data and tests that drive whole cases.
 */
export class CaseParties {
  private readonly clients = new Map<string, Promise<ApiClient>>();
  private readonly authorityOf = new Map<string, Map<string, string>>();

  constructor(
    private readonly base: string,
    /** The customer's user (or a mandated agent, acting for the organisation). */
    private readonly customerEmail: string,
    /** Each authority's clerk by authority code. */
    private readonly clerks: Record<string, string>,
  ) {}

  as(email: string): Promise<ApiClient> {
    let client = this.clients.get(email);
    if (!client) {
      client = ApiClient.signIn(this.base, email);
      this.clients.set(email, client);
    }
    return client;
  }

  customer(): Promise<ApiClient> {
    return this.as(this.customerEmail);
  }

  authority(code: string): Promise<ApiClient> {
    const email = this.clerks[code];
    if (!email) throw new Error(`no clerk for authority ${code}`);
    return this.as(email);
  }

  async createProject(body: Parameters<ApiClient['createProject']>[0]) {
    return (await this.customer()).createProject(body);
  }

  /** The authority code of a permit of a project (read once it has permits). */
  async authorityCodeOf(projectId: string, permitType: string): Promise<string> {
    let known = this.authorityOf.get(projectId);
    if (!known?.has(permitType)) {
      const project = await (
        await this.customer()
      ).request<{ permits: Array<{ permitType: string; authority: { code: string } }> }>(
        'GET',
        `/api/projects/${projectId}`,
      );
      known = new Map(project.permits.map((p) => [p.permitType, p.authority.code]));
      this.authorityOf.set(projectId, known);
    }
    const code = known.get(permitType);
    if (!code) throw new Error(`project ${projectId} has no permit ${permitType}`);
    return code;
  }

  private async projectClient(projectId: string, body: ProjectCommandBody): Promise<ApiClient> {
    if (!PROJECT_AUTHORITY_ACTIONS.has(body.action)) return this.customer();
    if ('authorityCode' in body) return this.authority(body.authorityCode);
    if ('permitType' in body) return this.authority(await this.authorityCodeOf(projectId, body.permitType));
    // holdKickoff: the first authority involved chairs the meeting.
    const project = await (
      await this.customer()
    ).request<{ permits: Array<{ authority: { code: string } }> }>('GET', `/api/projects/${projectId}`);
    return this.authority(project.permits[0]!.authority.code);
  }

  async command(projectId: string, body: ProjectCommandBody, key?: string): Promise<ProjectView> {
    return (await this.projectClient(projectId, body)).command(projectId, body, key);
  }

  private async sectionClient(projectId: string, permitType: string, action?: string): Promise<ApiClient> {
    if (action && SECTION_CUSTOMER_ACTIONS.has(action)) return this.customer();
    return this.authority(await this.authorityCodeOf(projectId, permitType));
  }

  async sectionCommand(projectId: string, permitType: string, body: SectionCommandBody, key?: string) {
    return (await this.sectionClient(projectId, permitType, body.action)).sectionCommand(
      projectId,
      permitType,
      body,
      key,
    );
  }

  async section(projectId: string, permitType: string): Promise<SectionView> {
    return (await this.sectionClient(projectId, permitType)).section(projectId, permitType);
  }

  async waitForSection(projectId: string, permitType: string, step: SectionStep, timeoutMs?: number) {
    return (await this.sectionClient(projectId, permitType)).waitForSection(projectId, permitType, step, timeoutMs);
  }
}

/** What the case helpers need: one signed-in client, or every party of the case. */
export type CaseApi = Pick<ApiClient, 'command' | 'sectionCommand' | 'section' | 'waitForSection'>;
