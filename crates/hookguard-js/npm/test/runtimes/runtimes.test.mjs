// Every runtime the package names, proven over HTTP from the packed tarball: each serves the
// same receiver (app.mjs; Hono's middleware in Node) on 127.0.0.1, and this driver, in Node,
// holds it to the recorded truth every host is held to: every fixture's verdict, findings and
// normalized bytes (tests/expected/verdicts.json), every refused fixture's exact problem bytes
// (answers.json), the signature vectors, the delivery contract (2xx only once the handler
// resolved; a failed delivery's retry goes through; a delivered one's copy is acknowledged),
// and a body over `maxBytes` refused without being read whole.
//
// Run by `scripts/just js-runtimes` in a fresh directory where the tarball, the runtimes and
// the frameworks are installed. HOOKGUARD_REPO: the repository; HOOKGUARD_RUNTIMES: which
// runtimes (default: all).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { RUNTIMES, config, start } from './servers.mjs';

// A real Redis (Debian's redis-server) for the runtimes that serve hookguard/shared.
const { startRedis } = await import(join(process.env.HOOKGUARD_REPO, 'tests/stores/servers.mjs'));
const redis = await startRedis();
after(() => redis.stop());
/** The runtimes whose server keeps request ids in Redis through hookguard/shared (`/shared`). */
const SHARED = new Set(['deno', 'bun', 'next.js (turbopack)', 'next.js (webpack)']);

const root = process.env.HOOKGUARD_REPO;
const read = (path) => readFileSync(join(root, path));
const verdicts = JSON.parse(read('tests/expected/verdicts.json'));
const answers = JSON.parse(read('tests/expected/answers.json'));
const vectors = JSON.parse(read('tests/fixtures/signatures/vectors.json'));
const { vectorHeaders } = await import(join(root, 'tests/fixtures/signatures/fields.mjs'));
const { expectedResult } = await import(join(root, 'crates/hookguard-js/npm/test/expected-result.mjs'));

/** One HTTP request; `headers` may repeat a name (an array of values: separate lines). */
function send(base, path, { method = 'POST', headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method, headers, agent: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const JSON_TYPE = { 'content-type': 'application/json' };

/** A fresh signed delivery of the `signed` vector's body under a new request id. */
async function signedDelivery(requestId) {
  const { createHmac } = await import('node:crypto');
  const body = vectors.cases.find((vector) => vector.name === 'signed').body;
  const timestamp = String(vectors.now);
  const signature = createHmac('sha256', vectors.secrets.current).update(`${timestamp}.${requestId}.${body}`).digest('hex');
  return {
    body,
    headers: { ...JSON_TYPE, 'Webhook-Signature': signature, 'Webhook-Timestamp': timestamp, 'Webhook-Request-Id': requestId },
  };
}

/** Sends the first bytes of a body and waits for an answer before sending the rest (never sent). */
function answerBeforeTheEnd(base, path, headers, firstBytes) {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method: 'POST', headers, agent: false }, (response) => {
      const chunks = [];
      response.on('data', (chunk) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        request.destroy();
        resolve({ status: response.statusCode, text: Buffer.concat(chunks).toString('utf8') });
      });
    });
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error('no answer while the body was still being sent: the body was read whole'));
    }, 15_000);
    request.on('error', (error) => (error.code === 'ECONNRESET' ? undefined : reject(error)));
    request.write(firstBytes);
  });
}

const only = process.env.HOOKGUARD_RUNTIMES?.split(',').map((name) => name.trim());

test('node (CommonJS): require() of the tarball gets every report, answer and vector verdict', { skip: only && !only.some((wanted) => 'node (commonjs)'.startsWith(wanted)) ? 'not asked for' : false }, async () => {
  const { execFileSync } = await import('node:child_process');
  const output = execFileSync(process.execPath, ['cjs-check.cjs'], { env: process.env, encoding: 'utf8' });
  assert.match(output, /^CommonJS: \d+ fixtures, \d+ vectors/);
});

