// The gateway filter in a real Envoy, in front of a real upstream that records what reaches
// it. Every recorded fixture gets the verdict in tests/expected/verdicts.json (the same truth
// the core, the CLI and the ABI tests are held to); rejected requests never reach the upstream;
// accepted ones arrive byte-exact, or normalized.
import { test, before, after } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { vectorHeaders } from '../../../tests/fixtures/signatures/fields.mjs';
import {
  envoyConfig, gatewayWasm, get, send, sendHttp2WithTrailers, sendRaw, startEnvoy, startUpstream, validateConfig, vmHeap, vmMemory,
} from './harness.mjs';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const verdicts = JSON.parse(readFileSync(join(root, 'tests/expected/verdicts.json'), 'utf8'));
// The exact answers every host gives (the core's problem documents), held to byte for byte.
const answers = JSON.parse(readFileSync(join(root, 'tests/expected/answers.json'), 'utf8'));
const fixture = (path) => readFileSync(join(root, path));
const json = { 'content-type': 'application/json' };
const VERIFIED = fixture('tests/fixtures/seeds/organization/book.verified.json');
const INVALID = Buffer.from('{"event_name": "book.verified", "status": "BOOK_COMPLETE", "book_pk": "customer-secret-42", "book_uuid": "35ef4501-b93d-4ce2-b766-b670a057c0fb"}');
const MAX_BODY_BYTES = 1024 * 1024;
// The drifted capture, its overlay, and the verdicts every host gives each line in strict mode
// without and with the overlay (tests/expected/drift-verdicts.json, recorded by the core).
const driftVerdicts = JSON.parse(readFileSync(join(root, 'tests/expected/drift-verdicts.json'), 'utf8'));
const driftLines = readFileSync(join(root, driftVerdicts.capture)).toString().split('\n').filter((line) => line !== '');
const driftOverlay = JSON.parse(readFileSync(join(root, driftVerdicts.overlay), 'utf8'));
const overlayErrors = JSON.parse(readFileSync(join(root, 'tests/expected/overlay-errors.json'), 'utf8'));
const signatureVectors = JSON.parse(readFileSync(join(root, 'tests/fixtures/signatures/vectors.json'), 'utf8'));
const secret = (name) => signatureVectors.secrets[name];

let upstream;
let envoy;
let nextId = 0;

before(async () => {
  upstream = await startUpstream();
  envoy = await startEnvoy(envoyConfig({
    upstreamPort: upstream.port,
    listeners: {
      enforce: {
        max_bytes: MAX_BODY_BYTES,
        routes: [
          { path_prefix: '/monitor', mode: 'monitor' },
          { path_prefix: '/health', mode: 'off' },
          { path_prefix: '/books', allowed_events: ['book.verified'] },
        ],
      },
      normalize: { normalize: true },
      // Copies of a delivered id refused (the vectors' `replayed`); the default acknowledges
      // them (test/delivery.test.mjs).
      signed: { signature: { secrets: [secret('current')], on_replay: 'reject' } },
      rotating: { signature: { secrets: [secret('current'), secret('previous')] } },
      istio: { max_bytes: MAX_BODY_BYTES, hold_headers: false, signature: { secrets: [secret('current')], required: false } },
      istioHeld: {},
      strict: { strict: true },
      strictWithOverlay: { strict: true, overlay: driftOverlay },
      istioWithOverlay: { hold_headers: false, strict: true, overlay: driftOverlay },
    },
    istioShaped: ['istio', 'istioHeld', 'istioWithOverlay'],
  }));
});

after(async () => {
  await envoy?.stop();
  await upstream?.stop();
});

/** Sends a request tagged with a fresh test id; returns the response and what the upstream saw. */
async function deliver(listener, request) {
  const id = String(++nextId);
  const headers = { ...json, ...request.headers, 'x-test-id': id };
  const response = request.http2
    ? await sendHttp2WithTrailers(envoy.ports[listener], { ...request, headers })
    : await send(envoy.ports[listener], { ...request, headers });
  return { ...response, upstream: upstream.find(id) };
}

function problemOf(response) {
  assert.equal(response.headers?.['content-type'] ?? 'application/problem+json', 'application/problem+json');
  return JSON.parse(response.body.toString());
}

