// The delivery contract in a real Envoy (two workers) in front of an upstream that fails as
// services do: a sender that retries every non-2xx gets each delivery to the service exactly
// once, whatever the retry order (identical or re-signed); sixteen concurrent copies of one
// delivery forward one; copies of a delivered one are acknowledged; an upstream that resets the
// request leaves the delivery to be retried. The same under Istio's filter block.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { envoyConfig, send, startEnvoy, startFlakyService } from './harness.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const BODY = readFileSync(join(root, 'tests/fixtures/seeds/organization/book.verified.json'));
const SECRET = 'whsec_delivery_contract';
const MAX_ATTEMPTS = 8;

let service;
let envoy;

before(async () => {
  service = await startFlakyService();
  const signature = { secrets: [SECRET] };
  envoy = await startEnvoy(envoyConfig({
    upstreamPort: service.port,
    listeners: {
      acknowledge: { signature },
      reject: { signature: { ...signature, on_replay: 'reject' } },
      istio: { hold_headers: false, signature },
    },
    istioShaped: ['istio'],
  }), { concurrency: 2 });
});

after(async () => {
  await envoy?.stop();
  await service?.stop();
});

/** One attempt of a delivery, signed at `timestamp` as a sender signs it. */
function attempt(listener, requestId, timestamp = Math.floor(Date.now() / 1000)) {
  const signature = createHmac('sha256', SECRET).update(`${timestamp}.${requestId}.`).update(BODY).digest('hex');
  return send(envoy.ports[listener], {
    headers: {
      'content-type': 'application/json',
      'webhook-signature': signature,
      'webhook-timestamp': String(timestamp),
      'webhook-request-id': requestId,
    },
    body: BODY,
  });
}

/** A sender: retries every non-2xx, re-signing every other retry, until a 2xx. */
async function deliverWithRetries(listener, requestId) {
  const first = Math.floor(Date.now() / 1000);
  const statuses = [];
  for (let number = 1; number <= MAX_ATTEMPTS; number += 1) {
    const response = await attempt(listener, requestId, number % 2 === 0 ? first + number : first);
    statuses.push(response.status);
    if (response.status >= 200 && response.status < 300) return statuses;
  }
  return statuses;
}

const unique = (label) => `${label}-${process.pid}-${Math.random().toString(36).slice(2)}`;

for (const listener of ['acknowledge', 'istio']) {
  test(`${listener}: a service failing the first N attempts gets every delivery exactly once, and copies after it are acknowledged`, async () => {
    const ids = [0, 1, 2, 3].map((failures) => {
      const id = unique(`retried-${failures}`);
      service.plan(id, { failures });
      return [id, failures];
    });
    for (const [id, failures] of ids) {
      const statuses = await deliverWithRetries(listener, id);
      assert.deepEqual(statuses, [...Array(failures).fill(503), 200], id);
      assert.equal(service.seen(id), failures + 1, id);
      assert.equal(service.taken(id), 1, id);
      // The sender never heard the 200 and sends again: acknowledged, not forwarded.
      const copy = await attempt(listener, id);
      assert.equal(copy.status, 200, id);
      assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered', id);
      assert.equal(copy.headers['content-type'], 'application/json', id);
      assert.equal(JSON.parse(copy.body).type, 'urn:hookguard:problem:duplicate-delivery', id);
      assert.equal(service.seen(id), failures + 1, id);
    }
  });

  test(`${listener}: sixteen concurrent copies of one delivery forward one; the rest come back later`, async () => {
    for (let round = 0; round < 4; round += 1) {
      const id = unique(`concurrent-${round}`);
      service.plan(id, { failures: 0, delayMs: 300 });
      const timestamp = Math.floor(Date.now() / 1000);
      const responses = await Promise.all(Array.from({ length: 16 }, () => attempt(listener, id, timestamp)));
      const statuses = responses.map((response) => response.status).sort();
      assert.equal(service.seen(id), 1, `round ${round}: ${statuses}`);
      assert.deepEqual(statuses, [200, ...Array(15).fill(503)], `round ${round}`);
      for (const copy of responses.filter((response) => response.status === 503)) {
        assert.match(copy.headers['retry-after'], /^([1-9]|10)$/);
        assert.equal(JSON.parse(copy.body).type, 'urn:hookguard:problem:delivery-in-flight');
      }
      // Coming back as told: acknowledged.
      const later = await attempt(listener, id, timestamp);
      assert.equal(later.status, 200);
      assert.equal(later.headers['x-hookguard-duplicate'], 'delivered');
      assert.equal(service.seen(id), 1);
    }
  });

  test(`${listener}: an upstream that resets the request leaves the delivery to its retry`, async () => {
    const id = unique('reset');
    service.plan(id, { failures: 1, reset: true });
    const statuses = await deliverWithRetries(listener, id);
    assert.equal(statuses.at(-1), 200, `${statuses}`);
    assert.ok(statuses[0] >= 500, `${statuses}`);
    assert.equal(service.taken(id), 1);
  });
}

test('reject: a copy of a delivered delivery is refused 409, and the counters say what happened', async () => {
  const before = await envoy.stats();
  const id = unique('rejected');
  service.plan(id, { failures: 1 });
  assert.deepEqual(await deliverWithRetries('reject', id), [503, 200]);
  const copy = await attempt('reject', id);
  assert.equal(copy.status, 409);
  assert.equal(JSON.parse(copy.body).errors[0].code, 'signature_replayed');
  assert.equal(service.taken(id), 1);
  const after = await envoy.stats();
  const moved = (name) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  assert.equal(moved('wasmcustom.hookguard.delivery.failed'), 1);
  assert.equal(moved('wasmcustom.hookguard.delivery.delivered'), 1);
  assert.equal(moved('wasmcustom.hookguard.verdict.replayed'), 1);
});
