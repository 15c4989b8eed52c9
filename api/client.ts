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

export class ApiClient {
  constructor(private readonly base: string) {}

  async request<T>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
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