/** The event header the upstream should see for an accepted fixture. */
function expectedEventHeader(verdict) {
  if (verdict.delivery === 'test') return 'test-delivery';
  return verdict.event_name ?? verdict.source_event_name;
}

test('the module Envoy runs keeps the callbacks the filter answers and none of the SDK\'s gRPC or TCP ones', () => {
  // The build keeps exactly crates/hookguard-gateway/exports.json (wasm-metadce); every other
  // test here runs that module, so what was dropped is shown unneeded by Envoy itself.
  const kept = JSON.parse(readFileSync(join(root, 'crates/hookguard-gateway/exports.json'), 'utf8')).map((node) => node.export);
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(readFileSync(gatewayWasm))).map((entry) => entry.name);
  assert.deepEqual([...exports].sort(), [...kept].sort());
  assert.ok(!exports.some((name) => /grpc|downstream|upstream|connection/.test(name)), exports.join(' '));
});

test('every recorded fixture gets its verdict through Envoy, and only valid ones reach the upstream byte-exact', async () => {
  const paths = Object.keys(verdicts);
  assert.ok(paths.length > 100);
  for (const path of paths) {
    const expected = verdicts[path];
    const body = fixture(path);
    const response = await deliver('enforce', { body });
    if (expected.valid) {
      assert.equal(response.status, 200, `${path}: ${response.body}`);
      assert.ok(response.upstream, `${path} did not reach the upstream`);
      assert.deepEqual(response.upstream.body, body, `${path} changed on the way`);
      assert.equal(response.upstream.headers['x-hookguard-verdict'], 'valid', path);
      assert.equal(response.upstream.headers['x-hookguard-event'], expectedEventHeader(expected), path);
    } else {
      assert.equal(response.status, answers.bodies[path].status, `${path}: ${response.body}`);
      assert.equal(response.upstream, undefined, `${path} reached the upstream`);
      assert.equal(response.body.toString(), answers.bodies[path].problem, path);
      const problem = problemOf(response);
      assert.equal(problem.type, 'urn:hookguard:problem:invalid-delivery', path);
      assert.deepEqual(problem.errors, expected.errors, path);
      assert.equal(problem.errorsOmitted ?? 0, expected.omitted?.errors ?? 0, path);
    }
  }
});

test('with normalize on, valid deliveries reach the upstream as the recorded normalized bytes', async () => {
  for (const [path, expected] of Object.entries(verdicts)) {
    if (!expected.valid) continue;
    const response = await deliver('normalize', { body: fixture(path) });
    assert.equal(response.status, 200, path);
    const normalized = Buffer.from(JSON.stringify(expected.normalized));
    assert.deepEqual(response.upstream.body, normalized, path);
    assert.equal(response.upstream.headers['content-length'], String(normalized.length), path);
  }
});

test('the drifted capture gets its recorded strict-mode verdicts without and with the overlay, in Envoy and under Istio', async () => {
  assert.equal(driftLines.length, driftVerdicts.lines.length);
  let accepted = 0;
  for (const [index, line] of driftLines.entries()) {
    const body = Buffer.from(line);
    const recorded = driftVerdicts.lines[index];
    for (const [listener, expected] of [
      ['strict', recorded.without_overlay],
      ['strictWithOverlay', recorded.with_overlay],
      ['istioWithOverlay', recorded.with_overlay],
    ]) {
      const where = `line ${index + 1} via ${listener}`;
      const response = await deliver(listener, { body });
      if (expected.valid) {
        assert.equal(response.status, 200, `${where}: ${response.body}`);
        assert.deepEqual(response.upstream?.body, body, where);
        accepted += listener === 'strictWithOverlay' ? 1 : 0;
      } else {
        assert.ok(response.status >= 400 && response.status < 500, `${where}: ${response.status}`);
        assert.equal(response.upstream, undefined, `${where} reached the upstream`);
        assert.deepEqual(problemOf(response).errors, expected.errors, where);
      }
    }
  }
  assert.ok(accepted > 300, `${accepted} lines accepted with the overlay`);
});

