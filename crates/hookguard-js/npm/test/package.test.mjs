// The built package in Node: every fixture gets the verdict recorded in
// tests/expected/verdicts.json (the truth the core, the CLI and the gateway are held to), through
// the ESM, CommonJS and web entries alike; misuse throws; nothing leaks across calls.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esm from '../index.mjs';
import * as web from '../web.mjs';
import { expectedResult } from './expected-result.mjs';

const root = fileURLToPath(new URL('../../../../', import.meta.url));
const cjs = createRequire(import.meta.url)('../index.cjs');
const verdicts = JSON.parse(readFileSync(join(root, 'tests/expected/verdicts.json'), 'utf8'));
const fixture = (path) => readFileSync(join(root, path));
const VERIFIED = fixture('tests/fixtures/seeds/account/BOOK_VERIFIED.json');

test('every recorded fixture gets its verdict and normalized bytes, from every entry point', () => {
  const paths = Object.keys(verdicts);
  assert.ok(paths.length > 100);
  for (const [name, api] of [['esm', esm], ['cjs', cjs]]) {
    for (const path of paths) {
      const body = fixture(path);
      assert.deepEqual(api.normalize(body), expectedResult(verdicts[path], { withNormalized: true }), `${name} ${path}`);
      assert.deepEqual(api.validate(body), expectedResult(verdicts[path], { withNormalized: false }), `${name} ${path}`);
    }
  }
});

test('the web build (the one browsers, Deno and edge runtimes load) agrees', async () => {
  await web.default({ module_or_path: readFileSync(new URL('../web/hookguard_js_bg.wasm', import.meta.url)) });
  for (const [path, recorded] of Object.entries(verdicts)) {
    assert.deepEqual(web.normalize(fixture(path)), expectedResult(recorded, { withNormalized: true }), path);
  }
});

test('bodies may be a Buffer, a Uint8Array, an ArrayBuffer or a string', () => {
  const expected = esm.validate(VERIFIED);
  assert.equal(expected.valid, true);
  assert.equal(expected.eventName, 'book.verified');
  assert.equal(expected.sourceEventName, 'BOOK_VERIFIED');
  assert.deepEqual(esm.validate(new Uint8Array(VERIFIED)), expected);
  const copy = VERIFIED.buffer.slice(VERIFIED.byteOffset, VERIFIED.byteOffset + VERIFIED.length);
  assert.deepEqual(esm.validate(copy), expected);
  assert.deepEqual(esm.validate(VERIFIED.toString('utf8')), expected);
});

test('a body that is a view into a larger buffer is read from its own bytes only', () => {
  const expected = esm.validate(VERIFIED);
  const around = Buffer.concat([Buffer.from('{"event_name": "x"}  '), VERIFIED, Buffer.from('}}}')]);
  const view = around.subarray(21, 21 + VERIFIED.length);
  assert.deepEqual(esm.validate(view), expected);
  assert.deepEqual(esm.validate(new Uint8Array(around.buffer, around.byteOffset + 21, VERIFIED.length)), expected);
});

test('normalized is read on first use, then an ordinary property', () => {
  const result = esm.normalize(VERIFIED);
  const payload = JSON.parse(result.normalizedJson);
  assert.ok(Object.keys(result).includes('normalized'));
  assert.deepEqual(JSON.parse(JSON.stringify(result)).normalized, payload);
  assert.deepEqual(structuredClone(result).normalized, payload);
  assert.deepEqual({ ...result }.normalized, payload);
  assert.equal(result.normalized, result.normalized, 'parsed once, then kept');
  result.normalized.book_uuid = 'changed';
  assert.equal(result.normalized.book_uuid, 'changed');
  result.normalized = null;
  assert.equal(result.normalized, null);
});

test('a string gets the verdict of its UTF-8 bytes at every size around maxBytes', () => {
  for (const character of ['a', '\u00e9', '\u20ac', '\u{1F600}']) {
    for (let count = 0; count <= 8; count += 1) {
      const text = `{"x":"${character.repeat(count)}"}`;
      for (let maxBytes = 1; maxBytes <= 40; maxBytes += 1) {
        assert.deepEqual(esm.validate(text, { maxBytes }), esm.validate(Buffer.from(text), { maxBytes }), `${text} maxBytes ${maxBytes}`);
      }
    }
  }
});

