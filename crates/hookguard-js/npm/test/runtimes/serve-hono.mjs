// Node 20: a Hono app over real HTTP (@hono/node-server), the deliveries checked by the
// package's Hono middleware, everything else answered by the shared app.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import * as api from 'hookguard';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookguard } from 'hookguard/hono';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp, gates, quarantineGate } from './app.mjs';
import { benchRoutes } from './bench-app.mjs';

const config = JSON.parse(process.env.HOOKGUARD_TEST_CONFIG);
const shared = createApp(api, config);
const now = () => config.now;
const routeGates = gates(api, config);

const app = new Hono();
app.onError((error, c) => c.json({ error: 'the delivery was not handled; send it again' }, 500));
for (const [path, gate] of Object.entries(routeGates)) {
  app.all(path, hookguard(gate, { now }), (c) => {
    const outcome = c.req.header('x-test-outcome');
    if (outcome === 'throw') throw new Error('the service is down');
    if (outcome === 'status-503') return c.text('busy', 503);
    return c.json({ received: true, eventName: c.get('hookguard').eventName });
  });
}
// The quarantine route through Hono's middleware, its store a directory.
const keeping = quarantineGate(api, config);
const kept = new DirectoryQuarantine(keeping, mkdtempSync(join(tmpdir(), 'hookguard-hono-')));
app.all('/quarantine', hookguard(keeping, { now, quarantine: kept, log: { error() {} } }), (c) => c.json({ received: true }));
app.get('/quarantine/held', async (c) => c.json(await kept.held()));
if (process.env.HOOKGUARD_BENCH_REPO) {
  // The benchmark's two receivers, as Hono routes: hookguard's middleware, and JSON.parse + ajv.
  const { '/bench/ajv': ajvReceiver } = benchRoutes(api, process.env.HOOKGUARD_BENCH_REPO);
  app.post('/bench/hookguard', hookguard(new api.Gate()), (c) => c.json({ received: true, eventName: c.get('hookguard').eventName }));
  app.post('/bench/ajv', (c) => ajvReceiver(c.req.raw));
}
app.all('*', (c) => shared(c.req.raw));

serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }, ({ port }) => console.log(`listening ${port}`));