test('a refused overlay stops Envoy from accepting the config, naming the entry', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookguard-overlay-'));
  for (const [fixture, expected] of Object.entries(overlayErrors)) {
    const path = join(dir, 'config.json');
    const overlay = JSON.parse(readFileSync(join(root, fixture), 'utf8'));
    writeFileSync(path, JSON.stringify(envoyConfig({
      upstreamPort: upstream.port,
      listeners: { refused: { strict: true, overlay } },
    })));
    const { code, output } = await validateConfig(path, root);
    assert.notEqual(code, 0, fixture);
    assert.ok(output.includes(`hookguard: configuration: overlay: ${expected.error}`), `${fixture}: ${output}`);
  }
});

test('problem bodies and logs never quote payload values', async () => {
  const response = await deliver('enforce', { body: INVALID });
  assert.equal(response.status, 400);
  assert.doesNotMatch(response.body.toString(), /customer-secret-42/);
  // Monitor mode logs what it lets through: locations and codes, not values.
  await deliver('enforce', { path: '/monitor/x', body: INVALID });
  assert.doesNotMatch(envoy.log(), /customer-secret-42/);
});

test('bodies over max_bytes get 413 whether announced or chunked; one just under passes', async () => {
  // Valid JSON padded with whitespace to exactly the limit, then one byte more.
  const padded = (size) => Buffer.concat([VERIFIED, Buffer.alloc(size - VERIFIED.length, ' ')]);
  const atLimit = await deliver('enforce', { body: padded(MAX_BODY_BYTES) });
  assert.equal(atLimit.status, 200);
  assert.equal(atLimit.upstream.body.length, MAX_BODY_BYTES);

  const over = padded(MAX_BODY_BYTES + 1);
  const announced = await deliver('enforce', { body: over });
  assert.equal(announced.status, 413);
  assert.equal(announced.body.toString(), answers.requests.too_large.problem);
  assert.equal(problemOf(announced).errors[0].code, 'body_too_large');
  assert.equal(announced.upstream, undefined);

  const chunks = [];
  for (let at = 0; at < over.length; at += 64 * 1024) chunks.push(over.subarray(at, at + 64 * 1024));
  const chunked = await deliver('enforce', { chunks });
  assert.equal(chunked.status, 413);
  assert.equal(chunked.upstream, undefined);
});

test('a non-JSON content type gets 415 and a GET gets 405, before any body is read', async () => {
  const form = await deliver('enforce', { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: VERIFIED });
  assert.equal(form.status, 415);
  assert.equal(form.body.toString(), answers.requests.unsupported_media_type.problem);
  assert.equal(problemOf(form).type, 'urn:hookguard:problem:unsupported-media-type');
  assert.equal(form.upstream, undefined);

  const getRequest = await deliver('enforce', { method: 'GET' });
  assert.equal(getRequest.status, 405);
  assert.equal(getRequest.body.toString(), answers.requests.method_not_allowed.problem);
  // The recorded header fields, as every host sends them (RFC 9110: a 405 carries Allow).
  for (const [name, value] of answers.requests.method_not_allowed.headers) assert.equal(getRequest.headers[name], value, name);
  assert.equal(getRequest.upstream, undefined);
});

test('chunked requests are checked like any other', async () => {
  const half = Math.floor(VERIFIED.length / 2);
  const valid = await deliver('enforce', { chunks: [VERIFIED.subarray(0, half), VERIFIED.subarray(half)] });
  assert.equal(valid.status, 200);
  assert.deepEqual(valid.upstream.body, VERIFIED);

  const invalid = await deliver('enforce', { chunks: [INVALID.subarray(0, 10), INVALID.subarray(10)] });
  assert.equal(invalid.status, 400);
  assert.equal(invalid.upstream, undefined);
});

test('HTTP/2 requests that end with trailers are checked before anything is forwarded', async () => {
  const invalid = await deliver('enforce', { http2: true, body: INVALID });
  assert.equal(invalid.status, 400);
  assert.equal(JSON.parse(invalid.body.toString()).errors[0].instanceLocation, '/book_pk');
  assert.equal(invalid.upstream, undefined);

  const valid = await deliver('enforce', { http2: true, body: VERIFIED });
  assert.equal(valid.status, 200);
  assert.deepEqual(valid.upstream.body, VERIFIED);
  assert.equal(valid.upstream.headers['x-hookguard-verdict'], 'valid');
});