test('a body over maxBytes is refused without being copied into the module', async () => {
  const { initSync } = await import('../web/hookguard_js.js');
  const { memory } = initSync({ module: readFileSync(new URL('../web/hookguard_js_bg.wasm', import.meta.url)) });
  const before = memory.buffer.byteLength;
  const huge = Buffer.alloc(64 * 1024 * 1024, 0x20);
  for (const body of [huge, huge.buffer, new Uint8Array(huge.buffer, 1), huge.toString('latin1')]) {
    const result = web.validate(body);
    assert.equal(result.valid, false);
    assert.deepEqual(result.errors.map((finding) => finding.code), ['body_too_large']);
    assert.deepEqual(result, esm.validate(Buffer.alloc(1024 * 1024 + 1, 0x20)));
  }
  assert.ok(memory.buffer.byteLength - before < 4 * 1024 * 1024, `memory grew by ${memory.buffer.byteLength - before} bytes`);
});

test('duplicate keys and big integers are caught, as JSON.parse never could', () => {
  const duplicate = esm.validate('{"event_name": "book.verified", "event_name": "book.classified"}');
  assert.equal(duplicate.valid, false);
  assert.equal(duplicate.errors[0].code, 'duplicate_key');
  assert.deepEqual(duplicate.errors[0].position, { offset: 32, line: 1, column: 33 });
  const big = esm.validate('{"event_name": "book.verified", "book_pk": 9007199254740993}');
  assert.equal(big.errors[0].code, 'number_out_of_range');
});

test('options in JavaScript naming change the verdict like in every host', () => {
  const withUnknown = Buffer.from(VERIFIED.toString().replace('{', '{"surprise": 1,'));
  assert.equal(esm.validate(withUnknown).valid, true);
  assert.equal(esm.validate(withUnknown).warnings[0].code, 'unknown_field');
  const strict = esm.validate(withUnknown, { strict: true });
  assert.equal(strict.valid, false);
  assert.equal(strict.errors[0].code, 'unknown_field');
  assert.equal(esm.validate(VERIFIED, { maxBytes: 10 }).errors[0].code, 'body_too_large');
  assert.equal(esm.validate('{"a": [[[1]]]}', { maxDepth: 2 }).errors[0].code, 'too_deep');
  // Options are per call: the next call without them is back to the defaults.
  assert.equal(esm.validate(withUnknown).valid, true);
  const revealed = esm.validate('{"event_name": 7}', { revealValues: true });
  assert.equal(revealed.errors[0].code, 'invalid_event_name');
});

test('misuse throws TypeError or RangeError with a clear message; invalid input never throws', () => {
  assert.throws(() => esm.validate({ event_name: 'book.verified' }), { name: 'TypeError', message: /raw request body/ });
  assert.throws(() => esm.validate(42), TypeError);
  assert.throws(() => esm.validate(), TypeError);
  assert.throws(() => esm.validate(null), TypeError);
  assert.throws(() => esm.validate(VERIFIED, 'strict'), { name: 'TypeError', message: /options must be an object/ });
  assert.throws(() => esm.validate(VERIFIED, { strickt: true }), { name: 'TypeError', message: /strickt/ });
  assert.throws(() => esm.validate(VERIFIED, { maxBytes: 'big' }), TypeError);
  assert.throws(() => esm.validate(VERIFIED, { maxDepth: 1000 }), { name: 'RangeError', message: /maxDepth/ });
  assert.throws(() => esm.validate(VERIFIED, { maxBytes: 0 }), { name: 'RangeError', message: /maxBytes/ });
  assert.throws(() => esm.schema(7), TypeError);
  for (const body of ['', 'null', '{', '\ufeff{}', Buffer.from([0xff, 0xfe]), '['.repeat(100_000)]) {
    assert.equal(esm.validate(body).valid, false);
  }
});

