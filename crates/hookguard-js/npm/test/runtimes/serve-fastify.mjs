// Node 20: a Fastify app over real HTTP, the deliveries checked by the package's Fastify
// plugin, everything else answered by the shared app.
import Fastify from 'fastify';
import * as api from 'hookguard';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hookguardFastify } from 'hookguard/fastify';
import { DirectoryQuarantine } from 'hookguard/quarantine';
import { createApp, gates, quarantineGate } from './app.mjs';

const config = JSON.parse(process.env.HOOKGUARD_TEST_CONFIG);
const shared = createApp(api, config);
const now = () => config.now;
const routeGates = gates(api, config);

const app = Fastify();
for (const [path, gate] of Object.entries(routeGates)) {
  // One context per route, each with its own gate.
  app.register(async (hooks) => {
    await hooks.register(hookguardFastify, { gate, now });
    hooks.route({
      method: ['GET', 'POST', 'PUT', 'DELETE'],
      url: path,
      handler: async (request, reply) => {
        const outcome = request.headers['x-test-outcome'];
        if (outcome === 'throw') throw new Error('the service is down');
        if (outcome === 'status-503') return reply.code(503).send('busy');
        return { received: true, eventName: request.hookguard.eventName };
      },
    });
  });
}
// The quarantine route through the Fastify plugin, its store a directory.
const keeping = quarantineGate(api, config);
const kept = new DirectoryQuarantine(keeping, mkdtempSync(join(tmpdir(), 'hookguard-fastify-')));
app.register(async (hooks) => {
  await hooks.register(hookguardFastify, { gate: keeping, now, quarantine: kept });
  hooks.post('/quarantine', async () => ({ received: true }));
});
app.get('/quarantine/held', async () => kept.held());
// The routes that answer with what the package computes, through the shared Fetch app.
app.register(async (rest) => {
  rest.removeAllContentTypeParsers();
  rest.addContentTypeParser('*', { parseAs: 'buffer' }, (request, body, done) => done(null, body));
  rest.all('/*', async (request, reply) => {
    const headers = new Headers();
    for (const [name, value] of Object.entries(request.headers)) headers.set(name, String(value));
    const response = await shared(new Request(`http://127.0.0.1${request.url}`, {
      method: request.method,
      headers,
      body: request.method === 'GET' ? undefined : request.body,
    }));
    reply.code(response.status);
    for (const [name, value] of response.headers) reply.header(name, value);
    return reply.send(Buffer.from(await response.arrayBuffer()));
  });
});

const address = await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening ${new URL(address).port}`);