test('under the filter block Istio generates, hold_headers: false still refuses before the upstream has a complete request', async () => {
  // Valid deliveries arrive whole; the verdict headers cannot be added (the headers left
  // first), but a sender's forged ones are still removed.
  const valid = await deliver('istio', { body: VERIFIED, headers: { 'x-hookguard-verdict': 'valid' } });
  assert.equal(valid.status, 200, valid.body.toString());
  assert.deepEqual(valid.upstream.body, VERIFIED);
  assert.equal(valid.upstream.headers['x-hookguard-verdict'], undefined);
  const chunked = await deliver('istio', { chunks: [VERIFIED.subarray(0, 9), VERIFIED.subarray(9)] });
  assert.equal(chunked.status, 200);
  assert.deepEqual(chunked.upstream.body, VERIFIED);

  // Refusals: the same problem document, byte for byte, as with the headers held; the
  // upstream may have seen the headers of these requests, never their whole body.
  const cases = [
    { body: INVALID },
    { chunks: [INVALID.subarray(0, 10), INVALID.subarray(10)] },
    { chunks: [Buffer.alloc(MAX_BODY_BYTES, ' '), Buffer.from(' ')] },
    { headers: { 'content-type': 'text/plain' }, body: VERIFIED },
    { method: 'GET' },
    { body: VERIFIED, headers: { 'webhook-signature': '0'.repeat(64), 'webhook-timestamp': '1', 'webhook-request-id': 'r' } },
  ];
  for (const request of cases) {
    const streamed = await deliver('istio', request);
    const held = await deliver(request.headers?.['webhook-signature'] ? 'signed' : 'enforce', request);
    assert.ok(streamed.status >= 400 && streamed.status < 500, `${streamed.status}`);
    assert.equal(streamed.status, held.status);
    assert.deepEqual(streamed.body, held.body);
    assert.equal(streamed.upstream, undefined, 'a refused delivery reached the upstream whole');
  }
  const verdicts = await envoy.stats();
  assert.ok(verdicts.get('wasmcustom.hookguard.verdict.invalid') > 0);

  // The control: under the same filter block with the headers held (the default, right for
  // envoy.yaml), the filter never gets the body, and the request hangs.
  await assert.rejects(
    send(envoy.ports.istioHeld, { body: VERIFIED, headers: json, timeoutMs: 2000 }),
    /no answer .* within 2000 ms/,
  );
});

test('monitor mode lets everything through with its verdict, and counts it', async () => {
  const before = await envoy.stats();
  const invalid = await deliver('enforce', { path: '/monitor/hooks', body: INVALID });
  assert.equal(invalid.status, 200);
  assert.deepEqual(invalid.upstream.body, INVALID);
  assert.equal(invalid.upstream.headers['x-hookguard-verdict'], 'invalid');
  const wrongType = await deliver('enforce', { path: '/monitor/hooks', headers: { 'content-type': 'text/plain' }, body: 'hello' });
  assert.equal(wrongType.status, 200);
  assert.equal(wrongType.upstream.headers['x-hookguard-verdict'], 'unsupported_media_type');
  const after = await envoy.stats();
  const moved = (name) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  assert.equal(moved('wasmcustom.hookguard.monitor.passed'), 2);
  assert.equal(moved('wasmcustom.hookguard.verdict.invalid'), 1);
});