test('limits out of range are RangeErrors naming the option, as the types say', () => {
  for (const [option, value] of [['maxDepth', -1], ['maxDepth', 1.5], ['maxDepth', 101], ['maxBytes', 4 * 2 ** 30],
    ['maxBytes', -1], ['maxBytes', 0], ['maxFindings', 0], ['maxFindings', 10_001], ['maxFindings', Infinity]]) {
    assert.throws(() => esm.validate(VERIFIED, { [option]: value }), { name: 'RangeError', message: new RegExp(option) }, `${option}: ${value}`);
  }
  assert.throws(() => esm.validate(VERIFIED, { maxDepth: '3' }), TypeError);
});

test('a report lists maxFindings errors and counts the rest', () => {
  const body = JSON.stringify({
    event_name: 'book.verified', status: 'COMPLETE', book_pk: 1, book_uuid: '1e03d9cd-7d84-4672-bc3d-c19cd19c500b',
    severity: 'LOW', notification_type: 'STATUS', notification_reason: 'r', uploaded_docs: Array(30_000).fill({}),
  });
  const capped = esm.validate(body);
  assert.equal(capped.valid, false);
  assert.equal(capped.errors.length, 20);
  assert.deepEqual(capped.omitted, { errors: 59_980, warnings: 0 });
  assert.ok(JSON.stringify(capped).length < 10_000, 'a 240 KB body must not give a report of megabytes');
  const raised = esm.validate(body, { maxFindings: 100 });
  assert.equal(raised.errors.length, 100);
  assert.deepEqual(raised.omitted, { errors: 59_900, warnings: 0 });
  assert.deepEqual(raised.errors.slice(0, 20), capped.errors);
  assert.equal('omitted' in esm.validate(VERIFIED), false);
});

test('a string holding a lone surrogate is refused, not repaired into U+FFFD', () => {
  const body = '{"event_name": "book.verified", "book_name": "a\ud800b"}';
  const result = esm.validate(body);
  assert.equal(result.valid, false);
  assert.deepEqual(result.errors.map((error) => [error.code, error.position.offset]), [['lone_surrogate', 47]]);
  // The escaped spelling is refused by the core with the same code.
  assert.equal(esm.validate('{"event_name": "book.verified", "book_name": "a\\ud800b"}').errors[0].code, 'lone_surrogate');
  assert.equal(cjs.validate(body).errors[0].code, 'lone_surrogate');
});

test('messages never quote payload values unless asked', () => {
  const body = '{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": "customer-secret-42", "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb"}';
  assert.doesNotMatch(JSON.stringify(esm.validate(body)), /customer-secret-42/);
});

test('the catalog and schemas are the published ones', () => {
  const catalog = JSON.parse(readFileSync(join(root, 'schemas/catalog.json'), 'utf8'));
  assert.deepEqual(esm.events(), catalog.events.map((event) => ({
    name: event.name,
    canonicalNames: event.canonical_names,
    listings: event.listings,
    summary: event.summary,
    payloadDocumented: event.payload_documented,
  })));
  for (const name of ['book.verified', 'DOC_VERIFIED']) {
    assert.deepEqual(esm.schema(name), JSON.parse(readFileSync(join(root, `schemas/events/${name}.json`), 'utf8')));
  }
  assert.deepEqual(esm.schema('test-delivery'), JSON.parse(readFileSync(join(root, 'schemas/test-delivery.json'), 'utf8')));
  assert.equal(esm.schema('book.verifyed'), undefined);
  const cargo = readFileSync(join(root, 'Cargo.toml'), 'utf8').match(/^version = "(.+)"$/m)[1];
  assert.equal(esm.version(), cargo);
  assert.equal(JSON.parse(readFileSync(new URL('../package.json', import.meta.url))).version, cargo);
});

test('no memory growth across a million calls: nothing is kept across the boundary', async () => {
  const { initSync } = await import('../web/hookguard_js.js');
  const { memory } = initSync({ module: readFileSync(new URL('../web/hookguard_js_bg.wasm', import.meta.url)) });
  const bodies = Object.keys(verdicts).map(fixture);
  const round = () => { for (const body of bodies) web.normalize(body); };
  for (let i = 0; i < 50; i += 1) round(); // warm-up: the allocator reaches its working set
  const settled = memory.buffer.byteLength;
  for (let i = 0; i < 10_000; i += 1) round(); // 1,060,000 calls
  assert.equal(memory.buffer.byteLength, settled, 'linear memory grew');
});

