// Two Envoy processes (two workers each) sharing one memory: Redis (Debian's redis-server)
// through webdis, called with dispatch_http_call. A copy sent to the other gateway is
// acknowledged, never forwarded twice; a delivery the service failed behind one gateway is
// delivered by its retry through the other; a restarted gateway remembers; with the store
// gone, the configured policy answers, never a hang. The scripts go by digest (EVALSHA), whole
// again when Redis forgot them or webdis allows EVAL only; the settle follows the answer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envoyConfig, send, startEnvoy, startFlakyService } from './harness.mjs';
import { setTimeout as sleep } from 'node:timers/promises';
import { redisCommand, startRedis, startWebdis } from '../../../tests/stores/servers.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const BODY = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
const SECRET = 'whsec_shared_store';
// The claim script's name in Redis' cache (hookguard::store::CLAIM_SCRIPT_SHA1).
const CLAIM_SCRIPT_SHA1 = '5e02fbea89411dfadf47b3b1d0997b8f3c4420f3';

let redis;
let webdis;
let service;
const gateways = [];

function gatewayConfig(webdisPort = webdis.port) {
  const signature = { secrets: [SECRET] };
  return envoyConfig({
    upstreamPort: service.port,
    clusters: { webdis: webdisPort },
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

/** The request of one attempt of `requestId`, signed at `timestamp`. */
function signedRequest(requestId, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${requestId}.`).update(BODY).digest('hex');
  return {
    headers: {
      'content-type': 'application/json',
      'webhook-signature': signature, 'webhook-timestamp': String(timestamp), 'webhook-request-id': requestId,
    },
    body: BODY,
  };
}

/** One attempt through gateway `index`, signed at `timestamp`. */
function attempt(index, requestId, { listener = 'shared', timestamp } = {}) {
  return send(gateways[index].ports[listener], signedRequest(requestId, timestamp));
}

const unique = (label) => `${label}-${process.pid}-${Math.random().toString(36).slice(2)}`;

/**
 * A copy of a delivered `id` through gateway `index`: acknowledged (200, duplicate), after at
 * most a few in-flight answers (503, Retry-After) while the settle, sent as the first attempt's
 * answer went on, is still on its way to Redis.
 */
async function copyAcknowledged(index, id) {
  for (let tries = 0; ; tries += 1) {
    const copy = await attempt(index, id);
    if (copy.status === 503 && tries < 20) {
      assert.equal(JSON.parse(copy.body).type, 'urn:hookguard:problem:delivery-in-flight');
      await sleep(25);
      continue;
    }
    assert.equal(copy.status, 200, copy.body.toString());
    assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
    return;
  }
}

/** Redis' record of `id` within a second: `d` delivered, `f…` in flight, empty none. */
async function recorded(id, expected) {
  const key = `hookguard:delivery:${id}`;
  let value;
  for (let tries = 0; tries < 40; tries += 1) {
    value = await redisCommand(redis.port, 'GET', key);
    if (value === expected) return;
    await sleep(25);
  }
  assert.equal(value, expected, key);
}

test('a copy sent to the other gateway is acknowledged, never forwarded twice', async () => {
  for (let index = 0; index < 6; index += 1) {
    const id = unique('copy');
    const first = await attempt(index % 2, id);
    assert.equal(first.status, 200, first.body.toString());
    await copyAcknowledged((index + 1) % 2, id);
    assert.equal(service.seen(id), 1);
  }
});

test('the settle is recorded once the answer went on, outliving its request', async () => {
  const ids = Array.from({ length: 24 }, () => unique('settled'));
  const failed = unique('failed');
  service.plan(failed, { failures: 1 });
  const answers = await Promise.all([...ids, failed].map((id, index) => attempt(index % 2, id)));
  assert.deepEqual(answers.map((answer) => answer.status), [...Array(ids.length).fill(200), 503]);
  for (const id of ids) await recorded(id, 'd');
  await recorded(failed, '');
  assert.doesNotMatch(gateways[0].log() + gateways[1].log(), /in the request's name/);
});

test('a Redis that forgot the scripts (restarted, flushed) is sent them again, nothing refused', async () => {
  assert.equal(await redisCommand(redis.port, 'SCRIPT', 'FLUSH'), 'OK');
  for (let index = 0; index < 4; index += 1) {
    const id = unique('flushed');
    assert.equal((await attempt(index % 2, id)).status, 200);
    await recorded(id, 'd');
    await copyAcknowledged((index + 1) % 2, id);
  }
  assert.equal(await redisCommand(redis.port, 'EVALSHA', CLAIM_SCRIPT_SHA1, '1', unique('probe'), '1', '1000'), 'taken\n0');
  assert.doesNotMatch(gateways[0].log() + gateways[1].log(), /refuses EVALSHA|could not be asked/);
});

test('a webdis allowing EVAL only still serves every delivery, said once per VM', async () => {
  const evalOnly = await startWebdis(redis.port, undefined, { commands: ['EVAL'] });
  const gateway = await startEnvoy(gatewayConfig(evalOnly.port));
  try {
    for (let index = 0; index < 6; index += 1) {
      const id = unique('evalonly');
      const answer = await send(gateway.ports.shared, signedRequest(id));
      assert.equal(answer.status, 200, answer.body.toString());
      await recorded(id, 'd');
    }
    const said = gateway.log().match(/refuses EVALSHA/g) ?? [];
    assert.ok(said.length >= 1 && said.length <= 2, `said ${said.length} times (two worker VMs)`);
  } finally {
    await gateway.stop();
    await evalOnly.stop();
  }
});

test('a delivery the service failed behind one gateway is delivered by its retry through the other', async () => {
  const id = unique('retried');
  service.plan(id, { failures: 2 });
  assert.equal((await attempt(0, id)).status, 503);
  assert.equal((await attempt(1, id)).status, 503);
  assert.equal((await attempt(0, id, { timestamp: Math.floor(Date.now() / 1000) + 1 })).status, 200);
  await copyAcknowledged(1, id);
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
  await recorded(id, 'd');
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