test('monitor mode counts deliveries carrying undeclared fields per event and names each field once per VM', async () => {
  const drifted = Buffer.from(JSON.stringify({ ...JSON.parse(VERIFIED), book_name: 'customer-secret-name', new_flag: true }));
  const before = await envoy.stats();
  for (let round = 0; round < 6; round += 1) {
    const response = await deliver('enforce', { path: '/monitor/hooks', body: drifted });
    assert.equal(response.status, 200);
    assert.equal(response.upstream.headers['x-hookguard-verdict'], 'valid');
  }
  // A hostile body with 5,000 undeclared fields: counted, bounded in the log.
  const hostile = JSON.parse(VERIFIED);
  for (let field = 0; field < 5000; field += 1) hostile[`drift_${field}`] = field;
  assert.equal((await deliver('enforce', { path: '/monitor/hooks', body: Buffer.from(JSON.stringify(hostile)) })).status, 200);
  const after = await envoy.stats();
  const counter = 'wasmcustom.hookguard.event.book.verified.unknown_fields';
  assert.equal((after.get(counter) ?? 0) - (before.get(counter) ?? 0), 7);
  const log = envoy.log();
  // Once per VM (Envoy runs two workers here), never the values.
  const named = log.split('\n').filter((line) => line.includes('book.verified carries fields its schema does not declare: /book_name'));
  assert.ok(named.length >= 1 && named.length <= 2, named.join('\n'));
  assert.doesNotMatch(log, /customer-secret-name/);
  assert.ok(log.split('\n').filter((line) => line.includes('drift_')).length <= 2, 'the hostile body floods the log');
});

test('routes: an off route is not checked but cannot forge a verdict; an event filter refuses other events', async () => {
  const health = await deliver('enforce', { method: 'GET', path: '/health', headers: { 'x-hookguard-verdict': 'valid' } });
  assert.equal(health.status, 200);
  assert.equal(health.upstream.headers['x-hookguard-verdict'], undefined);

  const forged = await deliver('enforce', { body: VERIFIED, headers: { 'x-hookguard-event': 'book.classified' } });
  assert.equal(forged.upstream.headers['x-hookguard-event'], 'book.verified');

  const accepted = await deliver('enforce', { path: '/books', body: VERIFIED });
  assert.equal(accepted.status, 200);
  const other = fixture('tests/fixtures/seeds/organization/book.classified.json');
  const refused = await deliver('enforce', { path: '/books', body: other });
  assert.equal(refused.status, 400);
  const problem = problemOf(refused);
  assert.equal(problem.type, 'urn:hookguard:problem:event-not-allowed');
  assert.equal(problem.errors[0].instanceLocation, '/event_name');
  assert.equal(refused.upstream, undefined);
});

test('metrics per verdict and per event move in /stats', async () => {
  const before = await envoy.stats();
  await deliver('enforce', { body: VERIFIED });
  await deliver('enforce', { body: VERIFIED });
  await deliver('enforce', { body: INVALID });
  const after = await envoy.stats();
  const moved = (name) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  assert.equal(moved('wasmcustom.hookguard.verdict.valid'), 2);
  assert.equal(moved('wasmcustom.hookguard.event.book.verified.valid'), 2);
  assert.equal(moved('wasmcustom.hookguard.verdict.invalid'), 1);
  assert.equal(moved('wasmcustom.hookguard.event.book.verified.invalid'), 1);
  // Each VM (one per worker, plus the main thread's) reports its linear memory under its own
  // gauge; a few MiB is expected, not hundreds.
  const memory = vmMemory(after);
  assert.ok(memory.size >= 2, `gauges: ${[...memory.keys()]}`);
  for (const bytes of memory.values()) {
    assert.ok(bytes > 1024 * 1024 && bytes < 256 * 1024 * 1024, `vm memory ${bytes}`);
  }
  // And the bytes its code holds, a part of that memory (the configuration, the metric ids).
  const heap = vmHeap(after);
  assert.deepEqual([...heap.keys()].sort(), [...memory.keys()].sort());
  for (const [tag, bytes] of heap) {
    assert.ok(bytes > 0 && bytes < memory.get(tag), `vm ${tag}: heap ${bytes} of memory ${memory.get(tag)}`);
  }
});