test('signature vectors shared by every host get their recorded verdicts', () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  for (const [name, api] of [['esm', esm], ['cjs', cjs]]) {
    for (const vector of vectors.cases) {
      const secrets = vector.secrets.map((secret) => vectors.secrets[secret]);
      const options = { secrets, toleranceSeconds: vectors.tolerance_seconds, now: vectors.now };
      // Every field as sent, repeats included, in the three shapes a Node service holds:
      // req.headersDistinct (arrays), req.headers (repeats joined with ", ") and fetch Headers.
      const fields = [...Object.entries(vector.headers), ...(vector.extra_headers ?? [])];
      const distinct = {};
      for (const [key, value] of fields) (distinct[key.toLowerCase()] ??= []).push(value);
      const joined = Object.fromEntries(Object.entries(distinct).map(([key, values]) => [key, values.join(', ')]));
      const fetchHeaders = new Headers();
      for (const [key, value] of fields) fetchHeaders.append(key, value);
      const verdict = api.verify(distinct, Buffer.from(vector.body), options);
      assert.equal(verdict.authentic ? null : verdict.code, vector.expected.code, `${name} ${vector.name}`);
      assert.deepEqual(api.verify(joined, vector.body, options), verdict, vector.name);
      assert.deepEqual(api.verify(fetchHeaders, vector.body, options), verdict, vector.name);
      if (!vector.extra_headers) {
        assert.deepEqual(api.verify(vector.headers, vector.body, options), verdict, vector.name);
      }
      for (const secret of secrets) assert.doesNotMatch(JSON.stringify(verdict), new RegExp(secret));
    }
  }
});

test('verify: misuse throws, the clock defaults to now', () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  const signed = vectors.cases.find((vector) => vector.name === 'signed');
  assert.throws(() => esm.verify(signed.headers, signed.body, {}), { name: 'TypeError', message: /secrets/ });
  assert.throws(() => esm.verify(signed.headers, signed.body, { secrets: [] }), { name: 'TypeError', message: /no webhook secret/ });
  assert.throws(() => esm.verify(null, signed.body, { secrets: ['s'] }), TypeError);
  assert.throws(() => esm.verify(signed.headers, { parsed: true }, { secrets: ['s'] }), TypeError);
  // The vectors were signed long before the real clock: stale now.
  const verdict = esm.verify(signed.headers, signed.body, { secrets: [vectors.secrets.current] });
  assert.equal(verdict.code, 'signature_stale');
});

const answers = JSON.parse(readFileSync(join(root, 'tests/expected/answers.json'), 'utf8'));

test('Gate: every fixture gets the answer every host gives, byte for byte, from every entry point', () => {
  for (const [name, api] of [['esm', esm], ['cjs', cjs]]) {
    const gate = new api.Gate();
    for (const [path, recorded] of Object.entries(verdicts)) {
      const admission = gate.admit({}, fixture(path));
      const expected = answers.bodies[path];
      assert.equal(admission.passes, recorded.valid, `${name} ${path}`);
      assert.equal(admission.status, expected?.status ?? 200, `${name} ${path}`);
      assert.equal(admission.problem, expected?.problem, `${name} ${path}`);
      assert.deepEqual(admission.result, expectedResult(recorded, { withNormalized: false }), `${name} ${path}`);
    }
    assert.equal(gate.screen('GET', 'application/json').problem, answers.requests.method_not_allowed.problem);
    // The recorded header fields, exactly: Allow on a 405 comes from the core, not an adapter.
    for (const [request, args] of [['method_not_allowed', ['GET', 'application/json']], ['unsupported_media_type', ['POST', 'text/plain']]]) {
      assert.deepEqual(gate.screen(...args).headers, Object.fromEntries(answers.requests[request].headers), request);
    }
    assert.equal(gate.screen('POST', 'text/plain').problem, answers.requests.unsupported_media_type.problem);
    assert.equal(gate.screen('POST', 'application/json', gate.maxBytes + 1).problem, answers.requests.too_large.problem);
    assert.equal(gate.screen('POST', 'application/json; charset=utf-8', 10), undefined);
    // A body over the limit is refused for its size, whatever else it is.
    assert.equal(gate.admit({}, Buffer.alloc(gate.maxBytes + 1, ' ')).problem, answers.requests.too_large.problem);
    gate.free();
  }
});

