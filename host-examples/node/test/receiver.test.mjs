// The example receiver end to end over real HTTP on 127.0.0.1, using the built npm package:
// every recorded fixture is answered as tests/expected/verdicts.json says, and only valid
// deliveries reach the handler, normalized.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReceiver, hookguardMiddleware } from '../receiver.mjs';
import { vectorHeaders } from '../../../tests/fixtures/signatures/fields.mjs';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const verdicts = JSON.parse(readFileSync(join(root, 'tests/expected/verdicts.json'), 'utf8'));
// The exact answers every host gives (the core's problem documents): the gateway's bytes.
const answers = JSON.parse(readFileSync(join(root, 'tests/expected/answers.json'), 'utf8'));
const fixture = (path) => readFileSync(join(root, path));
const json = { 'content-type': 'application/json' };
/** fetch Headers with every repeat appended (fetch sends a repeat joined with commas). */
const fetchHeaders = (headers) => {
  const fields = new Headers();
  for (const [name, values] of Object.entries(headers)) for (const value of [values].flat()) fields.append(name, value);
  return fields;
};

const handled = [];
const logged = [];
let server;
let url;

before(async () => {
  const receiver = createReceiver({
    onEvent: (event, result) => {
      if (event?.fail_the_handler) throw new Error('handler exploded');
      handled.push({ event, result });
    },
    log: { error: (line) => logged.push(line) },
  });
  server = createServer(receiver);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${server.address().port}/webhooks/ocrolus`;
});

after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }));

const post = (body, headers = json) => fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
const settle = () => new Promise((resolve) => setImmediate(() => setImmediate(resolve)));

test('every recorded fixture is answered as recorded; only valid ones reach the handler, normalized', async () => {
  for (const [path, expected] of Object.entries(verdicts)) {
    handled.length = 0;
    const response = await post(fixture(path));
    await settle();
    if (expected.valid) {
      assert.equal(response.status, 200, path);
      assert.deepEqual(await response.json(), { received: true, eventName: expected.event_name });
      assert.equal(handled.length, 1, path);
      assert.deepEqual(handled[0].event, expected.normalized, path);
    } else {
      assert.equal(response.status, answers.bodies[path].status, path);
      assert.equal(response.headers.get('content-type'), 'application/problem+json');
      // Byte for byte what the gateway filter answers (held to the same file in Envoy).
      assert.equal(await response.text(), answers.bodies[path].problem, path);
      assert.equal(handled.length, 0, `${path} reached the handler`);
    }
  }
});

test('wrong method, content type, path and size are refused before the handler', async () => {
  handled.length = 0;
  const get = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  assert.equal(await get.text(), answers.requests.method_not_allowed.problem);
  const form = await post('a=b', { 'content-type': 'application/x-www-form-urlencoded' });
  assert.equal(form.status, 415);
  assert.equal(await form.text(), answers.requests.unsupported_media_type.problem);
  const elsewhere = await fetch(url.replace('/ocrolus', '/other'), { method: 'POST', headers: json, body: '{}' });
  assert.equal(elsewhere.status, 404);
  // Over the limit, announced or not (a stream without content-length stops one byte past it).
  const padding = 'x'.repeat(1024 * 1024);
  const big = await post(`{"event_name": "book.verified", "padding": "${padding}"}`);
  assert.equal(big.status, 413);
  assert.equal(await big.text(), answers.requests.too_large.problem);
  const streamed = await fetch(url, {
    method: 'POST', headers: json, duplex: 'half', signal: AbortSignal.timeout(10_000),
    body: new ReadableStream({ start(controller) { controller.enqueue(Buffer.from(padding)); controller.enqueue(Buffer.from(padding)); controller.close(); } }),
  });
  assert.equal(streamed.status, 413);
  assert.equal(await streamed.text(), answers.requests.too_large.problem);
  await settle();
  assert.equal(handled.length, 0);
});

test('a handler that throws is logged; the sender already has its 200', async () => {
  const body = fixture('tests/fixtures/seeds/account/BOOK_VERIFIED.json').toString().replace('{', '{"fail_the_handler": true,');
  const response = await post(body);
  assert.equal(response.status, 200);
  await settle();
  assert.match(logged.at(-1), /handler failed for book.verified: handler exploded/);
});

test('many deliveries at once are each answered correctly', async () => {
  const paths = Object.keys(verdicts);
  const responses = await Promise.all(paths.map((path) => post(fixture(path))));
  assert.deepEqual(responses.map((response) => response.status), paths.map((path) => answers.bodies[path]?.status ?? 200));
});

test('the middleware works behind express.raw(): a body already read as bytes', async () => {
  const middleware = hookguardMiddleware();
  const req = { method: 'POST', headers: json, body: fixture('tests/fixtures/seeds/organization/book.verified.json') };
  let nextCalled = false;
  await middleware(req, {}, () => { nextCalled = true; });
  assert.ok(nextCalled);
  assert.equal(req.hookguard.eventName, 'book.verified');
});

test('with secrets, the shared signature vectors get their verdicts over HTTP, replays get 409', async () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  const status = { null: 200, signature_replayed: 409 };
  for (const secrets of [['current'], ['current', 'previous']]) {
    const cases = vectors.cases.filter((vector) => JSON.stringify(vector.secrets) === JSON.stringify(secrets));
    const signed = createServer(createReceiver({
      config: { signature: { secrets: secrets.map((name) => vectors.secrets[name]), toleranceSeconds: vectors.tolerance_seconds } },
      now: () => vectors.now,
      log: { error: () => {} },
    }));
    await new Promise((resolve) => signed.listen(0, '127.0.0.1', resolve));
    try {
      for (const vector of cases) {
        const response = await fetch(`http://127.0.0.1:${signed.address().port}/webhooks/ocrolus`, {
          method: 'POST', headers: fetchHeaders({ ...json, ...vectorHeaders(vector) }), body: vector.body, signal: AbortSignal.timeout(10_000),
        });
        const expected = vector.expected.replayed ? 'signature_replayed' : vector.expected.code;
        if (expected === null) {
          // Authentic: the payload's own verdict decides (one vector is signed but invalid).
          assert.ok([200, 400].includes(response.status), vector.name);
          const body = await response.json();
          assert.equal(response.status === 400 ? body.type : null, vector.name === 'signed-invalid-payload' ? 'urn:hookguard:problem:invalid-delivery' : null, vector.name);
        } else {
          assert.equal(response.status, status[expected] ?? 401, vector.name);
          // The gateway's shape: the code in the finding, not beside it.
          const problem = await response.json();
          assert.equal(problem.errors[0].code, expected, vector.name);
          assert.equal(problem.code, undefined, vector.name);
        }
      }
    } finally {
      signed.closeAllConnections();
      await new Promise((resolve) => signed.close(resolve));
    }
  }
});

