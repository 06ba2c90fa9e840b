// The example receiver end to end over real HTTP on 127.0.0.1, using the built npm package:
// every recorded fixture is answered as tests/expected/verdicts.json says, and only valid
// deliveries reach the handler, normalized.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { createServer } from 'node:http';
import { connect } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createReceiver, hookguardMiddleware } from 'hookguard/node';
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

test('a handler that throws gets the sender a 500, so it retries; the handler is logged, the payload never', async () => {
  const body = fixture('tests/fixtures/seeds/account/BOOK_VERIFIED.json').toString().replace('{', '{"fail_the_handler": true,');
  const response = await post(body);
  assert.equal(response.status, 500);
  assert.equal((await response.json()).detail, 'the delivery was not handled; send it again');
  assert.match(logged.at(-1), /handler failed for book\.verified: handler exploded/);
  assert.doesNotMatch(logged.at(-1), /11917/);
});

/** A receiver with a secret, a clock and a handler of the test's, on 127.0.0.1. */
async function signedReceiver(onEvent) {
  const secret = 'whsec_contract';
  const clock = { now: 1_800_000_000 };
  const receiver = createServer(createReceiver({
    config: { signature: { secrets: [secret], inFlightSeconds: 30 } },
    now: () => clock.now,
    onEvent,
    log: { error: () => {} },
  }));
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const body = fixture('tests/fixtures/seeds/account/BOOK_VERIFIED.json');
  const signatureHeaders = (requestId, timestamp) => ({
    'webhook-signature': createHmac('sha256', secret).update(`${timestamp}.${requestId}.`).update(body).digest('hex'),
    'webhook-timestamp': String(timestamp),
    'webhook-request-id': requestId,
  });
  const deliver = (requestId, timestamp = clock.now) => fetch(`http://127.0.0.1:${receiver.address().port}/webhooks/ocrolus`, {
    method: 'POST',
    headers: { ...json, ...signatureHeaders(requestId, timestamp) },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  /** The same delivery as raw HTTP/1.1 bytes, for a sender that hangs up. */
  const signedRequest = (requestId) => {
    const fields = Object.entries({ ...json, ...signatureHeaders(requestId, clock.now), 'content-length': body.length });
    const head = `POST /webhooks/ocrolus HTTP/1.1\r\nhost: 127.0.0.1\r\n${fields.map(([name, value]) => `${name}: ${value}\r\n`).join('')}\r\n`;
    return Buffer.concat([Buffer.from(head), body]);
  };
  const close = () => { receiver.closeAllConnections(); return new Promise((resolve) => receiver.close(resolve)); };
  return { deliver, clock, close, port: receiver.address().port, signedRequest };
}

test('the delivery contract over HTTP: 200 only once the handler resolved, a failed delivery\'s retry handled, copies acknowledged or told to come back', async () => {
  const seen = [];
  let failNext = true;
  let release;
  const { deliver, clock, close } = await signedReceiver(async (event, result) => {
    seen.push(result.requestId);
    if (result.requestId === 'req-slow') await new Promise((resolve) => { release = resolve; });
    if (failNext && result.requestId === 'req-retried') { failNext = false; throw new Error('database down'); }
  });
  try {
    // The first attempt's handler fails: 500; the sender's retry (identical, then re-signed)
    // is handled: 200.
    assert.equal((await deliver('req-retried')).status, 500);
    clock.now += 10;
    assert.equal((await deliver('req-retried', clock.now - 10)).status, 200);
    assert.deepEqual(seen, ['req-retried', 'req-retried']);
    // A copy after that is acknowledged, and the handler does not run again.
    clock.now += 60;
    const duplicate = await deliver('req-retried');
    assert.equal(duplicate.status, 200);
    assert.equal(duplicate.headers.get('x-hookguard-duplicate'), 'delivered');
    assert.equal((await duplicate.json()).type, 'urn:hookguard:problem:duplicate-delivery');
    assert.equal(seen.length, 2);

    // No answer before the handler resolved; a copy meanwhile is told to come back.
    let answered = false;
    const slow = deliver('req-slow').then((response) => { answered = true; return response; });
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    const copy = await deliver('req-slow');
    assert.equal(copy.status, 503);
    assert.equal(copy.headers.get('retry-after'), '10');
    assert.equal(answered, false);
    release();
    assert.equal((await slow).status, 200);
    assert.equal((await deliver('req-slow')).status, 200);
    assert.deepEqual(seen.filter((id) => id === 'req-slow'), ['req-slow']);
  } finally {
    await close();
  }
});

test('a sender that goes away while the handler runs: the handled delivery\'s retry is acknowledged, not handled again', async () => {
  let calls = 0;
  let release;
  const { deliver, close, port, signedRequest } = await signedReceiver(async () => {
    calls += 1;
    if (calls === 1) await new Promise((resolve) => { release = resolve; });
  });
  try {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.end(signedRequest('req-gone'));
    while (release === undefined) await new Promise((resolve) => setTimeout(resolve, 5));
    socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 20));
    release();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const retry = await deliver('req-gone');
    assert.equal(retry.status, 200);
    assert.equal(retry.headers.get('x-hookguard-duplicate'), 'delivered');
    assert.equal(calls, 1);
  } finally {
    await close();
  }
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

test('with secrets and onReplay: reject, the shared signature vectors get their verdicts over HTTP, replays get 409', async () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  const status = { null: 200, signature_replayed: 409 };
  for (const secrets of [['current'], ['current', 'previous']]) {
    const cases = vectors.cases.filter((vector) => JSON.stringify(vector.secrets) === JSON.stringify(secrets));
    const signed = createServer(createReceiver({
      config: { signature: { secrets: secrets.map((name) => vectors.secrets[name]), toleranceSeconds: vectors.tolerance_seconds, onReplay: 'reject' } },
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

test('with quarantine.directory, the receiver keeps a drifted signed delivery in that directory, once', async () => {
  const { mkdtempSync, readdirSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const directory = mkdtempSync(join(tmpdir(), 'hookguard-node-quarantine-'));
  const secret = 'whsec_node_quarantine';
  const server = createServer(createReceiver({
    config: { signature: { secrets: [secret] }, quarantine: { directory } },
    onEvent: () => assert.fail('a refused delivery reached the handler'),
  }));
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const drifted = Buffer.from(JSON.stringify({ ...JSON.parse(fixture('tests/fixtures/seeds/account/BOOK_VERIFIED.json')), status: 'BOOK_PARTIALLY_VERIFIED' }));
    const now = Math.floor(Date.now() / 1000);
    const answers = [];
    for (const timestamp of [now, now, now + 1]) {
      const signature = createHmac('sha256', secret).update(`${timestamp}.msg_node.`).update(drifted).digest('hex');
      answers.push(await fetch(`http://127.0.0.1:${server.address().port}/webhooks/ocrolus`, {
        method: 'POST',
        headers: { ...json, 'webhook-signature': signature, 'webhook-timestamp': String(timestamp), 'webhook-request-id': 'msg_node' },
        body: drifted,
      }));
    }
    const files = readdirSync(directory).filter((name) => name.endsWith('.http'));
    assert.equal(files.length, 1);
    for (const answer of answers) {
      assert.equal(answer.status, 400);
      assert.equal(`${answer.headers.get('x-hookguard-quarantine')}.http`, files[0]);
    }
    // A directory the process cannot write stops the receiver from starting.
    assert.throws(() => createReceiver({ config: { signature: { secrets: [secret] }, quarantine: { directory: join(directory, files[0], 'sub') } } }), /ENOTDIR|EEXIST/);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    rmSync(directory, { recursive: true, force: true });
  }
});