test('Gate: signatures, replays remembered in this process, allowed events', () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  const secrets = [vectors.secrets.current];
  // Copies of a delivered id refused 409 (the vectors' `replayed`); the default acknowledges
  // them (the delivery contract's test).
  const gate = new esm.Gate({ signature: { secrets, toleranceSeconds: vectors.tolerance_seconds, onReplay: 'reject' } });
  for (const vector of vectors.cases.filter((vector) => vector.secrets.length === 1)) {
    const fields = [...Object.entries(vector.headers), ...(vector.extra_headers ?? [])];
    const distinct = {};
    for (const [key, value] of fields) (distinct[key.toLowerCase()] ??= []).push(value);
    const admission = gate.admit(distinct, vector.body, vectors.now);
    const expected = vector.expected.replayed ? 'signature_replayed' : vector.expected.code;
    if (expected === null) {
      assert.equal(admission.signature, 'verified', vector.name);
      assert.equal(admission.requestId, vector.headers['Webhook-Request-Id'], vector.name);
      // The service took it.
      if (admission.passes) gate.settle(admission, 'delivered', vectors.now);
    } else {
      assert.equal(admission.status, expected === 'signature_replayed' ? 409 : 401, vector.name);
      assert.equal(JSON.parse(admission.problem).errors[0].code, expected, vector.name);
    }
    assert.doesNotMatch(JSON.stringify(admission), new RegExp(secrets[0]));
  }
  const books = new esm.Gate({ allowedEvents: ['BOOK_VERIFIED'] });
  assert.equal(books.admit({}, VERIFIED).verdict, 'valid');
  const other = fixture('tests/fixtures/seeds/organization/document.upload_succeeded.json');
  const refused = books.admit({}, other);
  assert.equal(refused.verdict, 'event_not_allowed');
  assert.equal(JSON.parse(refused.problem).errors[0].instanceLocation, '/event_name');
});

test('Gate: the delivery contract: a failed delivery is retried, a copy in flight comes back, a copy of a delivered one is acknowledged', () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  const signed = vectors.cases.find((vector) => vector.name === 'signed');
  const gate = new esm.Gate({ signature: { secrets: [vectors.secrets.current], inFlightSeconds: 30 } });
  const now = vectors.now;
  const first = gate.admit(signed.headers, signed.body, now);
  assert.equal(first.verdict, 'valid');
  assert.equal(typeof first.claimToken, 'number');
  const inFlight = gate.admit(signed.headers, signed.body, now + 1);
  assert.equal(inFlight.status, 503);
  assert.equal(inFlight.verdict, 'in_flight');
  assert.deepEqual(inFlight.headers, { 'content-type': 'application/problem+json', 'retry-after': '10' });
  assert.equal(JSON.parse(inFlight.problem).type, 'urn:hookguard:problem:delivery-in-flight');
  // The handler failed: the retry is a new delivery.
  gate.settle(first, 'failed', now + 2);
  const retry = gate.admit(signed.headers, signed.body, now + 3);
  assert.equal(retry.verdict, 'valid');
  gate.settle(retry, 'delivered', now + 4);
  // Settling twice, or an admission without a claim, changes nothing.
  gate.settle(retry, 'failed', now + 4);
  gate.settle(inFlight, 'failed', now + 4);
  const duplicate = gate.admit(signed.headers, signed.body, now + 5);
  assert.equal(duplicate.status, 200);
  assert.equal(duplicate.verdict, 'duplicate');
  assert.equal(duplicate.passes, false);
  assert.equal(duplicate.signature, 'replayed');
  assert.deepEqual(duplicate.headers, { 'content-type': 'application/json', 'x-hookguard-duplicate': 'delivered' });
  assert.equal(JSON.parse(duplicate.problem).type, 'urn:hookguard:problem:duplicate-delivery');
  assert.throws(() => gate.settle(retry, 'done'), TypeError);
  assert.throws(() => gate.settle(null, 'failed'), TypeError);
  assert.throws(() => gate.settle({ requestId: 'x', claimToken: -1 }, 'failed'), TypeError);
});

