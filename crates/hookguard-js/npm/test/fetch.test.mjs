// The Fetch-API handler in process (Node's own Request and Response): what the runtime tests
// prove over HTTP in every runtime (test/runtimes/), here with what only a test in process can
// see: how much of a long body is pulled from its stream, what reaches the handler, what is
// logged when it fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Gate } from '../index.mjs';
import { fetchHandler, readBody } from '../fetch.mjs';
import { signedRequest } from './signed-request.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const VERIFIED = readFileSync(join(root, 'tests/fixtures/seeds/account/BOOK_VERIFIED.json'));
const post = (body, headers = { 'content-type': 'application/json' }) =>
  new Request('http://127.0.0.1/hooks', { method: 'POST', headers, body, duplex: 'half' });

/** A body of `chunks` chunks of 1 KiB, counting how many were pulled. */
function countedStream(chunks) {
  const counter = { pulled: 0, cancelled: false };
  const stream = new ReadableStream({
    pull(controller) {
      counter.pulled += 1;
      if (counter.pulled > chunks) return controller.close();
      controller.enqueue(new Uint8Array(1024).fill(0x20));
    },
    cancel() {
      counter.cancelled = true;
    },
  });
  return { stream, counter };
}

test('a long body is read one byte past the limit, then its stream is cancelled', async () => {
  const { stream, counter } = countedStream(1000);
  const body = await readBody(post(stream), 4096);
  assert.equal(body.byteLength, 4097);
  assert.ok(counter.pulled <= 6, `pulled ${counter.pulled} chunks`);
  assert.ok(counter.cancelled);
  const handler = fetchHandler(new Gate({ maxBytes: 4096 }), () => assert.fail('a refused delivery reached the handler'));
  const { stream: again } = countedStream(1000);
  const response = await handler(post(again));
  assert.equal(response.status, 413);
  assert.equal(JSON.parse(await response.text()).errors[0].code, 'body_too_large');
});

test('a body longer than its declared length is still read at most one byte past the limit', async () => {
  const long = new Uint8Array(10_000).fill(0x20);
  const body = await readBody(post(long, { 'content-type': 'application/json', 'content-length': '100' }), 4096);
  assert.equal(body.byteLength, 4097);
  const short = await readBody(post(VERIFIED, { 'content-type': 'application/json', 'content-length': String(VERIFIED.byteLength) }), 4096);
  assert.deepEqual(Buffer.from(short), VERIFIED);
});

test('a valid delivery reaches the handler normalized; its response is sent', async () => {
  let seen;
  const handler = fetchHandler(new Gate({ normalize: true }), (event, delivery) => {
    seen = { event, delivery };
    return new Response('taken', { status: 202 });
  });
  const response = await handler(post(VERIFIED));
  assert.equal(response.status, 202);
  assert.equal(seen.event.event_name, 'book.verified');
  assert.equal(seen.delivery.sourceEventName, 'BOOK_VERIFIED');
  const plain = await fetchHandler(new Gate(), () => undefined)(post(VERIFIED));
  assert.deepEqual(await plain.json(), { received: true, eventName: 'book.verified' });
});

// Thrown at once or rejected later, a handler's failure is answered 500 and logged; what it
// answers otherwise (at once or awaited) is sent.
for (const [kind, failing] of [
  ['throws', (fail) => { if (fail) throw new Error('database unavailable'); return undefined; }],
  ['rejects', async (fail) => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (fail) throw new Error('database unavailable');
    return new Response('queued', { status: 202 });
  }],
]) {
  test(`a handler that ${kind}: 500, logged without the payload, and the retry goes through`, async () => {
    const lines = [];
    let calls = 0;
    const gate = new Gate({ signature: { secrets: ['whsec-test'], required: false } });
    const handler = fetchHandler(gate, () => {
      calls += 1;
      return failing(calls === 1);
    }, { log: { error: (line) => lines.push(line) } });
    const failed = await handler(post(VERIFIED));
    assert.equal(failed.status, 500);
    assert.deepEqual(lines, ['handler failed for book.verified: database unavailable']);
    const retried = await handler(post(VERIFIED));
    assert.equal(retried.status, kind === 'rejects' ? 202 : 200);
    assert.equal(await retried.text(), kind === 'rejects' ? 'queued' : '{"received":true,"eventName":"book.verified"}');
    assert.equal(calls, 2);
  });
}

test('a 405 carries Allow from the core; a settle that throws is not hidden', async () => {
  const handler = fetchHandler(new Gate(), () => undefined);
  const get = await handler(new Request('http://127.0.0.1/hooks'));
  assert.equal(get.status, 405);
  assert.equal(get.headers.get('allow'), 'POST');
  // A gate whose settle throws (a mistake in the calling code): the error reaches the runtime.
  // (Settled only when the admission holds a claim: a signed delivery's request id.)
  const now = 1_800_000_000;
  const gate = new Gate({ signature: { secrets: ['whsec-test'] } });
  const broken = { screen: (...args) => gate.screen(...args), admit: (...args) => gate.admit(...args), readLimit: gate.readLimit, handlerFailed: () => gate.handlerFailed(), settle: () => { throw new TypeError('settle misused'); } };
  const request = signedRequest(VERIFIED, 'msg_settle', now, 'whsec-test');
  await assert.rejects(fetchHandler(broken, () => undefined, { now: () => now })(request), /settle misused/);
});

test('an unsigned delivery holds no claim: nothing is settled, and its copy reaches the handler again', async () => {
  let settles = 0;
  let calls = 0;
  const gate = new Gate({ signature: { secrets: ['whsec-test'], required: false } });
  const counted = new Proxy(gate, {
    get: (target, key) => (key === 'settle'
      ? (...args) => { settles += 1; return target.settle(...args); }
      : typeof target[key] === 'function' ? target[key].bind(target) : target[key]),
  });
  const handler = fetchHandler(counted, () => { calls += 1; });
  assert.equal((await handler(post(VERIFIED))).status, 200);
  assert.equal((await handler(post(VERIFIED))).status, 200);
  assert.deepEqual({ settles, calls }, { settles: 0, calls: 2 });
  // A signed one does hold its request id: settled once, its copy acknowledged, not handled.
  const now = 1_800_000_000;
  const signedHandler = fetchHandler(counted, () => { calls += 1; }, { now: () => now });
  assert.equal((await signedHandler(signedRequest(VERIFIED, 'msg_once', now, 'whsec-test'))).status, 200);
  assert.equal((await signedHandler(signedRequest(VERIFIED, 'msg_once', now, 'whsec-test'))).status, 200);
  assert.deepEqual({ settles, calls }, { settles: 1, calls: 3 });
});

test('misuse throws', () => {
  assert.throws(() => fetchHandler({}, () => {}), TypeError);
  assert.throws(() => fetchHandler(new Gate(), 'handler'), TypeError);
});