test('with the drift overlay in its config, the receiver accepts the drifted capture in strict mode as every host does', async () => {
  const drift = JSON.parse(readFileSync(join(root, 'tests/expected/drift-verdicts.json'), 'utf8'));
  const overlay = JSON.parse(readFileSync(join(root, drift.overlay), 'utf8'));
  const lines = readFileSync(join(root, drift.capture), 'utf8').split('\n').filter((line) => line !== '');
  const received = [];
  const server = createServer(createReceiver({
    config: { strict: true, overlay },
    onEvent: (event) => received.push(event),
    log: { error: () => {} },
  }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    let accepted = 0;
    for (const [index, line] of lines.entries()) {
      const expected = drift.lines[index].with_overlay;
      const response = await fetch(`http://127.0.0.1:${server.address().port}/webhooks/ocrolus`, {
        method: 'POST', headers: json, body: line, signal: AbortSignal.timeout(10_000),
      });
      if (expected.valid) {
        assert.equal(response.status, 200, `line ${index + 1}`);
        await response.arrayBuffer();
        accepted += 1;
      } else {
        assert.equal(response.status, 400, `line ${index + 1}`);
        assert.deepEqual((await response.json()).errors, expected.errors, `line ${index + 1}`);
      }
    }
    await settle();
    assert.equal(received.length, accepted);
    assert.ok(accepted > 300);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});