test('Gate: what a receiver decides is the core\'s: the read limit, the outcome of a status, the handler-failed answer, the delivery record', () => {
  const gate = new esm.Gate({ maxBytes: 100, normalize: true });
  assert.equal(gate.readLimit, 101);
  for (const [status, outcome] of [[200, 'delivered'], [204, 'delivered'], [299, 'delivered'], [199, 'failed'], [301, 'failed'], [409, 'failed'], [500, 'failed']]) {
    assert.equal(gate.outcomeOf(status), outcome, String(status));
  }
  for (const status of [0, 99, 1000, 200.5, '200', undefined]) assert.throws(() => gate.outcomeOf(status), TypeError, String(status));
  const failed = gate.handlerFailed();
  assert.equal(failed.status, 500);
  assert.equal(failed.passes, false);
  assert.deepEqual(failed.headers, { 'content-type': 'application/problem+json' });
  assert.deepEqual(JSON.parse(failed.problem), { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'the delivery was not handled; send it again' });
  const admitted = new esm.Gate({ normalize: true }).admit({}, readFileSync(join(root, 'tests/fixtures/seeds/account/BOOK_VERIFIED.json')));
  assert.equal(admitted.delivery.eventName, 'book.verified');
  assert.equal(admitted.delivery.normalized.event_name, 'book.verified');
  assert.deepEqual({ ...admitted.delivery, signature: undefined, requestId: undefined }, { ...admitted.result, signature: undefined, requestId: undefined });
  assert.equal(gate.admit({}, '{}').delivery, undefined, 'a refusal has no delivery');
});

test('Gate: examine, then conclude the same admission with a memory\'s claim: the body is checked once', () => {
  const vectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
  const signed = vectors.cases.find((vector) => vector.name === 'signed');
  const gate = new esm.Gate({ signature: { secrets: [vectors.secrets.current] }, normalize: true });
  const examined = gate.examine(signed.headers, signed.body, vectors.now);
  assert.equal(examined.verdict, 'valid');
  assert.deepEqual(Object.keys(examined.pendingClaim).sort(), ['deliveredSeconds', 'inFlightSeconds', 'requestId', 'waiting']);
  const taken = gate.conclude(examined, { state: 'taken', token: 7 });
  assert.equal(taken.claimToken, 7);
  assert.equal(taken.result, examined.result, 'the examined result is carried over, not made again');
  assert.equal(taken.delivery.requestId, 'req-signed');
  // Concluded once: the same examined admission again is not a second claim (500, retry).
  assert.equal(gate.conclude(examined, { state: 'taken', token: 8 }).verdict, 'internal_error');
  const inFlight = gate.conclude(gate.examine(signed.headers, signed.body, vectors.now), { state: 'in_flight', lapsesInSeconds: 3 });
  assert.deepEqual([inFlight.status, inFlight.headers['retry-after']], [503, '3']);
  const duplicate = gate.conclude(gate.examine(signed.headers, signed.body, vectors.now), { state: 'delivered' });
  assert.equal(duplicate.verdict, 'duplicate');
  // The store could not be asked: the core's policy answers.
  const refused = gate.storeUnreachable(gate.examine(signed.headers, signed.body, vectors.now), 'refuse');
  assert.deepEqual([refused.status, refused.verdict, refused.headers['retry-after']], [503, 'store_unavailable', '10']);
  const here = gate.storeUnreachable(gate.examine(signed.headers, signed.body, vectors.now), 'process', vectors.now);
  assert.equal(here.verdict, 'valid');
  assert.equal(typeof here.claimToken, 'number');
  gate.settle(here, 204, vectors.now);
  assert.equal(gate.admit(signed.headers, signed.body, vectors.now).verdict, 'duplicate', 'settled delivered by its status');
  // The older form still concludes (checking the body again).
  assert.equal(gate.conclude(signed.headers, signed.body, vectors.now, { state: 'delivered' }).verdict, 'duplicate');
  assert.throws(() => gate.conclude({}, { state: 'taken', token: 1 }), TypeError);
  assert.throws(() => gate.storeUnreachable(examined, 'ignore'), TypeError);
  assert.throws(() => gate.settle(here, 'done'), TypeError);
});

