// The baselines of bench/api.mjs, in a process of their own like the platform's API, reading
// the same JSON bodies the platform answered (BARE_BODIES, a JSON file). Reports its port
// over IPC.
// - /timeline, /comments: bare Express routes answering from memory (the baseline).
// - /timeline-db, /comments-db: the floor of any route that must go to the database — the
//   same answers after one round trip to the same PostgreSQL over a pool of the platform's
//   size (BARE_DATABASE_URL): a `SELECT 1` for a read whose permission is read fresh, one
//   committed INSERT for a comment stored durably before its 201.
import fs from 'node:fs';
import express from 'express';
import pg from 'pg';

const bodies = JSON.parse(fs.readFileSync(process.env.BARE_BODIES, 'utf8'));
const app = express();
app.use(express.json({ limit: '100kb' }));
app.get('/timeline', (_req, res) => {
  res.type('application/json').send(bodies.timeline);
});
app.post('/comments', (req, res) => {
  if (typeof req.body?.text !== 'string') return res.status(400).json({ error: 'text' });
  res.status(201).type('application/json').send(bodies.comment);
});

let pool = null;
if (process.env.BARE_DATABASE_URL) {
  // node-postgres' default pool size, as the platform's Prisma adapter uses.
  pool = new pg.Pool({ connectionString: process.env.BARE_DATABASE_URL, max: 10 });
  await pool.query(
    'CREATE TABLE IF NOT EXISTS bench_floor_comment (key text PRIMARY KEY, text text NOT NULL, at timestamptz NOT NULL DEFAULT now())',
  );
  const fail = (res) => (err) => res.status(500).json({ error: String(err) });
  app.get('/timeline-db', (_req, res) => {
    pool.query('SELECT 1').then(() => res.type('application/json').send(bodies.timeline), fail(res));
  });
  app.post('/comments-db', (req, res) => {
    if (typeof req.body?.text !== 'string') return res.status(400).json({ error: 'text' });
    pool
      .query('INSERT INTO bench_floor_comment (key, text) VALUES ($1, $2)', [req.get('idempotency-key'), req.body.text])
      .then(() => res.status(201).type('application/json').send(bodies.comment), fail(res));
  });
}

const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('SIGTERM', () => server.close(() => void (pool?.end() ?? Promise.resolve()).then(() => process.exit(0))));