test('a burst of hostile requests leaves every VM healthy: no 5xx during or after', async () => {
  const hostile = [
    Buffer.from('{"a":'.repeat(100_000)),
    Buffer.from('['.repeat(100_000) + ']'.repeat(100_000)),
    Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22]),
    Buffer.from(`{"event_name": "book.verified", "book_pk": 1${'0'.repeat(400)}}`),
    Buffer.from('{"event_name": "book.verified", "x": "\\ud800"}'),
    Buffer.from(`{${Array.from({ length: 5000 }, (_, i) => `"f${i}": ${i}`).join(',')}, "event_name": "book.verified"}`),
    Buffer.from('{"event_name": "bоok.verified"}'), // Cyrillic o
    Buffer.from('\ufeff{"event_name": "book.verified"}'),
    Buffer.alloc(0),
    Buffer.from('null'),
  ];
  const responses = await Promise.all(Array.from({ length: 200 }, (_, i) => (
    deliver('enforce', { body: hostile[i % hostile.length] })
  )));
  for (const response of responses) {
    assert.equal(response.status, 400, response.body.toString());
    assert.equal(response.upstream, undefined);
  }
  // Header bytes that are not UTF-8: a value passes through the filter untouched, a name is
  // refused by Envoy's codec before any filter runs. Neither may trap the VM.
  const rawRequest = (headerLine) => Buffer.concat([
    Buffer.from('POST /hooks HTTP/1.1\r\nHost: hookguard\r\nContent-Type: application/json\r\n'),
    headerLine,
    Buffer.from(`\r\nContent-Length: ${VERIFIED.length}\r\nConnection: close\r\n\r\n`),
    VERIFIED,
  ]);
  assert.equal(await sendRaw(envoy.ports.enforce, rawRequest(Buffer.from([0x58, 0x2d, 0x56, 0x3a, 0x20, 0xff, 0xfe, 0xc3]))), 200);
  assert.equal(await sendRaw(envoy.ports.enforce, rawRequest(Buffer.from([0x58, 0x2d, 0xc3, 0xa9, 0x3a, 0x20, 0x31]))), 400);
  // Every worker still answers normally.
  const after = await Promise.all(Array.from({ length: 20 }, () => deliver('enforce', { body: VERIFIED })));
  assert.deepEqual(after.map((response) => response.status), Array(20).fill(200));
  assert.doesNotMatch(envoy.log(), /panicked|wasm trap|Function: proxy_on_\w+ failed|VM failed/i);
});

test('the shared signature vectors, signed for Envoy\'s clock, get their verdicts; replays get 409', async () => {
  // Envoy reads its own clock, so the vectors are generated afresh for now, by the same script.
  const dir = mkdtempSync(join(tmpdir(), 'hookguard-vectors-'));
  const out = join(dir, 'vectors.json');
  // The time-window cases sit 30 s inside or outside the tolerance, not at its edge: Envoy's
  // clock moves on while the test runs (the exact edges are checked with a fixed clock in the
  // core, the JS package and the filter's native tests).
  execFileSync('python3', [join(root, 'tests/fixtures/signatures/generate.py'), '--now', String(Math.floor(Date.now() / 1000)), '--margin', '30', '--out', out]);
  const vectors = JSON.parse(readFileSync(out, 'utf8'));
  const before = await envoy.stats();
  for (const vector of vectors.cases) {
    const listener = vector.secrets.length === 2 ? 'rotating' : 'signed';
    const response = await deliver(listener, { headers: vectorHeaders(vector), body: Buffer.from(vector.body) });
    const expected = vector.expected.replayed ? 'signature_replayed' : vector.expected.code;
    if (expected === null) {
      const status = vector.name === 'signed-invalid-payload' ? 400 : 200;
      assert.equal(response.status, status, `${vector.name}: ${response.body}`);
      if (status === 200) {
        assert.equal(response.upstream.headers['x-hookguard-signature'], 'verified', vector.name);
        // The authenticated id goes on, for a receiver behind several gateways to dedupe on.
        assert.equal(response.upstream.headers['x-hookguard-request-id'], vector.headers['Webhook-Request-Id'], vector.name);
      }
    } else {
      assert.equal(response.status, expected === 'signature_replayed' ? 409 : 401, `${vector.name}: ${response.body}`);
      const problem = problemOf(response);
      assert.equal(problem.errors[0].code, expected, vector.name);
      assert.equal(response.upstream, undefined, vector.name);
      for (const value of Object.values(vectors.secrets)) assert.doesNotMatch(response.body.toString(), new RegExp(value));
    }
  }
  const after = await envoy.stats();
  const moved = (name) => (after.get(name) ?? 0) - (before.get(name) ?? 0);
  assert.equal(moved('wasmcustom.hookguard.signature.signature_replayed'), 1);
  assert.ok(moved('wasmcustom.hookguard.signature.signature_mismatch') >= 5);
  assert.equal(moved('wasmcustom.hookguard.signature.signature_stale'), 1);
  for (const value of Object.values(vectors.secrets)) assert.doesNotMatch(envoy.log(), new RegExp(value));
});

