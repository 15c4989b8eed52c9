/**
 * The UI's one way to the API: JSON in and out, the session's CSRF token on every unsafe
 * request, an Idempotency-Key on every command, and problem+json turned into ApiError.
 */

export interface FieldError {
  path: string;
  message: string;
}

/** An API refusal as the user should see it: the title, and which fields were wrong. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldError[] = [],
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }

  /** The message for one form field ("permits.0.authorityCode"), when the API named it. */
  forField(path: string): string | undefined {
    return (
      this.errors.find((e) => e.path === path)?.message ?? (this.details.field === path ? this.message : undefined)
    );
  }
}

let csrfToken = '';
export function setCsrfToken(token: string): void {
  csrfToken = token;
}

async function parse<T>(res: Response): Promise<T> {
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const body: unknown = type.includes('json') ? await res.json() : await res.text();
  if (!res.ok) {
    const problem = (typeof body === 'object' && body ? body : {}) as {
      title?: string;
      errors?: FieldError[];
    } & Record<string, unknown>;
    throw new ApiError(res.status, problem.title ?? `HTTP ${res.status}`, problem.errors ?? [], problem);
  }
  return body as T;
}

export async function get<T>(url: string): Promise<T> {
  return parse<T>(await fetch(url, { headers: { accept: 'application/json' } }));
}

export interface SendOptions {
  /** A command: gets a fresh Idempotency-Key unless one is given (a retry passes the same one). */
  idempotencyKey?: string | boolean;
  /** A raw body (a file upload) instead of JSON. */
  raw?: Blob;
}

export async function send<T>(method: string, url: string, body?: unknown, options: SendOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', 'x-csrf-token': csrfToken };
  if (options.idempotencyKey) {
    headers['idempotency-key'] =
      typeof options.idempotencyKey === 'string' ? options.idempotencyKey : crypto.randomUUID();
  }
  let payload: RequestInit['body'];
  if (options.raw) {
    payload = options.raw;
    headers['content-type'] = options.raw.type || 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const request = () => fetch(url, { method, headers, body: payload });
  if (!headers['idempotency-key']) return parse<T>(await request());
  // A command carries its key, so repeating it is safe: when the service is briefly away (a
  // restart answers 503 with Retry-After, or the connection drops) it is sent again with the
  // same key a few times before the user is told.
  for (let attempt = 1; ; attempt++) {
    let res: Response | null = null;
    try {
      res = await request();
    } catch (err) {
      if (attempt >= COMMAND_ATTEMPTS) throw err;
    }
    if (res && (res.status !== 503 || attempt >= COMMAND_ATTEMPTS)) return parse<T>(res);
    await new Promise((r) => setTimeout(r, retryDelayMs(res, attempt)));
  }
}

const COMMAND_ATTEMPTS = 4;

/** Retry-After when the API gave one (capped at 10 s), else 0.5 s, 1 s, 2 s. */
export function retryDelayMs(res: Response | null, attempt: number): number {
  const after = Number(res?.headers.get('retry-after'));
  return Number.isFinite(after) && after > 0 ? Math.min(after, 10) * 1000 : 500 * 2 ** (attempt - 1);
}

/** A workflow command (project, permit section or supervision cycle): POST with an Idempotency-Key. */
export const command = <T = unknown>(url: string, body: unknown, key?: string): Promise<T> =>
  send<T>('POST', url, body, { idempotencyKey: key ?? true });