test('the shared store\'s protocol is the core\'s: the commands and replies every host uses', () => {
  const pending = { requestId: 'req/1', inFlightSeconds: 60, deliveredSeconds: 600 };
  const claim = esm.storeClaimCommand(esm.storeKeyPrefix(), pending, 42);
  assert.deepEqual([claim[0], claim[2], claim[3], claim[4], claim[5]], ['EVAL', '1', 'hookguard:delivery:req/1', '42', '60000']);
  assert.match(claim[1], /redis\.call\('SET', KEYS\[1\], 'f' \.\. ARGV\[1\], 'PX', ARGV\[2\]\)/);
  const settle = esm.storeSettleCommand('p:', pending, 42, 503);
  assert.deepEqual(settle.slice(2), ['1', 'p:req/1', '42', 'failed', '600000']);
  assert.deepEqual(esm.storeClaimOfReply(['taken', 0], 42), { state: 'taken', token: 42 });
  assert.deepEqual(esm.storeClaimOfReply(['in_flight', 1500], 42), { state: 'in_flight', lapsesInSeconds: 2 });
  assert.deepEqual(esm.storeClaimOfReply(['delivered', 0], 42), { state: 'delivered' });
  for (const reply of [null, 'OK', ['other', 0], [1, 2]]) assert.equal(esm.storeClaimOfReply(reply, 42), undefined);
  assert.equal(esm.storeFailureLine('claim', 'no answer within 5 ms', 'refuse'), 'hookguard: the shared memory could not be asked (no answer within 5 ms); refused with 503');
  assert.deepEqual(cjs.storeClaimCommand(cjs.storeKeyPrefix(), pending, 42), claim);
});