test('a refused plugin configuration stops Envoy from accepting the config', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'hookguard-config-'));
  const path = join(dir, 'bad.json');
  writeFileSync(path, JSON.stringify(envoyConfig({
    upstreamPort: upstream.port,
    listeners: { bad: { mode: 'enforcing' } },
  })));
  const { code, output } = await validateConfig(path, root);
  assert.notEqual(code, 0);
  assert.match(output, /hookguard: configuration: unknown variant `enforcing`/);
});

/** The shipped envoy.yaml's text on free ports instead of 10000/9901/8080, in front of our upstream. */
function onFreePorts(text) {
  return text
    .replace('port_value: 10000', 'port_value: 0')
    .replace('port_value: 9901', 'port_value: 0')
    .replace('port_value: 8080', `port_value: ${upstream.port}`)
    .replace('filename: target/hookguard-gateway.wasm', `filename: ${process.env.HOOKGUARD_GATEWAY_WASM}`);
}

test('the README\'s deploy step: scripts/gateway-config puts the overlay into envoy.yaml, and that Envoy accepts the drift in strict mode', async () => {
  const rendered = onFreePorts(execFileSync(join(root, 'scripts/gateway-config'), ['--overlay', join(root, driftVerdicts.overlay), '--strict'], { encoding: 'utf8' }));
  const dir = mkdtempSync(join(tmpdir(), 'hookguard-deployed-'));
  const path = join(dir, 'envoy.yaml');
  writeFileSync(path, rendered);
  const { code, output } = await validateConfig(path, root);
  assert.equal(code, 0, output);
  const deployed = await startEnvoy(path, { cwd: root, concurrency: 1 });
  try {
    // A line strict mode refuses without the overlay and accepts with it; and one that no
    // overlay accepts (a number sent as a string).
    const drifted = driftVerdicts.lines.findIndex((line) => !line.without_overlay.valid && line.with_overlay.valid);
    const stillRefused = driftVerdicts.lines.findIndex((line) => line.with_overlay.errors.some((error) => error.code === 'schema_violation'));
    assert.ok(drifted >= 0 && stillRefused >= 0);
    const accepted = await send(deployed.ports.webhooks, { headers: json, body: Buffer.from(driftLines[drifted]) });
    assert.equal(accepted.status, 200, accepted.body.toString());
    const refused = await send(deployed.ports.webhooks, { headers: json, body: Buffer.from(driftLines[stillRefused]) });
    assert.equal(refused.status, 400);
    const unknownField = Buffer.from(JSON.stringify({ ...JSON.parse(VERIFIED), not_in_the_overlay: 1 }));
    assert.equal((await send(deployed.ports.webhooks, { headers: json, body: unknownField })).status, 400, 'strict mode is on');
  } finally {
    await deployed.stop();
  }
});

test('the shipped envoy.yaml validates, and serves as its README says', async () => {
  const shipped = join(root, 'host-examples/envoy/envoy.yaml');
  const { code, output } = await validateConfig(shipped, root);
  assert.equal(code, 0, output);

  const text = onFreePorts(readFileSync(shipped, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'hookguard-shipped-'));
  const path = join(dir, 'envoy.yaml');
  writeFileSync(path, text);
  const shippedEnvoy = await startEnvoy(path, { cwd: root, concurrency: 1 });
  try {
    const port = shippedEnvoy.ports.webhooks;
    const valid = await send(port, { headers: json, body: VERIFIED });
    assert.equal(valid.status, 200);
    const invalid = await send(port, { headers: json, body: INVALID });
    assert.equal(invalid.status, 400);
    const health = await get(port, '/healthz');
    assert.equal(health.status, 200);
  } finally {
    await shippedEnvoy.stop();
  }
});
