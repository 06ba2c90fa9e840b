// Replicas sharing one memory on a real Redis (Debian's redis-server, started here): two
// receiver processes behind one port (node:cluster), and one process whose store goes away.
// Every delivery is handled exactly once across the fleet, whichever process a copy reaches;
// with the store down, the configured policy answers, never a hang.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, request } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { RedisMemory, RedisQuarantine } from 'hookguard/shared';
import { createReceiver } from 'hookguard/node';
import { freePort, startRedis } from '../../../tests/stores/servers.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const BODY = readFileSync(join(root, 'tests/fixtures/seeds/account/BOOK_VERIFIED.json'));
const SECRET = 'whsec_fleet';
const fleetScript = fileURLToPath(new URL('./fleet.mjs', import.meta.url));

/** One attempt on a connection of its own (so node:cluster picks the next worker). */
function deliver(port, requestId, timestamp = Math.floor(Date.now() / 1000), body = BODY) {
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${requestId}.`).update(body).digest('hex');
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1', port, method: 'POST', path: '/webhooks/ocrolus', agent: false,
      headers: {
        'content-type': 'application/json', 'content-length': body.length,
        'webhook-signature': signature, 'webhook-timestamp': String(timestamp), 'webhook-request-id': requestId,
      },
    }, (res) => {
      const parts = [];
      res.on('data', (part) => parts.push(part));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(parts).toString() }));
    });
    req.setTimeout(10_000, () => req.destroy(new Error('no answer within 10 s')));
    req.on('error', reject);
    req.end(body);
  });
}

/** The fleet: two workers on one port; `handled` lists what their handlers took. */
async function startFleet(redisUrl) {
  const port = await freePort();
  const child = spawn(process.execPath, [fleetScript, String(port), redisUrl, '2'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const handled = [];
  let ready;
  const isReady = new Promise((resolve) => { ready = resolve; });
  let buffer = '';
  child.stdout.on('data', (data) => {
    buffer += data;
    let at;
    while ((at = buffer.indexOf('\n')) >= 0) {
      const line = buffer.slice(0, at);
      buffer = buffer.slice(at + 1);
      if (line === 'ready') ready();
      else if (line.startsWith('{')) handled.push(JSON.parse(line));
    }
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  await Promise.race([isReady, sleep(20_000).then(() => { throw new Error('the fleet did not start'); })]);
  return {
    port,
    handled,
    /** How often the handlers took `id`, once their reports are in. */
    async count(id) { await sleep(50); return handled.filter((entry) => entry.handled === id).length; },
    async stop() { child.kill('SIGTERM'); await exited; },
  };
}

let redis;
let fleet;

before(async () => {
  redis = await startRedis();
  fleet = await startFleet(redis.url);
});

after(async () => {
  await fleet?.stop();
  await redis?.stop();
});

const unique = (label) => `${label}-${process.pid}-${Math.random().toString(36).slice(2)}`;

test('a copy sent to the other replica is acknowledged, never handled twice', async () => {
  const answeredBy = new Set();
  for (let index = 0; index < 10; index += 1) {
    const id = unique('copy');
    const first = await deliver(fleet.port, id);
    assert.equal(first.status, 200, first.body);
    const copy = await deliver(fleet.port, id);
    assert.equal(copy.status, 200, copy.body);
    assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
    answeredBy.add(`${first.headers['x-worker']}>${copy.headers['x-worker']}`);
    assert.equal(await fleet.count(id), 1, id);
  }
  // node:cluster hands connections round-robin: copies did reach the other process.
  assert.ok([...answeredBy].some((pair) => pair.split('>')[0] !== pair.split('>')[1]), [...answeredBy].join(' '));
});

test('a delivery whose handler failed on one replica is handled by its retry on the other', async () => {
  const id = unique('fail');
  const first = await deliver(fleet.port, id);
  assert.equal(first.status, 500);
  const retry = await deliver(fleet.port, id, Math.floor(Date.now() / 1000) + 1);
  assert.equal(retry.status, 200);
  assert.notEqual(retry.headers['x-hookguard-duplicate'], 'delivered');
  assert.equal(await fleet.count(id), 1);
  assert.equal((await deliver(fleet.port, id)).headers['x-hookguard-duplicate'], 'delivered');
});

test('sixteen concurrent copies across both replicas: one handled, the rest told to come back', async () => {
  const id = unique('slow');
  const timestamp = Math.floor(Date.now() / 1000);
  const responses = await Promise.all(Array.from({ length: 16 }, () => deliver(fleet.port, id, timestamp)));
  const statuses = responses.map((response) => response.status).sort();
  assert.deepEqual(statuses, [200, ...Array(15).fill(503)]);
  assert.equal(new Set(responses.map((response) => response.headers['x-worker'])).size, 2);
  for (const copy of responses.filter((response) => response.status === 503)) assert.ok(Number(copy.headers['retry-after']) >= 1);
  assert.equal(await fleet.count(id), 1);
});

test('a restarted fleet remembers what the one before it delivered', async () => {
  const id = unique('restart');
  assert.equal((await deliver(fleet.port, id)).status, 200);
  await fleet.stop();
  fleet = await startFleet(redis.url);
  const copy = await deliver(fleet.port, id);
  assert.equal(copy.status, 200);
  assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
  assert.equal(await fleet.count(id), 0);
});

test('with the store down: refused with 503 in time by default, or remembered in the process, counted and logged', async () => {
  const own = await startRedis();
  const client = createClient({ url: own.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 200 } });
  client.on('error', () => {});
  await client.connect();
  const logged = [];
  const handled = [];
  const servers = [];
  const start = async (store) => {
    const server = createServer(createReceiver({
      config: { signature: { secrets: [SECRET] } },
      memory: new RedisMemory(client),
      store: { ...store, log: { error: (line) => logged.push(line) } },
      log: { error: () => {} },
      onEvent: (event, result) => { handled.push(result.requestId); },
    }));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return server.address().port;
  };
  try {
    const refusing = await start({ timeoutMs: 500 });
    const falling = await start({ onStoreError: 'process', timeoutMs: 500 });
    assert.equal((await deliver(refusing, unique('up'))).status, 200);
    await own.stop();
    const began = Date.now();
    const refused = await deliver(refusing, unique('down'));
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '10');
    assert.equal(JSON.parse(refused.body).type, 'urn:hookguard:problem:store-unavailable');
    assert.ok(Date.now() - began < 3_000, 'answered without hanging');
    const id = unique('fallback');
    assert.equal((await deliver(falling, id)).status, 200);
    assert.equal((await deliver(falling, id)).headers['x-hookguard-duplicate'], 'delivered');
    assert.equal(handled.filter((handledId) => handledId === id).length, 1);
    assert.ok(logged.some((line) => /refused with 503/.test(line)), logged.join('\n'));
    assert.ok(logged.some((line) => /claimed in this process/.test(line)), logged.join('\n'));
    for (const line of logged) assert.doesNotMatch(line, /fallback-|down-|11917/);
  } finally {
    for (const server of servers) { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); }
    await client.disconnect().catch(() => {});
    await own.stop();
  }
});

test('two replicas keep a drifted delivery once in the quarantine in Redis; with Redis gone the sender comes back', async () => {
  const own = await startRedis();
  const client = createClient({ url: own.url, disableOfflineQueue: true, socket: { reconnectStrategy: () => 200 } });
  client.on('error', () => {});
  await client.connect();
  const drifted = Buffer.from(JSON.stringify({ ...JSON.parse(BODY), event_name: 'BOOK_VERIFIED', status: 'BOOK_PARTIALLY_VERIFIED' }));
  const logged = [];
  const servers = [];
  const start = async () => {
    const server = createServer(createReceiver({
      config: { signature: { secrets: [SECRET] }, quarantine: {} },
      memory: new RedisMemory(client),
      quarantine: new RedisQuarantine(client, { timeoutMs: 500 }),
      store: { log: { error: (line) => logged.push(line) } },
      log: { error: (line) => logged.push(line) },
      onEvent: () => assert.fail('a refused delivery reached the handler'),
    }));
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    return server.address().port;
  };
  try {
    const ports = [await start(), await start()];
    const id = unique('drift');
    const now = Math.floor(Date.now() / 1000);
    const answers = [];
    for (const [index, timestamp] of [now, now, now + 1].entries()) answers.push(await deliver(ports[index % 2], id, timestamp, drifted));
    const entry = answers[0].headers['x-hookguard-quarantine'];
    assert.match(entry ?? '', /^[0-9a-f]{32}$/, answers[0].body);
    for (const answer of answers) {
      assert.equal(answer.status, 400);
      assert.equal(answer.headers['x-hookguard-quarantine'], entry);
    }
    assert.equal(await client.zCard('hookguard:quarantine:index'), 1);
    // The body is ASCII JSON: the entry reads back as text, the body exactly at its end.
    const kept = await client.get(`hookguard:quarantine:entry:${entry}`);
    assert.ok(kept.endsWith(drifted.toString()), 'the body is kept exactly');
    assert.match(kept, new RegExp(`\\r\\nwebhook-request-id: ${id}\\r\\n`));

    await own.stop();
    const refused = await deliver(ports[0], unique('down'), Math.floor(Date.now() / 1000), drifted);
    assert.equal(refused.status, 503);
    assert.equal(refused.headers['retry-after'], '10');
    assert.ok(logged.some((line) => /the quarantine could not keep a refused delivery/.test(line)), logged.join('\n'));
    for (const line of logged) assert.doesNotMatch(line, /drift-|down-|PARTIALLY/);
  } finally {
    for (const server of servers) { server.closeAllConnections(); await new Promise((resolve) => server.close(resolve)); }
    await client.disconnect().catch(() => {});
    await own.stop();
  }
});
