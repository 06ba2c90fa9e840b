// Node 20: the package's receiver for Node's own HTTP server (`hookguard/node`'s
// createReceiver), one per delivery route, everything else answered by the shared app.
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as api from 'hookguard';
import { createReceiver } from 'hookguard/node';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp, gateConfigs, quarantineConfig, quarantineGate } from './app.mjs';

const config = JSON.parse(process.env.HOOKGUARD_TEST_CONFIG);
const shared = createApp(api, config);
const now = () => config.now;
const quiet = { error() {} };

/** What the handler does, as the driver asks (`x-test-outcome`). */
function onEvent(event, delivery, req) {
  const outcome = req.headers['x-test-outcome'];
  if (outcome === 'throw') throw new Error('the service is down');
  if (outcome === 'status-503') return { status: 503 };
  return undefined;
}

const routes = Object.fromEntries(
  Object.entries(gateConfigs(config)).map(([path, gate]) => [path, createReceiver({ path, config: gate, now, log: quiet, onEvent })]),
);
// The quarantine route: the receiver opens the directory its configuration names.
const directory = mkdtempSync(join(tmpdir(), 'hookguard-node-'));
routes['/quarantine'] = createReceiver({ path: '/quarantine', config: quarantineConfig(config, directory), now, log: quiet, onEvent });
const held = new DirectoryQuarantine(quarantineGate(api, config), directory);

/** The shared app's routes, through a fetch Request. */
async function toShared(req, res) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) headers.set(name, String(value));
  const response = await shared(new Request(`http://127.0.0.1${req.url}`, {
    method: req.method,
    headers,
    body: req.method === 'GET' ? undefined : Buffer.concat(chunks),
  }));
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}

const server = createServer(async (req, res) => {
  const { pathname } = new URL(req.url, 'http://127.0.0.1');
  if (pathname === '/quarantine/held') {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify(await held.held()));
  }
  const route = routes[pathname];
  if (route) return route(req, res);
  return toShared(req, res);
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
