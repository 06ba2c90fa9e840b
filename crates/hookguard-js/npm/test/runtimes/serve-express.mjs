// Node 20: an Express 5 app over real HTTP, the deliveries checked by the package's middleware
// (`hookguard/express`), everything else answered by the shared app.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import * as api from 'hookguard';
import { hookguard } from 'hookguard/express';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp, gateConfigs, quarantineConfig, quarantineGate } from './app.mjs';

const config = JSON.parse(process.env.HOOKGUARD_TEST_CONFIG);
const shared = createApp(api, config);
const now = () => config.now;

const app = express();
const handler = (req, res) => {
  const outcome = req.headers['x-test-outcome'];
  if (outcome === 'throw') throw new Error('the service is down');
  if (outcome === 'status-503') return res.status(503).send('busy');
  return res.json({ received: true, eventName: req.hookguard.eventName });
};
for (const [path, gate] of Object.entries(gateConfigs(config))) {
  app.all(path, hookguard({ config: gate, now }), handler);
}
// The quarantine route: the middleware opens the directory its configuration names.
const directory = mkdtempSync(join(tmpdir(), 'hookguard-express-'));
app.all('/quarantine', hookguard({ config: quarantineConfig(config, directory), now, store: { log: { error() {} } } }), handler);
const held = new DirectoryQuarantine(quarantineGate(api, config), directory);
app.get('/quarantine/held', async (req, res) => res.json(await held.held()));
// A handler's error: 500, as Express answers it (the middleware settles the delivery failed).
app.use((error, req, res, next) => {
  if (res.headersSent) return next(error);
  return res.status(500).json({ error: 'the delivery was not handled; send it again' });
});
// The routes that answer with what the package computes, through the shared Fetch app.
app.use(express.raw({ type: () => true }), async (req, res) => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) headers.set(name, String(value));
  const response = await shared(new Request(`http://127.0.0.1${req.originalUrl}`, {
    method: req.method,
    headers,
    body: req.method === 'GET' ? undefined : (Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)),
  }));
  res.status(response.status);
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.end(Buffer.from(await response.arrayBuffer()));
});

const server = app.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
