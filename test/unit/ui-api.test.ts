/**
 * The UI's API client against a real local HTTP server: a command is repeated with the same
 * Idempotency-Key while the service answers 503 (a restart), a read is not, and the user is
 * told once the attempts are spent.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiError, command, get, retryDelayMs } from '../../ui/src/lib/api';

let server: http.Server;
let base: string;
const seen: Array<{ method: string; key: string | undefined }> = [];
let unavailableFor = 0;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method!, key: req.headers['idempotency-key'] as string | undefined });
    req.resume();
    req.on('end', () => {
      if (unavailableFor > 0) {
        unavailableFor--;
        res.writeHead(503, { 'content-type': 'application/problem+json', 'retry-after': '1' });
        res.end(JSON.stringify({ title: 'The database is unavailable; try again shortly', status: 503 }));
        return;
      }
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  seen.length = 0;
});

describe('UI API client', () => {
  it('repeats a command through a short outage with the same Idempotency-Key', async () => {
    unavailableFor = 2;
    await expect(command(`${base}/api/projects/x/commands`, { action: 'submit' })).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.key)).size).toBe(1);
    expect(seen[0]!.key).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('does not repeat a read, and tells the user once the attempts are spent', async () => {
    unavailableFor = 1;
    await expect(get(`${base}/api/projects`)).rejects.toMatchObject({ status: 503 });
    expect(seen).toHaveLength(1);
    unavailableFor = 10;
    const failed = command(`${base}/api/projects/x/commands`, { action: 'submit' }, 'same-key');
    await expect(failed).rejects.toBeInstanceOf(ApiError);
    await expect(failed).rejects.toMatchObject({
      status: 503,
      message: 'The database is unavailable; try again shortly',
    });
    expect(seen.slice(1).map((s) => s.key)).toEqual(['same-key', 'same-key', 'same-key', 'same-key']);
    unavailableFor = 0;
  });

  it('waits what Retry-After asks (capped), else backs off', () => {
    const answer = (after: string | null) =>
      new Response(null, { status: 503, headers: after ? { 'retry-after': after } : {} });
    expect(retryDelayMs(answer('2'), 1)).toBe(2000);
    expect(retryDelayMs(answer('600'), 1)).toBe(10_000);
    expect([1, 2, 3].map((n) => retryDelayMs(answer(null), n))).toEqual([500, 1000, 2000]);
    expect(retryDelayMs(null, 2)).toBe(1000);
  });
});
