// The baseline of bench/api.mjs: bare Express routes answering from memory with the same
// JSON bodies the platform answered (read from BARE_BODIES, a JSON file), in a process of
// their own like the platform's API. Reports its port over IPC.
import fs from 'node:fs';
import express from 'express';

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
const server = app.listen(0, '127.0.0.1', () => process.send?.({ port: server.address().port }));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