test('Gate: the configuration is the core\'s, in camelCase, checked whole', () => {
  assert.throws(() => new esm.Gate({ maxBody: 1 }), { name: 'TypeError', message: /unknown option "maxBody" \(known: maxBytes, maxDepth/ });
  assert.throws(() => new esm.Gate({ max_bytes: 1 }), { name: 'TypeError', message: /unknown option "max_bytes"/ });
  assert.throws(() => new esm.Gate({ maxDepth: 1000 }), { name: 'RangeError', message: /maxDepth 1000 is above the ceiling of 100/ });
  assert.throws(() => new esm.Gate({ signature: { secrets: ['s'], toleranceSec: 5 } }), { name: 'TypeError', message: /toleranceSec/ });
  assert.throws(() => new esm.Gate({ signature: { secrets: 'whsec_oops' } }), (error) => !error.message.includes('whsec_oops'));
  assert.throws(() => new esm.Gate({ allowedEvents: ['book.verifyed'] }), { name: 'TypeError', message: /book.verifyed/ });
  assert.throws(() => new esm.Gate({ replaySlots: 0 }), RangeError);
  assert.throws(() => new esm.Gate([]), TypeError);
  const shaped = new esm.Gate({ problem: { includeErrors: false, typePrefix: 'https://example.com/p/' } });
  assert.deepEqual(JSON.parse(shaped.admit({}, '{}').problem), {
    type: 'https://example.com/p/invalid-delivery', title: 'Invalid webhook delivery', status: 400, detail: 'the delivery has 1 error',
  });
});

test('Gate: hostile arguments are exceptions, never traps, and the gate keeps working after them', () => {
  const gate = new esm.Gate({ signature: { secrets: ['s'], toleranceSeconds: 10 } });
  const cyclic = {};
  cyclic.self = cyclic;
  for (const config of [cyclic, { maxBytes: 10n }, { get strict() { throw new Error('getter'); } }, new Proxy({}, { ownKeys() { throw new Error('keys'); } }), new Date(), () => 1]) {
    assert.throws(() => new esm.Gate(config));
  }
  const misuse = [
    () => gate.admit({ get 'webhook-signature'() { throw new Error('header getter'); } }, '{}', 0),
    () => gate.admit(new Proxy({}, { ownKeys() { throw new Error('header keys'); } }), '{}', 0),
    () => gate.admit({}, { parsed: true }, 0),
    () => gate.admit({}, '{}', NaN),
    () => gate.admit({}, '{}', 'yesterday'),
    () => gate.admit(null, '{}', 0),
    () => gate.screen(5),
    () => gate.screen(),
    () => gate.screen('POST', {}),
  ];
  for (const call of misuse) {
    // An exception from the caller's own objects, or a TypeError; a trap would be a RuntimeError.
    assert.throws(call, (error) => !(error instanceof WebAssembly.RuntimeError) && !/recursive use/.test(error.message));
  }
  // The same gate still concludes, replay memory included.
  const refused = gate.admit({}, '{}', 0);
  assert.equal(refused.verdict, 'signature_invalid');
  assert.equal(gate.screen('POST', 'application/json', 1e300).status, 413);
  assert.equal(gate.screen('POST', 'application/json', NaN), undefined);
  gate.free();
});

// The drifted capture and its overlay: every line gets the strict-mode verdict recorded by the
// core without and with the overlay (tests/expected/drift-verdicts.json), as in every host.
const driftVerdicts = JSON.parse(readFileSync(join(root, 'tests/expected/drift-verdicts.json'), 'utf8'));
const driftLines = readFileSync(join(root, driftVerdicts.capture)).toString().split('\n').filter((line) => line !== '');
const driftOverlay = JSON.parse(readFileSync(join(root, driftVerdicts.overlay), 'utf8'));
const overlayErrors = JSON.parse(readFileSync(join(root, 'tests/expected/overlay-errors.json'), 'utf8'));

test('overlay: the drifted capture gets its recorded strict verdicts without and with the overlay, from validate, normalize and Gate', () => {
  assert.equal(driftLines.length, driftVerdicts.lines.length);
  for (const [name, api] of [['esm', esm], ['cjs', cjs]]) {
    const strictGate = new api.Gate({ strict: true });
    const overlaidGate = new api.Gate({ strict: true, overlay: driftOverlay });
    for (const [index, line] of driftLines.entries()) {
      const { without_overlay: without, with_overlay: withOverlay } = driftVerdicts.lines[index];
      const where = `${name} line ${index + 1}`;
      assert.deepEqual(api.normalize(line, { strict: true }), expectedResult(without, { withNormalized: true }), where);
      assert.deepEqual(api.normalize(line, { strict: true, overlay: driftOverlay }), expectedResult(withOverlay, { withNormalized: true }), where);
      assert.deepEqual(api.validate(Buffer.from(line), { strict: true, overlay: driftOverlay }), expectedResult(withOverlay, { withNormalized: false }), where);
      assert.equal(strictGate.admit({}, line).passes, without.valid, where);
      const admitted = overlaidGate.admit({}, line);
      assert.equal(admitted.passes, withOverlay.valid, where);
      assert.deepEqual(admitted.result, expectedResult(withOverlay, { withNormalized: false }), where);
    }
    strictGate.free();
    overlaidGate.free();
  }
});

test('overlay: a refused overlay throws a TypeError naming the entry, from Gate and from validate', () => {
  for (const [fixturePath, expected] of Object.entries(overlayErrors)) {
    const overlay = JSON.parse(readFileSync(join(root, fixturePath), 'utf8'));
    if (typeof overlay !== 'object' || Array.isArray(overlay)) {
      // Not an object at all: refused by the options reader before the core sees it.
      assert.throws(() => new esm.Gate({ overlay }), TypeError, fixturePath);
      assert.throws(() => esm.validate('{}', { overlay }), { name: 'TypeError', message: /overlay must be an object/ });
      continue;
    }
    const message = `overlay: ${expected.error}`;
    assert.throws(() => new esm.Gate({ overlay }), (error) => error instanceof TypeError && error.message === `config: ${message}`, fixturePath);
    assert.throws(() => esm.validate('{}', { overlay }), (error) => error instanceof TypeError && error.message === `options: ${message}`, fixturePath);
  }
  // The overlay's keys are data: never camelCased, whatever they look like.
  const snake = { hookguard_overlay: 1, events: { 'book.verified': { fields: { '/book_name_2': { type: 'string' } } } } };
  const body = JSON.stringify({ ...JSON.parse(fixture('tests/fixtures/seeds/organization/book.verified.json')), book_name_2: 'x' });
  assert.equal(esm.validate(body, { strict: true, overlay: snake }).valid, true);
  assert.equal(new esm.Gate({ strict: true, overlay: snake }).admit({}, body).passes, true);
});
