// The quarantine in the gateway, with real parts: two Envoy processes keeping refused
// deliveries in Redis (Debian's redis-server) through webdis, a real upstream, and the command
// line (`hookguard quarantine`, built by `scripts/just cli`) reading the same Redis. A drifted,
// signed delivery refused and retried three times (identical and re-signed, over both
// gateways) leaves one entry; once the overlay is deployed the same drift passes, and `quarantine
// replay` delivers the kept one to the upstream once; a second replay sends nothing. Forged
// deliveries are never kept; the Istio-shaped configuration keeps too; with the store gone the
// sender is told to come back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { envoyConfig, send, startEnvoy, startFlakyService } from './harness.mjs';
import { startRedis, startWebdis } from '../../../tests/stores/servers.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = process.env.HOOKGUARD_CLI ?? join(root, 'target/release/hookguard');
const SECRET = 'whsec_gateway_quarantine';
const OVERLAY = { hookguard_overlay: 1, events: { 'book.verified': { enum_values: { '/status': ['BOOK_PARTIALLY_VERIFIED'] } } } };
const run = promisify(execFile);

let redis;
let webdis;
let service;
const gateways = [];

function drifted(bookPk) {
  const body = JSON.parse(readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json')));
  return Buffer.from(JSON.stringify({ ...body, status: 'BOOK_PARTIALLY_VERIFIED', book_pk: bookPk }));
}

function gatewayConfig({ overlay } = {}) {
  const common = {
    signature: { secrets: [SECRET] },
    shared_store: { cluster: 'webdis', timeout_ms: 2000 },
    ...(overlay ? { overlay } : {}),
  };
  return envoyConfig({
    upstreamPort: service.port,
    clusters: { webdis: webdis.port },
    listeners: {
      kept: { ...common, quarantine: {} },
      accepted: { ...common, quarantine: { answer: 'accept' } },
      // Istio's filter block cannot hold headers (the README's Istio section): hold_headers off.
      istio: { ...common, hold_headers: false, quarantine: {} },
    },
    istioShaped: ['istio'],
  });
}

before(async () => {
  redis = await startRedis();
  webdis = await startWebdis(redis.port);
  service = await startFlakyService();
  gateways.push(await startEnvoy(gatewayConfig()), await startEnvoy(gatewayConfig()));
});

after(async () => {
  for (const gateway of gateways) await gateway?.stop();
  await service?.stop();
  await webdis?.stop();
  await redis?.stop();
});

function attempt(gateway, listener, requestId, body, { timestamp = Math.floor(Date.now() / 1000), secret = SECRET } = {}) {
  const signature = createHmac('sha256', secret).update(`${timestamp}.${requestId}.`).update(body).digest('hex');
  return send(gateway.ports[listener], {
    headers: {
      'content-type': 'application/json',
      'webhook-signature': signature, 'webhook-timestamp': String(timestamp), 'webhook-request-id': requestId,
    },
    body,
  });
}

async function hookguard(...args) {
  try {
    const { stdout, stderr } = await run(CLI, args, { cwd: root });
    return { code: 0, stdout, stderr };
  } catch (error) {
    if (error.code === 'ENOENT') throw new Error(`${CLI} is missing: build it with scripts/just cli`);
    return { code: error.code, stdout: error.stdout, stderr: error.stderr };
  }
}

/** Envoy's log once it holds `pattern` (Envoy writes its log on its own schedule), or after 5 s. */
async function logged(gateway, pattern) {
  const deadline = Date.now() + 5_000;
  while (!pattern.test(gateway.log()) && Date.now() < deadline) await sleep(50);
  return gateway.log();
}

const redisUrl = () => `redis://127.0.0.1:${redis.port}`;
const unique = (label) => `${label}-${process.pid}-${Math.random().toString(36).slice(2)}`;

test('a drifted delivery retried over both gateways is kept once; once the overlay is deployed, replay delivers it once', async () => {
  const id = unique('drift');
  const body = drifted(11);
  const now = Math.floor(Date.now() / 1000);
  const answers = [
    await attempt(gateways[0], 'kept', id, body, { timestamp: now }),
    await attempt(gateways[1], 'kept', id, body, { timestamp: now }),
    await attempt(gateways[0], 'kept', id, body, { timestamp: now + 1 }),
    await attempt(gateways[1], 'kept', id, body, { timestamp: now + 2 }),
  ];
  const entry = answers[0].headers['x-hookguard-quarantine'];
  assert.match(entry ?? '', /^[0-9a-f]{32}$/, answers[0].body.toString());
  for (const answer of answers) {
    assert.equal(answer.status, 400);
    assert.equal(answer.headers['x-hookguard-quarantine'], entry);
    assert.equal(JSON.parse(answer.body).errors[0].instanceLocation, '/status');
  }
  assert.equal(service.seen(id), 0, 'a refused delivery never reaches the upstream');
  // A forged copy is refused and never kept.
  const forged = await attempt(gateways[0], 'kept', unique('forged'), body, { secret: 'whsec_forger' });
  assert.equal(forged.status, 401);
  assert.equal(forged.headers['x-hookguard-quarantine'], undefined);

  const listed = await hookguard('quarantine', 'list', redisUrl(), '--format', 'json');
  assert.equal(listed.code, 0, listed.stderr);
  const document = JSON.parse(listed.stdout);
  assert.equal(document.entries, 1);
  assert.deepEqual(document.groups.map((group) => [group.event, group.code, group.entries]), [['book.verified', 'schema_violation', 1]]);
  const stats = await gateways[0].stats();
  assert.equal(stats.get('wasmcustom.hookguard.quarantine.kept') + (await gateways[1].stats()).get('wasmcustom.hookguard.quarantine.kept'), 1);
  assert.ok(stats.get('wasmcustom.hookguard.quarantine.already_kept') >= 1);

  // The overlay deployed: the same drift passes now...
  const directory = mkdtempSync(join(tmpdir(), 'hookguard-overlay-'));
  const overlay = join(directory, 'overlay.json');
  writeFileSync(overlay, JSON.stringify(OVERLAY));
  await gateways[1].stop();
  gateways[1] = await startEnvoy(gatewayConfig({ overlay: OVERLAY }));
  const fresh = unique('after-overlay');
  assert.equal((await attempt(gateways[1], 'kept', fresh, drifted(12))).status, 200);
  assert.equal(service.seen(fresh), 1);
  // ...and the kept one is delivered by the replay, once.
  const to = `http://127.0.0.1:${service.port}/hooks`;
  const replayed = await hookguard('quarantine', 'replay', redisUrl(), '--overlay', overlay, '--to', to);
  assert.equal(replayed.code, 0, replayed.stdout + replayed.stderr);
  assert.match(replayed.stdout, /1 delivered, 0 still refused/);
  assert.equal(service.seen(id), 1);
  const again = await hookguard('quarantine', 'replay', redisUrl(), '--overlay', overlay, '--to', to);
  assert.match(again.stdout, /0 delivered, 0 still refused/);
  assert.equal(service.seen(id), 1, 'a second replay sends nothing');
});

test("answer: accept answers 202; Istio's pluginConfig keeps too", async () => {
  const accepted = await attempt(gateways[0], 'accepted', unique('accept'), drifted(21));
  assert.equal(accepted.status, 202, accepted.body.toString());
  assert.match(accepted.headers['x-hookguard-quarantine'] ?? '', /^[0-9a-f]{32}$/);
  assert.equal(JSON.parse(accepted.body).status, 202);
  const istio = await attempt(gateways[0], 'istio', unique('istio'), drifted(22));
  assert.equal(istio.status, 400);
  assert.match(istio.headers['x-hookguard-quarantine'] ?? '', /^[0-9a-f]{32}$/);
});

test('with the store gone, a drifted delivery is told to come back: 503, retry-after, logged without values', async () => {
  await webdis.stop();
  const id = unique('down');
  const refused = await attempt(gateways[0], 'kept', id, drifted(31));
  assert.equal(refused.status, 503, refused.body.toString());
  assert.equal(refused.headers['retry-after'], '10');
  assert.match(JSON.parse(refused.body).detail, /quarantine/);
  const log = await logged(gateways[0], /the quarantine could not keep a refused delivery/);
  assert.match(log, /the quarantine could not keep a refused delivery/);
  assert.doesNotMatch(log, new RegExp(id));
});