for (const name of Object.keys(RUNTIMES)) {
  test(name, { skip: only && !only.some((wanted) => name.startsWith(wanted)) ? 'not asked for' : false }, async (t) => {
    const server = await start(name, SHARED.has(name) ? { HOOKGUARD_REDIS: redis.url } : {});
    t.after(() => server.stop());
    const { base } = server;

    await t.test('every fixture: its verdict, findings and normalized bytes, computed in the runtime', async () => {
      for (const [path, recorded] of Object.entries(verdicts)) {
        const body = read(path);
        const normalized = await send(base, '/normalize', { headers: JSON_TYPE, body });
        assert.deepEqual(JSON.parse(normalized.text), expectedResult(recorded, { withNormalized: true }), path);
        const validated = await send(base, '/validate', { headers: JSON_TYPE, body });
        assert.deepEqual(JSON.parse(validated.text), expectedResult(recorded, { withNormalized: false }), path);
      }
    });

    await t.test('every fixture through the delivery handler: the exact answer of every host', async () => {
      for (const [path, recorded] of Object.entries(verdicts)) {
        const answer = await send(base, '/hooks', { headers: JSON_TYPE, body: read(path) });
        const expected = answers.bodies[path];
        assert.equal(answer.status, expected?.status ?? 200, path);
        if (expected) {
          assert.equal(answer.text, expected.problem, path);
          assert.equal(answer.headers['content-type'], 'application/problem+json', path);
        } else {
          assert.deepEqual(JSON.parse(answer.text), { received: true, eventName: recorded.event_name }, path);
        }
      }
      const wrongMethod = await send(base, '/hooks', { method: 'PUT', headers: JSON_TYPE, body: '{}' });
      assert.equal(wrongMethod.status, 405);
      assert.equal(wrongMethod.text, answers.requests.method_not_allowed.problem);
      assert.equal(wrongMethod.headers.allow, 'POST');
      const wrongType = await send(base, '/hooks', { headers: { 'content-type': 'text/plain' }, body: '{}' });
      assert.equal(wrongType.status, 415);
      assert.equal(wrongType.text, answers.requests.unsupported_media_type.problem);
    });

    await t.test('signature vectors: the recorded verdict of each', async () => {
      for (const vector of vectors.cases) {
        const route = vector.secrets.length === 1 ? '/signed' : '/signed-rotating';
        const headers = { ...vectorHeaders(vector), ...JSON_TYPE };
        const verify = await send(base, '/verify', { headers: { ...headers, 'x-test-secrets': vector.secrets.join(',') }, body: vector.body });
        const verdict = JSON.parse(verify.text);
        assert.equal(verdict.authentic ? null : verdict.code, vector.expected.code, `verify ${vector.name}`);
        const answer = await send(base, route, { headers, body: vector.body });
        const code = vector.expected.replayed ? 'signature_replayed' : vector.expected.code;
        if (code === null) {
          const valid = !vector.name.includes('invalid-payload');
          assert.equal(answer.status, valid ? 200 : 400, `${vector.name}: ${answer.text}`);
        } else {
          assert.ok(answer.status === 401 || answer.status === 409, `${vector.name}: ${answer.status}`);
          assert.equal(JSON.parse(answer.text).errors[0].code, code, vector.name);
        }
      }
    });

    await t.test('the delivery contract: settled by the handler, never lost', async () => {
      const tag = name.replace(/\W/g, '');
      for (const outcome of ['throw', 'status-503']) {
        const delivery = await signedDelivery(`req-${tag}-${outcome}`);
        const failed = await send(base, '/contract', { headers: { ...delivery.headers, 'x-test-outcome': outcome }, body: delivery.body });
        assert.equal(failed.status, outcome === 'throw' ? 500 : 503, outcome);
        // The sender retries: checked as a new delivery, handed on, handled.
        const retried = await send(base, '/contract', { headers: delivery.headers, body: delivery.body });
        assert.equal(retried.status, 200, `${outcome} retry: ${retried.text}`);
        assert.equal(retried.headers['x-hookguard-duplicate'], undefined);
        // A copy of the delivered one is acknowledged, not handed on again.
        const copy = await send(base, '/contract', { headers: { ...delivery.headers, 'x-test-outcome': 'throw' }, body: delivery.body });
        assert.equal(copy.status, 200, `${outcome} copy: ${copy.text}`);
        assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
      }
    });

    if (SHARED.has(name)) {
      await t.test('hookguard/shared on a real Redis: claimed there, a copy of a delivered one acknowledged', async () => {
        const requestId = `shared-${name.replace(/\W/g, '')}-${process.pid}`;
        const delivery = await signedDelivery(requestId);
        const first = await send(base, '/shared', { headers: delivery.headers, body: delivery.body });
        assert.equal(first.status, 200, first.text);
        const copy = await send(base, '/shared', { headers: delivery.headers, body: delivery.body });
        assert.equal(copy.status, 200, copy.text);
        assert.equal(copy.headers['x-hookguard-duplicate'], 'delivered');
        // The claim is in Redis, under the key every host uses.
        const { createClient } = await import('redis');
        const client = createClient({ url: redis.url });
        await client.connect();
        try {
          assert.equal(await client.get(`hookguard:delivery:${requestId}`), 'd');
        } finally {
          await client.quit();
        }
      });
    }

    await t.test('the quarantine: a drifted signed delivery kept once, whatever the retry (Workers: refused without a store)', async () => {
      const signed = vectors.cases.find((vector) => vector.name === 'signed');
      const body = JSON.stringify({ ...JSON.parse(signed.body), status: 'BOOK_PARTIALLY_VERIFIED' });
      const { createHmac } = await import('node:crypto');
      const requestId = `drift-${name.replace(/\W/g, '')}`;
      const attempt = (timestamp) => send(base, '/quarantine', {
        headers: {
          ...JSON_TYPE,
          'Webhook-Signature': createHmac('sha256', vectors.secrets.current).update(`${timestamp}.${requestId}.${body}`).digest('hex'),
          'Webhook-Timestamp': String(timestamp),
          'Webhook-Request-Id': requestId,
        },
        body,
      });
      if (name === 'workerd') {
        const refused = await attempt(vectors.now);
        assert.equal(refused.status, 501);
        assert.match(refused.text, /hookguard\/quarantine/);
        assert.match(refused.text, /no files/);
        return;
      }
      const answers = [await attempt(vectors.now), await attempt(vectors.now), await attempt(vectors.now - 1)];
      const entry = answers[0].headers['x-hookguard-quarantine'];
      assert.match(entry ?? '', /^[0-9a-f]{32}$/, answers[0].text);
      for (const answer of answers) {
        assert.equal(answer.status, 202, answer.text);
        assert.equal(answer.headers['x-hookguard-quarantine'], entry);
      }
      const held = JSON.parse((await send(base, '/quarantine/held', { method: 'GET' })).text);
      assert.deepEqual(held.map((kept) => kept.id), [entry]);
    });

    await t.test('a body over maxBytes is refused without being read whole', async () => {
      // Declared too large: refused from the headers.
      const declared = await answerBeforeTheEnd(base, '/hooks', { ...JSON_TYPE, 'content-length': String(1024 * 1024 + 1) }, '{"a":');
      assert.equal(declared.status, 413);
      assert.equal(declared.text, answers.requests.too_large.problem);
      // Streamed without a length: refused once one byte past the limit has arrived.
      const streamed = await answerBeforeTheEnd(base, '/small', { ...JSON_TYPE, 'transfer-encoding': 'chunked' }, ' '.repeat(4096));
      assert.equal(streamed.status, 413);
      assert.equal(JSON.parse(streamed.text).errors[0].code, 'body_too_large');
    });
  });
}
