// Two Envoy processes (two workers each) sharing one memory: Redis (Debian's redis-server)
// through webdis, called with dispatch_http_call. A copy sent to the other gateway is
// acknowledged, never forwarded twice; a delivery the service failed behind one gateway is
// delivered by its retry through the other; a restarted gateway remembers; with the store
// gone, the configured policy answers, never a hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envoyConfig, send, startEnvoy, startFlakyService } from './harness.mjs';
import { startRedis, startWebdis } from '../../../tests/stores/servers.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const BODY = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
const SECRET = 'whsec_shared_store';

let redis;
let webdis;
let service;
const gateways = [];

function gatewayConfig() {
  const signature = { secrets: [SECRET] };
  return envoyConfig({
    upstreamPort: service.port,
    clusters: { webdis: webdis.port },
    listeners: {
      shared: { signature, shared_store: { cluster: 'webdis', timeout_ms: 500 } },
      fallback: { signature, shared_store: { cluster: 'webdis', timeout_ms: 500, on_unavailable: 'process' } },
    },
  });
}

before(async () => {
  redis = await startRedis();
  webdis = await startWebdis(redis.port);
  service = await startFlakyService();
  gateways.push(await startEnvoy(gatewayConfig()), await startEnvoy(gatewayConfig()));
});

after(async () => {
  for (const gateway of gateways) await gateway.stop();
  await service?.stop();
  await webdis?.stop();
  await redis?.stop();
});

/** One attempt through gateway `index`, signed at `timestamp`. */
function attempt(index, requestId, { listener = 'shared', timestamp = Math.floor(Date.now() / 1000) } = {}) {
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${requestId}.`).update(BODY).digest('hex');
  return send(gateways[index].ports[listener], {
    headers: {
      'content-type': 'application/json',
      'webhook-signature': signature, 'webhook-timestamp': String(timestamp), 'webhook-request-id': requestId,
    },
    body: BODY,
  });
}

const unique = (label) => `${label}-${process.pid}-${Math.random().toString(36).slice(2)}`;

test('a copy sent to the other gateway is acknowledged, never forwarded twice', async () => {
  for (let index = 0; index < 6; index += 1) {
    const id = unique('copy');
    const first = await attempt(index % 2, id);
    assert.equal(first.status, 200, first.body.toString());
    const copy = await attempt((index + 1) % 2, id);
    assert.equal(copy.status, 200, copy.body.toString());
    assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
    assert.equal(service.seen(id), 1);
  }
});

test('a delivery the service failed behind one gateway is delivered by its retry through the other', async () => {
  const id = unique('retried');
  service.plan(id, { failures: 2 });
  assert.equal((await attempt(0, id)).status, 503);
  assert.equal((await attempt(1, id)).status, 503);
  assert.equal((await attempt(0, id, { timestamp: Math.floor(Date.now() / 1000) + 1 })).status, 200);
  assert.equal((await attempt(1, id)).headers['x-hookguard-duplicate'], 'delivered');
  assert.equal(service.taken(id), 1);
  assert.equal(service.seen(id), 3);
});

test('sixteen concurrent copies over both gateways forward one', async () => {
  const id = unique('concurrent');
  service.plan(id, { delayMs: 300 });
  const timestamp = Math.floor(Date.now() / 1000);
  const responses = await Promise.all(Array.from({ length: 16 }, (_, index) => attempt(index % 2, id, { timestamp })));
  assert.deepEqual(responses.map((response) => response.status).sort(), [200, ...Array(15).fill(503)]);
  assert.equal(service.seen(id), 1);
});

test('a restarted gateway remembers what was delivered before', async () => {
  const id = unique('restart');
  assert.equal((await attempt(0, id)).status, 200);
  await gateways[0].stop();
  gateways[0] = await startEnvoy(gatewayConfig());
  const copy = await attempt(0, id);
  assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
  assert.equal(service.seen(id), 1);
});

test('with the store gone: 503 store_unavailable in time, or the fallback to the process, counted and logged', async () => {
  await redis.stop();
  const before = await gateways[0].stats();
  const began = Date.now();
  const refused = await attempt(0, unique('down'));
  assert.equal(refused.status, 503);
  assert.equal(refused.headers['retry-after'], '10');
  assert.equal(JSON.parse(refused.body).type, 'urn:hookguard:problem:store-unavailable');
  assert.ok(Date.now() - began < 3_000, `answered in ${Date.now() - began} ms`);
  const id = unique('fallback');
  assert.equal((await attempt(0, id, { listener: 'fallback' })).status, 200);
  assert.equal(service.seen(id), 1);
  assert.equal((await attempt(0, id, { listener: 'fallback' })).headers['x-hookguard-duplicate'], 'delivered');
  const after = await gateways[0].stats();
  assert.ok((after.get('wasmcustom.hookguard.store.unavailable') ?? 0) - (before.get('wasmcustom.hookguard.store.unavailable') ?? 0) >= 2);
  assert.match(gateways[0].log(), /the shared memory could not be asked .*refused with 503/);
  assert.doesNotMatch(gateways[0].log(), /down-|fallback-/);
  await webdis.stop();
  const noWebdis = await attempt(1, unique('nowebdis'));
  assert.equal(noWebdis.status, 503);
});
